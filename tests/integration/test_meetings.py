"""Support-and-challenge meetings on SQLite and PostgreSQL: the agenda drawn from the exceptions,
the chair's record (agreed RAG kept beside the owner's), follow-ups, and a closed meeting that
shows what the group saw then, whatever happens to the plan afterwards."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

import models
from plan import meetings, reports, rounds
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.db import session_scope
from plan.demo import add_demo
from plan.due_dates import decide, request_revision
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound
from plan.updates import record_update

TODAY = date.today()


def _update(session, user, plan_id, ref, rag, when=None, **texts) -> None:  # noqa: ANN001
    record_update(session, user=user, plan_id=plan_id, ref=ref, rag=rag, delivery_status="in_progress",
                  commentary=texts.pop("commentary", f"{ref} is {rag}"), at=when, **texts)


@pytest.fixture
def plan_with_exceptions(seeded, people):  # noqa: ANN001, ANN201
    """3.5 (owned by Olu Owner) Red asking for support; 2.1 Amber asking for support (an Amber alone is
    not an exception by the plan's default rules); 1.1 Green; 4.6 restricted Red."""
    with session_scope() as session:
        admin, p = people["admin"], seeded.id
        _update(session, admin, p, "1.1", "green")
        _update(session, admin, p, "2.1", "amber", blockers="Partner sign-off outstanding",
                support_asked="Ask of the group: chase the partner's sign-off")
        _update(session, admin, p, "3.5", "red", support_asked="Ask of the group: unblock the data-sharing agreement")
        _update(session, admin, p, "4.6", "red", commentary="Operation details here")
    return seeded


def _meeting(people, plan_id, **kwargs):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return meetings.create_meeting(session, user=people["admin"], plan_id=plan_id, held_on=TODAY,
                                       attendees=["Chris Chair", "Olu Owner", "Chris Chair"], **kwargs)


def test_the_agenda_is_drawn_from_the_exceptions_with_why(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    assert made["status"] == "open" and made["attendees"] == ["Chris Chair", "Olu Owner"]
    assert made["title"] == f"Strategic group: {TODAY:%d %B %Y}"
    items = {i["ref"]: i for i in made["items"]}
    assert list(items) == ["3.5", "4.6", "2.1"]  # Red first, then Amber
    assert items["3.5"]["why"] == "Red: the owner says it is off track. The owner asks the group for support."
    assert items["3.5"]["seen"]["support_asked"] == "Ask of the group: unblock the data-sharing agreement"
    assert items["2.1"]["seen"]["blockers"] == "Partner sign-off outstanding"
    assert items["4.6"]["title"] != RESTRICTED_TITLE  # the secretariat is cleared
    with session_scope() as session:  # the chair is not cleared: the restricted item is masked
        seen_by_chair = meetings.get_meeting(session, user=people["chair"], plan_id=plan_with_exceptions.id,
                                             meeting_id=made["id"])
    restricted = next(i for i in seen_by_chair["items"] if i["ref"] == "4.6")
    assert restricted["title"] == RESTRICTED_TITLE and restricted["seen"]["commentary"] == RESTRICTED_TEXT
    assert restricted["seen"]["rag"] == "red"
    assert seen_by_chair["summary"]["Protect"]["red"] == 1


def test_a_boards_meeting_sees_its_remit(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id, board="HWBB")
    assert made["board"] == "HWBB" and made["board_name"] == "Health and Wellbeing Board"
    assert [i["ref"] for i in made["items"]] == ["3.5"]  # 2.1 and 4.6 do not report to the HWBB
    assert sum(c["total"] for c in made["summary"].values()) == 9
    with session_scope() as session, pytest.raises(NotFound, match="no board 'XYZ'"):
        meetings.create_meeting(session, user=people["admin"], plan_id=plan_with_exceptions.id, held_on=TODAY,
                                board="XYZ")


def test_the_secretariat_adds_and_drops_items(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    p, m = plan_with_exceptions.id, made["id"]
    with session_scope() as session:
        added = meetings.add_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=m, ref="1.1",
                                         why="Asked for by the chair")
        assert (added["source"], added["why"], added["position"]) == ("added", "Asked for by the chair", 3)
        with pytest.raises(InvalidInput, match="already on the agenda"):
            meetings.add_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=m, ref="1.1")
        dropped = meetings.drop_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=m,
                                            item_id=added["id"], reason="Covered at the board")
        assert dropped["dropped"] and dropped["dropped_reason"] == "Covered at the board"
        with pytest.raises(InvalidInput, match="off the agenda: put it back"):
            meetings.record_discussion(session, user=people["chair"], plan_id=p, meeting_id=m, item_id=added["id"],
                                       challenge="Why?")
        back = meetings.add_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=m, ref="1.1")
        assert not back["dropped"] and back["id"] == added["id"]
        with pytest.raises(NotAllowed, match="Your role \\(chair\\) cannot create meetings"):
            meetings.add_agenda_item(session, user=people["chair"], plan_id=p, meeting_id=m, ref="1.2")
        meetings.set_attendees(session, user=people["admin"], plan_id=p, meeting_id=m, attendees="A; B\nC")
    with session_scope() as session:
        assert meetings.get_meeting(session, user=people["chair"], plan_id=p, meeting_id=m)["attendees"] == [
            "A", "B", "C"]


