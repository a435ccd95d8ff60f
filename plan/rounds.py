"""The update round: the secretariat calls for updates for a reporting period with a deadline,
sees who still owes, chases them, sends updates back, and closes the round, freezing what the
support-and-challenge meeting will see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from models import (
    Action,
    ActionDelegate,
    Agency,
    Person,
    Plan,
    RoundSnapshot,
    StatusUpdate,
    UpdateReturn,
    UpdateRound,
)
from plan import audit, mail
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE, _visible_detail
from plan.dates import parse_date
from plan.errors import InvalidFields, InvalidInput, NotFound
from plan.identity import Actor
from plan.measures import PERIOD
from plan.permissions import cleared_for, require, require_cleared
from plan.personal_data import checked_text
from plan.vocab import DeliveryStatus

# Finished or paused actions owe nothing.
NOT_OWING = (DeliveryStatus.COMPLETE.value, DeliveryStatus.CLOSED.value, DeliveryStatus.DEFERRED.value)
MAX_NOTE = 2000


@dataclass(frozen=True)
class RoundInfo:
    id: int
    period: str
    deadline: date
    opened_at: datetime
    closed_at: datetime | None


def _info(row: UpdateRound) -> RoundInfo:
    assert row.id is not None
    return RoundInfo(row.id, row.period, row.deadline, row.opened_at, row.closed_at)


def open_round(session: Session, *, user: Actor, plan_id: int, period: str, deadline: date | str,
               today: date | None = None) -> RoundInfo:
    """Open a round. Only one is open at a time. Raises NotAllowed, InvalidInput."""
    require(user, "round.manage")
    period = period.strip().upper()
    if not PERIOD.match(period):
        raise InvalidInput(f"'{period}' is not a reporting period; write it like 2026-Q3, 2026-07 or 2026.")
    due = parse_date(deadline, "Deadline")
    if due < (today or date.today()):
        raise InvalidInput(f"The deadline {due:%d %b %Y} has passed; choose a date from today on.")
    if (open_now := current_round(session, plan_id=plan_id)) is not None:
        raise InvalidInput(f"The round for {open_now.period} is still open; close it before opening another.")
    if session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id, UpdateRound.period == period)).first():
        raise InvalidInput(f"There has already been a round for {period}.")
    row = UpdateRound(plan_id=plan_id, period=period, deadline=due, opened_by=user.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, event="round.open", plan_id=plan_id, entity="update_round",
                 entity_key=period, after={"period": period, "deadline": due})
    return _info(row)


def current_round(session: Session, *, plan_id: int) -> RoundInfo | None:
    row = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id,
                                                 UpdateRound.closed_at.is_(None))).first()
    return _info(row) if row else None


def latest_round(session: Session, *, plan_id: int) -> RoundInfo | None:
    row = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id)
                       .order_by(UpdateRound.opened_at.desc(), UpdateRound.id.desc())).first()
    return _info(row) if row else None


def _latest_in_round(round_id: int) -> Any:
    return (select(StatusUpdate.action_id, func.max(StatusUpdate.id).label("update_id"))
            .where(StatusUpdate.round_id == round_id).group_by(StatusUpdate.action_id).subquery())


def _submitted(latest: Any) -> ColumnElement[bool]:
    """The action's latest update in the round exists and has not been sent back."""
    return and_(latest.c.update_id.is_not(None),
                ~exists().where(UpdateReturn.status_update_id == latest.c.update_id))


def owes_condition() -> ColumnElement[bool]:
    """Owes an update in a round: not finished and not retired."""
    return and_(Action.delivery_status.not_in(NOT_OWING), Action.retired_at.is_(None))


def _completeness_query(user: Actor, plan_id: int, round_id: int, by: str) -> Any:
    latest = _latest_in_round(round_id)
    if by == "agency":
        group = func.coalesce(Agency.name, literal("No lead agency"))
    elif by == "owner":
        group = case((_visible_detail(user), func.coalesce(Person.name, Action.lead_owner)),
                     else_=literal(RESTRICTED_TEXT))
    else:
        raise ValueError("completeness by 'agency' or 'owner'")
    done = func.sum(case((_submitted(latest), 1), else_=0))
    return (select(group.label("group"), func.count(Action.id).label("owed"), done.label("submitted"))
            .join(latest, latest.c.action_id == Action.id, isouter=True)
            .join(Agency, Agency.id == Action.lead_agency_id, isouter=True)
            .join(Person, Person.id == Action.owner_person_id, isouter=True)
            .where(Action.plan_id == plan_id, owes_condition())
            .group_by(group).order_by(group))


