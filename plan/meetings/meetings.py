"""Meetings: created by the secretariat with an agenda drawn from the exceptions, closed to freeze
what the group saw. A closed meeting's record never changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, select

from models import (
    Action,
    AgendaItem,
    Board,
    FollowUp,
    Meeting,
    MeetingAttendee,
    MeetingSnapshot,
    Theme,
    UpdateRound,
)
from plan import audit
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.dates import parse_date
from plan.errors import InvalidFields, InvalidInput, NotFound
from plan.identity import Actor
from plan.meetings.review import reviews_words
from plan.permissions import cleared_for, require, require_cleared
from plan.personal_data import checked_text
from plan.reports.asof import RAGS, ReportFilter, empty_counts, meeting_moment, plan_row, state, texts_of
from plan.reports.rows import add_suggestion, select_rows, shape
from plan.reports.rules import label
from plan.reports.settings import suggestion_settings
from plan.text import clean
from plan.vocab import DeliveryStatus

MAX_TITLE = 200
MAX_NAME = 200
MAX_ATTENDEES = 100
MAX_WHY = 2000
MAX_AGENDA = 50  # exceptions drawn onto a new agenda, worst first; the secretariat adds more by hand
SEEN_KEYS = ("rag", "delivery_status", "due", "commentary", "blockers", "support_asked", "suggested_rag",
             "suggested_reason")


def _meeting(session: Session, plan_id: int, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.plan_id != plan_id:
        raise NotFound("There is no such meeting in this plan.")
    return meeting


def agenda_item(session: Session, meeting_id: int, item_id: int) -> tuple[AgendaItem, Action]:
    """An item of this meeting's agenda and its action. Raises NotFound."""
    item = session.get(AgendaItem, item_id)
    action = session.get(Action, item.action_id) if item is not None and item.meeting_id == meeting_id else None
    if item is None or action is None:
        raise NotFound("There is no such item on this meeting's agenda.")
    return item, action


def open_meeting(session: Session, plan_id: int, meeting_id: int) -> Meeting:
    """The meeting, refusing one that is closed: its record cannot change."""
    meeting = _meeting(session, plan_id, meeting_id)
    if meeting.closed_at is not None:
        raise InvalidInput(f"This meeting was closed on {meeting.closed_at:%d %b %Y} by {meeting.closed_by}: "
                           "its record cannot change. Record anything new at the next meeting.")
    return meeting


def _title(text: str, held_on: date, board: Board | None) -> str:
    title = clean(text or "", multiline=False).strip()
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"The title is {len(title):,} characters; the most allowed is {MAX_TITLE}.")
    return title or f"{board.name if board else 'Strategic group'}: {held_on:%d %B %Y}"


def _attendees(names: Any) -> list[str]:
    if isinstance(names, str):
        names = names.replace(";", "\n").splitlines()
    cleaned: list[str] = []
    for name in names or []:
        text = " ".join(clean(str(name), multiline=False).split())
        if not text:
            continue
        if len(text) > MAX_NAME:
            raise InvalidInput(f"Attendee '{text[:40]}...' is {len(text)} characters; the most allowed is {MAX_NAME}.")
        if text.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(text)
    if len(cleaned) > MAX_ATTENDEES:
        raise InvalidInput(f"{len(cleaned)} attendees: list at most {MAX_ATTENDEES}.")
    return cleaned


def _board(session: Session, plan_id: int, code: str | None) -> Board | None:
    if not code:
        return None
    board = session.exec(select(Board).where(Board.plan_id == plan_id, Board.code == code.strip())).first()
    if board is None:
        codes = ", ".join(session.exec(select(Board.code).where(Board.plan_id == plan_id).order_by(Board.id)).all())
        raise NotFound(f"There is no board '{code}' in this plan; choose one of: {codes}.")
    return board


