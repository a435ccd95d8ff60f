"""Small helpers that make people and updates the way the app does (through the services)."""

from __future__ import annotations

from plan.db import session_scope
from plan.identity import Actor
from plan.users import actor_for, add_user, assign_owner

PEOPLE = {
    # role: (email, name, agency, cleared)
    "admin": ("secretariat@southend.gov.uk", "Sam Secretariat", "Southend-on-Sea Borough Council", True),
    "chair": ("chair@southend.gov.uk", "Chris Chair", "Southend-on-Sea Borough Council", False),
    "owner": ("owner@nhs.net", "Olu Owner", "Southend University Hospital NHS Foundation Trust", False),
    "contributor": ("data@essex.police.uk", "Dana Data", "Essex Police", False),
    "viewer": ("viewer@thurrock.gov.uk", "Val Viewer", "Thurrock Council", False),
}


def make_people(plan_id: int, *, owner_of: tuple[str, ...] = ("3.5",)) -> dict[str, Actor]:
    """One person per role (signing in with single sign-on, so no slow password hashing); the
    owner owns the actions in `owner_of`."""
    system = Actor.system("test setup")
    people: dict[str, Actor] = {}
    with session_scope() as session:
        for role, (email, name, agency, cleared) in PEOPLE.items():
            person = add_user(session, user=system, email=email, name=name, role=role, agency=agency,
                              cleared_for_restricted=cleared)
            session.flush()
            people[role] = actor_for(person)
        for ref in owner_of:
            assign_owner(session, user=system, plan_id=plan_id, ref=ref, email=PEOPLE["owner"][0])
    return people
