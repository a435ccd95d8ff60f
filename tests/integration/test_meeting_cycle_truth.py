"""The meeting cycle tells the truth (issue 21), on SQLite and PostgreSQL: a view of the plan as at
a past date, a closed round or a meeting's agenda shows each action's title and owner as they were
then (from the audit trail of edits), and "since the last meeting" counts from when the meeting
closed, so a change later on its day counts as since it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import models
from plan import meetings, reports, rounds
from plan.actions import RESTRICTED_TITLE
from plan.db import session_scope
from plan.maintenance import actions as editing
from plan.reports.asof import meeting_moment
from plan.updates import record_update
from plan.users import assign_owner

TODAY = date.today()
PAST = TODAY - timedelta(days=10)
NEW_TITLE = "Run the clear-message campaign in every secondary school"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _update(session, user, plan_id, ref, rag, when, **texts) -> None:  # noqa: ANN001
    record_update(session, user=user, plan_id=plan_id, ref=ref, rag=rag, delivery_status="in_progress",
                  commentary=texts.pop("commentary", f"{ref} is {rag}"), at=when, **texts)


@pytest.fixture
def edited(seeded, people):  # noqa: ANN001, ANN201
    """2.3 Red on PAST (so in the plan then) and 4.6 (restricted) Red; a round closed today; then
    2.3's title and lead role edited and Olu Owner named its owner. Returns (plan, old title, old
    lead role)."""
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        _update(session, admin, p, "2.3", "red", _at(PAST, 9), support_asked="Ask of the group: a venue")
        _update(session, admin, p, "4.6", "red", _at(PAST, 9))
        old = editing.action_values(session, user=admin, plan_id=p, ref="2.3")
    with session_scope() as session:
        rounds.open_round(session, user=admin, plan_id=p, period="2026-Q4", deadline=TODAY + timedelta(days=7))
    with session_scope() as session:
        rounds.close_round(session, user=admin, plan_id=p)
    with session_scope() as session:
        editing.edit_action(session, user=admin, plan_id=p, ref="2.3",
                            changes={"title": NEW_TITLE, "lead_owner": "Head of communications"})
        editing.edit_action(session, user=admin, plan_id=p, ref="4.6", changes={"title": "A new restricted title"})
        assign_owner(session, user=admin, plan_id=p, ref="2.3", email="owner@nhs.net")
    return seeded, old["title"], old["lead_owner"]


def test_the_plan_as_at_a_past_date_shows_the_title_and_owner_then(edited, people) -> None:
    plan, old_title, old_lead = edited
    assert old_title != NEW_TITLE and old_lead == "Council communications lead"
    admin = people["admin"]
    with session_scope() as session:
        then, _ = reports.drill(session, user=admin, plan_id=plan.id, as_of=PAST, rag="red")
        now, _ = reports.drill(session, user=admin, plan_id=plan.id, rag="red")
        found = reports.exceptions(session, user=admin, plan_id=plan.id, as_of=PAST)
        travel = reports.direction_of_travel(session, user=admin, plan_id=plan.id, since=PAST - timedelta(days=5),
                                             as_of=PAST)
        changed = reports.changes(session, user=admin, plan_id=plan.id, since=PAST - timedelta(days=5), until=PAST)
        every, _ = reports.plan_and_exceptions(session, user=admin, plan_id=plan.id, as_of=PAST)
        chair_then, _ = reports.drill(session, user=people["chair"], plan_id=plan.id, as_of=PAST, rag="red")
    then_by_ref, now_by_ref = {r["ref"]: r for r in then}, {r["ref"]: r for r in now}
    assert (then_by_ref["2.3"]["title"], then_by_ref["2.3"]["owner"]) == (old_title, old_lead)
    assert (now_by_ref["2.3"]["title"], now_by_ref["2.3"]["owner"]) == (NEW_TITLE, "Olu Owner")
    assert then_by_ref["4.6"]["title"] != "A new restricted title"
    assert next(r for r in found if r["ref"] == "2.3")["title"] == old_title
    assert next(r for r in every if r["ref"] == "2.3")["title"] == old_title
    assert next(r for r in travel["actions"] if r["ref"] == "2.3")["title"] == old_title
    assert next(r for r in changed["newly_red"] if r["ref"] == "2.3")["owner"] == old_lead
    assert next(r for r in changed["transitions"] if r["ref"] == "2.3")["title"] == old_title
    # still masked for a reader not cleared, whatever it was called then
    assert next(r for r in chair_then if r["ref"] == "4.6")["title"] == RESTRICTED_TITLE


def test_a_closed_round_and_the_meeting_reviewing_it_show_the_titles_when_it_closed(edited, people) -> None:
    plan, old_title, old_lead = edited
    admin = people["admin"]
    with session_scope() as session:
        closed = reports.closed_rounds(session, user=admin, plan_id=plan.id)
        snap = reports.round_snapshot(session, user=admin, plan_id=plan.id, round_id=closed[0]["round_id"],
                                      rag="red")
    row = next(r for r in snap["rows"] if r["ref"] == "2.3")
    assert (row["title"], row["owner"]) == (old_title, old_lead)
    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=plan.id, held_on=TODAY)
    item = next(i for i in made["items"] if i["ref"] == "2.3")
    assert made["round_period"] == "2026-Q4"
    assert (item["title"], item["owner"]) == (old_title, old_lead)
    with session_scope() as session:
        meetings.close_meeting(session, user=admin, plan_id=plan.id, meeting_id=made["id"])
        frozen = session.execute(select(models.MeetingSnapshot).where(
            models.MeetingSnapshot.meeting_id == made["id"], models.MeetingSnapshot.ref == "2.3")).scalar_one()
    assert (frozen.title, frozen.owner) == (old_title, old_lead)


def test_as_at_today_the_titles_are_todays(edited, people) -> None:
    plan, _, _ = edited
    with session_scope() as session:
        made = meetings.create_meeting(session, user=people["admin"], plan_id=plan.id, held_on=TODAY, round_id=None)
        rows, _ = reports.drill(session, user=people["admin"], plan_id=plan.id, rag="red")
    assert next(i for i in made["items"] if i["ref"] == "2.3")["title"] == NEW_TITLE
    assert next(r for r in rows if r["ref"] == "2.3")["owner"] == "Olu Owner"


@pytest.fixture
def met(seeded, people):  # noqa: ANN001, ANN201
    """A meeting held three days ago and closed at 11:00 that day. 1.1 and 2.1 were Green the week
    before; on the meeting's day 1.1 went Red at 10:00 (before it) and 2.1 Red at 15:00 (after it)."""
    admin, p = people["admin"], seeded.id
    day = TODAY - timedelta(days=3)
    with session_scope() as session:
        for ref in ("1.1", "2.1"):
            _update(session, admin, p, ref, "green", _at(day - timedelta(days=7), 12))
        _update(session, admin, p, "1.1", "red", _at(day, 10), commentary="Red before the meeting")
        _update(session, admin, p, "2.1", "red", _at(day, 15), commentary="Red after the meeting")
    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=p, held_on=day, round_id=None,
                                       draw_agenda=False)
        meetings.close_meeting(session, user=admin, plan_id=p, meeting_id=made["id"])
    with session_scope() as session:  # it closed at 11:00 on its day
        meeting = session.get(models.Meeting, made["id"])
        meeting.closed_at = _at(day, 11)
        session.add(meeting)
    return seeded, day