def _round(session: Session, plan_id: int, round_id: int | str | None) -> UpdateRound | None:
    if round_id is None or round_id == "":
        return None
    if round_id == "latest":
        return session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id,
                                                      UpdateRound.closed_at.is_not(None))
                            .order_by(UpdateRound.closed_at.desc(), UpdateRound.id.desc())).first()
    rnd = session.get(UpdateRound, int(round_id))
    if rnd is None or rnd.plan_id != plan_id:
        raise NotFound("There is no such update round in this plan.")
    if rnd.closed_at is None:
        raise InvalidInput(f"The {rnd.period} round is still open: a meeting reviews a closed round.")
    return rnd


def create_meeting(session: Session, *, user: Actor, plan_id: int, held_on: date | str, title: str = "",
                   board: str | None = None, attendees: Any = (), round_id: int | str | None = "latest",
                   draw_agenda: bool = True, today: date | None = None, max_items: int = MAX_AGENDA,
                   is_demo: bool = False) -> dict[str, Any]:
    """A new meeting of the strategic group (or of a board, which then sees its remit), its agenda
    drawn from the exceptions, worst first, up to `max_items` (the result says how many more there
    were in "not_drawn")."""
    require(user, "meeting.manage")
    plan = plan_row(session, plan_id)
    day = parse_date(held_on, "Meeting date")
    the_board = _board(session, plan_id, board)
    meeting = Meeting(plan_id=plan_id, held_on=day, title=_title(title, day, the_board),
                      board_id=the_board.id if the_board else None, created_by=user.name, is_demo=is_demo)
    rnd = _round(session, plan_id, round_id)
    meeting.round_id = rnd.id if rnd else None
    names = _attendees(attendees)
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    session.add_all([MeetingAttendee(meeting_id=meeting.id, name=n, position=i) for i, n in enumerate(names)])
    not_drawn = 0
    if draw_agenda:
        from plan.reports.attention import exceptions  # the reports read meetings too

        today = today or date.today()
        # Reasons are stored as words for everyone: worked out as a user not cleared sees them.
        reader = Actor(None, user.name, user.email, user.role, cleared_for_restricted=False)
        # What the group will see: the reviewed round as it froze it, else the plan on the day.
        as_of = seen_day(session, meeting.round_id) if meeting.round_id else min(day, today)
        found = exceptions(session, user=reader, plan_id=plan_id, as_of=as_of, round_id=meeting.round_id,
                           filters=ReportFilter(boards=[the_board.code]) if the_board else None)
        # An action retired since the round froze it is no longer the group's to discuss.
        retired = set(session.exec(select(Action.id).where(Action.plan_id == plan_id,
                                                           Action.retired_at.is_not(None))).all())
        found = [row for row in found if row["action_id"] not in retired]
        not_drawn = max(0, len(found) - max_items)
        session.add_all([AgendaItem(meeting_id=meeting.id, action_id=row["action_id"], position=i,
                                    why=" ".join(row["reasons"]), source="exceptions")
                         for i, row in enumerate(found[:max_items])])
    session.flush()
    audit.record(session, actor=user, event="meeting.create", plan_id=plan_id, entity="meeting",
                 entity_key=f"{meeting.id}", after={"held_on": day, "title": meeting.title,
                                                   "board": the_board.code if the_board else "",
                                                   "round": rnd.period if rnd else "", "attendees": names})
    result = get_meeting(session, user=user, plan_id=plan.id or plan_id, meeting_id=meeting.id, check=False)
    result["not_drawn"] = not_drawn
    return result


def set_attendees(session: Session, *, user: Actor, plan_id: int, meeting_id: int, attendees: Any) -> dict[str, Any]:
    """Replace the list of attendees of an open meeting."""
    require(user, "meeting.manage")
    meeting = open_meeting(session, plan_id, meeting_id)
    names = _attendees(attendees)
    rows = session.exec(select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id)
                        .order_by(MeetingAttendee.position)).all()
    before = [r.name for r in rows]
    if before != names:
        for row in rows:
            session.delete(row)
        session.flush()
        session.add_all([MeetingAttendee(meeting_id=meeting_id, name=n, position=i) for i, n in enumerate(names)])
        audit.record(session, actor=user, event="meeting.attendees", plan_id=plan_id, entity="meeting",
                     entity_key=f"{meeting.id}", before={"attendees": before}, after={"attendees": names})
    return get_meeting(session, user=user, plan_id=plan_id, meeting_id=meeting_id, check=False)