def test_the_chair_records_and_the_agreed_rag_is_kept_beside_the_owners(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    p, m = plan_with_exceptions.id, made["id"]
    item = next(i for i in made["items"] if i["ref"] == "2.1")
    with session_scope() as session:
        with pytest.raises(InvalidFields) as wrong:
            meetings.record_discussion(session, user=people["chair"], plan_id=p, meeting_id=m, item_id=item["id"],
                                       agreed_rag="purple", challenge="x" * 4001)
        assert set(wrong.value.problems) == {"agreed_rag", "challenge"}
        recorded = meetings.record_discussion(
            session, user=people["chair"], plan_id=p, meeting_id=m, item_id=item["id"],
            challenge="Amber for two quarters: what unblocks it?", response="Sign-off is booked for next week.",
            agreed_rag="Red", decision="Chair to write to the partner.")
    assert (recorded["proposed_rag"], recorded["agreed_rag"]) == ("amber", "red")
    assert recorded["recorded_by"] == "Chris Chair"
    with session_scope() as session:  # shown everywhere afterwards: exceptions, the action's page, the log
        rows = reports.exceptions(session, user=people["viewer"], plan_id=p)
        page = meetings.for_action(session, user=people["viewer"], plan_id=p, ref="2.1")
        log = meetings.decisions_log(session, user=people["chair"], plan_id=p)
        action_id = session.execute(select(models.Action.id).where(models.Action.ref == "2.1")).scalar_one()
        agreed = meetings.agreed_rag_for(session, action_id=action_id)
        action = session.execute(select(models.Action).where(models.Action.ref == "2.1")).scalar_one()
    row = next(r for r in rows if r["ref"] == "2.1")
    assert (row["rag"], row["agreed_rag"], row["agreed_on"]) == ("amber", "red", TODAY)
    assert action.rag == "amber"  # the owner's RAG is never replaced
    assert agreed == {"rag": "red", "rag_label": "Red", "proposed_rag": "amber", "proposed_label": "Amber",
                      "meeting_id": m, "held_on": TODAY, "status": "open"}
    assert page["agreed"] == agreed and page["decisions"][0]["decision"] == "Chair to write to the partner."
    assert [(r["ref"], r["proposed_rag"], r["agreed_rag"]) for r in log] == [("2.1", "amber", "red")]
    with session_scope() as session, pytest.raises(NotAllowed, match="only users cleared"):
        restricted = next(i for i in made["items"] if i["ref"] == "4.6")
        meetings.record_discussion(session, user=people["chair"], plan_id=p, meeting_id=m, item_id=restricted["id"],
                                   challenge="What is the operation?")
    with session_scope() as session, pytest.raises(NotAllowed):
        meetings.record_discussion(session, user=people["owner"], plan_id=p, meeting_id=m, item_id=item["id"],
                                   decision="My own decision")


def test_follow_ups_are_tracked_until_done(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    p, m = plan_with_exceptions.id, made["id"]
    item = next(i for i in made["items"] if i["ref"] == "3.5")
    with session_scope() as session:
        with pytest.raises(InvalidFields) as wrong:
            meetings.add_follow_up(session, user=people["chair"], plan_id=p, meeting_id=m, text="",
                                   due=TODAY - timedelta(days=1))
        assert set(wrong.value.problems) == {"text", "due", "owner"}
        mine = meetings.add_follow_up(session, user=people["chair"], plan_id=p, meeting_id=m, item_id=item["id"],
                                      text="Bring the signed agreement", due=TODAY + timedelta(days=30),
                                      owner_email="owner@nhs.net")
        general = meetings.add_follow_up(session, user=people["chair"], plan_id=p, meeting_id=m,
                                         text="Refresh the problem profile", due=TODAY + timedelta(days=60),
                                         owner_name="V&V Coordinator")
    assert (mine["ref"], mine["owner"], mine["done"]) == ("3.5", "Olu Owner", False)
    assert general["ref"] == ""
    with session_scope() as session:
        assert [f["text"] for f in meetings.my_follow_ups(session, user=people["owner"], plan_id=p)] == [
            "Bring the signed agreement"]
        assert meetings.my_follow_ups(session, user=people["viewer"], plan_id=p) == []
        with pytest.raises(NotAllowed, match="only the follow-ups asked of you"):
            meetings.complete_follow_up(session, user=people["owner"], plan_id=p, follow_up_id=general["id"])
        meetings.close_meeting(session, user=people["admin"], plan_id=p, meeting_id=m)
    with session_scope() as session:  # tracking goes on after the meeting closed
        done = meetings.complete_follow_up(session, user=people["owner"], plan_id=p, follow_up_id=mine["id"],
                                           note="Signed on Friday")
    assert done["done"] and done["done_by"] == "Olu Owner" and done["done_note"] == "Signed on Friday"
    with session_scope() as session:
        assert [f["id"] for f in meetings.follow_ups(session, user=people["chair"], plan_id=p)] == [general["id"]]
        with pytest.raises(InvalidInput, match="already marked done"):
            meetings.complete_follow_up(session, user=people["chair"], plan_id=p, follow_up_id=mine["id"])


def _frozen_view(people, plan_id, meeting_id):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return (meetings.get_meeting(session, user=people["admin"], plan_id=plan_id, meeting_id=meeting_id),
                meetings.decisions_log(session, user=people["admin"], plan_id=plan_id))


def test_a_closed_meeting_shows_what_the_group_saw_whatever_happens_after(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    p, m = plan_with_exceptions.id, made["id"]
    item = next(i for i in made["items"] if i["ref"] == "3.5")
    with session_scope() as session:
        meetings.record_discussion(session, user=people["chair"], plan_id=p, meeting_id=m, item_id=item["id"],
                                   challenge="What is blocking?", agreed_rag="amber", decision="Escalate")
        meetings.add_follow_up(session, user=people["chair"], plan_id=p, meeting_id=m, item_id=item["id"],
                               text="Report back", due=TODAY + timedelta(days=14), owner_name="V&V Coordinator")
        closed = meetings.close_meeting(session, user=people["admin"], plan_id=p, meeting_id=m)
    assert closed == {"actions_frozen": 25, "items": 3, "round_id": None}
    before = _frozen_view(people, p, m)
    # the plan moves on: new updates, a title change, a due date moved
    with session_scope() as session:
        _update(session, people["admin"], p, "3.5", "green", support_asked="", commentary="Agreement signed")
        _update(session, people["admin"], p, "1.2", "red")
        session.execute(models.Action.__table__.update().where(models.Action.ref == "3.5")
                        .values(title="Renamed later"))
        request_revision(session, user=people["admin"], plan_id=p, ref="3.5", new_date=date(2027, 12, 31),
                         reason="Rescheduled")
    with session_scope() as session:
        pending = session.execute(select(models.DueDateRequest.id)).scalars().one()
        decide(session, user=people["chair"], plan_id=p, request_id=pending, approve=True)
    after = _frozen_view(people, p, m)
    assert after == before
    frozen = next(i for i in after[0]["items"] if i["ref"] == "3.5")
    assert frozen["seen"]["rag"] == "red" and frozen["seen"]["due"] == date(2027, 1, 31)
    assert frozen["title"] != "Renamed later"
    assert (frozen["proposed_rag"], frozen["agreed_rag"]) == ("red", "amber")
    assert after[0]["summary"]["Protect"]["red"] == 1 and after[0]["summary"]["Prepare"]["red"] == 0
    # and it is read-only, with a message that says so
    with session_scope() as session:
        for attempt in (
            lambda: meetings.record_discussion(session, user=people["chair"], plan_id=p, meeting_id=m,
                                               item_id=item["id"], decision="Changed my mind"),
            lambda: meetings.add_follow_up(session, user=people["chair"], plan_id=p, meeting_id=m, text="More",
                                           due=TODAY + timedelta(days=3), owner_name="Someone"),
            lambda: meetings.add_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=m, ref="1.2"),
            lambda: meetings.drop_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=m,
                                              item_id=item["id"]),
            lambda: meetings.set_attendees(session, user=people["admin"], plan_id=p, meeting_id=m, attendees=["X"]),
            lambda: meetings.close_meeting(session, user=people["admin"], plan_id=p, meeting_id=m),
        ):
            with pytest.raises(InvalidInput, match="This meeting was closed on .* its record cannot change"):
                attempt()
    assert _frozen_view(people, p, m) == before


def test_a_meeting_reviewing_a_round_shows_what_the_round_froze(plan_with_exceptions, people) -> None:
    p = plan_with_exceptions.id
    with session_scope() as session:
        rounds.open_round(session, user=people["admin"], plan_id=p, period="2026-Q4",
                          deadline=TODAY + timedelta(days=7))
    with session_scope() as session:
        _update(session, people["admin"], p, "2.1", "red", commentary="In the round: now Red")
        rounds.close_round(session, user=people["admin"], plan_id=p)
    with session_scope() as session:  # after the round closed, the owner says Green
        _update(session, people["admin"], p, "2.1", "green", commentary="After the round")
    made = _meeting(people, p)
    assert made["round_period"] == "2026-Q4"
    m = made["id"]
    item = next(i for i in made["items"] if i["ref"] == "2.1")
    assert (item["seen"]["rag"], item["seen"]["commentary"]) == ("red", "In the round: now Red")
    with session_scope() as session:
        meetings.record_discussion(session, user=people["admin"], plan_id=p, meeting_id=m, item_id=item["id"],
                                   agreed_rag="amber")
        meetings.close_meeting(session, user=people["admin"], plan_id=p, meeting_id=m)
        frozen = {s.ref: s for s in session.execute(select(models.MeetingSnapshot)
                                                    .where(models.MeetingSnapshot.meeting_id == m)).scalars()}
        log = meetings.decisions_log(session, user=people["chair"], plan_id=p, ref="2.1")
    assert (frozen["2.1"].rag, frozen["2.1"].commentary) == ("red", "In the round: now Red")
    assert [(r["proposed_rag"], r["agreed_rag"]) for r in log] == [("red", "amber")]
    with session_scope() as session:  # what happened since this meeting is measured from its date
        rows = reports.exceptions(session, user=people["admin"], plan_id=p, as_of=TODAY + timedelta(days=1))
    assert all("worsened" not in r["codes"] for r in rows)


def test_meetings_are_for_the_secretariat_and_chairs(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    with session_scope() as session:
        for role in ("owner", "contributor", "viewer"):
            with pytest.raises(NotAllowed, match="see meetings and the decisions log"):
                meetings.get_meeting(session, user=people[role], plan_id=plan_with_exceptions.id, meeting_id=made["id"])
            with pytest.raises(NotAllowed):
                meetings.list_meetings(session, user=people[role], plan_id=plan_with_exceptions.id)
        listed = meetings.list_meetings(session, user=people["chair"], plan_id=plan_with_exceptions.id)
        with pytest.raises(NotFound):
            meetings.get_meeting(session, user=people["chair"], plan_id=plan_with_exceptions.id, meeting_id=999)
    assert [(m["id"], m["items"], m["recorded"], m["status"]) for m in listed] == [(made["id"], 3, 0, "open")]


def test_the_demo_adds_a_closed_round_and_a_past_meeting_once(seeded, admin, people) -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, today=now, meetings=True)
    with session_scope() as session:
        first = meetings.list_meetings(session, user=people["chair"], plan_id=seeded.id)
        closed = reports.closed_rounds(session, user=people["chair"], plan_id=seeded.id)
        log = meetings.decisions_log(session, user=people["chair"], plan_id=seeded.id)
        add_demo(session, user=admin, plan_id=seeded.id, today=now, meetings=True)
        assert session.execute(select(func.count()).select_from(models.Meeting)).scalar_one() == 1
        snapshot = reports.round_snapshot(session, user=admin, plan_id=seeded.id, round_id=closed[0]["round_id"])
    assert [c["period"] for c in closed] == ["2026-Q3"]
    assert [(m["held_on"], m["status"], m["is_demo"], m["round_period"]) for m in first] == [
        (date(2026, 10, 8), "closed", True, "2026-Q3")]
    assert first[0]["title"].startswith("[Demo data]") and first[0]["recorded"] == 3
    assert len(log) == 3 and all(r["decision"].startswith("[Demo data]") for r in log)
    assert all(r["updated_in_round"] for r in snapshot["rows"])
    assert snapshot["total"] == 20  # the actions that had started by the end of Q3


def test_dropping_an_item_needs_a_reason(plan_with_exceptions, people) -> None:
    made = _meeting(people, plan_with_exceptions.id)
    item = made["items"][0]
    with session_scope() as session, pytest.raises(InvalidFields) as refused:
        meetings.drop_agenda_item(session, user=people["admin"], plan_id=plan_with_exceptions.id,
                                  meeting_id=made["id"], item_id=item["id"], reason="  ")
    assert refused.value.problems == {"reason": f"Say why {item['ref']} comes off the agenda: the record keeps "
                                                "the reason."}
    with session_scope() as session:
        again = meetings.get_meeting(session, user=people["admin"], plan_id=plan_with_exceptions.id,
                                     meeting_id=made["id"])
    assert not next(i for i in again["items"] if i["id"] == item["id"])["dropped"]


def test_the_secretariat_chooses_what_a_meeting_reviews_and_is_warned_when_the_round_is_stale(
        plan_with_exceptions, people) -> None:
    """A meeting on 7 Dec that reviewed September's round missed the actions Red since: the choice
    is the secretariat's, the stale round says which actions it misses, the agenda says what it reviews."""
    p = plan_with_exceptions.id
    with session_scope() as session:
        assert meetings.review_options(session, user=people["admin"], plan_id=p, held_on=TODAY) == [
            {"round_id": None, "words": f"The plan as at {TODAY:%d %b %Y}", "warning": ""}]
        rounds.open_round(session, user=people["admin"], plan_id=p, period="2026-Q3",
                          deadline=TODAY + timedelta(days=7))
    with session_scope() as session:
        rounds.close_round(session, user=people["admin"], plan_id=p)
    with session_scope() as session:  # fresh: the latest round is suggested
        options = meetings.review_options(session, user=people["admin"], plan_id=p, held_on=TODAY)
    assert [o["round_id"] is None for o in options] == [False, True] and options[0]["warning"] == ""
    assert options[0]["words"] == f"The Q2 2026/27 (July to September 2026) round, closed {TODAY:%d %b %Y}"
    with session_scope() as session:  # after the round, 1.2 goes Red: the round would miss it
        _update(session, people["admin"], p, "1.2", "red")
    later = TODAY + timedelta(days=60)
    with session_scope() as session:
        options = meetings.review_options(session, user=people["admin"], plan_id=p, held_on=later)
    assert options[0]["round_id"] is None  # the plan as at the meeting's date is suggested first
    assert options[1]["warning"] == (f"The Q2 2026/27 round closed on {TODAY:%d %b %Y}, 60 days before this "
                                     "meeting; since then 1.2 became Red, and its agenda would miss it. Review the "
                                     "plan as at the meeting's date, or close a newer round first.")
    with session_scope() as session:
        as_at = meetings.create_meeting(session, user=people["admin"], plan_id=p, held_on=TODAY, round_id=None)
        by_round = meetings.create_meeting(session, user=people["admin"], plan_id=p, held_on=TODAY,
                                           round_id=options[1]["round_id"])
    assert as_at["reviews"] == f"the plan as at {TODAY:%d %b %Y}"
    assert by_round["reviews"].startswith("the Q2 2026/27 (July to September 2026) round, closed ")
    seen = {m: {i["ref"]: i for i in made["items"]} for m, made in (("as at", as_at), ("round", by_round))}
    assert seen["as at"]["1.2"]["seen"]["rag"] == "red" and seen["as at"]["1.2"]["why"].startswith("Red")
    assert seen["round"]["1.2"]["seen"]["rag"] != "red"  # the round froze it before it went Red


def test_the_minutes_hold_what_was_recorded(plan_with_exceptions, people) -> None:
    import io

    from openpyxl import load_workbook

    from plan.exports import minutes

    p = plan_with_exceptions.id
    made = _meeting(people, p)
    items = {i["ref"]: i for i in made["items"]}
    with session_scope() as session:
        meetings.record_discussion(session, user=people["chair"], plan_id=p, meeting_id=made["id"],
                                   item_id=items["3.5"]["id"], challenge="Why is the agreement not signed?",
                                   response="The ICB's lead is on leave until March.", agreed_rag="red",
                                   decision="The chair writes to the ICB's chief executive.")
        meetings.record_discussion(session, user=people["admin"], plan_id=p, meeting_id=made["id"],  # cleared
                                   item_id=items["4.6"]["id"], challenge="Operation detail challenged",
                                   decision="Police to brief cleared members")
        meetings.drop_agenda_item(session, user=people["admin"], plan_id=p, meeting_id=made["id"],
                                  item_id=items["2.1"]["id"], reason="Covered at the CSP last week")
        meetings.add_follow_up(session, user=people["chair"], plan_id=p, meeting_id=made["id"], ref="3.5",
                               text="Report the ICB's answer", due=TODAY + timedelta(days=14), owner_name="V&V lead")
        draft = minutes(session, user=people["chair"], plan_id=p, meeting_id=made["id"])
        meetings.close_meeting(session, user=people["admin"], plan_id=p, meeting_id=made["id"])
    assert "DRAFT" in draft.filename
    with session_scope() as session:
        final = minutes(session, user=people["chair"], plan_id=p, meeting_id=made["id"])
        event = session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()
    assert "DRAFT" not in final.filename and final.filename.startswith("OFFICIAL-SENSITIVE minutes ")
    assert event.event == "export.minutes"
    book = load_workbook(io.BytesIO(final.content))
    assert book.sheetnames == ["Minutes", "Follow-ups"]
    sheet = book["Minutes"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=8, values_only=True) if r[0] in ("3.5", "4.6")}
    assert rows["3.5"][2:] == ("Red", "Red", "Why is the agreement not signed?",
                               "The ICB's lead is on leave until March.",
                               "The chair writes to the ICB's chief executive.")
    assert rows["4.6"][1] == RESTRICTED_TITLE and rows["4.6"][4] == RESTRICTED_TEXT  # the chair is not cleared
    texts = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("Covered at the CSP last week" in t for t in texts) and "Operation detail challenged" not in texts
    assert any(t.startswith("Closed on ") for t in texts)
    follow = [r for r in book["Follow-ups"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert follow == [("3.5", "Report the ICB's answer", "V&V lead",
                       datetime.combine(TODAY + timedelta(days=14), datetime.min.time()), "Open")]
