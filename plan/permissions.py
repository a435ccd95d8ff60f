"""Who may do what. Every service that writes asks here first, so no page, CLI command or
crafted widget state can get round a rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, false, not_, or_, select, true

from plan.errors import NotAllowed
from plan.identity import Actor
from plan.vocab import Role

# operation -> roles that may do it, and the words used when refusing.
RULES: dict[str, tuple[frozenset[Role], str]] = {
    "plan.load": (frozenset({Role.ADMIN}), "load a plan"),
    "plan.settings": (frozenset({Role.ADMIN}), "change the plan's settings"),
    "plan.manage": (frozenset({Role.ADMIN}), "create, refresh or export plans"),
    "plan.community_view": (frozenset({Role.ADMIN}), "switch the public community page on or off"),
    "demo.add": (frozenset({Role.ADMIN}), "add demo data"),
    "action.update_any": (frozenset({Role.ADMIN}), "update actions that are not yours"),
    "action.update_own": (frozenset({Role.ADMIN, Role.OWNER}), "update actions"),
    "action.assign_owner": (frozenset({Role.ADMIN}), "assign action owners"),
    "user.manage": (frozenset({Role.ADMIN}), "manage users and roles"),
    "audit.view": (frozenset({Role.ADMIN, Role.CHAIR}), "view the audit trail"),
    "audit.export": (frozenset({Role.ADMIN, Role.CHAIR}), "export the audit trail"),
    "board_paper.export": (frozenset({Role.ADMIN, Role.CHAIR}), "prepare board papers"),
    "measure.submit_any": (frozenset({Role.ADMIN}), "submit figures for any agency"),
    "measure.submit_own_agency": (frozenset({Role.ADMIN, Role.CONTRIBUTOR}), "submit figures for measures"),
    "measure.define": (frozenset({Role.ADMIN}), "define measures or change their definitions"),
    "measure.import": (frozenset({Role.ADMIN}), "import measures from a spreadsheet"),
    "measure.track": (frozenset({Role.ADMIN, Role.CHAIR, Role.CONTRIBUTOR}), "see the data returns tracker"),
    "round.manage": (frozenset({Role.ADMIN}), "open, chase or close update rounds"),
    "round.view": (frozenset({Role.ADMIN, Role.CHAIR}), "see who owes updates"),
    "due_date.request": (frozenset({Role.ADMIN, Role.OWNER}), "ask for a new due date"),
    "due_date.decide": (frozenset({Role.ADMIN, Role.CHAIR}), "decide due-date requests"),
    "delegate.manage": (frozenset({Role.ADMIN}), "name delegates for actions"),
    "meeting.manage": (frozenset({Role.ADMIN}), "create meetings, edit their agenda or close them"),
    "meeting.record": (frozenset({Role.ADMIN, Role.CHAIR}),
                       "record challenges, agreed RAGs, decisions or follow-ups at a meeting"),
    "meeting.view": (frozenset({Role.ADMIN, Role.CHAIR}), "see meetings and the decisions log"),
    "follow_up.complete": (frozenset({Role.ADMIN, Role.CHAIR, Role.OWNER}), "mark follow-ups done"),
    "plan.import": (frozenset({Role.ADMIN}), "import a plan from a spreadsheet"),
    "returns.manage": (frozenset({Role.ADMIN}), "make or apply offline update returns"),
    "plan.edit": (frozenset({Role.ADMIN}), "add, edit, move, close or retire actions and objectives"),
    "agency.manage": (frozenset({Role.ADMIN}), "add or change agencies"),
    "actions.export": (frozenset({Role.ADMIN, Role.CHAIR, Role.OWNER, Role.CONTRIBUTOR, Role.VIEWER}),
                       "export actions to Excel"),
    "strategy.edit": (frozenset({Role.ADMIN}),
                      "record the definition of serious violence, the needs assessment or its findings, or link "
                      "findings to actions"),
    "strategy.view": (frozenset({Role.ADMIN, Role.CHAIR}), "see the Serious Violence Duty coverage and review"),
    "owners.view": (frozenset({Role.ADMIN, Role.CHAIR, Role.OWNER, Role.VIEWER}),
                    "see the unowned or orphaned actions"),
}

ROLE_DESCRIPTIONS = {
    Role.ADMIN: "Plan secretariat: maintains the plan, users, meetings and exports.",
    Role.CHAIR: "Chair or board member: reads everything, runs meetings, challenges owners.",
    Role.OWNER: "Action owner: updates their own actions and reads the plan.",
    Role.CONTRIBUTOR: "Data contributor: submits figures for their agency's measures.",
    Role.VIEWER: "Viewer: reads the plan.",
}


def allowed(user: Actor, operation: str) -> bool:
    roles, _ = RULES[operation]
    return user.role in roles


def require(user: Actor, operation: str) -> None:
    """Raise NotAllowed, in words the user understands, unless the user's role allows it."""
    roles, words = RULES[operation]
    if user.role not in roles:
        who = ", ".join(sorted(r.value for r in roles))
        raise NotAllowed(f"Your role ({user.role.value}) cannot {words}; this needs: {who}.")