def _action(session: Session, plan_id: int, ref: str) -> Action:
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == (ref or "").strip())).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    return action


def add_agenda_item(session: Session, *, user: Actor, plan_id: int, meeting_id: int, ref: str,
                    why: str = "", personal_data_confirmed: bool = False) -> dict[str, Any]:
    """Put an action on the agenda of an open meeting (a dropped one is put back)."""
    require(user, "meeting.manage")
    meeting = open_meeting(session, plan_id, meeting_id)
    action = _action(session, plan_id, ref)
    require_cleared(user, action, what=f"Action {action.ref}")  # why it is on the agenda is restricted detail
    if action.retired_at is not None:
        raise InvalidInput(f"Action {action.ref} was retired on {action.retired_at:%d %b %Y}: it is no longer in the "
                           "plan, so it cannot go on an agenda.")
    why = checked_text(session, plan_id=plan_id, label="Why it is on the agenda", text=clean(why or ""),
                       limit=MAX_WHY, confirmed=personal_data_confirmed)
    item = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                 AgendaItem.action_id == action.id)).first()
    if item is not None and not item.dropped:
        raise InvalidInput(f"Action {action.ref} is already on the agenda.")
    if item is not None:
        item.dropped, item.dropped_reason = False, ""
        if why:
            item.why = why
    else:
        last = session.exec(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)).one()
        item = AgendaItem(meeting_id=meeting_id, action_id=action.id, position=(last if last is not None else -1) + 1,
                          why=why or "Added by the secretariat.", source="added")
    session.add(item)
    session.flush()
    audit.record(session, actor=user, event="meeting.agenda_add", plan_id=plan_id, entity="meeting",
                 entity_key=f"{meeting.id}", after={"ref": action.ref, "why": item.why},
                 restricted=action.restricted)
    return agenda(session, user=user, meeting=meeting, item_ids=[item.id])[0]


def drop_agenda_item(session: Session, *, user: Actor, plan_id: int, meeting_id: int, item_id: int,
                     reason: str = "", personal_data_confirmed: bool = False) -> dict[str, Any]:
    """Take an item off the agenda of an open meeting (kept, marked dropped, with the reason, which
    is required: a chair reading the record later asks why). Raises InvalidFields (reason)."""
    require(user, "meeting.manage")
    meeting = open_meeting(session, plan_id, meeting_id)
    item, action = agenda_item(session, meeting_id, item_id)
    require_cleared(user, action, what=f"Action {action.ref}")  # so is the reason it comes off
    if item.dropped:
        raise InvalidInput(f"Action {action.ref} is already off the agenda.")
    if item.recorded_at is not None:
        raise InvalidInput(f"Action {action.ref} already has a record at this meeting, so it stays on the agenda.")
    if not clean(reason or "").strip():
        raise InvalidFields({"reason": f"Say why {action.ref} comes off the agenda: the record keeps the reason."})
    item.dropped = True
    item.dropped_reason = checked_text(session, plan_id=plan_id, label="Reason", text=clean(reason or ""),
                                       limit=MAX_WHY, confirmed=personal_data_confirmed)
    session.add(item)
    session.flush()
    audit.record(session, actor=user, event="meeting.agenda_drop", plan_id=plan_id, entity="meeting",
                 entity_key=f"{meeting.id}", after={"ref": action.ref, "reason": item.dropped_reason},
                 restricted=action.restricted)
    return agenda(session, user=user, meeting=meeting, item_ids=[item.id])[0]


