"""Status updates: appended to an action's history; the action's current RAG and status move
with the latest update in the same transaction, so the two can never disagree."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from models import Action, ActionDelegate, Plan, StatusUpdate, UpdateRound
from plan import audit, personal_data
from plan.errors import InvalidInput, NotAllowed, NotFound, StaleVersion
from plan.identity import Actor
from plan.periods import period_for
from plan.permissions import allowed
from plan.vocab import DeliveryStatus, Rag, parse_choice

MAX_TEXT = 4000  # characters in commentary, blockers or support asked
MAX_URL = 500


def may_update(session: Session, user: Actor, action: Action) -> bool:
    """The secretariat updates any action; an owner updates the actions they own or are a named
    delegate for."""
    if allowed(user, "action.update_any"):
        return True
    if not allowed(user, "action.update_own") or user.person_id is None:
        return False
    if action.owner_person_id == user.person_id:
        return True
    return session.get(ActionDelegate, (action.id, user.person_id)) is not None


def can_update(session: Session, *, user: Actor, plan_id: int, ref: str) -> bool:
    """Whether the user may update this action (pages offer the form only then)."""
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    return action is not None and may_update(session, user, action)


def record_update(
    session: Session, *, user: Actor, plan_id: int, ref: str, rag: str, delivery_status: str,
    commentary: str = "", blockers: str = "", support_asked: str = "", evidence_url: str = "",
    expected_version: int | None = None, at: datetime | None = None, period: str | None = None,
    is_demo: bool = False, personal_data_confirmed: bool = False,
) -> StatusUpdate:
    """Append an update to the action `ref` and move its current RAG and status.

    Rules: commentary is required when the RAG changes or is Red or Amber; Blue only with status
    complete; complete needs an evidence link; texts have length limits; text that looks like
    personal data is refused or must be confirmed, as the plan's policy says. If
    `expected_version` is given and the action has moved on since, nothing is written.
    Raises NotFound, NotAllowed, InvalidInput, PersonalDataWarning, StaleVersion.
    """
    # Lock the action's row (PostgreSQL; SQLite already holds the write lock from BEGIN
    # IMMEDIATE) so concurrent updates queue and the version check below is against the truth.
    action = session.exec(
        select(Action).where(Action.plan_id == plan_id, Action.ref == ref).with_for_update()
    ).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    if not may_update(session, user, action):
        raise NotAllowed(f"You cannot update action {ref}: only its owner or the plan secretariat can.")
    new_rag = Rag(parse_choice(Rag, rag, "RAG"))
    new_status = DeliveryStatus(parse_choice(DeliveryStatus, delivery_status, "Delivery status"))
    commentary, blockers, support_asked = commentary.strip(), blockers.strip(), support_asked.strip()
    evidence_url = evidence_url.strip()
    for label, text, limit in (("Commentary", commentary, MAX_TEXT), ("Blockers", blockers, MAX_TEXT),
                               ("Support asked", support_asked, MAX_TEXT), ("Evidence link", evidence_url, MAX_URL)):
        if len(text) > limit:
            raise InvalidInput(f"{label} is {len(text):,} characters; the most allowed is {limit:,}. Shorten it.")
    if new_rag == Rag.NOT_ASSESSED:
        raise InvalidInput("Choose a RAG rating: an update must assess the action.")
    if not commentary and (new_rag in (Rag.RED, Rag.AMBER) or new_rag.value != action.rag):
        raise InvalidInput(f"Commentary is required when the RAG is {new_rag.label} or changes: "
                           "say what has happened and what happens next.")
    if new_rag == Rag.BLUE and new_status != DeliveryStatus.COMPLETE:
        raise InvalidInput("Blue means complete: set the delivery status to Complete, or choose another RAG.")
    if new_status == DeliveryStatus.COMPLETE and not evidence_url:
        raise InvalidInput("A complete action needs evidence: give a link to it.")
    plan = session.get(Plan, plan_id)
    assert plan is not None
    personal_data.check_plan_text(session, plan_id=plan_id, confirmed=personal_data_confirmed,
                                  fields={"Commentary": commentary, "Blockers": blockers,
                                          "Support asked": support_asked})
    if expected_version is not None and expected_version != action.version:
        raise StaleVersion(f"Action {ref} was updated by someone else after you opened it. "
                           "Their update is shown; your text is kept so you can apply it again.")

    when = at or datetime.now(UTC)
    before = {"rag": action.rag, "delivery_status": action.delivery_status}
    open_round = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id,
                                                        UpdateRound.closed_at.is_(None))).first()
    update = StatusUpdate(
        action_id=action.id, rag=new_rag.value, delivery_status=new_status.value, commentary=commentary,
        blockers=blockers, support_asked=support_asked, evidence_url=evidence_url,
        author_person_id=user.person_id, author_name=user.name, created_at=when,
        period=period or (open_round.period if open_round else period_for(when.date(), plan.reporting_cycle)),
        round_id=open_round.id if open_round and not is_demo else None,
        is_demo=is_demo,
    )
    session.add(update)
    action.rag, action.delivery_status = new_rag.value, new_status.value
    action.updated_at = action.last_update_at = when
    try:
        session.flush()  # the version column makes a concurrent write to this action fail here
    except StaleDataError as err:
        raise StaleVersion(f"Action {ref} was updated by someone else at the same moment; "
                           "open it again to see their update.") from err
    audit.record(session, actor=user, event="action.update", plan_id=plan_id, entity="action", entity_key=ref,
                 before=before, after={"rag": update.rag, "delivery_status": update.delivery_status,
                                       "commentary": commentary, "blockers": blockers,
                                       "support_asked": support_asked, "evidence_url": evidence_url,
                                       "period": update.period, "demo": is_demo},
                 restricted=action.restricted)
    return update