# ---------------------------------------------------------------- restricted detail
# The one clearance rule. A restricted (police-sensitive) action, a measure that serves only
# restricted actions, and every record about them (updates, due-date requests, meeting records,
# audit events) are restricted detail: only a user cleared for restricted items reads or changes
# it. Every service asks here, in Python (`cleared_for`, `require_cleared`) or in SQL
# (`shown_to`), so there is one answer to "may this person see this?".

RESTRICTED_WORDS = "restricted (police-sensitive) detail"


def _restricted(thing: object) -> bool:
    """Whether `thing` is restricted detail: a flag, a mapping with "restricted", or any object
    with a `restricted` attribute (an Action, a snapshot, an audit event)."""
    if isinstance(thing, dict):
        return bool(thing.get("restricted"))
    if hasattr(thing, "restricted"):
        return bool(thing.restricted)
    return bool(thing)  # a flag: True, 1 (as SQLite returns a condition), None


def cleared_for(user: Actor, *things: object) -> bool:
    """True when the user may read and change every one of `things`: none is restricted, or
    the user is cleared for restricted items."""
    return user.cleared_for_restricted or not any(_restricted(t) for t in things)


def require_cleared(user: Actor, *things: object, what: str = "This item") -> None:
    """Raise NotAllowed unless `cleared_for(user, *things)`. `what` names the thing in the
    refusal, e.g. "Action 4.6" (a ref is not itself restricted: counts stay whole)."""
    if not cleared_for(user, *things):
        raise NotAllowed(f"{what} is restricted: only someone cleared for restricted items can see or change it.")


def shown_to(user: Actor, restricted: Any) -> Any:
    """SQL: the rows whose `restricted` expression (a column, or a condition such as "the
    measure serves only restricted actions") the user may read."""
    if user.cleared_for_restricted:
        return true()
    return not_(restricted)


def hidden_from(user: Actor, restricted: Any) -> Any:
    """SQL: true where the row is restricted detail this user may not read (for masking a
    value in a select rather than leaving the row out)."""
    if user.cleared_for_restricted:
        return false()
    return restricted


def restricted_measure(measure_id: Any) -> Any:
    """SQL: the measure (its id column or value) serves only restricted actions, and at least
    one: its name, definition and figures are then restricted detail. A measure of the plan as
    a whole, or one that also serves an open action, is not."""
    from models import Action, MeasureAction  # here: the rule's words above need no tables

    linked = select(MeasureAction.measure_id).join(Action, Action.id == MeasureAction.action_id)
    return and_(exists(linked.where(MeasureAction.measure_id == measure_id, Action.restricted.is_(True))),
                ~exists(linked.where(MeasureAction.measure_id == measure_id, Action.restricted.is_(False))))


def restricted_event() -> Any:
    """SQL: an audit event is restricted detail when it was recorded as such, or when what it is
    about is restricted now (an action made restricted later; a measure that serves only
    restricted actions, whose `measure.define` event holds its name and definition)."""
    from models import Action, AuditEvent, Measure

    action_now = exists(select(Action.id).where(
        Action.plan_id == AuditEvent.plan_id, Action.ref == AuditEvent.entity_key, Action.restricted.is_(True)))
    measure_now = exists(select(Measure.id).where(
        Measure.plan_id == AuditEvent.plan_id, Measure.ref == AuditEvent.entity_key, restricted_measure(Measure.id)))
    return or_(AuditEvent.restricted.is_(True), and_(AuditEvent.entity == "action", action_now),
               and_(AuditEvent.entity == "measure", measure_now))