def completeness(session: Session, *, user: Actor, plan_id: int, round_id: int, by: str = "agency",
                 limit: int | None = None, offset: int = 0) -> list[dict]:
    """For each lead agency (or owner): actions that owe an update, how many are in, the rate.
    Computed in SQL. By owner, restricted actions count under "Restricted" for a user not cleared
    (their owners are restricted detail); every action is counted. `limit`/`offset`: one page of
    the groups (a plan may name hundreds of owners); count them with completeness_groups."""
    require(user, "round.view")
    query = _completeness_query(user, plan_id, round_id, by)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = []
    for row in session.exec(query).all():
        owed, submitted = int(row.owed), int(row.submitted or 0)
        rows.append({"group": row.group, "owed": owed, "submitted": submitted, "outstanding": owed - submitted,
                     "percent": round(100 * submitted / owed) if owed else 100})
    return rows


def completeness_groups(session: Session, *, user: Actor, plan_id: int, round_id: int, by: str = "agency") -> int:
    """How many rows completeness() has in all (for paging it)."""
    require(user, "round.view")
    query = _completeness_query(user, plan_id, round_id, by).order_by(None).subquery()
    return int(session.exec(select(func.count()).select_from(query)).one())


def _owing_query(user: Actor, plan_id: int, round_id: int) -> Any:
    latest = _latest_in_round(round_id)
    visible = _visible_detail(user)
    return (select(Action.id, Action.ref, Action.restricted,
                   case((visible, Action.title), else_=literal(RESTRICTED_TITLE)).label("title"),
                   case((visible, Action.lead_owner), else_=literal(RESTRICTED_TEXT)).label("lead_owner"),
                   case((visible, Person.name), else_=literal(RESTRICTED_TEXT)).label("person"),
                   case((visible, Person.email), else_=literal(RESTRICTED_TEXT)).label("email"),
                   Agency.name.label("agency"), latest.c.update_id)
            .join(latest, latest.c.action_id == Action.id, isouter=True)
            .join(Person, Person.id == Action.owner_person_id, isouter=True)
            .join(Agency, Agency.id == Action.lead_agency_id, isouter=True)
            .where(Action.plan_id == plan_id, owes_condition(), ~_submitted(latest))
            .order_by(Action.ref_sort, Action.id))


def owing(session: Session, *, user: Actor, plan_id: int, round_id: int, limit: int | None = None,
          offset: int = 0, refs: list[str] | None = None) -> list[dict]:
    """The actions still owing an update in the round, with who should give it, in ref order;
    on a restricted one, its title, owner and e-mail reach only cleared users. `limit`/`offset`:
    one page (a plan of 10,000 actions owes thousands: the page shows 100 at a time; how many in
    all is round_totals' "outstanding"); `refs`: just these actions."""
    require(user, "round.view")
    query = _owing_query(user, plan_id, round_id)
    if refs is not None:
        query = query.where(Action.ref.in_(refs))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [{"ref": r.ref, "title": r.title, "owner": r.person or r.lead_owner, "email": r.email or "",
             "agency": r.agency or "", "returned": r.update_id is not None, "action_id": r.id,
             "restricted": r.restricted}
            for r in session.exec(query).all()]


def return_update(session: Session, *, user: Actor, plan_id: int, ref: str, note: str,
                  personal_data_confirmed: bool = False) -> None:
    """Send the action's latest update in the open round back to its owner with a note. A missing
    action and a missing or unfit note are refused together (InvalidFields: ref, note)."""
    require(user, "round.manage")
    problems: dict[str, str] = {}
    ref = (ref or "").strip()
    if not ref:
        problems["ref"] = "Choose the action whose update goes back to its owner."
    try:
        note = checked_text(session, plan_id=plan_id, label="Note", text=note, limit=MAX_NOTE,
                            missing="Say what the owner should add or change: the note is required.",
                            confirmed=personal_data_confirmed)
    except InvalidInput as err:
        problems["note"] = str(err)
    if problems:
        raise InvalidFields(problems)
    current = current_round(session, plan_id=plan_id)
    if current is None:
        raise InvalidInput("There is no open round: updates can be sent back only while a round is open.")
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    require_cleared(user, action, what=f"Action {ref}")  # its update and the note on it are restricted detail
    update = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == action.id,
                                                     StatusUpdate.round_id == current.id)
                          .order_by(StatusUpdate.id.desc())).first()
    if update is None:
        raise InvalidInput(f"Action {ref} has no update in this round to send back.")
    if session.exec(select(UpdateReturn).where(UpdateReturn.status_update_id == update.id)).first():
        raise InvalidInput(f"The latest update on {ref} has already been sent back.")
    session.add(UpdateReturn(status_update_id=update.id, note=note, returned_by=user.name))
    audit.record(session, actor=user, event="round.return_update", plan_id=plan_id, entity="action",
                 entity_key=ref, after={"note": note}, restricted=action.restricted)


