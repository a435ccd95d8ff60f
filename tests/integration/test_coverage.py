"""Coverage: the numbers the chair sees equal a plain recount of the rows (every finding's
actions and their RAG, the gaps, the actions answering no finding, each specified authority's
actions), with retired actions and findings left out; and the CLI's JSON says the same."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from models import Action, ActionPartner, Agency, Finding, FindingAction
from plan import strategy
from plan.cli import main as cli
from plan.db import session_scope
from plan.demo import add_demo
from plan.errors import NotAllowed


def _recount(plan_id: int) -> dict:
    """The same facts counted the plain way: every row read, counted in Python."""
    with session_scope() as session:
        actions = {a.id: a for a in session.exec(select(Action).where(Action.plan_id == plan_id)).all()
                   if a.retired_at is None}
        findings = {f.id: f for f in session.exec(select(Finding).where(Finding.plan_id == plan_id)).all()
                    if f.retired_at is None}
        by_finding: dict[str, list[str]] = {f.ref: [] for f in findings.values()}
        rags: dict[str, Counter] = {f.ref: Counter() for f in findings.values()}
        answering = set()
        for link in session.exec(select(FindingAction)).all():
            if link.finding_id in findings and link.action_id in actions:
                action = actions[link.action_id]
                ref = findings[link.finding_id].ref
                by_finding[ref].append(action.ref)
                rags[ref][action.rag if action.last_update_at else "not_assessed"] += 1
                answering.add(action.id)
        authority = {a.id: a.specified_authority for a in session.exec(select(Agency)).all()}
        per_authority: dict[str, set[int]] = defaultdict(set)
        for a in actions.values():
            if authority.get(a.lead_agency_id):
                per_authority[authority[a.lead_agency_id]].add(a.id)
        for p in session.exec(select(ActionPartner)).all():
            if p.action_id in actions and authority.get(p.agency_id):
                per_authority[authority[p.agency_id]].add(p.action_id)
        return {"by_finding": {k: sorted(v) for k, v in by_finding.items()}, "rags": rags,
                "gaps": sorted(k for k, v in by_finding.items() if not v),
                "unanswered": sorted(a.ref for a in actions.values() if a.id not in answering),
                "authorities": {code: len(ids) for code, ids in per_authority.items()}}


@pytest.fixture
def busy_plan(seeded, admin):  # noqa: ANN001, ANN201
    """The seed plan with 120 demo actions (with history), findings linked at random, one linked
    action retired, one finding retired, a finding no action answers, Thurrock a youth offending team."""
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=120)
    rng = random.Random(42)
    with session_scope() as session:
        for ref, title in (("F6", "Robbery"), ("F7", "Night-time economy"), ("F8", "Nobody answers this")):
            strategy.add_finding(session, user=admin, plan_id=seeded.id, fields={"ref": ref, "title": title})
        refs = list(session.exec(select(Action.ref).where(Action.plan_id == seeded.id, Action.is_demo.is_(True))).all())
        links = {ref: rng.sample(["F1", "F2", "F6", "F7"], rng.randint(0, 2)) for ref in rng.sample(refs, 60)}
        strategy.link_findings(session, admin, seeded.id, links)
        strategy.retire_finding(session, user=admin, plan_id=seeded.id, ref="F7", reason="Not in the new SNA.")
        session.exec(select(Action).where(Action.ref == "1.7")).one().retired_at = datetime.now(UTC)
        strategy.set_specified_authority(session, user=admin, agency="Thurrock Council",
                                         authority="youth_offending_team")
    return seeded


def test_coverage_equals_a_plain_recount(busy_plan, people) -> None:
    with session_scope() as session:
        result = strategy.coverage(session, user=people["chair"], plan_id=busy_plan.id)
    expected = _recount(busy_plan.id)
    assert {f["ref"]: sorted(a["ref"] for a in f["actions"]) for f in result["findings"]} == expected["by_finding"]
    assert {f["ref"]: f["count"] for f in result["findings"]} == {k: len(v) for k, v in expected["by_finding"].items()}
    for f in result["findings"]:
        assert {k: v for k, v in f["rag"].items() if v} == dict(expected["rags"][f["ref"]]), f["ref"]
    assert sorted(result["gaps"]) == expected["gaps"] and "F4" in result["gaps"] and "F8" in result["gaps"]
    assert "F7" not in [f["ref"] for f in result["findings"]]  # retired
    assert [f["ref"] for f in result["findings"][:len(result["gaps"])]] == result["gaps"]  # the gaps come first
    assert sorted(a["ref"] for a in result["unanswered"]) == expected["unanswered"]
    assert result["totals"]["unanswered"] == len(expected["unanswered"])
    assert result["totals"]["covered"] + result["totals"]["gaps"] == result["totals"]["findings"] == 7
    by_code = {a["code"]: a["actions"] for a in result["authorities"]}
    assert {c: n for c, n in by_code.items() if n} == expected["authorities"]
    assert sorted(result["authorities_without_action"]) == sorted(
        c for c in strategy.SPECIFIED_AUTHORITIES if c not in expected["authorities"])
    assert {"fire_and_rescue", "probation"} <= set(result["authorities_without_action"])
    # a restricted action is named by ref only for a chair not cleared
    assert all(a["title"] == "Restricted" for a in result["unanswered"] if a["ref"] == "4.6")
    with session_scope() as session, pytest.raises(NotAllowed):
        strategy.coverage(session, user=people["owner"], plan_id=busy_plan.id)


def test_report_coverage_json(busy_plan, capsys) -> None:
    capsys.readouterr()
    assert cli(["report", "coverage", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = _recount(busy_plan.id)
    assert {f["ref"]: sorted(f["actions"]) for f in printed["findings"]} == expected["by_finding"]
    assert sorted(printed["uncovered"]) == expected["gaps"]
    assert sorted(printed["actions_answering_no_finding"]) == expected["unanswered"]
    assert "fire_and_rescue" in printed["authorities_without_action"]
    assert cli(["report", "coverage"]) == 0
    assert "NO ACTION (a gap)" in capsys.readouterr().out