def test_a_change_later_on_the_meetings_day_counts_as_since_it(met, people) -> None:
    plan, day = met
    admin = people["admin"]
    with session_scope() as session:
        found = {r["ref"]: r for r in reports.exceptions(session, user=admin, plan_id=plan.id)}
        last = meetings.last_closed_meeting(session, plan_id=plan.id)
        assert last is not None and last["since_at"] == _at(day, 11)
        changed = reports.changes(session, user=admin, plan_id=plan.id, since=last["since_at"])
        travel = reports.direction_of_travel(session, user=admin, plan_id=plan.id, since=last["since_at"])
    assert "worsened" in found["2.1"]["codes"]  # Red at 15:00, after the meeting closed at 11:00
    assert "Worse since the last meeting: Green to Red." in found["2.1"]["reasons"]
    assert "worsened" not in found["1.1"]["codes"]  # Red at 10:00: the meeting saw it Red
    assert [r["ref"] for r in changed["newly_red"]] == ["2.1"]
    assert [(r["ref"], r["from_rag"], r["to_rag"]) for r in travel["actions"]] == [("2.1", "green", "red")]
    # a given day still means its end
    with session_scope() as session:
        by_day = reports.changes(session, user=admin, plan_id=plan.id, since=day)
    assert by_day["newly_red"] == []


def test_when_a_meeting_was_over() -> None:
    day = date(2026, 11, 3)
    assert meeting_moment(day, datetime(2026, 11, 3, 11, tzinfo=UTC)) == _at(day, 11)
    assert meeting_moment(day, datetime(2026, 11, 3, 11)) == _at(day, 11)  # SQLite's naive UTC
    # closed days later (the minutes finished afterwards): the end of its day, not the close
    assert meeting_moment(day, datetime(2026, 11, 6, 9, tzinfo=UTC)) == datetime(2026, 11, 4, tzinfo=UTC)
    assert meeting_moment(day, None) == datetime(2026, 11, 4, tzinfo=UTC)
