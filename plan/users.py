"""People who use the plan: accounts, roles, clearance, and who owns which action."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from models import Action, ActionDelegate, Agency, Person
from plan import audit
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.dates import parse_date
from plan.db import hold_setup_lock
from plan.errors import InvalidInput, NotAllowed, NotFound
from plan.identity import Actor
from plan.passwords import check_strength, hash_password
from plan.permissions import cleared_for, require
from plan.text import clean
from plan.vocab import Role, parse_choice

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    text = clean(email, multiline=False).strip().lower()
    if not EMAIL.match(text) or len(text) > 320:
        raise InvalidInput(f"'{text[:100]}' is not an email address; write it like name@agency.gov.uk.")
    return text


def actor_for(person: Person) -> Actor:
    return Actor(person_id=person.id, name=person.name, email=person.email, role=Role(person.role),
                 cleared_for_restricted=person.cleared_for_restricted, agency_id=person.agency_id)


def actor_for_email(session: Session, email: str) -> Actor | None:
    """The active person with this email, as an Actor; None when there is none."""
    person = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
    if person is None or not person.active:
        return None
    return actor_for(person)


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Person)).one())


FIRST_ADMIN_TAKEN = ("Someone has just created the first admin account, so this one was not made. Sign in with "
                     "that account, or ask whoever made it to add you on the Users page.")


def create_first_admin(session: Session, *, email: str, name: str, password: str) -> Person:
    """The first account of an empty install: an admin, cleared for restricted actions. Atomic:
    counting the accounts and adding this one happen under one lock (PostgreSQL: the setup
    advisory lock; SQLite: the write lock every transaction takes), so browsers racing on a fresh
    install make exactly one admin. Raises NotAllowed (an account exists), InvalidInput."""
    hold_setup_lock(session.connection())
    if count_users(session) > 0:
        raise NotAllowed(FIRST_ADMIN_TAKEN)
    person = add_user(session, user=Actor.system("first start"), email=email, name=name, role="admin",
                      cleared_for_restricted=True, password=password)
    session.flush()
    return person


def _agency_id(session: Session, agency: str | None) -> int | None:
    if not agency:
        return None
    found = session.exec(select(Agency).where(func.lower(Agency.name) == agency.strip().lower())).first()
    if found is None:
        names = ", ".join(session.exec(select(Agency.name).order_by(Agency.name)).all())
        raise InvalidInput(f"There is no agency '{agency}'. Known agencies: {names}.")
    return found.id


def _snapshot(person: Person, session: Session) -> dict[str, Any]:
    agency = session.get(Agency, person.agency_id) if person.agency_id else None
    return {"name": person.name, "email": person.email, "agency": agency.name if agency else "",
            "role": person.role, "cleared_for_restricted": person.cleared_for_restricted, "active": person.active,
            "left_on": person.left_on}


def add_user(session: Session, *, user: Actor, email: str, name: str, role: str, agency: str | None = None,
             cleared_for_restricted: bool = False, password: str | None = None) -> Person:
    """Create an account. Admins only. Without a password the person signs in through the
    organisation's single sign-on. Raises NotAllowed, InvalidInput."""
    require(user, "user.manage")
    email = normalise_email(email)
    name = " ".join(clean(name, multiline=False).split())
    if not name or len(name) > 200:
        raise InvalidInput("Give the person's name (up to 200 characters).")
    chosen = Role(parse_choice(Role, role, "Role"))
    if session.exec(select(Person).where(Person.email == email)).first() is not None:
        raise InvalidInput(f"There is already an account for {email}.")
    if password is not None:
        check_strength(password, email=email, name=name)
    if cleared_for_restricted:
        _require_may_clear(session, user, None)
    person = Person(name=name, email=email, role=chosen.value, agency_id=_agency_id(session, agency),
                    cleared_for_restricted=cleared_for_restricted,
                    password_hash=hash_password(password) if password is not None else "")
    session.add(person)
    session.flush()
    audit.record(session, actor=user, event="user.create", entity="person", entity_key=email,
                 after=_snapshot(person, session))
    return person