def close_round(session: Session, *, user: Actor, plan_id: int) -> dict[str, int]:
    """Close the open round and freeze each action as it stands: what the meeting sees."""
    require(user, "round.manage")
    current = current_round(session, plan_id=plan_id)
    if current is None:
        raise InvalidInput("There is no open round to close.")
    latest_any = (select(StatusUpdate.action_id, func.max(StatusUpdate.id).label("update_id"))
                  .group_by(StatusUpdate.action_id).subquery())
    in_round = _latest_in_round(current.id)
    rows = session.exec(
        select(Action.id, Action.rag, Action.delivery_status, Action.current_due_date, latest_any.c.update_id,
               case((_submitted(in_round), literal(True)), else_=literal(False)).label("submitted"))
        .join(latest_any, latest_any.c.action_id == Action.id, isouter=True)
        .join(in_round, in_round.c.action_id == Action.id, isouter=True)
        .where(Action.plan_id == plan_id)).all()
    session.add_all([RoundSnapshot(round_id=current.id, action_id=r.id, status_update_id=r.update_id, rag=r.rag,
                                   delivery_status=r.delivery_status, current_due_date=r.current_due_date,
                                   updated_in_round=bool(r.submitted)) for r in rows])
    row = session.get(UpdateRound, current.id)
    assert row is not None
    row.closed_at, row.closed_by = datetime.now(UTC), user.name
    counts = {"actions": len(rows), "updated": sum(1 for r in rows if r.submitted)}
    audit.record(session, actor=user, event="round.close", plan_id=plan_id, entity="update_round",
                 entity_key=current.period, after=counts)
    return counts


def frozen(session: Session, *, user: Actor, round_id: int) -> dict[int, dict[str, Any]]:
    """What a closed round froze, per action id."""
    require(user, "round.view")
    return {s.action_id: {"rag": s.rag, "delivery_status": s.delivery_status, "due": s.current_due_date,
                          "update_id": s.status_update_id, "updated_in_round": s.updated_in_round}
            for s in session.exec(select(RoundSnapshot).where(RoundSnapshot.round_id == round_id)).all()}


@dataclass(frozen=True)
class Chaser:
    email: str
    name: str
    refs: list[str]
    subject: str
    body: str


def chasers(session: Session, *, user: Actor, plan_id: int, app_url: str = "") -> tuple[list[Chaser], list[str]]:
    """The reminders to send: one per person who owes (owner or delegate), and the refs owed by
    a role with no named person (which the secretariat must chase another way).

    Who owns a restricted action is restricted detail: for a user not cleared, restricted
    actions are left out of both (see withheld_chasers), so the preview never pairs a person
    with one; a cleared member of the secretariat chases them."""
    require(user, "round.manage")
    current = current_round(session, plan_id=plan_id)
    if current is None:
        raise InvalidInput("There is no open round to chase.")
    plan = session.get(Plan, plan_id)
    assert plan is not None
    owed = [row for row in owing(session, user=Actor.system(), plan_id=plan_id, round_id=current.id)
            if cleared_for(user, row["restricted"])]
    by_person: dict[str, tuple[str, list[str]]] = {}
    unnamed: list[str] = []
    latest = _latest_in_round(current.id)
    delegates: dict[int, list[tuple[str, str]]] = {}
    for action_id, email, name in session.exec(  # every owing action's delegates in one query
            select(ActionDelegate.action_id, Person.email, Person.name)
            .join(Person, Person.id == ActionDelegate.person_id)
            .join(Action, Action.id == ActionDelegate.action_id)
            .join(latest, latest.c.action_id == Action.id, isouter=True)
            .where(Action.plan_id == plan_id, owes_condition(), ~_submitted(latest), Person.active.is_(True))
            .order_by(ActionDelegate.action_id, Person.id)).all():
        delegates.setdefault(action_id, []).append((email, name))
    for row in owed:
        people = [(row["email"], row["owner"])] if row["email"] else []
        people += delegates.get(row["action_id"], [])
        if not people:
            unnamed.append(row["ref"])
        for email, name in people:
            by_person.setdefault(email, (name, []))[1].append(row["ref"])
    messages = []
    for email, (name, refs) in sorted(by_person.items()):
        subject = f"[{plan.protective_marking}] {plan.name}: update due by {current.deadline:%d %B %Y}"
        body = (f"Dear {name},\n\nThe update round for {current.period} is open. Please update these actions "
                f"by {current.deadline:%A %d %B %Y}:\n\n" + "\n".join(f"  - Action {ref}" for ref in refs)
                + f"\n\n{('Sign in at ' + app_url) if app_url else 'Sign in to the Action Plan Tracker'} "
                "and open My actions.\n\nThank you,\nThe plan secretariat\n\n"
                f"This message is {plan.protective_marking}.")
        messages.append(Chaser(email=email, name=name, refs=refs, subject=subject, body=body))
    return messages, unnamed


