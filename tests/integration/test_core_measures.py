"""The Home Office core serious violence measures: switched on from their templates they are
ordinary measures of the plan (rolling 12 months, lower is better, the usual source's agency),
fed by data returns; switched off they keep their figures and are no longer asked for; on again
they come back as they were. Small numbers are suppressed when shown."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from models import AuditEvent, MeasureValue
from plan import measures, strategy
from plan.db import session_scope
from plan.errors import NotAllowed, NotFound
from plan.strategy.core_templates import shown


def test_six_templates_each_under_25_and_all_ages() -> None:
    refs = [t.ref for t in strategy.CORE_TEMPLATES]
    assert refs == ["SV-HOSP-U25", "SV-HOSP-ALL", "SV-KNIFE-U25", "SV-KNIFE-ALL", "SV-HOM-U25", "SV-HOM-ALL"]
    assert all("rolling 12 months" in t.name for t in strategy.CORE_TEMPLATES)


@pytest.mark.parametrize(("ref", "value", "expected"), [
    ("SV-HOSP-U25", 3, "<8"), ("SV-HOSP-U25", 7, "<8"), ("SV-HOSP-U25", 8, "8"), ("SV-HOSP-ALL", 0, "0"),
    ("SV-KNIFE-ALL", 4, "<5"), ("SV-KNIFE-ALL", 1234, "1,234"), ("SV-HOM-U25", None, None), ("M1.4", 3, None),
])
def test_small_numbers_are_suppressed_when_shown(ref: str, value: float | None, expected: str | None) -> None:
    assert shown(ref, value) == expected


def test_switch_on_feed_switch_off_and_on_again(seeded, people) -> None:
    admin = people["admin"]
    with session_scope() as session:
        with pytest.raises(NotAllowed):
            strategy.switch_core_measure(session, user=people["chair"], plan_id=seeded.id, key="homicide_all",
                                         on=True)
        with pytest.raises(NotFound):
            strategy.switch_core_measure(session, user=admin, plan_id=seeded.id, key="robbery", on=True)
        for template in strategy.CORE_TEMPLATES:
            strategy.switch_core_measure(session, user=admin, plan_id=seeded.id, key=template.key, on=True,
                                         actions=["4.3"] if template.key.startswith("police") else None)
    with session_scope() as session:
        knife = measures.get_measure(session, user=admin, plan_id=seeded.id, ref="SV-KNIFE-U25")
        assert (knife["kind"], knife["direction"], knife["frequency"]) == ("rolling_12", "lower", "quarterly")
        assert knife["source_agency"] == "Essex Police" and knife["actions"] == ["4.3"]
        hospital = measures.get_measure(session, user=admin, plan_id=seeded.id, ref="SV-HOSP-ALL")
        assert hospital["source_agency"] == "Mid and South Essex Integrated Care Board"
        assert "suppressed" in hospital["notes"]
        # figures arrive as data returns, through the same service as every measure
        measures.submit_value(session, user=admin, plan_id=seeded.id, measure_ref="SV-KNIFE-U25", period="2026-Q3",
                              value="41")
        measures.submit_value(session, user=admin, plan_id=seeded.id, measure_ref="SV-HOM-U25", period="2026-Q3",
                              value="<5")
    with session_scope() as session:
        states = {m["ref"]: (m["state"], m["figures"]) for m in strategy.core_measures(session, plan_id=seeded.id)}
        assert states["SV-KNIFE-U25"] == ("on", 1) and states["SV-HOM-U25"] == ("on", 1)
        strategy.switch_core_measure(session, user=admin, plan_id=seeded.id, key="police_knife_under25", on=False)
    with session_scope() as session:
        listed = [m["ref"] for m in measures.list_measures(session, user=admin, plan_id=seeded.id)]
        assert "SV-KNIFE-U25" not in listed and "SV-KNIFE-ALL" in listed
        owed = [m["ref"] for m in measures.owed_returns(session, user=admin, plan_id=seeded.id)]
        assert "SV-KNIFE-U25" not in owed and "SV-KNIFE-ALL" in owed
        assert session.exec(select(func.count()).select_from(MeasureValue)).one() >= 2  # figures kept
        strategy.switch_core_measure(session, user=admin, plan_id=seeded.id, key="police_knife_under25", on=True)
    with session_scope() as session:
        again = measures.get_measure(session, user=admin, plan_id=seeded.id, ref="SV-KNIFE-U25")
        assert [v["value"] for v in again["values"] if v["state"] == "value"] == [41.0]
        events = session.exec(select(AuditEvent.event).where(AuditEvent.entity_key == "SV-KNIFE-U25")).all()
        assert events.count("measure.core_on") == 2 and "measure.core_off" in events


def test_a_core_measure_is_linked_to_the_findings_it_evidences(seeded, people) -> None:
    from plan.errors import InvalidFields

    admin = people["admin"]
    with session_scope() as session:
        strategy.switch_core_measure(session, user=admin, plan_id=seeded.id, key="hospital_sharp_under25", on=True)
        with pytest.raises(NotAllowed):
            strategy.set_measure_findings(session, user=people["chair"], plan_id=seeded.id,
                                          measure_ref="SV-HOSP-U25", finding_refs=["F2"])
        with pytest.raises(InvalidFields) as refused:
            strategy.set_measure_findings(session, user=admin, plan_id=seeded.id, measure_ref="SV-HOSP-U25",
                                          finding_refs=["F2", "F99"])
        assert "F99 is not a finding of the plan" in refused.value.problems["findings"]
    with session_scope() as session:  # nothing was linked by the refused call
        assert strategy.findings_of_measure(session, plan_id=seeded.id, measure_ref="SV-HOSP-U25") == []
        done = strategy.set_measure_findings(session, user=admin, plan_id=seeded.id, measure_ref="SV-HOSP-U25",
                                             finding_refs=["F2", "F1"])
        assert done == {"added": ["F1", "F2"], "removed": []}
    with session_scope() as session:
        again = strategy.set_measure_findings(session, user=admin, plan_id=seeded.id, measure_ref="SV-HOSP-U25",
                                              finding_refs=["F2"])
        assert again == {"added": [], "removed": ["F1"]}
        found = strategy.coverage(session, user=people["chair"], plan_id=seeded.id)
        by_ref = {f["ref"]: f["measures"] for f in found["findings"]}
        assert by_ref["F2"] == [{"ref": "SV-HOSP-U25", "name": measures.get_measure(
            session, user=admin, plan_id=seeded.id, ref="SV-HOSP-U25")["name"]}]
        assert by_ref["F1"] == []
        events = session.exec(select(AuditEvent.before, AuditEvent.after)
                              .where(AuditEvent.event == "finding.measure_link").order_by(AuditEvent.id)).all()
        assert [(json.loads(b)["findings"], json.loads(a)["findings"]) for b, a in events] == [
            ([], ["F1", "F2"]), (["F1", "F2"], ["F2"])]
