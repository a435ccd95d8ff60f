"""Due-date governance: an owner asks for a new date with a reason; the secretariat or a chair
approves or declines. The baseline date is never changed; slippage is measured against it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, select

from models import Action, DueDateRequest
from plan import audit
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE, in_plan_now
from plan.dates import parse_date
from plan.errors import InvalidInput, NotAllowed, NotFound
from plan.identity import Actor
from plan.permissions import cleared_for, require, require_cleared
from plan.personal_data import checked_text
from plan.updates import may_update

MAX_REASON = 2000


def _action(session: Session, plan_id: int, ref: str) -> Action:
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    return action


def _not_retired(action: Action) -> None:
    if action.retired_at is not None:
        raise InvalidInput(f"Action {action.ref} was retired on {action.retired_at:%d %b %Y}: its due date no "
                           "longer moves.")


def record_date_set(session: Session, *, action: Action, by: Actor, reason: str, note: str) -> DueDateRequest | None:
    """A current due date set other than by a decision here (the plan editor, a plan file) goes into
    the history as an approved move, from the date the history gave to the date set: the plan as at
    a day (plan.reports.asof) reads due dates from approved moves and the baseline, so without it
    the Dashboard, the exceptions and the board paper would keep the old date while the Actions page
    showed the new one. None (nothing added) when the two already agree."""
    if action.current_due_date is None:
        return None
    moved = session.exec(select(DueDateRequest.requested_date).where(
        DueDateRequest.action_id == action.id, DueDateRequest.decision == "approved")
        .order_by(DueDateRequest.decided_at.desc(), DueDateRequest.id.desc())).first()
    held = moved or action.baseline_due_date
    if held == action.current_due_date:
        return None
    now = datetime.now(UTC)
    row = DueDateRequest(action_id=action.id, from_date=held, requested_date=action.current_due_date, reason=reason,
                         requested_by_person_id=by.person_id, requested_by=by.name, requested_at=now,
                         decision="approved", decided_by=by.name, decided_at=now, decision_note=note)
    session.add(row)
    session.flush()
    return row


def request_revision(session: Session, *, user: Actor, plan_id: int, ref: str, new_date: date | str,
                     reason: str, personal_data_confirmed: bool = False) -> DueDateRequest:
    """Ask to move an action's due date. Only its owner (or delegate) or the secretariat; one
    pending request per action. Raises NotAllowed, NotFound, InvalidInput."""
    require(user, "due_date.request")
    action = _action(session, plan_id, ref)
    if not may_update(session, user, action):
        raise NotAllowed(f"You cannot ask to move the due date of {ref}: only its owner or the secretariat can.")
    _not_retired(action)
    wanted = parse_date(new_date, "New due date")
    reason = checked_text(session, plan_id=plan_id, label="Reason", text=reason, limit=MAX_REASON,
                          missing="Give the reason for the new date: the strategic group will read it.",
                          confirmed=personal_data_confirmed)
    if wanted == action.current_due_date:
        raise InvalidInput(f"{wanted:%d %b %Y} is already the due date.")
    if action.start_date and wanted < action.start_date:
        raise InvalidInput(f"{wanted:%d %b %Y} is before the action starts ({action.start_date:%d %b %Y}).")
    pending = session.exec(select(DueDateRequest).where(DueDateRequest.action_id == action.id,
                                                        DueDateRequest.decision == "pending")).first()
    if pending is not None:
        raise InvalidInput(f"Action {ref} already has a request waiting for a decision "
                           f"(to {pending.requested_date:%d %b %Y}).")
    row = DueDateRequest(action_id=action.id, from_date=action.current_due_date, requested_date=wanted,
                         reason=reason, requested_by_person_id=user.person_id, requested_by=user.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, event="due_date.request", plan_id=plan_id, entity="action", entity_key=ref,
                 before={"due": action.current_due_date}, after={"requested": wanted, "reason": reason},
                 restricted=action.restricted)
    return row


def decide(session: Session, *, user: Actor, plan_id: int, request_id: int, approve: bool, note: str = "",
           personal_data_confirmed: bool = False) -> None:
    """Approve (the current due date moves; the baseline stays) or decline a pending request."""
    require(user, "due_date.decide")
    row = session.get(DueDateRequest, request_id)
    action = session.get(Action, row.action_id) if row else None
    if row is None or action is None or action.plan_id != plan_id:
        raise NotFound("There is no such due-date request in this plan.")
    # the request, its reason and the date it moves to are restricted detail: deciding needs clearance
    require_cleared(user, action, what=f"Action {action.ref}")
    if row.decision != "pending":
        hidden = not cleared_for(user, action)  # who decided is restricted detail too
        raise InvalidInput(f"This request was already {row.decision}"
                           + ("." if hidden else f" by {row.decided_by}."))
    _not_retired(action)
    note = checked_text(session, plan_id=plan_id, label="Note", text=note, limit=MAX_REASON,
                        missing="" if approve else "Say why the request is declined: the owner will read it.",
                        confirmed=personal_data_confirmed)
    row.decision = "approved" if approve else "declined"
    row.decided_by, row.decided_at, row.decision_note = user.name, datetime.now(UTC), note
    before = action.current_due_date
    if approve:
        action.current_due_date = row.requested_date
    audit.record(session, actor=user, event=f"due_date.{row.decision}", plan_id=plan_id, entity="action",
                 entity_key=action.ref, before={"due": before}, after={"due": action.current_due_date,
                                                                       "note": row.decision_note},
                 restricted=action.restricted)


def requests(session: Session, *, user: Actor, plan_id: int, pending_only: bool = True) -> list[dict[str, Any]]:
    """Due-date requests, oldest first. Every request is listed (counts stay whole), but on a
    restricted action its words (title, reason, who asked, who decided, the note) reach only
    users cleared for restricted items; dates and the decision stay. Clearance is the user's
    as passed in, so it is checked on every read."""
    require(user, "due_date.decide")
    query = (select(DueDateRequest, Action.ref, Action.title, Action.restricted, Action.baseline_due_date)
             .join(Action, Action.id == DueDateRequest.action_id).where(Action.plan_id == plan_id)
             .order_by(DueDateRequest.requested_at))
    if pending_only:  # a retired action's request waits for nothing: it is kept in the history only
        query = query.where(DueDateRequest.decision == "pending", in_plan_now())
    rows = []
    for req, ref, title, restricted, baseline in session.exec(query).all():
        hidden = not cleared_for(user, restricted)
        rows.append({"id": req.id, "ref": ref, "title": RESTRICTED_TITLE if hidden else title,
                     "from": req.from_date, "to": req.requested_date, "baseline": baseline,
                     "reason": _masked(req.reason, hidden), "by": _masked(req.requested_by, hidden),
                     "at": req.requested_at, "decision": req.decision,
                     "decided_by": _masked(req.decided_by, hidden), "note": _masked(req.decision_note, hidden)})
    return rows


def _masked(text: str, hidden: bool) -> str:
    """Restricted words for a user not cleared: the wording plan.actions uses; empty stays empty."""
    return (RESTRICTED_TEXT if text else "") if hidden else text


def slippage(session: Session, *, action_id: int) -> dict[str, int]:
    """How many times the action's due date was moved, and by how many days from its baseline."""
    action = session.get(Action, action_id)
    times = session.exec(select(func.count()).select_from(DueDateRequest).where(
        DueDateRequest.action_id == action_id, DueDateRequest.decision == "approved")).one()
    days = ((action.current_due_date - action.baseline_due_date).days
            if action and action.current_due_date and action.baseline_due_date else 0)
    return {"times": int(times), "days": days}


