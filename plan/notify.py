"""E-mails to people about their own work: an action assigned to them, an update sent back, a
decision on the due date they asked for, a follow-up of theirs falling due. Each says what
happened in a line and names the action by ref (its title only when it is not restricted: an
e-mail leaves the app); the subject carries the plan's protective marking. A person may switch
them off (Person.email_notifications). Sent through plan.mail after the change is saved: a mail
server that is down never stops the change, and is reported to the person who made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from models import Action, DueDateRequest, FollowUp, Meeting, Person, Plan, StatusUpdate, UpdateReturn
from plan import audit
from plan.errors import NotAllowed, NotFound
from plan.identity import Actor
from plan.mail import SmtpSettings, send
from plan.meetings.record import of_plan
from plan.text import plural

FOLLOW_UP_NOTICE_DAYS = 7  # a follow-up is "due" from a week before its date


@dataclass(frozen=True)
class Notice:
    """One e-mail to one person."""

    person_id: int
    email: str
    kind: str  # assigned, returned, due_date, follow_up
    subject: str
    body: str


def _named(action: Action) -> str:
    return f"action {action.ref}" if action.restricted else f"action {action.ref} ({action.title})"


def _notice(session: Session, person_id: int | None, plan_id: int, kind: str, subject: str,
            lines: list[str]) -> list[Notice]:
    person = session.get(Person, person_id) if person_id else None
    plan = session.get(Plan, plan_id)
    if person is None or plan is None:
        return []
    body = "\n\n".join([f"Dear {person.name},", *lines,
                        f"{plan.name}. This e-mail is {plan.protective_marking}.",
                        "You get these e-mails about your own actions and follow-ups; switch them off on "
                        "My actions."])
    return [Notice(person_id=person.id or 0, email=person.email, kind=kind,
                   subject=f"[{plan.protective_marking}] {subject}", body=body)]


def owner_assigned(session: Session, *, plan_id: int, ref: str) -> list[Notice]:
    """To the action's owner now (none if it is back with a role)."""
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    due = f" It is due by {action.current_due_date:%d %B %Y}." if action.current_due_date else ""
    return _notice(session, action.owner_person_id, plan_id, "assigned", f"Action {action.ref} is now yours",
                   [f"You are now the owner of {_named(action)}.{due}",
                    "Give its updates on My actions when the secretariat asks."])


def update_returned(session: Session, *, plan_id: int, ref: str) -> list[Notice]:
    """To the author of the action's latest update sent back (else the owner), with the note."""
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    row = session.exec(select(UpdateReturn, StatusUpdate.author_person_id)
                       .join(StatusUpdate, StatusUpdate.id == UpdateReturn.status_update_id)
                       .where(StatusUpdate.action_id == action.id)
                       .order_by(UpdateReturn.at.desc(), UpdateReturn.id.desc())).first()
    if row is None:
        return []
    returned, author = row
    note = "" if action.restricted else f" Their note: {returned.note}"
    return _notice(session, author or action.owner_person_id, plan_id, "returned",
                   f"Your update on action {action.ref} was sent back",
                   [f"The secretariat sent your update on {_named(action)} back to you.{note}",
                    "Open My actions to see the note and send the update again."])


def due_date_decided(session: Session, *, plan_id: int, request_id: int) -> list[Notice]:
    """To the person who asked for the new due date: approved or declined, and why."""
    asked = session.get(DueDateRequest, request_id)
    action = session.get(Action, asked.action_id) if asked else None
    if asked is None or action is None or action.plan_id != plan_id or asked.decision == "pending":
        return []
    verdict = "approved" if asked.decision == "approved" else "declined"
    note = f" Note: {asked.decision_note}" if asked.decision_note and not action.restricted else ""
    now = (f"The due date is now {asked.requested_date:%d %B %Y}." if verdict == "approved"
           else f"The due date stays {action.current_due_date:%d %B %Y}." if action.current_due_date else "")
    return _notice(session, asked.requested_by_person_id or action.owner_person_id, plan_id, "due_date",
                   f"New due date for action {action.ref} {verdict}",
                   [f"Your request to move {_named(action)} to {asked.requested_date:%d %B %Y} was {verdict} "
                    f"by {asked.decided_by}.{note} {now}".strip()])


