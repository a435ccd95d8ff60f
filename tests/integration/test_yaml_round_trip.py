"""A plan exported as a plan file and loaded into an empty database is the same plan; a plan file
loads as another plan beside one that exists (init --seed --plan), never twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from models import (
    Action,
    ActionBoard,
    ActionPartner,
    Agency,
    AuditEvent,
    Board,
    DueDateRequest,
    Finding,
    FindingAction,
    Measure,
    MeasureAction,
    MeasureFinding,
    NeedsAssessment,
    Objective,
    Plan,
    RagDefinition,
    Theme,
    ViolenceDefinition,
)
from plan.cli import main as cli
from plan.db import session_scope
from plan.maintenance.yaml_export import export_yaml
from plan.plans import plan_frame

PLAN_FIELDS = ("slug", "name", "organisation", "vision", "protective_marking", "reporting_cycle", "start_date",
               "personal_data_policy", "update_deadline_days", "community_view", "plan_choices", "review_due_on")
ACTION_FIELDS = ("ref", "ref_sort", "title", "description", "source_text", "lead_owner", "start_date",
                 "baseline_due_date", "current_due_date", "restricted", "is_example", "plan_choices", "extra",
                 "retired_at", "retired_reason")
MEASURE_FIELDS = ("ref", "name", "description", "unit", "kind", "cumulative_since", "baseline", "baseline_period",
                  "target", "target_date", "target_type", "target_per", "target_text", "direction", "tolerance",
                  "frequency", "lag_days", "notes", "core_template", "switched_off_at")


def plan_content(slug: str) -> dict[str, Any]:
    """Every table's plan content, by names (never ids), so two databases can be compared."""
    with session_scope() as session:
        plan = session.exec(select(Plan).where(Plan.slug == slug)).one()
        themes = {t.id: t.name for t in session.exec(select(Theme).where(Theme.plan_id == plan.id)).all()}
        boards = {b.id: b.code for b in session.exec(select(Board).where(Board.plan_id == plan.id)).all()}
        agencies = {a.id: a.name for a in session.exec(select(Agency)).all()}
        objectives = {o.id: o.ref for o in session.exec(select(Objective).where(Objective.plan_id == plan.id)).all()}
        actions = session.exec(select(Action).where(Action.plan_id == plan.id)).all()
        refs = {a.id: a.ref for a in actions}
        measures = session.exec(select(Measure).where(Measure.plan_id == plan.id)).all()
        return {
            "plan": {f: getattr(plan, f) for f in PLAN_FIELDS},
            "themes": [(t.name, t.description, t.position) for t in session.exec(
                select(Theme).where(Theme.plan_id == plan.id).order_by(Theme.position)).all()],
            "rag_definitions": sorted((d.rag, d.label, d.meaning) for d in session.exec(
                select(RagDefinition).where(RagDefinition.plan_id == plan.id)).all()),
            "boards": sorted((b.code, b.name) for b in session.exec(select(Board).where(Board.plan_id == plan.id))),
            "agencies": sorted((a.name, a.kind, a.specified_authority) for a in session.exec(select(Agency)).all()),
            "objectives": sorted((o.ref, themes[o.theme_id], o.title) for o in session.exec(
                select(Objective).where(Objective.plan_id == plan.id)).all()),
            "actions": sorted(
                ({f: getattr(a, f) for f in ACTION_FIELDS}
                 | {"theme": themes[a.theme_id], "objective": objectives.get(a.objective_id),
                    "lead_agency": agencies.get(a.lead_agency_id),
                    "partners": sorted(agencies[p.agency_id] for p in session.exec(
                        select(ActionPartner).where(ActionPartner.action_id == a.id)).all()),
                    "boards": sorted(boards[b.board_id] for b in session.exec(
                        select(ActionBoard).where(ActionBoard.action_id == a.id)).all())}
                 for a in actions), key=lambda row: row["ref"]),
            "measures": sorted(
                ({f: getattr(m, f) for f in MEASURE_FIELDS}
                 | {"home": refs.get(m.action_id), "source_agency": agencies.get(m.source_agency_id),
                    "serves": sorted(refs[x.action_id] for x in session.exec(
                        select(MeasureAction).where(MeasureAction.measure_id == m.id)).all())}
                 for m in measures), key=lambda row: row["ref"]),
            "strategy": strategy_content(session, plan.id, refs),
        }