def plan_slippage(session: Session, *, plan_id: int) -> dict[str, int]:
    """Across the plan: actions whose due date has moved, and days slipped in all (from SQL)."""
    moved = (select(DueDateRequest.action_id, func.count().label("times"))
             .where(DueDateRequest.decision == "approved").group_by(DueDateRequest.action_id).subquery())
    days = func.sum(case((Action.current_due_date > Action.baseline_due_date,
                          _days_between(session, Action.baseline_due_date, Action.current_due_date)), else_=0))
    row = session.exec(select(func.count(moved.c.action_id), func.coalesce(func.sum(moved.c.times), 0), days)
                       .select_from(Action).join(moved, moved.c.action_id == Action.id, isouter=True)
                       .where(Action.plan_id == plan_id, in_plan_now())).one()
    return {"actions_moved": int(row[0]), "revisions": int(row[1]), "days_slipped": int(row[2] or 0)}


def _days_between(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start


def my_requests(session: Session, *, user: Actor, plan_id: int) -> list[dict[str, Any]]:
    """The requests this person made, newest first, with the decision and its note: an owner
    sees what was decided on their own requests (and why a request was declined)."""
    if user.person_id is None:
        return []
    query = (select(DueDateRequest, Action.ref, Action.title, Action.restricted)
             .join(Action, Action.id == DueDateRequest.action_id)
             .where(Action.plan_id == plan_id, DueDateRequest.requested_by_person_id == user.person_id)
             .order_by(DueDateRequest.requested_at.desc(), DueDateRequest.id.desc()))
    rows = []
    for req, ref, title, restricted in session.exec(query).all():
        hidden = not cleared_for(user, restricted)
        rows.append({"ref": ref, "title": RESTRICTED_TITLE if hidden else title, "from": req.from_date,
                     "to": req.requested_date, "at": req.requested_at, "decision": req.decision,
                     "decided_by": _masked(req.decided_by, hidden), "note": _masked(req.decision_note, hidden)})
    return rows
