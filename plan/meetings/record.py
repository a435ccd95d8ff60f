"""What the chair records for each action discussed (challenge, owner's response, agreed RAG beside
the owner's proposed RAG, decision), follow-ups tracked until done, the decisions log across
meetings, and an action's agreed RAG and decisions for its page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, select

from models import Action, AgendaItem, Board, FollowUp, Meeting, MeetingSnapshot, Person
from plan import audit
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.dates import parse_date
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound
from plan.identity import Actor
from plan.meetings.meetings import agenda, agenda_item, open_meeting, seen_rows
from plan.permissions import allowed, cleared_for, require
from plan.personal_data import check_plan_text
from plan.reports.rules import label
from plan.text import clean
from plan.vocab import Rag, parse_choice

MAX_TEXT = 4000
MAX_FOLLOW_UP = 2000
RATINGS = (Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.BLUE.value)


def _hidden(user: Actor, restricted: bool) -> bool:
    return not cleared_for(user, restricted)


def _mask(text: str | None, hidden: bool) -> str:
    return (RESTRICTED_TEXT if text else "") if hidden else (text or "")


def _agreed(value: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        rag = parse_choice(Rag, text, "Agreed RAG").value
    except InvalidInput:
        rag = ""
    if rag not in RATINGS:
        raise InvalidFields({"agreed_rag": f"Agreed RAG: '{value}' is not one of: Red, Amber, Green, Blue."})
    return rag


def record_discussion(session: Session, *, user: Actor, plan_id: int, meeting_id: int, item_id: int,
                      challenge: str | None = None, response: str | None = None, agreed_rag: str | None = None,
                      decision: str | None = None, personal_data_confirmed: bool = False) -> dict[str, Any]:
    """Record what was said and agreed about an agenda item of an open meeting. None leaves a
    field as it is; agreed_rag "" clears it. The owner's proposed RAG is kept beside the agreed
    one (taken from what the group sees when first recorded)."""
    require(user, "meeting.record")
    meeting = open_meeting(session, plan_id, meeting_id)
    item, action = agenda_item(session, meeting_id, item_id)
    if item.dropped:
        raise InvalidInput(f"Action {action.ref} is off the agenda: put it back on before recording.")
    if _hidden(user, action.restricted):
        raise NotAllowed(f"Action {action.ref} is restricted: only users cleared for restricted items can record "
                         "what was said about it.")
    texts = {"challenge": ("Challenge", challenge), "response": ("Owner's response", response),
             "decision": ("Decision", decision)}
    problems: dict[str, str] = {}
    new: dict[str, Any] = {}
    for key, (words, value) in texts.items():
        if value is None:
            continue
        text = clean(value).strip()
        if len(text) > MAX_TEXT:
            problems[key] = f"{words} is {len(text):,} characters; the most allowed is {MAX_TEXT:,}. Shorten it."
        new[key] = text
    if agreed_rag is not None:
        try:
            new["agreed_rag"] = _agreed(agreed_rag)
        except InvalidFields as err:
            problems.update(err.problems)
    if problems:
        raise InvalidFields(problems)
    check_plan_text(session, plan_id=plan_id, confirmed=personal_data_confirmed,
                    fields={texts[k][0]: v for k, v in new.items() if k in texts})
    before = {key: getattr(item, key) for key in new}
    old, after = audit.changes(before, new)
    if not after:
        return agenda(session, user=user, meeting=meeting, item_ids=[item_id])[0]
    for key, value in after.items():
        setattr(item, key, value)
    if item.proposed_rag is None:
        seen = seen_rows(session, meeting, [action.id], whole_plan=True).get(action.id)
        item.proposed_rag = seen["rag"] if seen else action.rag
    item.recorded_by, item.recorded_at = user.name, datetime.now(UTC)
    session.add(item)
    session.flush()
    audit.record(session, actor=user, event="meeting.record", plan_id=plan_id, entity="action",
                 entity_key=action.ref, before=old, after={**after, "meeting": meeting.id,
                                                           "proposed_rag": item.proposed_rag},
                 restricted=action.restricted)
    return agenda(session, user=user, meeting=meeting, item_ids=[item_id])[0]


def add_follow_up(session: Session, *, user: Actor, plan_id: int, meeting_id: int, text: str, due: date | str,
                  item_id: int | None = None, ref: str | None = None, owner_email: str | None = None,
                  owner_name: str = "", personal_data_confirmed: bool = False) -> dict[str, Any]:
    """A follow-up agreed at an open meeting: what, who (a person in the app, who then sees it,
    or a role or organisation by name) and by when; about an agenda item's action, an action by
    ref, or the plan as a whole."""
    require(user, "meeting.record")
    meeting = open_meeting(session, plan_id, meeting_id)
    problems: dict[str, str] = {}
    action: Action | None = None
    if item_id is not None:
        item, action = agenda_item(session, meeting_id, item_id)
    elif ref:
        action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref.strip())).first()
        if action is None:
            raise NotFound(f"There is no action '{ref}' in this plan.")
    if action is not None and _hidden(user, action.restricted):
        raise NotAllowed(f"Action {action.ref} is restricted: only users cleared for restricted items can add "
                         "follow-ups to it.")
    words = clean(text or "").strip()
    if not words:
        problems["text"] = "Say what is to be done: the follow-up needs words."
    elif len(words) > MAX_FOLLOW_UP:
        problems["text"] = f"The follow-up is {len(words):,} characters; the most allowed is {MAX_FOLLOW_UP:,}."
    due_on: date | None = None
    try:
        due_on = parse_date(due, "Due date")
        if due_on < meeting.held_on:
            problems["due"] = f"The due date ({due_on:%d %b %Y}) is before the meeting ({meeting.held_on:%d %b %Y})."
    except InvalidInput as err:
        problems["due"] = str(err)
    person: Person | None = None
    name = " ".join(clean(owner_name or "", multiline=False).split())
    if owner_email and owner_email.strip():
        person = session.exec(select(Person).where(Person.email == owner_email.strip().lower())).first()
        if person is None or not person.active:
            problems["owner"] = (f"There is no active account for {owner_email.strip()}: "
                                 "name the person or role instead.")
        else:
            name = person.name
    elif not name:
        problems["owner"] = "Say who will do it: choose a person, or name a role or organisation."
    elif len(name) > 200:
        problems["owner"] = "The name is too long: at most 200 characters."
    if problems:
        raise InvalidFields(problems)
    assert due_on is not None
    check_plan_text(session, plan_id=plan_id, confirmed=personal_data_confirmed, fields={"Follow-up": words})
    row = FollowUp(meeting_id=meeting_id, agenda_item_id=item_id, action_id=action.id if action else None,
                   text=words, owner_person_id=person.id if person else None, owner_name=name, due_date=due_on,
                   created_by=user.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, event="meeting.follow_up", plan_id=plan_id, entity="meeting",
                 entity_key=f"{meeting.id}", after={"ref": action.ref if action else "", "text": words,
                                                   "owner": name, "due": due_on},
                 restricted=bool(action and action.restricted))
    return follow_up_rows(session, user=user, conditions=[FollowUp.id == row.id], open_only=False)[0]


def complete_follow_up(session: Session, *, user: Actor, plan_id: int, follow_up_id: int,
                       note: str = "", personal_data_confirmed: bool = False) -> dict[str, Any]:
    """Mark a follow-up done (also after its meeting closed: tracking it is not the record). The
    secretariat and chairs may mark any; an owner only the follow-ups asked of them."""
    require(user, "follow_up.complete")
    row = session.get(FollowUp, follow_up_id)
    meeting = session.get(Meeting, row.meeting_id) if row else None
    action = session.get(Action, row.action_id) if row and row.action_id else None
    if row is None or meeting is None or (action.plan_id if action else meeting.plan_id) != plan_id:
        raise NotFound("There is no such follow-up in this plan.")
    if not (allowed(user, "meeting.record") or (user.person_id is not None and row.owner_person_id == user.person_id)):
        raise NotAllowed("You can mark done only the follow-ups asked of you.")
    if action is not None and _hidden(user, action.restricted):
        raise NotAllowed(f"Action {action.ref} is restricted: only users cleared for restricted items can do this.")
    if row.done_at is not None:
        raise InvalidInput(f"This follow-up was already marked done on {row.done_at:%d %b %Y} by {row.done_by}.")
    words = clean(note or "").strip()
    if len(words) > MAX_FOLLOW_UP:
        raise InvalidInput(f"The note is {len(words):,} characters; the most allowed is {MAX_FOLLOW_UP:,}.")
    check_plan_text(session, plan_id=plan_id, confirmed=personal_data_confirmed, fields={"Note": words})
    row.done_at, row.done_by, row.done_note = datetime.now(UTC), user.name, words
    session.add(row)
    session.flush()
    audit.record(session, actor=user, event="meeting.follow_up_done", plan_id=plan_id, entity="meeting",
                 entity_key=f"{meeting.id}", after={"ref": action.ref if action else "", "text": row.text,
                                                   "note": words},
                 restricted=bool(action and action.restricted))
    return follow_up_rows(session, user=user, conditions=[FollowUp.id == row.id], open_only=False)[0]


def of_plan(plan_id: int) -> Any:
    """A follow-up belongs to the plan its action is in (a follow-up carried into next year's plan
    keeps the meeting that agreed it, in last year's plan); one about no action, to its meeting's."""
    return func.coalesce(Action.plan_id, Meeting.plan_id) == plan_id


def follow_up_rows(session: Session, *, user: Actor, conditions: list[Any], open_only: bool = True,
                   today: date | None = None) -> list[dict[str, Any]]:
    today = today or date.today()
    # The action's title as the meeting saw it once the meeting closed; as it is while open.
    title = func.coalesce(MeetingSnapshot.title, Action.title)
    query = (select(FollowUp, Meeting.held_on, Action.ref, title.label("title"), Action.restricted, Person.email)
             .join(Meeting, Meeting.id == FollowUp.meeting_id)
             .join(Action, Action.id == FollowUp.action_id, isouter=True)
             .join(MeetingSnapshot, and_(MeetingSnapshot.meeting_id == FollowUp.meeting_id,
                                         MeetingSnapshot.action_id == FollowUp.action_id), isouter=True)
             .join(Person, Person.id == FollowUp.owner_person_id, isouter=True)
             .where(*conditions).order_by(FollowUp.due_date, FollowUp.id))
    if open_only:
        query = query.where(FollowUp.done_at.is_(None))
    rows = []
    for f, held_on, ref, title, restricted, email in session.exec(query).all():
        hidden = _hidden(user, bool(restricted))
        rows.append({"id": f.id, "meeting_id": f.meeting_id, "held_on": held_on, "ref": ref or "",
                     "title": RESTRICTED_TITLE if hidden else (title or ""), "restricted": bool(restricted),
                     "text": _mask(f.text, hidden), "owner": _mask(f.owner_name, hidden),
                     "owner_email": _mask(email or "", hidden), "due": f.due_date, "done": f.done_at is not None,
                     "done_at": f.done_at, "done_by": _mask(f.done_by, hidden), "done_note": _mask(f.done_note, hidden),
                     "overdue": f.done_at is None and f.due_date < today})
    return rows


def follow_ups(session: Session, *, user: Actor, plan_id: int, open_only: bool = True) -> list[dict[str, Any]]:
    """Every follow-up of the plan's meetings (open ones by default), soonest due first."""
    require(user, "meeting.view")
    return follow_up_rows(session, user=user, conditions=[of_plan(plan_id)], open_only=open_only)


def my_follow_ups(session: Session, *, user: Actor, plan_id: int, open_only: bool = True) -> list[dict[str, Any]]:
    """The follow-ups asked of this person (anyone signed in; none for the command line)."""
    if user.person_id is None:
        return []
    return follow_up_rows(session, user=user, open_only=open_only,
                          conditions=[of_plan(plan_id), FollowUp.owner_person_id == user.person_id])


def _log(session: Session, user: Actor, conditions: list[Any]) -> list[dict[str, Any]]:
    title = func.coalesce(MeetingSnapshot.title, Action.title)
    query = (select(AgendaItem, Meeting, Action.ref, title.label("title"), Action.restricted, Board.code)
             .join(Meeting, Meeting.id == AgendaItem.meeting_id)
             .join(Action, Action.id == AgendaItem.action_id)
             .join(MeetingSnapshot, and_(MeetingSnapshot.meeting_id == AgendaItem.meeting_id,
                                         MeetingSnapshot.action_id == AgendaItem.action_id), isouter=True)
             .join(Board, Board.id == Meeting.board_id, isouter=True)
             .where(AgendaItem.recorded_at.is_not(None), *conditions)
             .order_by(Meeting.held_on.desc(), Meeting.id.desc(), AgendaItem.position, AgendaItem.id))
    rows = []
    for item, meeting, ref, title, restricted, board in session.exec(query).all():
        hidden = _hidden(user, bool(restricted))
        rows.append({"meeting_id": meeting.id, "held_on": meeting.held_on, "meeting_title": meeting.title,
                     "board": board or "", "status": "closed" if meeting.closed_at else "open", "ref": ref,
                     "title": RESTRICTED_TITLE if hidden else title, "restricted": bool(restricted),
                     "proposed_rag": item.proposed_rag, "proposed_label": label(item.proposed_rag),
                     "agreed_rag": item.agreed_rag, "agreed_label": label(item.agreed_rag),
                     "challenge": _mask(item.challenge, hidden), "response": _mask(item.response, hidden),
                     "decision": _mask(item.decision, hidden), "recorded_by": item.recorded_by,
                     "recorded_at": item.recorded_at})
    return rows


def decisions_log(session: Session, *, user: Actor, plan_id: int, ref: str | None = None,
                  since: date | str | None = None, until: date | str | None = None) -> list[dict[str, Any]]:
    """Everything recorded at the plan's meetings, newest meeting first; by action and dates."""
    require(user, "meeting.view")
    conditions: list[Any] = [Meeting.plan_id == plan_id]
    if ref:
        conditions.append(Action.ref == ref.strip())
    if since:
        conditions.append(Meeting.held_on >= parse_date(since, "From"))
    if until:
        conditions.append(Meeting.held_on <= parse_date(until, "To"))
    return _log(session, user, conditions)


def agreed_rags(session: Session, action_ids: list[int], day: date | None = None) -> dict[int, dict[str, Any]]:
    """The latest agreed RAG per action (at a meeting held on or before `day`), in one query."""
    if not action_ids:
        return {}
    found: dict[int, dict[str, Any]] = {}
    for chunk in range(0, len(action_ids), 900):
        ranked = (select(AgendaItem.action_id, AgendaItem.agreed_rag, AgendaItem.proposed_rag, Meeting.id,
                         Meeting.held_on, Meeting.closed_at,
                         func.row_number().over(partition_by=AgendaItem.action_id,
                                                order_by=(Meeting.held_on.desc(), Meeting.id.desc())).label("n"))
                  .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                  .where(AgendaItem.action_id.in_(action_ids[chunk:chunk + 900]), AgendaItem.agreed_rag.is_not(None),
                         *([Meeting.held_on <= day] if day else []))
                  .subquery())
        for r in session.exec(select(*ranked.c).where(ranked.c.n == 1)).all():
            found[r.action_id] = {"rag": r.agreed_rag, "rag_label": label(r.agreed_rag), "proposed_rag": r.proposed_rag,
                                  "proposed_label": label(r.proposed_rag), "meeting_id": r.id, "held_on": r.held_on,
                                  "status": "closed" if r.closed_at else "open"}
    return found


def agreed_rag_for(session: Session, *, action_id: int) -> dict[str, Any] | None:
    """The latest RAG agreed for the action at a meeting, with the owner's proposed RAG then; None
    if never agreed. Ratings only (no texts), so not restricted."""
    return agreed_rags(session, [action_id]).get(action_id)


def for_action(session: Session, *, user: Actor, plan_id: int, ref: str) -> dict[str, Any]:
    """For the action's page: its latest agreed RAG, everything recorded about it at meetings
    (newest first) and its follow-ups. Anyone who reads the plan; texts masked when restricted."""
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == (ref or "").strip())).first()
    if action is None or action.id is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    return {"agreed": agreed_rag_for(session, action_id=action.id),
            "decisions": _log(session, user, [Meeting.plan_id == plan_id, AgendaItem.action_id == action.id]),
            "follow_ups": follow_up_rows(session, user=user, open_only=False,
                                         conditions=[FollowUp.action_id == action.id])}