def strategy_content(session, plan_id: int, refs: dict) -> dict[str, Any]:  # noqa: ANN001
    """The Serious Violence Duty frame by names: definitions, assessment, findings and links."""
    findings = session.exec(select(Finding).where(Finding.plan_id == plan_id)).all()
    assessment = session.exec(select(NeedsAssessment).where(NeedsAssessment.plan_id == plan_id)).all()
    return {
        "definitions": [(d.version, d.text, d.agreed_on, d.note) for d in session.exec(
            select(ViolenceDefinition).where(ViolenceDefinition.plan_id == plan_id)
            .order_by(ViolenceDefinition.version)).all()],
        "assessment": [(a.title, a.assessed_on, a.link, a.author_agency_id is not None) for a in assessment],
        "findings": sorted((f.ref, f.title, f.evidence, f.quoted, f.source, f.theme, f.priority, f.retired_at,
                            f.retired_reason, sorted(refs[x.action_id] for x in session.exec(
                                select(FindingAction).where(FindingAction.finding_id == f.id)).all()),
                            sorted(session.exec(select(Measure.ref).join(
                                MeasureFinding, MeasureFinding.measure_id == Measure.id)
                                .where(MeasureFinding.finding_id == f.id)).all()))
                           for f in findings),
    }


@pytest.fixture
def second_database(request: pytest.FixtureRequest, database: str, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Points the process at another empty database on the same backend."""
    def make() -> str:
        if database.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / 'second.db'}"
            monkeypatch.setenv("PLAN_DATABASE_URL", url)
            return url
        return str(request.getfixturevalue("postgres_schemas")())
    return make


def test_export_then_init_into_an_empty_database_gives_the_same_plan(database: str, second_database,
                                                                     tmp_path: Path, capsys) -> None:
    assert cli(["init"]) == 0
    # Make the plan less plain than the seed: a moved due date, a spreadsheet's extra column, a
    # retired action (kept, with when and why).
    with session_scope() as session:
        action = session.exec(select(Action).where(Action.ref == "2.3")).one()
        action.current_due_date = date(2027, 2, 28)
        action.extra = json.dumps({"Budget": "£5,000", "Notes": "=SUM(A1)"}, ensure_ascii=False)
        session.add(action)
        retired = session.exec(select(Action).where(Action.ref == "2.5")).one()
        retired.retired_at = datetime(2027, 1, 15, 10, 30, tzinfo=UTC)
        retired.retired_reason = "Merged into 2.4: one public health approach."
        session.add(retired)
    # and the Serious Violence Duty frame: two versions of the definition, a retired finding, a
    # finding of high priority linked to a restricted action, the review date
    from plan import strategy
    from plan.identity import Actor

    secretariat = Actor.system("test")
    with session_scope() as session:
        plan_id = plan_frame(session).id
        strategy.record_definition(session, user=secretariat, plan_id=plan_id, agreed_on=date(2026, 7, 3),
                                   text="Public place violence, including knife crime, and exploitation.")
        strategy.record_definition(session, user=secretariat, plan_id=plan_id, agreed_on=date(2026, 9, 1),
                                   text="Public place violence, domestic abuse and exploitation.",
                                   note="Domestic abuse added by the group.")
        strategy.add_finding(session, user=secretariat, plan_id=plan_id,
                             fields={"ref": "F6", "title": "Exploitation of looked-after children", "priority": "high",
                                     "evidence": "Police and social care data, 2025/26."})
        strategy.set_finding_actions(session, user=secretariat, plan_id=plan_id, ref="F6", action_refs=["4.6", "3.1"])
        strategy.add_finding(session, user=secretariat, plan_id=plan_id, fields={"ref": "F7", "title": "Old one"})
        strategy.retire_finding(session, user=secretariat, plan_id=plan_id, ref="F7", reason="Not in the new SNA.")
        strategy.set_review_date(session, user=secretariat, plan_id=plan_id, day=date(2027, 6, 30))
        strategy.switch_core_measure(session, user=secretariat, plan_id=plan_id, key="homicide_all", on=True)
        strategy.switch_core_measure(session, user=secretariat, plan_id=plan_id, key="hospital_sharp_all", on=True,
                                     actions=["3.5"])
        strategy.switch_core_measure(session, user=secretariat, plan_id=plan_id, key="hospital_sharp_all", on=False)
        strategy.set_measure_findings(session, user=secretariat, plan_id=plan_id, measure_ref="SV-HOM-ALL",
                                      finding_refs=["F6", "F1"])
    before = plan_content("southend-vv")
    assert sorted(f[-1] for f in before["strategy"]["findings"] if f[-1]) == [["SV-HOM-ALL"], ["SV-HOM-ALL"]]
    assert len(before["strategy"]["findings"]) == 7 and len(before["strategy"]["definitions"]) == 2
    out = tmp_path / "plan.yaml"
    assert cli(["export", "yaml", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# OFFICIAL-SENSITIVE"
    assert "example: true" in text and "plan_choices:" in text
    with session_scope() as session:
        exported = session.exec(select(AuditEvent).where(AuditEvent.event == "export.plan_yaml")).one()
        assert exported.detail.startswith("OFFICIAL-SENSITIVE plan southend-vv")

    second_database()
    capsys.readouterr()
    assert cli(["init", "--seed", str(out)]) == 0
    assert "Loaded plan 'southend-vv'" in capsys.readouterr().out
    after = plan_content("southend-vv")
    moved = next(a for a in before["actions"] if a["ref"] == "2.3")
    assert moved["baseline_due_date"] != moved["current_due_date"] and "£5,000" in moved["extra"]
    assert next(a for a in after["actions"] if a["ref"] == "2.5")["retired_reason"].startswith("Merged")
    for part in before:
        assert after[part] == before[part], part
    with session_scope() as session:  # the moved date is the due date as at today too (the history has the move)
        from plan import reports
        from plan.identity import Actor

        loaded = session.exec(select(Action.id).where(Action.ref == "2.3")).one()
        rows, _ = reports.drill(session, user=Actor.system("test"), plan_id=1, limit=1000)
        assert {r["ref"]: r["due"] for r in rows}["2.3"] == date(2027, 2, 28)
        assert session.exec(select(DueDateRequest.requested_date).where(DueDateRequest.action_id == loaded)).all() \
            == [date(2027, 2, 28)]


def test_a_plan_file_loads_as_another_plan_and_never_twice(database: str, tmp_path: Path, capsys) -> None:
    assert cli(["init"]) == 0
    out = tmp_path / "plan.yaml"
    assert cli(["export", "yaml", "--out", str(out)]) == 0
    capsys.readouterr()
    # Without --plan, init stays idempotent: the first plan is there, nothing changes.
    assert cli(["init", "--seed", str(out)]) == 0
    assert "Nothing changed" in capsys.readouterr().out
    assert cli(["init", "--seed", str(out), "--plan", "southend-vv-copy"]) == 0
    assert "Loaded plan 'southend-vv-copy'" in capsys.readouterr().out
    copy = plan_content("southend-vv-copy")
    original = plan_content("southend-vv")
    assert copy["actions"] == original["actions"]
    assert len(copy["measures"]) == len(original["measures"])
    # The same short name again is refused, and nothing is duplicated.
    assert cli(["init", "--seed", str(out), "--plan", "southend-vv-copy"]) == 1
    assert "There is already a plan 'southend-vv-copy'" in capsys.readouterr().err
    assert cli(["init", "--seed", str(out), "--plan", "Bad Slug"]) == 1
    assert "lower-case letters" in capsys.readouterr().err
    with session_scope() as session:
        assert len(session.exec(select(Plan)).all()) == 2
        assert plan_frame(session, "southend-vv-copy").protective_marking == "OFFICIAL-SENSITIVE"


def test_the_plan_file_holds_restricted_actions_so_only_the_cleared_may_export_it(seeded, people) -> None:
    from plan.errors import NotAllowed
    from plan.identity import Actor
    from plan.vocab import Role

    uncleared = Actor(people["admin"].person_id, "Uncleared Admin", "u@example.org", Role.ADMIN,
                      cleared_for_restricted=False)
    with session_scope() as session, pytest.raises(NotAllowed, match="restricted"):
        export_yaml(session, user=uncleared, plan_id=seeded.id)
    with session_scope() as session, pytest.raises(NotAllowed):
        export_yaml(session, user=people["owner"], plan_id=seeded.id)


def test_refresh_from_the_command_line(database: str, tmp_path: Path, capsys) -> None:
    assert cli(["init"]) == 0
    assert cli(["init", "--seed", str(tmp_path / "missing.yaml"), "--plan", "other"]) == 1
    assert "Cannot read the plan file" in capsys.readouterr().err
    assert cli(["refresh", "--plan", "southend-vv", "--slug", "southend-vv-2027", "--name", "V&V 2027-28",
                "--start", "1 July 2027"]) == 1
    assert "write the date as YYYY-MM-DD" in capsys.readouterr().err
    assert cli(["refresh", "--plan", "southend-vv", "--slug", "southend-vv-2027", "--name", "V&V 2027-28",
                "--start", "2027-07-01"]) == 0
    assert "25 open actions carried forward, 0 finished ones left behind" in capsys.readouterr().out
    with session_scope() as session:
        assert plan_frame(session, "southend-vv-2027").name == "V&V 2027-28"
    out = tmp_path / "next.yaml"
    assert cli(["export", "yaml", "--plan", "southend-vv-2027", "--out", str(out)]) == 0
    assert "slug: southend-vv-2027" in out.read_text(encoding="utf-8")
    assert cli(["export", "yaml", "--out", str(tmp_path / "next.xlsx")]) == 1
    assert "name the file .yaml" in capsys.readouterr().err