def seen_day(session: Session, round_id: int | None, today: date | None = None) -> date:
    """The day whose plan the group sees: the reviewed round's close, else today."""
    if round_id is not None:
        rnd = session.get(UpdateRound, round_id)
        if rnd is not None and rnd.closed_at is not None:
            return rnd.closed_at.date()
    return today or date.today()


def seen_rows(session: Session, meeting: Meeting, action_ids: list[int] | None = None, *,
              whole_plan: bool = False, live: bool = False) -> dict[int, dict[str, Any]]:
    """What the group sees of each action in the meeting's scope (or of `action_ids`), unmasked:
    the plan as at the reviewed round's close, with what the round froze put over it where it
    froze the action (RAG, status, due date and the update shown), and the suggested RAG.
    whole_plan: ignore the board's remit (an action put on the agenda by hand); live: the plan as
    it stands today, not as at the round (an action the round did not know)."""
    if action_ids is not None and not action_ids:
        return {}
    system = Actor.system("meeting record")
    day = date.today() if live else seen_day(session, meeting.round_id)
    board = session.get(Board, meeting.board_id) if meeting.board_id and not whole_plan else None
    s = state(session, plan_id=meeting.plan_id, day=day, filters=ReportFilter(boards=[board.code]) if board else None,
              round_id=None if live else meeting.round_id)
    query = select_rows(s, system)
    if action_ids is not None:
        query = query.where(Action.id.in_(action_ids))
    rows = {r["action_id"]: r for r in (shape(x, s) for x in session.exec(query).all())}
    listed = list(rows.values())
    texts_of(session, system, listed)
    thresholds = suggestion_settings(session, plan_id=meeting.plan_id)
    for row in listed:
        add_suggestion(row, thresholds, None)
    return rows


def close_meeting(session: Session, *, user: Actor, plan_id: int, meeting_id: int) -> dict[str, Any]:
    """Close the meeting and freeze what the group saw: one row per action in its scope (the
    reviewed round's snapshot where there is one), and each agenda item's owner's proposed RAG.
    From then on its record is read-only."""
    require(user, "meeting.manage")
    meeting = open_meeting(session, plan_id, meeting_id)
    seen = seen_rows(session, meeting)
    rows = [{"meeting_id": meeting_id, "action_id": action_id, "status_update_id": r.get("update_id"),
             "ref": r["ref"], "title": r["title"], "theme": r["theme"], "owner": r["owner"] or "",
             "restricted": r["restricted"], "rag": r["rag"], "delivery_status": r["delivery_status"],
             "current_due_date": r["due"], "commentary": r["commentary"], "blockers": r["blockers"],
             "support_asked": r["support_asked"], "suggested_rag": r["suggested_rag"],
             "suggested_reason": r["suggested_reason"]} for action_id, r in seen.items()]
    for chunk in range(0, len(rows), 2000):
        session.execute(insert(MeetingSnapshot), rows[chunk:chunk + 2000])
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)).all()
    missing = [i.action_id for i in items if i.action_id not in seen]
    if missing:  # outside the board's remit, or unknown to the round: freeze it as it stands
        extra = seen_rows(session, meeting, missing, whole_plan=True)
        extra.update(seen_rows(session, meeting, [a for a in missing if a not in extra], whole_plan=True, live=True))
    if missing and extra:
        session.execute(insert(MeetingSnapshot), [
            {"meeting_id": meeting_id, "action_id": a, "status_update_id": r.get("update_id"), "ref": r["ref"],
             "title": r["title"], "theme": r["theme"], "owner": r["owner"] or "", "restricted": r["restricted"],
             "rag": r["rag"], "delivery_status": r["delivery_status"], "current_due_date": r["due"],
             "commentary": r["commentary"], "blockers": r["blockers"], "support_asked": r["support_asked"],
             "suggested_rag": r["suggested_rag"], "suggested_reason": r["suggested_reason"]}
            for a, r in extra.items()])
        seen.update(extra)
    for item in items:
        if item.proposed_rag is None and item.action_id in seen:
            item.proposed_rag = seen[item.action_id]["rag"]
            session.add(item)
    meeting.closed_at, meeting.closed_by = datetime.now(UTC), user.name
    session.add(meeting)
    session.flush()
    counts = {"actions_frozen": len(seen), "items": sum(1 for i in items if not i.dropped),
              "round_id": meeting.round_id}
    audit.record(session, actor=user, event="meeting.close", plan_id=plan_id, entity="meeting",
                 entity_key=f"{meeting.id}", after=counts)
    return counts