def follow_ups_due(session: Session, *, plan_id: int, today: date | None = None,
                   within_days: int = FOLLOW_UP_NOTICE_DAYS) -> list[Notice]:
    """One e-mail per person with open follow-ups due within `within_days` (or overdue)."""
    today = today or date.today()
    rows = session.exec(select(FollowUp, Action).join(Meeting, Meeting.id == FollowUp.meeting_id)
                        .join(Action, Action.id == FollowUp.action_id, isouter=True)
                        .join(Person, Person.id == FollowUp.owner_person_id)
                        .where(FollowUp.done_at.is_(None), FollowUp.due_date <= today + timedelta(days=within_days),
                               of_plan(plan_id))
                        .order_by(FollowUp.owner_person_id, FollowUp.due_date, FollowUp.id)).all()
    by_person: dict[int, list[str]] = {}
    for follow_up, action in rows:
        late = " (overdue)" if follow_up.due_date < today else ""
        what = "" if action is not None and action.restricted else f": {follow_up.text}"
        about = f" on {_named(action)}" if action is not None else ""
        by_person.setdefault(follow_up.owner_person_id or 0, []).append(
            f"- due {follow_up.due_date:%d %B %Y}{late}{about}{what}")
    notices: list[Notice] = []
    for person_id, lines in by_person.items():
        notices += _notice(session, person_id, plan_id, "follow_up",
                           f"{plural(len(lines), 'follow-up')} due", [
                               f"{plural(len(lines), 'follow-up')} agreed at meetings "
                               f"{'is' if len(lines) == 1 else 'are'} yours and due soon:", "\n".join(lines),
                               "Mark each done on My actions when it is."])
    return notices


def deliver(session: Session, *, user: Actor, plan_id: int, settings: SmtpSettings,
            notices: list[Notice]) -> dict[str, list[str]]:
    """Send the notices to those who still want them (active, e-mails on): {"sent", "failed",
    "off"} by address; one audit event naming who was sent what (never the bodies)."""
    wanted = {p.id for p in session.exec(select(Person).where(
        Person.id.in_([n.person_id for n in notices]), Person.active.is_(True),
        Person.email_notifications.is_(True))).all()} if notices else set()
    going = [n for n in notices if n.person_id in wanted]
    off = [n.email for n in notices if n.person_id not in wanted]
    sent, failed = send(settings, [(n.email, n.subject, n.body) for n in going]) if going else ([], [])
    if going:
        audit.record(session, actor=user, event="notify.sent", plan_id=plan_id, entity="notify",
                     entity_key=",".join(sorted({n.kind for n in going})),
                     after={"sent": sent, "failed": failed, "switched_off": off,
                            "subjects": [n.subject for n in going]})
    return {"sent": sent, "failed": failed, "off": off}


def set_email_notifications(session: Session, *, user: Actor, on: bool) -> bool:
    """Switch the signed-in person's e-mails on or off (their own choice). Raises NotAllowed."""
    person = session.get(Person, user.person_id) if user.person_id else None
    if person is None:
        raise NotAllowed("Only a signed-in person has e-mails to switch on or off.")
    if person.email_notifications != on:
        person.email_notifications = on
        session.add(person)
        audit.record(session, actor=user, event="notify.opt_out", entity="person", entity_key=person.email,
                     after={"email_notifications": on})
    return on


def wants_email(session: Session, *, user: Actor) -> bool:
    person = session.get(Person, user.person_id) if user.person_id else None
    return bool(person and person.email_notifications)
