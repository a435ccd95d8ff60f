"""Status updates: appended to an action's history; the action's current RAG and status move
with the latest update in the same transaction, so the two can never disagree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from models import Action, ActionDelegate, Plan, StatusUpdate, UpdateRound
from plan import audit, personal_data
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound, StaleVersion
from plan.identity import Actor
from plan.periods import period_for
from plan.permissions import allowed, cleared_for
from plan.text import clean
from plan.vocab import DeliveryStatus, Rag, parse_choice

MAX_TEXT = 4000  # characters in commentary, blockers or support asked
MAX_URL = 500


def may_update(session: Session, user: Actor, action: Action) -> bool:
    """The secretariat updates any action; an owner updates the actions they own or are a named
    delegate for. A restricted action only by someone cleared for restricted items, checked on
    every write: clearance removed is clearance gone."""
    if not cleared_for(user, action.restricted):
        return False
    if allowed(user, "action.update_any"):
        return True
    if not allowed(user, "action.update_own") or user.person_id is None:
        return False
    if action.owner_person_id == user.person_id:
        return True
    return session.get(ActionDelegate, (action.id, user.person_id)) is not None


def evidence_problem(url: str) -> str:
    """Why an evidence link cannot be kept ("" when it can): a web address on https only, so a
    link never runs script (javascript:), carries a file (data:) or leaves the web (file:)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.netloc or any(c.isspace() for c in url):
        return ("The evidence link must be a web address starting with https:// (for example "
                "https://www.southend.gov.uk/report.pdf), with no spaces.")
    return ""


def can_update(session: Session, *, user: Actor, plan_id: int, ref: str) -> bool:
    """Whether the user may update this action (pages offer the form only then)."""
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    return action is not None and may_update(session, user, action)


def record_update(
    session: Session, *, user: Actor, plan_id: int, ref: str, rag: str, delivery_status: str,
    commentary: str = "", blockers: str = "", support_asked: str = "", evidence_url: str = "",
    expected_version: int | None = None, at: datetime | None = None, period: str | None = None,
    is_demo: bool = False, personal_data_confirmed: bool = False, submission_key: str | None = None,
) -> StatusUpdate:
    """Append an update to the action `ref` and move its current RAG and status.

    Rules: commentary is required when the RAG changes or is Red or Amber; Blue only with status
    complete; complete needs an evidence link; texts have length limits; text that looks like
    personal data is refused or must be confirmed, as the plan's policy says. If
    `expected_version` is given and the action has moved on since, nothing is written. Every
    broken rule is reported at once (InvalidFields names each field). The same `submission_key`
    (one per opened form) saves once: a second send returns the first update.
    Raises NotFound, NotAllowed, InvalidFields, PersonalDataWarning, StaleVersion.
    """
    # Lock the action's row (PostgreSQL; SQLite already holds the write lock from BEGIN
    # IMMEDIATE) so concurrent updates queue and the version check below is against the truth.
    action = session.exec(
        select(Action).where(Action.plan_id == plan_id, Action.ref == ref).with_for_update()
    ).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    if not may_update(session, user, action):
        raise NotAllowed(f"You cannot update action {ref}: only its owner or the plan secretariat can"
                         + (", and only if cleared for restricted items." if action.restricted else "."))
    if submission_key:
        earlier = session.exec(select(StatusUpdate).where(StatusUpdate.submission_key == submission_key)).first()
        if earlier is not None:  # the same form sent twice (a double click, a retry): it is saved once
            return earlier
    if action.retired_at is not None:  # every route (form, bulk, offline return) ends here
        why = action.retired_reason or "no reason given"
        raise InvalidInput(f"Action {ref} was retired on {action.retired_at:%d %b %Y} ({why}): it takes no more "
                           "updates. Ask the secretariat if it should come back into the plan.")
    problems = _problems(action, rag=rag, delivery_status=delivery_status, commentary=commentary,
                         blockers=blockers, support_asked=support_asked, evidence_url=evidence_url)
    if problems:
        raise InvalidFields(problems)
    new_rag, new_status = Rag(_choice(Rag, rag)), DeliveryStatus(_choice(DeliveryStatus, delivery_status))
    commentary, blockers = clean(commentary).strip(), clean(blockers).strip()
    support_asked = clean(support_asked).strip()
    evidence_url = clean(evidence_url, multiline=False).strip()
    personal_data.check_plan_text(session, plan_id=plan_id, confirmed=personal_data_confirmed,
                                  fields={"Commentary": commentary, "Blockers": blockers,
                                          "Support asked": support_asked, "Evidence link": evidence_url})
    if expected_version is not None and expected_version != action.version:
        raise StaleVersion(f"Action {ref} was updated by someone else after you opened it. "
                           "Their update is shown; your text is kept so you can apply it again.")
    plan = session.get(Plan, plan_id)
    assert plan is not None

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
        is_demo=is_demo, submission_key=submission_key or None,
    )
    session.add(update)
    if not _older_than_latest(action, when):  # a back-dated update is history: the current stays
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