def last_closed_meeting(session: Session, *, plan_id: int) -> dict[str, Any] | None:
    row = session.exec(select(Meeting).where(Meeting.plan_id == plan_id, Meeting.closed_at.is_not(None))
                       .order_by(Meeting.held_on.desc(), Meeting.id.desc())).first()
    # since_at: when it was over, what "since the meeting" counts from (a change later that day counts)
    return {"id": row.id, "held_on": row.held_on, "title": row.title,
            "since_at": meeting_moment(row.held_on, row.closed_at)} if row else None


def _header(session: Session, meeting: Meeting) -> dict[str, Any]:
    board = session.get(Board, meeting.board_id) if meeting.board_id else None
    rnd = session.get(UpdateRound, meeting.round_id) if meeting.round_id else None
    names = session.exec(select(MeetingAttendee.name).where(MeetingAttendee.meeting_id == meeting.id)
                         .order_by(MeetingAttendee.position)).all()
    return {"id": meeting.id, "plan_id": meeting.plan_id, "held_on": meeting.held_on, "title": meeting.title,
            "board": board.code if board else "", "board_name": board.name if board else "",
            "attendees": list(names), "status": "closed" if meeting.closed_at else "open",
            "round_id": meeting.round_id, "round_period": rnd.period if rnd else "",
            "reviews": reviews_words(rnd.period if rnd else "", rnd.closed_at.date() if rnd and rnd.closed_at
                                     else None, meeting.held_on),
            "created_by": meeting.created_by, "closed_at": meeting.closed_at, "closed_by": meeting.closed_by,
            "is_demo": meeting.is_demo}


def list_meetings(session: Session, *, user: Actor, plan_id: int) -> list[dict[str, Any]]:
    """The plan's meetings, newest first, each with how many items it has and how many were recorded."""
    require(user, "meeting.view")
    meetings = session.exec(select(Meeting).where(Meeting.plan_id == plan_id)
                            .order_by(Meeting.held_on.desc(), Meeting.id.desc())).all()
    counted = dict(session.exec(select(AgendaItem.meeting_id, func.count()).join(Meeting)
                                .where(Meeting.plan_id == plan_id, AgendaItem.dropped.is_(False))
                                .group_by(AgendaItem.meeting_id)).all())
    recorded = dict(session.exec(select(AgendaItem.meeting_id, func.count()).join(Meeting)
                                 .where(Meeting.plan_id == plan_id, AgendaItem.recorded_at.is_not(None))
                                 .group_by(AgendaItem.meeting_id)).all())
    return [{**_header(session, m), "items": int(counted.get(m.id, 0)), "recorded": int(recorded.get(m.id, 0))}
            for m in meetings]


def _mask(text: str | None, hidden: bool) -> str:
    return (RESTRICTED_TEXT if text else "") if hidden else (text or "")


