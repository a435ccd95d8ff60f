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
