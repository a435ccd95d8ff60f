"""The Serious Violence Duty frame: the seed's HWBB key issues as quoted findings, the definition's
versions kept, findings edited with history, links (one action, one finding, or in bulk for the
import) checked before anything is written, specified authorities, the yearly refresh."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from models import Action, AuditEvent, Finding, FindingAction, ViolenceDefinition
from plan import strategy
from plan.db import session_scope
from plan.errors import InvalidFields, NotAllowed, StaleVersion
from plan.identity import Actor
from plan.maintenance.plans import refresh_plan
from plan.vocab import Role

SOURCE = Path("/work/shared/seeds/000_e489fb4caec57c0f.txt")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_seed_plans_hwbb_key_issues_are_findings_quoting_the_source(seeded, admin) -> None:
    with session_scope() as session:
        findings = strategy.list_findings(session, user=admin, plan_id=seeded.id)
    assert [f["ref"] for f in findings] == ["F1", "F2", "F3", "F4", "F5"]
    assert all(f["quoted"] and f["source"].startswith("Key Issues for HWBB") for f in findings)
    assert {f["ref"]: f["actions"] for f in findings} == {"F1": ["1.3", "4.3"], "F2": ["2.5", "3.5"],
                                                         "F3": ["1.2", "3.4"], "F4": ["1.7"], "F5": ["1.8"]}
    if SOURCE.exists():  # each quotation is the source's own words
        source = _words(SOURCE.read_text(encoding="utf-8").replace("/\n", "/ "))
        for f in findings:
            assert _words(f["evidence"]) in source, f["ref"]


def test_the_definition_is_versioned_and_dated_never_overwritten(seeded, people) -> None:
    admin = people["admin"]
    with session_scope() as session:
        strategy.record_definition(session, user=admin, plan_id=seeded.id, text="Knife crime in public places.",
                                   agreed_on="03/07/2026")
    with session_scope() as session:
        with pytest.raises(InvalidFields) as err:
            strategy.record_definition(session, user=admin, plan_id=seeded.id, text="", agreed_on="2026-06-01")
        assert set(err.value.problems) == {"text", "agreed_on"}  # empty, and before version 1
        strategy.record_definition(session, user=admin, plan_id=seeded.id, agreed_on=date(2026, 9, 1),
                                   text="Knife crime, domestic abuse and exploitation.", note="Widened.")
        with pytest.raises(NotAllowed):
            strategy.record_definition(session, user=people["chair"], plan_id=seeded.id, text="x",
                                       agreed_on=date(2026, 9, 2))
    with session_scope() as session:
        versions = strategy.definitions(session, plan_id=seeded.id)
        assert [(v["version"], v["agreed_on"]) for v in versions] == [(2, date(2026, 9, 1)), (1, date(2026, 7, 3))]
        assert versions[1]["text"] == "Knife crime in public places."  # the first wording kept
        assert session.exec(select(func.count()).select_from(ViolenceDefinition)).one() == 2
        assert session.exec(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.event == "strategy.definition")).one() == 2


def test_findings_are_added_edited_and_retired_with_history(seeded, people) -> None:
    admin = people["admin"]
    with session_scope() as session:
        with pytest.raises(InvalidFields) as err:
            strategy.add_finding(session, user=admin, plan_id=seeded.id,
                                 fields={"ref": "F1", "title": "", "priority": "urgent"})
        assert set(err.value.problems) == {"ref", "title", "priority"}
        with pytest.raises(NotAllowed):
            strategy.add_finding(session, user=people["owner"], plan_id=seeded.id, fields={"ref": "F9", "title": "t"})
        made = strategy.add_finding(session, user=admin, plan_id=seeded.id,
                                    fields={"ref": "F6", "title": "Robbery of young people", "theme": "Robbery",
                                            "evidence": "=1+1 police data", "priority": "high"})
    assert made["actions"] == [] and made["evidence"] == "=1+1 police data"
    with session_scope() as session:
        with pytest.raises(StaleVersion):
            strategy.edit_finding(session, user=admin, plan_id=seeded.id, ref="F6", changes={"priority": "low"},
                                  expected_version=made["version"] + 1)
        edited = strategy.edit_finding(session, user=admin, plan_id=seeded.id, ref="F6",
                                       changes={"priority": "low"}, expected_version=made["version"])
        assert edited["priority"] == "low"
        strategy.set_finding_actions(session, user=admin, plan_id=seeded.id, ref="F6", action_refs="2.1, 2.2")
        strategy.retire_finding(session, user=admin, plan_id=seeded.id, ref="F6", reason="Merged into F1.")
    with session_scope() as session:
        assert "F6" not in [f["ref"] for f in strategy.list_findings(session, user=admin, plan_id=seeded.id)]
        kept = strategy.list_findings(session, user=admin, plan_id=seeded.id, include_retired=True)
        assert next(f for f in kept if f["ref"] == "F6")["actions"] == ["2.1", "2.2"]  # its links stay
        change = session.exec(select(AuditEvent).where(AuditEvent.event == "finding.edit")).one()
        assert '"priority": "high"' in change.before and '"priority": "low"' in change.after
        # linking 2.1 to F1 keeps its link to the retired F6
        strategy.set_action_findings(session, user=admin, plan_id=seeded.id, action_ref="2.1", finding_refs=["F1"])
        assert session.exec(select(func.count()).select_from(FindingAction).join(Action)
                            .where(Action.ref == "2.1")).one() == 2


def test_link_findings_for_the_import_checks_everything_first(seeded, people) -> None:
    admin = people["admin"]
    with session_scope() as session:
        before = session.exec(select(func.count()).select_from(FindingAction)).one()
        with pytest.raises(InvalidFields) as err:
            strategy.link_findings(session, admin, seeded.id, {"2.1": ["F1"], "9.9": ["F1"], "2.2": "F1, F99"})
        assert set(err.value.problems) == {"9.9", "2.2"}
        assert "F99 is not a finding of the plan" in err.value.problems["2.2"]
        with pytest.raises(NotAllowed):
            strategy.link_findings(session, people["chair"], seeded.id, {"2.1": ["F1"]})
        uncleared = Actor(None, "New secretariat", "", Role.ADMIN, cleared_for_restricted=False)
        with pytest.raises(InvalidFields) as err:  # 4.6 is restricted
            strategy.link_findings(session, uncleared, seeded.id, {"4.6": ["F1"]})
        assert "restricted" in err.value.problems["4.6"]
    with session_scope() as session:
        dry = strategy.link_findings(session, admin, seeded.id, {"2.1": "F1; F2", "1.3": []}, dry_run=True)
        assert dry["changes"] == {"2.1": {"added": ["F1", "F2"], "removed": []},
                                  "1.3": {"added": [], "removed": ["F1"]}}
        assert session.exec(select(func.count()).select_from(FindingAction)).one() == before
        done = strategy.link_findings(session, admin, seeded.id, {"2.1": "F1; F2", "1.3": [], "1.7": ["F4"]})
    assert (done["added"], done["removed"], done["changed"]) == (2, 1, 2)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(FindingAction)).one() == before + 1
        events = session.exec(select(AuditEvent.event, AuditEvent.entity_key)
                              .where(AuditEvent.event.in_(["finding.link", "finding.unlink"]))).all()
        assert sorted(events) == [("finding.link", "2.1"), ("finding.unlink", "1.3")]
        assert [f["ref"] for f in strategy.findings_for_action(session, user=admin, plan_id=seeded.id,
                                                               action_ref="2.1")] == ["F1", "F2"]


def test_specified_authorities_and_the_seed(seeded, admin) -> None:
    with session_scope() as session:
        result = strategy.set_specified_authority(session, user=admin, agency="Thurrock Council",
                                                  authority="Youth offending team")
        assert result == {"agency": "Thurrock Council", "specified_authority": "youth_offending_team", "changed": True}
        with pytest.raises(Exception, match="not a specified authority"):
            strategy.set_specified_authority(session, user=admin, agency="Thurrock Council", authority="army")


def test_the_yearly_refresh_carries_the_findings_forward(seeded, admin) -> None:
    with session_scope() as session:
        strategy.record_definition(session, user=admin, plan_id=seeded.id, text="Serious violence here means ...",
                                   agreed_on=date(2026, 7, 3))
        session.exec(select(Action).where(Action.ref == "1.7")).one().delivery_status = "complete"
        strategy.set_measure_findings(session, user=admin, plan_id=seeded.id, measure_ref="M3.1", finding_refs=["F1"])
    with session_scope() as session:
        made = refresh_plan(session, user=admin, plan_id=seeded.id, new_slug="southend-vv-2027",
                            new_name="V&V plan 2027/28", start_date=date(2027, 7, 1))
    assert made.findings == 5
    with session_scope() as session:
        carried = strategy.list_findings(session, user=admin, plan_id=made.plan_id)
        assert {f["ref"]: f["actions"] for f in carried}["F4"] == []  # 1.7 was finished: left behind
        assert {f["ref"]: f["actions"] for f in carried}["F1"] == ["1.3", "4.3"]
        assert strategy.definitions(session, plan_id=made.plan_id)[0]["text"] == "Serious violence here means ..."
        assert strategy.findings_of_measure(session, plan_id=made.plan_id, measure_ref="M3.1") == ["F1"]
        assert session.exec(select(func.count()).select_from(Finding).where(Finding.plan_id == seeded.id)).one() == 5
    with session_scope() as session:
        other = refresh_plan(session, user=admin, plan_id=seeded.id, new_slug="southend-vv-b", new_name="B",
                             start_date=date(2027, 7, 1), carry_findings=False)
        assert other.findings == 0