def update_user(session: Session, *, user: Actor, email: str, role: str | None = None,
                cleared_for_restricted: bool | None = None, active: bool | None = None,
                agency: str | None = None, name: str | None = None, left_on: date | str | None = None,
                still_here: bool = False) -> Person:
    """Change a person's role, clearance, agency, name or whether they may sign in. Admins only.
    An admin cannot remove their own admin role or account (so a plan is never left unmanaged).
    `left_on`: the day they left their post (their actions then show as orphaned until
    reassigned: plan.maintenance.owners); `still_here` clears it (a leaver marked by mistake)."""
    require(user, "user.manage")
    person = _person(session, email)
    before = _snapshot(person, session)
    if role is not None:
        person.role = Role(parse_choice(Role, role, "Role")).value
    if cleared_for_restricted is not None and cleared_for_restricted != person.cleared_for_restricted:
        _require_may_clear(session, user, person)
        person.cleared_for_restricted = cleared_for_restricted
    if active is not None:
        person.active = active
    if agency is not None:
        person.agency_id = _agency_id(session, agency)
    if name is not None:
        if not name.strip():
            raise InvalidInput("The name cannot be empty.")
        person.name = " ".join(name.split())
    if left_on is not None and left_on != "":
        person.left_on = parse_date(left_on, "Left on")
    if still_here:
        person.left_on = None
    if person.id == user.person_id and (person.role != Role.ADMIN or not person.active):
        raise InvalidInput("You cannot remove your own admin role or account; ask another admin.")
    if before["active"] and not person.active:
        from plan import sessions  # here, not at the top: plan.sessions imports this module

        sessions.revoke_all(session, person_id=person.id, reason="account disabled")
    old, new = audit.changes(before, _snapshot(person, session))
    if new:
        event = "user.role_change" if "role" in new or "cleared_for_restricted" in new else "user.update"
        audit.record(session, actor=user, event=event, entity="person", entity_key=person.email, before=old, after=new)
    return person


def may_change_clearance(session: Session, *, user: Actor, email: str | None = None) -> str:
    """Why this user may not grant or remove clearance (for `email`, or for a new account), in
    words for the Users page; "" when they may."""
    try:
        _require_may_clear(session, user, _person(session, email) if email else None)
    except NotAllowed as err:
        return str(err)
    return ""


def _require_may_clear(session: Session, user: Actor, person: Person | None) -> None:
    """Clearance for restricted items is granted or removed only by an admin who is cleared
    themselves (or the command line, which acts as the system), and never by a person for
    themselves: otherwise an uncleared admin could tick their own box and read everything.
    The granter's clearance is read from the database, not from the Actor they signed in with."""
    require(user, "user.manage")
    if user.person_id is not None:
        granter = session.get(Person, user.person_id)
        if granter is None or not granter.active or not granter.cleared_for_restricted:
            raise NotAllowed("Only an admin who is cleared for restricted items can grant or remove "
                             "clearance; ask a cleared admin, or use the command line "
                             "(python -m plan user update EMAIL --cleared).")
    if person is not None and person.id is not None and person.id == user.person_id:
        raise NotAllowed("You cannot change your own clearance for restricted items; ask another cleared admin.")


def set_password(session: Session, *, user: Actor, email: str, password: str, keep: tuple[str, ...] = ()) -> None:
    """Admins set anyone's password; a person may set their own. Either way the person's other
    signed-in sessions end (a stolen session must not outlive the password change); `keep`: the
    tokens of the browser changing its own password, which stays signed in."""
    person = _person(session, email)
    if person.id != user.person_id:
        require(user, "user.manage")
    check_strength(password, email=person.email, name=person.name)
    person.password_hash = hash_password(password)
    from plan import sessions  # here, not at the top: plan.sessions imports this module

    if person.id != user.person_id:  # a reset by the secretariat ends the sessions made with the old one
        sessions.revoke_all(session, person_id=person.id, reason="password reset")
    else:  # one's own change ends one's other sessions, not this one
        sessions.revoke_all(session, person_id=person.id, reason="password changed", keep=keep)
    audit.record(session, actor=user, event="user.password_set", entity="person", entity_key=person.email,
                 detail="password changed (not recorded)")


