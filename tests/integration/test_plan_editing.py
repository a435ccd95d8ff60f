"""The secretariat edits the plan in the app, on SQLite and PostgreSQL: add (mid-year refs), edit,
move, close and retire actions, add and change objectives; every refusal; the audit's before and
after on the action's history; and a retired action that leaves today's plan but stays in the past
(the plan as at an earlier date, a past meeting's record, a board paper as at a past date)."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import models
from plan import meetings, reports
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE, ActionFilter, action_detail, list_actions, rag_counts
from plan.db import session_scope
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound, StaleVersion
from plan.exports.paper import board_paper
from plan.maintenance import actions as editing
from plan.updates import record_update

TODAY = date.today()
NEW = {"ref": "2.4a", "title": "Mid-year: a parents' evening on exploitation", "theme": "Prevent",
       "objective": "2A", "lead_owner": "V&V Coordinator", "lead_agency": "Essex Police",
       "partners": ["Southend-on-Sea Borough Council"], "boards": ["CSP"], "start_date": "01/01/2027",
       "baseline_due_date": "2027-06-30", "description": "Three evenings, one per locality.",
       "source_text": "Added at the March meeting."}


def _events(ref: str, event: str) -> list[models.AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(models.AuditEvent).where(models.AuditEvent.entity_key == ref,
                                                                 models.AuditEvent.event == event)
                                 .order_by(models.AuditEvent.id)).scalars().all())


def test_a_mid_year_action_takes_the_next_free_ref_and_every_field(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        assert editing.next_free_ref(session, plan_id=p, after="2.4") == "2.4a"
        ref = editing.add_action(session, user=admin, plan_id=p, values=NEW)
        assert editing.next_free_ref(session, plan_id=p, after="2.4") == "2.4b"
        assert editing.next_free_ref(session, plan_id=p, after="2.4a") == "2.4b"
    assert ref == "2.4a"
    with session_scope() as session:
        values = editing.action_values(session, user=admin, plan_id=p, ref="2.4a")
        rows, _ = list_actions(session, user=admin, plan_id=p, filters=ActionFilter(themes=["Prevent"]))
    assert values["start_date"] == date(2027, 1, 1) and values["current_due_date"] == date(2027, 6, 30)
    assert values["baseline_due_date"] == date(2027, 6, 30)
    assert (values["objective"], values["lead_agency"], values["partners"], values["boards"]) == (
        "2A", "Essex Police", ["Southend-on-Sea Borough Council"], ["CSP"])
    refs = [r["ref"] for r in rows]
    assert refs.index("2.4a") == refs.index("2.4") + 1  # numbered where it belongs (ref_sort)
    created = _events("2.4a", "action.create")
    assert len(created) == 1 and json.loads(created[0].after)["title"] == NEW["title"]


@pytest.mark.parametrize(("values", "field", "words"), [
    ({**NEW, "ref": "2.4"}, "ref", "already used in this plan .* the next free one after it is 2.4a"),
    ({**NEW, "ref": "2.4 a!"}, "ref", "use letters, digits, dots or hyphens"),
    ({**NEW, "theme": "Persuade"}, "theme", "'Persuade' is not one of the plan's themes"),
    ({**NEW, "objective": "3A"}, "objective", "sits under Protect"),
    ({**NEW, "lead_agency": "Acme Ltd"}, "lead_agency", "not in the agencies list"),
    ({**NEW, "boards": ["XYZ"]}, "boards", "not one of the plan's boards"),
    ({**NEW, "start_date": "31/02/2027"}, "start_date", "not a real date"),
    ({**NEW, "baseline_due_date": "someday"}, "baseline_due_date", "is not a date"),
    ({**NEW, "baseline_due_date": "2026-12-01"}, "baseline_due_date", "before the start date"),
    ({**NEW, "title": ""}, "title", "Give the action a title"),
    ({**NEW, "title": "x" * 301}, "title", "most allowed is 300"),
])
def test_every_bad_field_is_named_and_nothing_is_written(seeded, people, values, field, words) -> None:
    with session_scope() as session, pytest.raises(InvalidFields) as caught:
        editing.add_action(session, user=people["admin"], plan_id=seeded.id, values=values)
    assert list(caught.value.problems) == [field]
    assert __import__("re").search(words, caught.value.problems[field])
    with session_scope() as session:
        assert session.exec(select(models.Action).where(models.Action.ref == "2.4a")).first() is None


def test_several_problems_are_reported_at_once(seeded, people) -> None:
    with session_scope() as session, pytest.raises(InvalidFields) as caught:
        editing.add_action(session, user=people["admin"], plan_id=seeded.id,
                           values={"ref": "", "title": "", "theme": "Nowhere", "start_date": "soon"})
    assert set(caught.value.problems) == {"ref", "title", "theme", "start_date"}


def test_only_the_secretariat_edits_the_plan(seeded, people) -> None:
    p = seeded.id
    for role in ("chair", "owner", "contributor", "viewer"):
        with session_scope() as session:
            for attempt in (lambda s, u: editing.add_action(s, user=u, plan_id=p, values=NEW),
                            lambda s, u: editing.edit_action(s, user=u, plan_id=p, ref="3.5", changes={"title": "x"}),
                            lambda s, u: editing.retire_action(s, user=u, plan_id=p, ref="3.5", reason="x"),
                            lambda s, u: editing.close_action(s, user=u, plan_id=p, ref="3.5", reason="x"),
                            lambda s, u: editing.add_objective(s, user=u, plan_id=p, ref="2C", theme="Prevent",
                                                               title="x")):
                with pytest.raises(NotAllowed, match="add, edit, move, close or retire"):
                    attempt(session, people[role])


def test_an_edit_records_before_and_after_and_shows_on_the_actions_history(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        old = editing.action_values(session, user=admin, plan_id=p, ref="1.2")
        changed = editing.edit_action(session, user=admin, plan_id=p, ref="1.2", expected_version=old["version"],
                                      changes={"title": "A sharper title", "current_due_date": "31/12/2027",
                                               "partners": ["Essex Police"], "description": old["description"]})
    assert set(changed) == {"title", "current_due_date", "partners"}
    event = _events("1.2", "action.edit")[-1]
    assert json.loads(event.before)["title"] == old["title"]
    assert json.loads(event.after) == {"title": "A sharper title", "current_due_date": "2027-12-31",
                                       "partners": ["Essex Police"]}
    with session_scope() as session:
        history = editing.plan_edits(session, user=people["viewer"], plan_id=p, ref="1.2")
        # a form opened before that edit is refused, and so is changing the ref
        with pytest.raises(StaleVersion, match="changed by someone else"):
            editing.edit_action(session, user=admin, plan_id=p, ref="1.2", expected_version=old["version"],
                                changes={"title": "Mine"})
        with pytest.raises(InvalidFields, match="A ref cannot be changed"):
            editing.edit_action(session, user=admin, plan_id=p, ref="1.2", changes={"ref": "1.2b"})
    edit = history[0]
    assert (edit["what"], edit["who"]) == ("Action edited", admin.name)
    assert {"field": "Title", "before": old["title"], "after": "A sharper title"} in edit["changes"]
    assert {"field": "Current due date", "before": f"{old['current_due_date']:%d %b %Y}",
            "after": "31 Dec 2027"} in edit["changes"]


def test_a_restricted_action_is_edited_only_by_someone_cleared_and_its_history_is_masked(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    uncleared = admin.__class__(admin.person_id, admin.name, admin.email, admin.role, cleared_for_restricted=False)
    with session_scope() as session:
        with pytest.raises(NotAllowed, match="restricted"):
            editing.edit_action(session, user=uncleared, plan_id=p, ref="4.6", changes={"title": "x"})
        with pytest.raises(NotAllowed, match="restricted"):
            editing.retire_action(session, user=uncleared, plan_id=p, ref="4.6", reason="x")
        with pytest.raises(InvalidFields, match="Only someone cleared"):
            editing.edit_action(session, user=uncleared, plan_id=p, ref="1.1", changes={"restricted": True})
        editing.edit_action(session, user=admin, plan_id=p, ref="4.6", changes={"title": "Operation Secret"})
    with session_scope() as session:
        masked = editing.plan_edits(session, user=people["chair"], plan_id=p, ref="4.6")[0]
        shown = editing.plan_edits(session, user=admin, plan_id=p, ref="4.6")[0]
    assert masked["who"] == RESTRICTED_TEXT and all(c["after"] == RESTRICTED_TEXT for c in masked["changes"])
    assert "Operation Secret" not in json.dumps(masked, default=str)
    assert shown["changes"][0]["after"] == "Operation Secret"


def test_moving_an_action_and_changing_objectives(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        editing.move_action(session, user=admin, plan_id=p, ref="2.3", theme="Protect", objective="3A")
        with pytest.raises(InvalidFields, match="sits under Protect"):
            editing.move_action(session, user=admin, plan_id=p, ref="2.3", theme="Pursue", objective="3A")
        editing.add_objective(session, user=admin, plan_id=p, ref="2C", theme="Prevent", title="Online harms")
        with pytest.raises(InvalidFields, match="already exists"):
            editing.add_objective(session, user=admin, plan_id=p, ref="2C", theme="Prevent", title="Again")
        editing.edit_objective(session, user=admin, plan_id=p, ref="2C", title="Online harms and gaming")
        with pytest.raises(InvalidFields, match="move them first"):
            editing.edit_objective(session, user=admin, plan_id=p, ref="3A", theme="Pursue")
        detail = action_detail(session, user=admin, plan_id=p, ref="2.3")
    assert detail["theme"] == "Protect" and detail["objective"].startswith("3A")
    move = _events("2.3", "action.move")[0]
    assert json.loads(move.before)["theme"] == "Prevent" and json.loads(move.after)["theme"] == "Protect"
    assert json.loads(_events("2C", "objective.edit")[0].after) == {"title": "Online harms and gaming"}


def test_closing_appends_a_closed_update_with_the_reason(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        with pytest.raises(InvalidFields) as caught:
            editing.close_action(session, user=admin, plan_id=p, ref="1.3", reason="")
        assert set(caught.value.problems) == {"reason", "rag"}  # and it has no RAG yet to keep
        record_update(session, user=admin, plan_id=p, ref="1.3", rag="amber", delivery_status="in_progress",
                      commentary="Slow")
        editing.close_action(session, user=admin, plan_id=p, ref="1.3", reason="Superseded by the county plan",
                             submission_key="close-1")
        # the same form sent twice is saved once
        editing.close_action(session, user=admin, plan_id=p, ref="1.3", reason="Superseded by the county plan",
                             submission_key="close-1")
        with pytest.raises(InvalidInput, match="already closed"):
            editing.close_action(session, user=admin, plan_id=p, ref="1.3", reason="Again")
        detail = action_detail(session, user=admin, plan_id=p, ref="1.3")
    assert (detail["delivery_status"], detail["rag"]) == ("closed", "amber")
    assert detail["updates"][0]["commentary"] == "Superseded by the county plan"
    assert [u["status_label"] for u in detail["updates"]] == ["Closed", "In progress"]
    assert json.loads(_events("1.3", "action.close")[0].after)["reason"] == "Superseded by the county plan"


def test_retiring_keeps_the_action_and_its_history(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        record_update(session, user=admin, plan_id=p, ref="3.5", rag="green", delivery_status="in_progress",
                      commentary="Fine")
        with pytest.raises(InvalidFields, match="Say why"):
            editing.retire_action(session, user=admin, plan_id=p, ref="3.5", reason="  ")
        editing.retire_action(session, user=admin, plan_id=p, ref="3.5", reason="Merged into 3.4")
    with session_scope() as session:
        with pytest.raises(InvalidInput, match="already retired on"):
            editing.retire_action(session, user=admin, plan_id=p, ref="3.5", reason="Again")
        with pytest.raises(InvalidInput, match="was retired on .* cannot be changed"):
            editing.edit_action(session, user=admin, plan_id=p, ref="3.5", changes={"title": "x"})
        with pytest.raises(NotFound):
            editing.retire_action(session, user=admin, plan_id=p, ref="9.9", reason="x")
        # No route can update it any more: the form, bulk updates and offline returns all end in record_update.
        with pytest.raises(InvalidInput, match="3.5 was retired on .*Merged into 3.4.*takes no more updates"):
            record_update(session, user=admin, plan_id=p, ref="3.5", rag="red", delivery_status="in_progress",
                          commentary="Still going?")
        detail = action_detail(session, user=people["viewer"], plan_id=p, ref="3.5")
        rows, total = list_actions(session, user=admin, plan_id=p)
        every, _ = list_actions(session, user=admin, plan_id=p, filters=ActionFilter(include_retired=True))
        counted = sum(r["count"] for r in rag_counts(session, plan_id=p))
        assert editing.retired_refs(session, plan_id=p) == ["3.5"]
    assert detail["retired_at"].date() == datetime.now(UTC).date() and detail["retired_reason"] == "Merged into 3.4"
    assert len(detail["updates"]) == 1  # its history is still there
    assert "3.5" not in [r["ref"] for r in rows] and "3.5" in [r["ref"] for r in every]
    assert counted == total == len(every) - 1
    retire = _events("3.5", "action.retire")[0]
    assert json.loads(retire.after)["reason"] == "Merged into 3.4" and json.loads(retire.before) == {"retired": False}


def test_a_retired_restricted_actions_reason_is_masked(seeded, people) -> None:
    with session_scope() as session:
        editing.retire_action(session, user=people["admin"], plan_id=seeded.id, ref="4.6", reason="Operation over")
        detail = action_detail(session, user=people["chair"], plan_id=seeded.id, ref="4.6")
    assert detail["retired_at"] is not None and detail["retired_reason"] == RESTRICTED_TEXT
    assert detail["title"] == RESTRICTED_TITLE


def _existing_since(session, admin, p, ref, days_ago) -> None:  # noqa: ANN001
    """Give the action an update in the past, so it existed then (every seed action was added today)."""
    record_update(session, user=admin, plan_id=p, ref=ref, rag="amber", delivery_status="in_progress",
                  commentary="Partner sign-off outstanding", at=datetime.now(UTC) - timedelta(days=days_ago))


def test_the_plan_as_at_a_date_keeps_an_action_until_the_day_it_was_retired(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    retired_on = datetime.now(UTC) - timedelta(days=5)
    with session_scope() as session:
        _existing_since(session, admin, p, "2.2", 20)
        editing.retire_action(session, user=admin, plan_id=p, ref="2.2", reason="Withdrawn", at=retired_on)

    def amber(day: date) -> int:
        with session_scope() as session:
            return reports.summary_by_theme(session, user=admin, plan_id=p, as_of=day)["by_theme"]["Prevent"]["amber"]

    day_r = retired_on.date()
    assert amber(day_r - timedelta(days=1)) == 1  # the day before it was retired: in the plan
    assert amber(day_r) == 0 and amber(TODAY) == 0  # on the day and after: not
    with session_scope() as session:
        then, _ = reports.drill(session, user=admin, plan_id=p, as_of=day_r - timedelta(days=1), group_by="theme",
                                group="Prevent")
        now, _ = reports.drill(session, user=admin, plan_id=p, group_by="theme", group="Prevent")
        head = reports.headline(session, user=admin, plan_id=p)
        rows, total = list_actions(session, user=admin, plan_id=p)
    assert "2.2" in [r["ref"] for r in then] and "2.2" not in [r["ref"] for r in now]
    assert head["total"] == total  # the dashboard and the Actions list count the same plan


def test_a_retired_action_stays_in_a_past_meetings_record_and_leaves_new_agendas(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        record_update(session, user=admin, plan_id=p, ref="3.5", rag="red", delivery_status="in_progress",
                      commentary="Stuck", support_asked="Help with data sharing")
        made = meetings.create_meeting(session, user=admin, plan_id=p, held_on=TODAY, attendees=["Chris Chair"])
        assert "3.5" in [i["ref"] for i in made["items"]]
        meetings.close_meeting(session, user=admin, plan_id=p, meeting_id=made["id"])
        before = meetings.get_meeting(session, user=admin, plan_id=p, meeting_id=made["id"])
    with session_scope() as session:
        editing.retire_action(session, user=admin, plan_id=p, ref="3.5", reason="Merged into 3.4")
    with session_scope() as session:
        after = meetings.get_meeting(session, user=admin, plan_id=p, meeting_id=made["id"])
        frozen = session.exec(select(models.MeetingSnapshot.ref).where(
            models.MeetingSnapshot.meeting_id == made["id"])).scalars().all()
        later = meetings.create_meeting(session, user=admin, plan_id=p, held_on=TODAY, attendees=["Chris Chair"])
        with pytest.raises(InvalidInput, match="retired .* cannot go on an agenda"):
            meetings.add_agenda_item(session, user=admin, plan_id=p, meeting_id=later["id"], ref="3.5")
    assert after == before and "3.5" in frozen
    assert "3.5" in [i["ref"] for i in after["items"]]
    assert "3.5" not in [i["ref"] for i in later["items"]]


def _paper_refs(paper) -> set[str]:  # noqa: ANN001
    book = load_workbook(io.BytesIO(paper.content))
    return {str(c.value) for name in ("Prepare", "Prevent", "Protect", "Pursue") if name in book.sheetnames
            for row in book[name].iter_rows() for c in row[:1] if c.value is not None}


def test_a_board_paper_as_at_a_past_date_shows_a_since_retired_action_and_todays_does_not(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        _existing_since(session, admin, p, "2.2", 20)
        _existing_since(session, admin, p, "1.1", 20)
        editing.retire_action(session, user=admin, plan_id=p, ref="2.2", reason="Withdrawn by the CSP")
    with session_scope() as session:
        past = board_paper(session, user=people["chair"], plan_id=p, as_of=TODAY - timedelta(days=1))
        today = board_paper(session, user=people["chair"], plan_id=p)
    assert {"2.2", "1.1"} <= _paper_refs(past)
    assert "1.1" in _paper_refs(today) and "2.2" not in _paper_refs(today)
    # its measure stays, without naming the action the paper no longer holds
    served = {name: {r[0].value: r[-1].value for r in load_workbook(io.BytesIO(paper.content))["Measures"].iter_rows()}
              for name, paper in (("past", past), ("today", today))}
    assert served["past"]["M2.2"] == "2.2" and served["today"]["M2.2"] in ("", None)


def test_a_retired_actions_due_date_no_longer_moves(seeded, people) -> None:
    from plan.due_dates import plan_slippage, request_revision, requests

    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        request_revision(session, user=admin, plan_id=p, ref="2.5", new_date="31/12/2028", reason="Funding")
        editing.retire_action(session, user=admin, plan_id=p, ref="2.5", reason="Withdrawn")
        assert requests(session, user=admin, plan_id=p) == []  # nothing waits on a retired action
        assert len(requests(session, user=admin, plan_id=p, pending_only=False)) == 1  # history kept
        with pytest.raises(InvalidInput, match="retired"):
            request_revision(session, user=admin, plan_id=p, ref="2.5", new_date="31/12/2029", reason="x")
        assert plan_slippage(session, plan_id=p)["actions_moved"] == 0


def test_a_form_sent_twice_saves_once(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        first = editing.add_action(session, user=admin, plan_id=p, values=NEW, submission_key="form-1")
        again = editing.add_action(session, user=admin, plan_id=p, values=NEW, submission_key="form-1")
        seen = editing.action_values(session, user=admin, plan_id=p, ref="1.1")["version"]
        editing.edit_action(session, user=admin, plan_id=p, ref="1.1", changes={"title": "New words"},
                            expected_version=seen)
        # the same edit sent again from the same (now out-of-date) form: nothing to do, no conflict
        assert editing.edit_action(session, user=admin, plan_id=p, ref="1.1", changes={"title": "New words"},
                                   expected_version=seen) == {}
        with pytest.raises(StaleVersion):  # a different change from that form is a conflict
            editing.edit_action(session, user=admin, plan_id=p, ref="1.1", changes={"title": "Other words"},
                                expected_version=seen)
    assert first == again == "2.4a"
    assert len(_events("2.4a", "action.create")) == 1 and len(_events("1.1", "action.edit")) == 1


def test_what_changed_between_two_dates_lists_an_action_retired_in_between(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        _existing_since(session, admin, p, "2.2", 20)
        editing.retire_action(session, user=admin, plan_id=p, ref="2.2", reason="Withdrawn by the CSP")
        editing.retire_action(session, user=admin, plan_id=p, ref="4.6", reason="Operation over")
    with session_scope() as session:
        seen = reports.changes(session, user=people["chair"], plan_id=p, since=TODAY - timedelta(days=10))
        before = reports.changes(session, user=people["chair"], plan_id=p, since=TODAY - timedelta(days=10),
                                 until=TODAY - timedelta(days=1))
    retired = {r["ref"]: r for r in seen["retired_from_plan"]}
    assert retired["2.2"]["reason"] == "Withdrawn by the CSP" and retired["2.2"]["retired_on"] == TODAY
    assert (retired["4.6"]["title"], retired["4.6"]["reason"]) == (RESTRICTED_TITLE, RESTRICTED_TEXT)
    assert before["retired_from_plan"] == []


def test_a_due_date_set_in_the_editor_is_the_due_date_everywhere(seeded, people) -> None:
    """The Actions page shows the current due date; the Dashboard, the exceptions and the board paper
    read the plan as at a day from approved moves and the baseline. A date set in the editor goes
    into that history, so every page says the same date, and the move is listed as one."""
    admin, p = people["admin"], seeded.id
    past = date.today() - timedelta(days=10)
    with session_scope() as session:
        editing.edit_action(session, user=admin, plan_id=p, ref="1.2", changes={"current_due_date": past})
        editing.edit_action(session, user=admin, plan_id=p, ref="2.1",
                            changes={"baseline_due_date": date.today() + timedelta(days=400)})
        editing.edit_action(session, user=admin, plan_id=p, ref="3.5", changes={"title": "Only the title"})
    with session_scope() as session:
        rows, _ = reports.drill(session, user=admin, plan_id=p, limit=1000)
        current = dict(session.execute(select(models.Action.ref, models.Action.current_due_date)
                                       .where(models.Action.plan_id == p)).all())
        overdue, _ = reports.drill(session, user=admin, plan_id=p, flag="overdue", limit=1000)
        listed, _ = list_actions(session, user=admin, plan_id=p, filters=ActionFilter(overdue_only=True), limit=1000)
        moved = reports.changes(session, user=admin, plan_id=p, since=date.today() - timedelta(days=1))
        requests = session.execute(select(models.DueDateRequest.action_id)).scalars().all()
    assert {r["ref"]: r["due"] for r in rows} == current  # every action, as the Actions page has it
    assert "1.2" in {r["ref"] for r in overdue}
    assert {r["ref"] for r in overdue} == {r["ref"] for r in listed}  # the Dashboard and the Actions page agree
    assert [(m["ref"], m["to"]) for m in moved["due_dates_moved"]] == [("1.2", past), ("2.1", current["2.1"])]
    assert len(requests) == 2  # the title edit moved nothing


FLAGGED_TITLE = "Contact Jay Smith (DOB 03/04/2011) on 07700 900123 about a mentoring place"


def test_a_title_naming_a_child_is_held_back_until_confirmed_or_refused_by_policy(seeded, people) -> None:
    """An action's title and description are published: words that look like personal data are
    saved only once the secretariat confirms them under "warn", and never under "refuse"."""
    admin = people["admin"]
    values = {"ref": "2.4b", "title": FLAGGED_TITLE, "theme": "Prevent"}
    with session_scope() as session, pytest.raises(InvalidFields) as caught:
        editing.add_action(session, user=admin, plan_id=seeded.id, values=values)
    assert set(caught.value.problems) == {"title"}
    assert "may hold personal data" in caught.value.problems["title"]
    assert 'tick "No personal data"' in caught.value.problems["title"]
    with session_scope() as session:
        assert session.exec(select(models.Action).where(models.Action.ref == "2.4b")).first() is None
        editing.add_action(session, user=admin, plan_id=seeded.id, values={**values, "personal_data_confirmed": True})
    with session_scope() as session:  # unchanged words are not asked about again
        editing.edit_action(session, user=admin, plan_id=seeded.id, ref="2.4b",
                            changes={"title": FLAGGED_TITLE, "description": "Weekly sessions."})
        plan = session.get(models.Plan, seeded.id)
        plan.personal_data_policy = "refuse"
        session.add(plan)
    with session_scope() as session, pytest.raises(InvalidFields) as caught:
        editing.edit_action(session, user=admin, plan_id=seeded.id, ref="2.4b",
                            changes={"description": "Tyler Brown, 15, missing from care",
                                     "personal_data_confirmed": True})
    assert "which this plan does not hold" in caught.value.problems["description"]