def _older_than_latest(action: Action, when: datetime) -> bool:
    """Whether an update made at `when` is older than the action's latest (a back-dated entry).
    The action's current RAG, status and last_update_at are always those of its latest update by
    (created_at, id); at the same moment the new update (the higher id) is the latest. The
    dashboard reads the plan as at today from these columns (plan.reports.asof)."""
    latest = action.last_update_at
    if latest is None:
        return False
    aware = lambda d: d if d.tzinfo else d.replace(tzinfo=UTC)  # noqa: E731 - SQLite gives naive UTC
    return aware(when) < aware(latest)


def _problems(action: Action, *, rag: str, delivery_status: str, commentary: str, blockers: str,
              support_asked: str, evidence_url: str) -> dict[str, str]:
    """Every rule the update breaks, by field, in words that say what to do."""
    problems: dict[str, str] = {}
    new_rag, new_status = _choice(Rag, rag), _choice(DeliveryStatus, delivery_status)
    if new_rag is None and rag.strip():
        problems["rag"] = f"RAG: '{rag}' is not one of: Red, Amber, Green, Blue."
    elif new_rag is None or new_rag == Rag.NOT_ASSESSED:
        problems["rag"] = "Choose a RAG rating (Red, Amber, Green or Blue): an update must assess the action."
    if new_status is None:
        statuses = ", ".join(s.label for s in DeliveryStatus)
        problems["delivery_status"] = (f"Delivery status: '{delivery_status}' is not one of: {statuses}."
                                       if delivery_status.strip() else "Choose a delivery status.")
    texts = {"commentary": ("Commentary", commentary, MAX_TEXT), "blockers": ("Blockers", blockers, MAX_TEXT),
             "support_asked": ("Support asked", support_asked, MAX_TEXT),
             "evidence_url": ("Evidence link", evidence_url, MAX_URL)}
    for field, (label, text, limit) in texts.items():
        if len(text.strip()) > limit:
            problems[field] = f"{label} is {len(text.strip()):,} characters; the most allowed is {limit:,}. Shorten it."
    if new_rag is not None and "commentary" not in problems and not commentary.strip() and (
            new_rag in (Rag.RED, Rag.AMBER) or new_rag.value != action.rag):
        problems["commentary"] = (f"Commentary is required when the RAG is {new_rag.label} or changes: "
                                  "say what has happened and what happens next.")
    if new_rag == Rag.BLUE and new_status not in (None, DeliveryStatus.COMPLETE):
        problems["delivery_status"] = "Blue means complete: set the delivery status to Complete, or choose another RAG."
    if "evidence_url" not in problems:
        if link_problem := evidence_problem(evidence_url.strip()):
            problems["evidence_url"] = link_problem
        elif new_status == DeliveryStatus.COMPLETE and not evidence_url.strip():
            problems["evidence_url"] = "A complete action needs evidence: give a link to it (https://...)."
    return problems


def _choice(enum: type, value: str) -> Any:
    """The enum member for a value typed any reasonable way ("Amber", "in progress"), else None."""
    try:
        return parse_choice(enum, value, "")
    except InvalidInput:
        return None