def list_users(session: Session, *, user: Actor) -> list[dict[str, Any]]:
    require(user, "user.manage")
    people = session.exec(select(Person).order_by(func.lower(Person.name))).all()
    return [{**_snapshot(p, session), "local_password": bool(p.password_hash), "last_signin_at": p.last_signin_at}
            for p in people]


def _person(session: Session, email: str) -> Person:
    person = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
    if person is None:
        raise NotFound(f"There is no account for {email}.")
    return person


def _require_clearance(user: Actor, action: Action) -> None:
    """Who owns a restricted action is restricted detail: only someone cleared sees or changes it."""
    if not cleared_for(user, action):
        raise NotAllowed(f"Action {action.ref} is restricted: only someone cleared for restricted items can see or "
                         "change who owns it.")


def owner_candidates(session: Session, *, user: Actor) -> dict[str, str]:
    """{email: name} of everyone who may own an action (the rule _check_can_own applies: an
    active account, not left, the owner or admin role), in name order, for the pages' pickers.
    Whether a restricted action can be theirs is checked when it is assigned. Admins only."""
    require(user, "action.assign_owner")
    today = date.today()
    rows = session.exec(select(Person.email, Person.name)
                        .where(Person.active.is_(True), Person.role.in_([Role.OWNER, Role.ADMIN]),
                               (Person.left_on.is_(None)) | (Person.left_on > today))
                        .order_by(Person.name, Person.email)).all()
    return dict(rows)


def _check_can_own(person: Person, action: Action) -> None:
    if not person.active:
        raise InvalidInput(f"{person.name}'s account is disabled; enable it first, or choose someone else.")
    if person.left_on is not None and person.left_on <= date.today():
        raise InvalidInput(f"{person.name} left on {person.left_on:%d %b %Y}; choose someone else.")
    if person.role not in (Role.OWNER, Role.ADMIN):
        raise InvalidInput(f"{person.name} has the role {person.role}; give them the owner role first.")
    if action.restricted and not person.cleared_for_restricted:
        raise InvalidInput(f"Action {action.ref} is restricted and {person.name} is not cleared for restricted "
                           "items; clear them first (Users page), or choose someone who is.")


def assign_owner(session: Session, *, user: Actor, plan_id: int, ref: str, email: str | None) -> None:
    """Name the person who owns an action (None: back to the role named in the plan). Admins only."""
    require(user, "action.assign_owner")
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    _require_clearance(user, action)
    person = _person(session, email) if email else None
    if person is not None:
        _check_can_own(person, action)
    before = session.get(Person, action.owner_person_id).email if action.owner_person_id else ""
    action.owner_person_id = person.id if person else None
    audit.record(session, actor=user, event="action.assign_owner", plan_id=plan_id, entity="action",
                 entity_key=ref, before={"owner": before}, after={"owner": person.email if person else ""},
                 restricted=action.restricted)


def set_delegate(session: Session, *, user: Actor, plan_id: int, ref: str, email: str, named: bool = True) -> None:
    """Name (or remove) a delegate who may update an action for its owner. Admins only."""
    require(user, "delegate.manage")
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    _require_clearance(user, action)
    person = _person(session, email)
    if named:
        _check_can_own(person, action)
    link = session.get(ActionDelegate, (action.id, person.id))
    if named and link is None:
        session.add(ActionDelegate(action_id=action.id, person_id=person.id))
    elif not named and link is not None:
        session.delete(link)
    else:
        return
    audit.record(session, actor=user, event="action.delegate_" + ("add" if named else "remove"), plan_id=plan_id,
                 entity="action", entity_key=ref, after={"delegate": person.email}, restricted=action.restricted)