def chase_round(session: Session, *, user: Actor, plan_id: int, settings: Any,
                messages: list[Chaser]) -> tuple[list[str], list[str]]:
    """Send the previewed reminders (plan.mail.send over `settings`, a plan.mail.SmtpSettings)
    and record who was chased. Permission is checked before any mail goes. Returns (sent to,
    failed with reason). Raises NotAllowed."""
    require(user, "round.manage")
    sent, failed = mail.send(settings, [(m.email, m.subject, m.body) for m in messages])
    record_chase(session, user=user, plan_id=plan_id, sent=[m for m in messages if m.email in sent], failed=failed)
    return sent, failed


def record_chase(session: Session, *, user: Actor, plan_id: int, sent: list[Chaser], failed: list[str]) -> None:
    require(user, "round.manage")
    audit.record(session, actor=user, event="round.chase", plan_id=plan_id, entity="update_round",
                 after={"sent_to": [c.email for c in sent], "failed": failed})


def owner_filter(user: Actor) -> ColumnElement[bool]:
    """Actions the user owns or is a delegate for."""
    return or_(Action.owner_person_id == user.person_id,
               exists().where(ActionDelegate.action_id == Action.id, ActionDelegate.person_id == user.person_id))


def withheld_chasers(session: Session, *, user: Actor, plan_id: int) -> list[str]:
    """The refs of restricted actions that owe an update in the open round and that `chasers`
    left out for this user (not cleared); empty for a cleared user or with no open round.
    Refs are not restricted: the page can say these are chased by a cleared colleague."""
    require(user, "round.manage")
    current = current_round(session, plan_id=plan_id)
    if current is None or user.cleared_for_restricted:
        return []
    query = _owing_query(Actor.system(), plan_id, current.id).where(Action.restricted.is_(True))
    return [row.ref for row in session.exec(query).all()]


def round_totals(session: Session, *, user: Actor, plan_id: int, round_id: int) -> dict[str, int]:
    """Across the plan: updates owed in the round (one per open action), how many are in, how many
    are still owed. The round page's count and the closing message both come from here, so they
    always say the same thing."""
    rows = completeness(session, user=user, plan_id=plan_id, round_id=round_id, by="agency")
    owed, submitted = sum(r["owed"] for r in rows), sum(r["submitted"] for r in rows)
    return {"owed": owed, "submitted": submitted, "outstanding": owed - submitted}


def returnable(session: Session, *, user: Actor, plan_id: int, round_id: int,
               limit: int | None = None) -> list[dict[str, Any]]:
    """The actions whose update in the round can be sent back (it is in and not already sent back),
    in ref order, the first `limit` of them; a restricted title reaches only cleared users."""
    require(user, "round.manage")
    latest = _latest_in_round(round_id)
    query = (select(Action.ref, case((_visible_detail(user), Action.title), else_=literal(RESTRICTED_TITLE))
                    .label("title"))
             .join(latest, latest.c.action_id == Action.id)
             .where(Action.plan_id == plan_id, _submitted(latest)).order_by(Action.ref_sort, Action.id))
    if limit is not None:
        query = query.limit(limit)
    return [{"ref": r.ref, "title": r.title} for r in session.exec(query).all()]


def next_period(label: str) -> str:
    """The reporting period after `label`, in the same form (2026-Q4 -> 2027-Q1, 2026-12 -> 2027-01)."""
    year_text, _, rest = label.strip().upper().partition("-")
    year = int(year_text)
    if not rest:
        return f"{year + 1}"
    if rest[0] in "QB":
        last = 4 if rest[0] == "Q" else 6
        number = int(rest[1:])
        return f"{year}-{rest[0]}{number + 1}" if number < last else f"{year + 1}-{rest[0]}1"
    month = int(rest)
    return f"{year}-{month + 1:02d}" if month < 12 else f"{year + 1}-01"


def suggested_period(session: Session, *, plan_id: int, cycle: str, today: date | None = None) -> str:
    """The period to offer for the next round: today's, unless a round has already reached it;
    then the one after the latest round's period (and after any round already held)."""
    from plan.periods import period_for, period_start  # kept with this addition (the imports above are shared)

    candidate = period_for(today or date.today(), cycle)
    held = set(session.exec(select(UpdateRound.period).where(UpdateRound.plan_id == plan_id)).all())
    last = latest_round(session, plan_id=plan_id)
    try:
        if last is not None and period_start(candidate) <= period_start(last.period):
            candidate = next_period(last.period)
        for _ in range(100):  # past any later round already held
            if candidate not in held:
                break
            candidate = next_period(candidate)
    except ValueError:  # a period label in a form we do not know: offer today's
        return period_for(today or date.today(), cycle)
    return candidate
