"""Plan settings (themes, boards, RAG definitions, cycle and deadline, marking) and several plans
(from scratch, from a plan file, the yearly refresh), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from models import Action, ActionBoard, AuditEvent, Measure, MeasureAction, Plan, StatusUpdate, Theme
from plan.db import session_scope
from plan.errors import InvalidFields, InvalidInput, NotAllowed, SeedError
from plan.maintenance import plans as plan_service
from plan.maintenance import settings
from plan.plans import plan_frame, update_settings
from plan.provenance import action_provenance, plan_provenance
from plan.setup import SEED_FILE


def _events(code: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.event == code).order_by(AuditEvent.id)).all())


def test_themes_are_renamed_moved_added_and_removed_only_when_empty(seeded, admin) -> None:
    with session_scope() as session:
        settings.edit_theme(session, user=admin, plan_id=seeded.id, name="Prevent", new_name="Prevention")
        settings.add_theme(session, user=admin, plan_id=seeded.id, name="Partnership", description="Working together")
        order = settings.move_theme(session, user=admin, plan_id=seeded.id, name="Partnership", to_position=1)
    assert order == ["Partnership", "Prepare", "Prevention", "Protect", "Pursue"]
    with session_scope() as session:
        assert [n for n, _ in plan_frame(session, seeded.slug).themes] == order
        # the actions stay under the renamed theme
        theme = session.exec(select(Theme).where(Theme.plan_id == seeded.id, Theme.name == "Prevention")).one()
        assert len(session.exec(select(Action).where(Action.theme_id == theme.id)).all()) == 5
    renamed = _events("plan.theme")[0]
    assert json.loads(renamed.before) == {"name": "Prevent"} and json.loads(renamed.after) == {"name": "Prevention"}

    for bad, message in (("", "Give the theme a name"), ("prepare", "already a theme 'prepare'")):
        with session_scope() as session, pytest.raises(InvalidFields, match=message) as err:
            settings.add_theme(session, user=admin, plan_id=seeded.id, name=bad)
        assert "name" in err.value.problems
    with session_scope() as session, pytest.raises(InvalidFields, match="already a theme"):
        settings.edit_theme(session, user=admin, plan_id=seeded.id, name="Protect", new_name="Pursue")
    with session_scope() as session, pytest.raises(InvalidInput, match=r"'Pursue' has 6 action\(s\) and 2 objective"):
        settings.remove_theme(session, user=admin, plan_id=seeded.id, name="Pursue")
    with session_scope() as session:
        settings.remove_theme(session, user=admin, plan_id=seeded.id, name="Partnership")
    with session_scope() as session:
        assert [n for n, _ in plan_frame(session, seeded.slug).themes] == ["Prepare", "Prevention", "Protect", "Pursue"]


def test_boards_and_rag_definitions_change_with_their_history(seeded, admin) -> None:
    with session_scope() as session:
        settings.edit_board(session, user=admin, plan_id=seeded.id, code="LSCB", new_code="SCP",
                            new_name="Safeguarding Children Partnership")
        settings.add_board(session, user=admin, plan_id=seeded.id, code="ysp", name="Youth Safety Panel")
        settings.set_rag_definition(session, user=admin, plan_id=seeded.id, rag="amber", label="At risk",
                                    meaning="Slipping; the owner has a plan to recover.")
    with session_scope() as session:
        shown = settings.plan_settings(session, plan_id=seeded.id)
        assert {"code": "SCP", "name": "Safeguarding Children Partnership", "actions": 8} in shown.boards
        assert shown.boards[-1]["code"] == "YSP"
        assert ("amber", "At risk", "Slipping; the owner has a plan to recover.") in plan_frame(
            session, seeded.slug).rag_definitions
    board = _events("plan.board")[0]
    assert json.loads(board.before) == {"code": "LSCB", "name": "Local Safeguarding Children Board"}
    assert json.loads(_events("plan.rag_definition")[0].after)["label"] == "At risk"
    with session_scope() as session, pytest.raises(InvalidFields) as err:
        settings.add_board(session, user=admin, plan_id=seeded.id, code="CSP", name="")
    assert set(err.value.problems) == {"code", "name"}
    with session_scope() as session, pytest.raises(InvalidFields) as err:  # a code with a bad character: says which
        settings.add_board(session, user=admin, plan_id=seeded.id, code="bad code!!", name="Bad")
    assert err.value.problems["code"].startswith("Give the board a short code: up to 20 letters, digits, spaces")
    with session_scope() as session, pytest.raises(InvalidFields) as err:  # none given: asks for one
        settings.add_board(session, user=admin, plan_id=seeded.id, code="", name="Bad")
    assert err.value.problems["code"].startswith("Give the board a short code of up to 20")
    with session_scope() as session, pytest.raises(InvalidFields) as err:
        settings.set_rag_definition(session, user=admin, plan_id=seeded.id, rag="red", label="", meaning="")
    assert set(err.value.problems) == {"label", "meaning"}


def test_cycle_deadline_and_marking_are_checked_together_and_recorded(seeded, admin, people) -> None:
    with session_scope() as session, pytest.raises(InvalidFields) as err:
        settings.update_settings(session, user=admin, plan_id=seeded.id, protective_marking="",
                                 reporting_cycle="fortnightly", update_deadline_days="0")
    assert set(err.value.problems) == {"protective_marking", "reporting_cycle", "update_deadline_days"}
    with session_scope() as session:
        assert plan_frame(session, seeded.slug).protective_marking == "OFFICIAL-SENSITIVE"  # nothing half-written
        changed = settings.update_settings(session, user=admin, plan_id=seeded.id, protective_marking="official",
                                           reporting_cycle="monthly", update_deadline_days=21)
    assert changed == {"protective_marking": "OFFICIAL", "reporting_cycle": "monthly", "update_deadline_days": 21}
    with session_scope() as session:
        plan = session.get(Plan, seeded.id)
        assert settings.default_round_deadline(plan, date(2026, 12, 1)) == date(2026, 12, 22)
        update_settings(session, user=admin, plan_id=seeded.id, protective_marking="OFFICIAL-SENSITIVE")  # old callers
    recorded = _events("plan.settings")
    assert json.loads(recorded[0].before)["reporting_cycle"] == "quarterly"
    assert json.loads(recorded[1].after) == {"protective_marking": "OFFICIAL-SENSITIVE"}
    with session_scope() as session, pytest.raises(NotAllowed):
        settings.add_theme(session, user=people["chair"], plan_id=seeded.id, name="Chair's theme")


def test_the_seed_marks_what_the_plan_chose_and_the_example(seeded) -> None:
    with session_scope() as session:
        example = action_provenance(session, plan_id=seeded.id, ref="4.6")
        hwbb_issue = action_provenance(session, plan_id=seeded.id, ref="3.5")
        under_its_p = action_provenance(session, plan_id=seeded.id, ref="3.1")
        whole = plan_provenance(session, plan_id=seeded.id)
    assert example.is_example and "Title" in example.fields and "Restricted" in example.fields
    assert not hwbb_issue.is_example and hwbb_issue.fields[0] == "Theme" and "Lead agency" in hwbb_issue.fields
    assert "Theme" not in under_its_p.fields and "Objective" in under_its_p.fields
    assert {"Protective marking", "Reporting cycle", "RAG definitions", "Agencies", "Objectives"} <= set(whole.fields)


def test_a_plan_from_scratch_is_checked_field_by_field(seeded, admin) -> None:
    with session_scope() as session, pytest.raises(InvalidFields) as err:
        plan_service.create_plan(session, user=admin, slug=seeded.slug, name="", organisation="Essex",
                                 reporting_cycle="weekly", themes=["One", "one"])
    assert set(err.value.problems) == {"slug", "name", "reporting_cycle", "themes"}
    with session_scope() as session:
        plan_service.create_plan(session, user=admin, slug="essex-vv", name="Essex V&V plan", organisation="Essex",
                                 protective_marking="official", start_date=date(2027, 4, 1),
                                 themes=["Prepare", " Pursue "])
    with session_scope() as session:
        frame = plan_frame(session, "essex-vv")
        assert frame.protective_marking == "OFFICIAL"
        assert [n for n, _ in frame.themes] == ["Prepare", "Pursue"]
        assert len(frame.rag_definitions) == 5
    assert json.loads(_events("plan.create")[0].after)["themes"] == ["Prepare", "Pursue"]


def test_a_plan_file_is_checked_before_it_loads_and_never_loads_twice(seeded, admin) -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    with session_scope() as session, pytest.raises(InvalidInput, match="already a plan 'southend-vv'"):
        plan_service.check_plan_file(session, text=text, source="seed_actions.yaml")
    broken = text.replace("    plan_choices: [theme, objective, owner, lead_agency, partners, start_date, due_date]",
                          "    plan_choices: [theme, colour]", 1)
    where = r"line \d+: action 1.1.plan_choices: 'colour'"
    with session_scope() as session, pytest.raises(SeedError, match=where):
        plan_service.check_plan_file(session, text=broken, source="upload.yaml", slug="other")
    with session_scope() as session:
        _, summary = plan_service.check_plan_file(session, text=text, source="upload.yaml", slug="thurrock-vv")
        assert (summary.slug, summary.actions, summary.measures) == ("thurrock-vv", 25, 15)
        assert session.exec(select(Plan).where(Plan.slug == "thurrock-vv")).first() is None  # a dry run
        plan_service.load_plan_file(session, user=admin, text=text, source="upload.yaml", slug="thurrock-vv")
    with session_scope() as session:
        assert plan_frame(session, "thurrock-vv").name == plan_frame(session, "southend-vv").name


def test_the_yearly_refresh_carries_open_actions_forward_and_leaves_history(seeded, admin) -> None:
    with session_scope() as session:
        for ref, status in (("1.4", "complete"), ("1.8", "closed")):
            action = session.exec(select(Action).where(Action.plan_id == seeded.id, Action.ref == ref)).one()
            action.delivery_status = status
            session.add(action)
            session.add(StatusUpdate(action_id=action.id, rag="blue", delivery_status=status, commentary="Done"))
        history = len(session.exec(select(StatusUpdate)).all())
    with session_scope() as session, pytest.raises(InvalidFields) as err:
        plan_service.refresh_plan(session, user=admin, plan_id=seeded.id, new_slug=seeded.slug,
                                  new_name=seeded.name, start_date=date(2027, 7, 1))
    assert set(err.value.problems) == {"slug", "name"}
    with session_scope() as session:
        done = plan_service.refresh_plan(session, user=admin, plan_id=seeded.id, new_slug="southend-vv-2027",
                                         new_name="V&V Local Action Plan 2027-28", start_date=date(2027, 7, 1))
    assert len(done.carried) == 23 and done.left_behind == ["1.4", "1.8"]
    with session_scope() as session:
        new = session.get(Plan, done.plan_id)
        assert new.refreshed_from_id == seeded.id and new.start_date == date(2027, 7, 1)
        frame = plan_frame(session, "southend-vv-2027")
        assert frame.themes == seeded.themes and frame.rag_definitions == seeded.rag_definitions
        old_35 = session.exec(select(Action).where(Action.plan_id == seeded.id, Action.ref == "3.5")).one()
        new_35 = session.exec(select(Action).where(Action.plan_id == done.plan_id, Action.ref == "3.5")).one()
        assert new_35.carried_from_id == old_35.id
        assert (new_35.current_due_date, new_35.lead_owner, new_35.restricted) == (
            old_35.current_due_date, old_35.lead_owner, old_35.restricted)
        assert len(session.exec(select(ActionBoard).where(ActionBoard.action_id == new_35.id)).all()) == 2
        # its measure (M3.5) came with it, linked; M1.4's action was finished, so it stayed behind
        measures = {m.ref for m in session.exec(select(Measure).where(Measure.plan_id == done.plan_id)).all()}
        assert "M3.5" in measures and "M1.4" not in measures and "M1.8" not in measures
        assert session.exec(select(MeasureAction).where(MeasureAction.action_id == new_35.id)).first() is not None
        # last year's plan and its history are untouched
        assert len(session.exec(select(Action).where(Action.plan_id == seeded.id)).all()) == 25
        assert len(session.exec(select(StatusUpdate)).all()) == history
    assert "4.6" in done.carried
    carried = json.loads(_events("plan.refresh")[0].after)
    assert carried["from"] == "southend-vv" and carried["left_behind"] == ["1.4", "1.8"]