def owners_and_delegates(session: Session, *, user: Actor, plan_id: int, ref: str) -> dict[str, Any]:
    """Who owns an action and who may update it for them, with the people who could be named.
    For the secretariat, who names them (it lists accounts). Raises NotAllowed, NotFound."""
    require(user, "action.assign_owner")
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    _require_clearance(user, action)
    owner = session.get(Person, action.owner_person_id) if action.owner_person_id else None
    delegates = session.exec(select(Person.email).join(ActionDelegate, ActionDelegate.person_id == Person.id)
                             .where(ActionDelegate.action_id == action.id).order_by(Person.email)).all()
    candidates = session.exec(select(Person.email).where(Person.active.is_(True),
                                                         Person.role.in_([Role.OWNER.value, Role.ADMIN.value]))
                              .order_by(Person.email)).all()
    return {"owner": owner.email if owner else "", "role": action.lead_owner, "delegates": list(delegates),
            "candidates": list(candidates)}


def assignable_actions(session: Session, *, user: Actor, plan_id: int) -> list[dict[str, Any]]:
    """The plan's actions in ref order, with who owns each now, to choose from when naming owners.
    Secretariat only; a restricted action's title and owner reach only cleared users."""
    require(user, "action.assign_owner")
    rows = session.exec(select(Action.ref, Action.title, Action.restricted, Action.lead_owner, Person.name)
                        .join(Person, Person.id == Action.owner_person_id, isouter=True)
                        .where(Action.plan_id == plan_id).order_by(Action.ref_sort, Action.id)).all()
    return [{"ref": ref, "title": RESTRICTED_TITLE if hidden else title, "restricted": restricted,
             "owner": RESTRICTED_TEXT if hidden else (person or lead_owner or "")}
            for ref, title, restricted, lead_owner, person in rows
            for hidden in [not cleared_for(user, restricted)]]


def assign_owner_many(session: Session, *, user: Actor, plan_id: int, refs: list[str], email: str) -> list[str]:
    """Name one person as the owner of several actions at once. Every ref is checked first
    (it exists; the person may own it) and then all are written, or none: a refusal lists every
    problem. One audit event per action whose owner changes. Returns the refs now theirs.
    Secretariat only. Raises NotAllowed, NotFound, InvalidInput."""
    require(user, "action.assign_owner")
    wanted = list(dict.fromkeys(r.strip() for r in refs if r and r.strip()))
    if not wanted:
        raise InvalidInput("Choose at least one action.")
    person = _person(session, email)
    if not person.active:
        raise InvalidInput(f"{person.name}'s account is disabled; enable it first, or choose someone else.")
    if person.role not in (Role.OWNER, Role.ADMIN):
        raise InvalidInput(f"{person.name} has the role {person.role}; give them the owner role first.")
    found = {a.ref: a for a in session.exec(select(Action).where(Action.plan_id == plan_id,
                                                                 Action.ref.in_(wanted))).all()}
    problems = [f"There is no action '{ref}' in this plan." for ref in wanted if ref not in found]
    for ref in wanted:
        if ref in found:
            try:
                _require_clearance(user, found[ref])
                _check_can_own(person, found[ref])
            except (InvalidInput, NotAllowed) as err:
                problems.append(str(err))
    if problems:
        raise InvalidInput("Nobody was assigned. " + " ".join(problems))
    for ref in wanted:
        action = found[ref]
        if action.owner_person_id == person.id:
            continue
        before = session.get(Person, action.owner_person_id).email if action.owner_person_id else ""
        action.owner_person_id = person.id
        audit.record(session, actor=user, event="action.assign_owner", plan_id=plan_id, entity="action",
                     entity_key=ref, before={"owner": before}, after={"owner": person.email},
                     restricted=action.restricted)
    return wanted
