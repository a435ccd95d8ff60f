"""The Coverage page: the chair sees the gaps first, each finding with its actions, the authorities
with no action; the secretariat records a finding and links actions (once per click), and a
problem shows beside its field with nothing saved; other roles cannot open it."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from models import Finding
from plan import strategy
from plan.db import session_scope
from tests.ui.helpers import markdown_text, open_app, unescaped

PAGE = "pages/coverage.py"


def test_the_chair_sees_gaps_findings_and_authorities(seeded_sqlite, people_sqlite) -> None:
    with session_scope() as session:
        strategy.add_finding(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id,
                             fields={"ref": "F6", "title": "Robbery of *young* people"})
    at = open_app(PAGE, user=people_sqlite["chair"])
    subheaders = [s.value for s in at.subheader]
    assert "Gaps: 1 finding no action answers" in subheaders
    assert "F6** Robbery of *young* people" in unescaped(markdown_text(at))  # shown as typed, not as Markdown
    findings = at.dataframe[0].value
    assert list(findings["Ref"]) == ["F6", "F1", "F2", "F3", "F4", "F5"]  # the gap first
    assert findings.loc[findings["Ref"] == "F1", "Actions"].item() == "1.3 (Not yet assessed); 4.3 (Not yet assessed)"
    assert any("Fire and rescue authority" in w.value for w in at.warning)
    assert not at.tabs  # the chair has no secretariat forms


def test_the_secretariat_records_a_finding_and_links_two_actions(seeded_sqlite, people_sqlite) -> None:
    at = open_app(PAGE, user=people_sqlite["admin"])
    token = at.session_state["form_token_finding"]
    at.text_input(key=f"finding_{token}_ref").set_value("F6")
    at.text_input(key=f"finding_{token}_title").set_value("Robbery of young people")
    next(b for b in at.button if b.label == "Record the finding").click().run()
    assert not at.exception
    assert "Gaps: 1 finding no action answers" in [s.value for s in at.subheader]
    assert at.query_params["finding"] == ["F6"] or at.query_params["finding"] == "F6"
    link_token = at.session_state["form_token_link"]
    at.multiselect(key=f"link_F6_{link_token}_actions").set_value(["2.1", "2.2"])
    next(b for b in at.button if b.label == "Save the links").click().run()
    assert not at.exception
    assert "Gaps: 0 findings no action answers" in [s.value for s in at.subheader]
    assert any("answered by 2 actions" in s.value for s in at.success)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Finding)).one() == 6
        found = strategy.list_findings(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id)
        assert next(f for f in found if f["ref"] == "F6")["actions"] == ["2.1", "2.2"]


def test_a_finding_with_problems_is_not_saved_and_each_problem_shows(seeded_sqlite, people_sqlite) -> None:
    at = open_app(PAGE, user=people_sqlite["admin"])
    token = at.session_state["form_token_finding"]
    at.text_input(key=f"finding_{token}_ref").set_value("F1")
    next(b for b in at.button if b.label == "Record the finding").click().run()
    errors = [e.value for e in at.error]
    assert any("2 things to fix" in e for e in errors)
    assert any("already a finding F1" in e for e in errors) and any("short title" in e for e in errors)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Finding)).one() == 5


@pytest.mark.parametrize("role", ["owner", "viewer", "contributor"])
def test_other_roles_cannot_open_coverage(seeded_sqlite, people_sqlite, role) -> None:  # noqa: ANN001
    at = open_app(user=people_sqlite[role])
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()


def test_action_detail_shows_and_links_the_findings_it_answers(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["viewer"], action_ref="1.3")
    assert "F1** The local drug market is driving violence and exploitation (quoted from the source)" in unescaped(
        markdown_text(at))
    assert not any(b.label == "Save the findings" for b in at.button)  # readers read, never change
    at = open_app("pages/action_detail.py", user=people_sqlite["admin"], action_ref="2.1")
    assert any("answers no finding" in c.value for c in at.caption)
    token = at.session_state["form_token_findings_detail"]
    at.multiselect(key=f"findings_detail_2.1_{token}_refs").set_value(["F1", "F3"])
    next(b for b in at.button if b.label == "Save the findings").click().run()
    assert any("2.1 now answers 2 findings" in unescaped(s.value) for s in at.success)
    assert "F3** Violence and vulnerability in all routine enquiry" in unescaped(markdown_text(at))
    changes = next(d.value for d in at.dataframe if "Field" in d.value.columns)
    assert list(changes["Field"])[0] == "Needs-assessment findings it answers"
    assert list(changes["After"])[0] == "F1, F3"


def test_the_plan_editor_links_findings(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/edit_plan.py", user=people_sqlite["admin"], edit_ref="3.2")
    token = at.session_state["form_token_findings_editor"]
    at.multiselect(key=f"findings_editor_3.2_{token}_refs").set_value(["F2"])
    next(b for b in at.button if b.label == "Save the findings").click().run()
    assert not at.exception
    with session_scope() as session:
        assert [f["ref"] for f in strategy.findings_for_action(session, user=people_sqlite["admin"],
                                                               plan_id=seeded_sqlite.id, action_ref="3.2")] == ["F2"]


def test_the_secretariat_switches_core_measures_on(seeded_sqlite, people_sqlite) -> None:
    at = open_app(PAGE, user=people_sqlite["admin"])
    token = at.session_state["form_token_core"]
    at.checkbox(key=f"core_{token}_homicide_under25").check()
    at.checkbox(key=f"core_{token}_police_knife_all").check()
    next(b for b in at.button if b.label == "Save the core measures").click().run()
    assert any("2 core measures switched on or off" in s.value for s in at.success)
    with session_scope() as session:
        states = {m["ref"]: m["state"] for m in strategy.core_measures(session, plan_id=seeded_sqlite.id)}
    assert states["SV-HOM-U25"] == states["SV-KNIFE-ALL"] == "on" and states["SV-HOSP-ALL"] == "available"


def test_the_chair_prepares_the_annual_review(seeded_sqlite, people_sqlite) -> None:
    at = open_app(PAGE, user=people_sqlite["chair"])
    at.button(key="review_prepare").click().run()
    assert not at.exception and not at.error
    content, filename, _ = at.session_state["review_file"]
    assert filename.startswith("OFFICIAL-SENSITIVE annual review") and content[:2] == b"PK"
    assert at.query_params["year"] in (["2026"], "2026")


def test_the_secretariat_links_a_measure_to_findings_and_the_chair_sees_it_on_coverage(seeded_sqlite,
                                                                                      people_sqlite) -> None:
    at = open_app("pages/measures.py", user=people_sqlite["admin"], measure_ref="M3.1")
    assert "**Evidences the findings:** none yet" in unescaped(markdown_text(at))
    token = at.session_state["form_token_measure_findings"]
    at.multiselect(key=f"measure_findings_M3.1_{token}_refs").set_value(["F2"])
    next(b for b in at.button if b.label == "Save the measure's findings").click().run()
    assert any("M3.1 now evidences 1 finding" in unescaped(s.value) for s in at.success)
    assert "**Evidences the findings:** F2 " in unescaped(markdown_text(at))
    chair = open_app(PAGE, user=people_sqlite["chair"])
    findings = chair.dataframe[0].value
    shown = findings.loc[findings["Ref"] == "F2", "Measures that evidence it"].item()
    assert shown.startswith("M3.1 ") and findings.loc[findings["Ref"] == "F1", "Measures that evidence it"].item() \
        == "None linked"
    viewer = open_app("pages/measures.py", user=people_sqlite["chair"], measure_ref="M3.1")
    assert not any(b.label == "Save the measure's findings" for b in viewer.button)  # chairs read, never change