def agenda(session: Session, *, user: Actor, meeting: Meeting, item_ids: list[int] | None = None
           ) -> list[dict[str, Any]]:
    """The agenda items in order, with what the group saw (frozen once closed; live while open)."""
    query = (select(AgendaItem, Action.ref, Action.restricted, Action.ref_sort).join(Action)
             .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id))
    if item_ids is not None:
        query = query.where(AgendaItem.id.in_(item_ids))
    found = session.exec(query).all()
    ids = [item.action_id for item, *_ in found]
    if meeting.closed_at is not None:
        seen = {s.action_id: s.model_dump() for s in session.exec(
            select(MeetingSnapshot).where(MeetingSnapshot.meeting_id == meeting.id,
                                          MeetingSnapshot.action_id.in_(ids))).all()}
        for row in seen.values():
            row["due"] = row.pop("current_due_date")
    else:
        seen = seen_rows(session, meeting, ids, whole_plan=True)
        seen.update(seen_rows(session, meeting, [a for a in ids if a not in seen], whole_plan=True, live=True))
    items = []
    for item, ref, restricted, _ in found:
        s = seen.get(item.action_id, {})
        hidden = not cleared_for(user, restricted, s.get("restricted"))
        shown = {key: s.get(key) for key in SEEN_KEYS}
        for key in ("commentary", "blockers", "support_asked"):
            shown[key] = _mask(shown[key], hidden)
        if hidden and shown["suggested_rag"]:
            shown["suggested_reason"] = f"{label(shown['suggested_rag'])} suggested."
        shown["rag_label"] = label(shown["rag"])
        shown["suggested_label"] = label(shown["suggested_rag"])
        shown["status_label"] = DeliveryStatus(shown["delivery_status"]).label if shown["delivery_status"] else ""
        items.append({
            "id": item.id, "position": item.position, "ref": ref,
            "title": RESTRICTED_TITLE if hidden else s.get("title", ""),
            "owner": RESTRICTED_TEXT if hidden else (s.get("owner") or ""), "restricted": bool(restricted),
            "why": item.why, "source": item.source, "dropped": item.dropped,
            "dropped_reason": _mask(item.dropped_reason, hidden), "seen": shown,
            "proposed_rag": item.proposed_rag, "proposed_label": label(item.proposed_rag),
            "agreed_rag": item.agreed_rag, "agreed_label": label(item.agreed_rag),
            "challenge": _mask(item.challenge, hidden), "response": _mask(item.response, hidden),
            "decision": _mask(item.decision, hidden), "recorded_by": item.recorded_by,
            "recorded_at": item.recorded_at,
        })
    return items


def _summary(session: Session, user: Actor, meeting: Meeting) -> dict[str, dict[str, int]]:
    """RAG by theme as the group saw it: frozen rows once closed; else the reviewed round's
    snapshot, or the plan as it stands (within the board's remit)."""
    if meeting.closed_at is not None:
        query = (select(MeetingSnapshot.theme, MeetingSnapshot.rag, func.count().label("n"))
                 .where(MeetingSnapshot.meeting_id == meeting.id)
                 .group_by(MeetingSnapshot.theme, MeetingSnapshot.rag))
        order = dict(session.exec(select(Theme.name, Theme.position).where(Theme.plan_id == meeting.plan_id)).all())
        summary: dict[str, dict[str, int]] = {}
        for theme, rag, n in sorted(session.exec(query).all(), key=lambda r: order.get(r[0], 99)):
            counts = summary.setdefault(theme, empty_counts())
            counts[rag] += int(n)
            counts["total"] += int(n)
        return summary
    from plan.reports.dashboard import summary_by_theme

    board = session.get(Board, meeting.board_id) if meeting.board_id else None
    live = summary_by_theme(session, user=user, plan_id=meeting.plan_id, as_of=seen_day(session, meeting.round_id),
                            filters=ReportFilter(boards=[board.code]) if board else None, round_id=meeting.round_id)
    return live["by_theme"]


def get_meeting(session: Session, *, user: Actor, plan_id: int, meeting_id: int, check: bool = True
                ) -> dict[str, Any]:
    """The meeting with its agenda, follow-ups and RAG summary; a closed one exactly as frozen."""
    if check:
        require(user, "meeting.view")
    meeting = _meeting(session, plan_id, meeting_id)
    from plan.meetings.record import follow_up_rows, of_plan

    follow = follow_up_rows(session, user=user, conditions=[FollowUp.meeting_id == meeting_id, of_plan(plan_id)],
                            open_only=False)
    return {**_header(session, meeting), "items": agenda(session, user=user, meeting=meeting),
            "follow_ups": follow, "summary": _summary(session, user, meeting), "rag_order": RAGS}

