"""Who may do what. Every service that writes asks here first, so no page, CLI command or
crafted widget state can get round a rule."""

from __future__ import annotations

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
