"""Owners and agencies: the agencies list, reassigning an action or all of a leaver's actions at
once, and the actions nobody is looking after (no owner, owner disabled, owner left).

People themselves are managed in plan.users (accounts, roles, clearance, the day they left);
ownership history is the audit trail's `action.assign_owner` events, shown on each action's page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import Session, select

from models import Action, Agency, Person, Theme
from plan import audit
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE, in_plan_now
from plan.errors import InvalidFields, InvalidInput, NotFound
from plan.identity import Actor
from plan.permissions import cleared_for, require, shown_to
from plan.text import clean
from plan.users import assign_owner, assign_owner_many
from plan.vocab import FINISHED_STATUSES, AgencyKind, DeliveryStatus, parse_choice

KIND_LABELS = {AgencyKind.COUNCIL: "Council", AgencyKind.POLICE: "Police", AgencyKind.NHS: "NHS",
               AgencyKind.EDUCATION: "Education", AgencyKind.VOLUNTARY: "Voluntary sector",
               AgencyKind.NEIGHBOURING_AREA: "Neighbouring area", AgencyKind.OTHER: "Other"}


# ---------------------------------------------------------------- agencies


def list_agencies(session: Session) -> list[dict[str, Any]]:
    """Every agency by name, with how many people and actions (as lead) it has."""
    people = select(Person.agency_id, func.count().label("n")).group_by(Person.agency_id).subquery()
    actions = (select(Action.lead_agency_id, func.count().label("n")).where(in_plan_now())
               .group_by(Action.lead_agency_id).subquery())
    rows = session.exec(select(Agency.name, Agency.kind, func.coalesce(people.c.n, 0), func.coalesce(actions.c.n, 0))
                        .join(people, people.c.agency_id == Agency.id, isouter=True)
                        .join(actions, actions.c.lead_agency_id == Agency.id, isouter=True)
                        .order_by(func.lower(Agency.name))).all()
    return [{"name": name, "kind": kind, "kind_label": KIND_LABELS.get(AgencyKind(kind), kind) if kind in
             AgencyKind._value2member_map_ else kind, "people": int(p), "lead_of": int(a)}
            for name, kind, p, a in rows]


def _agency_name(text: str, problems: dict[str, str], field: str = "name") -> str:
    name = " ".join(clean(text or "", multiline=False).split())
    if not name:
        problems[field] = "Give the agency's name, e.g. Essex Police."
    elif len(name) > 200:
        problems[field] = f"The name is {len(name)} characters; the most allowed is 200."
    return name


def _kind(text: str, problems: dict[str, str]) -> str:
    try:
        return str(parse_choice(AgencyKind, text or "", "Kind").value)
    except InvalidInput:
        problems["kind"] = f"Kind '{text}' is not one of: {', '.join(KIND_LABELS.values())}."
        return ""


def _duplicate(session: Session, name: str, but: int | None = None) -> str | None:
    """The name of an agency already called `name` (ignoring case and spaces), if any."""
    found = session.exec(select(Agency).where(func.lower(Agency.name) == name.lower())).first()
    return found.name if found is not None and found.id != but else None


def add_agency(session: Session, *, user: Actor, name: str, kind: str) -> str:
    """Add an agency (names are unique whatever their case). Secretariat only.
    Raises NotAllowed, InvalidFields."""
    require(user, "agency.manage")
    problems: dict[str, str] = {}
    name, chosen = _agency_name(name, problems), _kind(kind, problems)
    if name and "name" not in problems and (same := _duplicate(session, name)):
        problems["name"] = f"There is already an agency called '{same}'; use it, or give this one another name."
    if problems:
        raise InvalidFields(problems)
    session.add(Agency(name=name, kind=chosen))
    session.flush()
    audit.record(session, actor=user, event="agency.create", entity="agency", entity_key=name,
                 after={"name": name, "kind": chosen})
    return name


def edit_agency(session: Session, *, user: Actor, name: str, new_name: str | None = None,
                kind: str | None = None) -> dict[str, Any]:
    """Rename an agency or change its kind. Actions and people keep it (they hold its id).
    Secretariat only. Raises NotAllowed, NotFound, InvalidFields."""
    require(user, "agency.manage")
    agency = session.exec(select(Agency).where(Agency.name == (name or "").strip())).first()
    if agency is None:
        raise NotFound(f"There is no agency '{name}'.")
    problems: dict[str, str] = {}
    before = {"name": agency.name, "kind": agency.kind}
    renamed, chosen = agency.name, agency.kind
    if new_name is not None:
        renamed = _agency_name(new_name, problems)
        if renamed and "name" not in problems and (same := _duplicate(session, renamed, but=agency.id)):
            problems["name"] = f"There is already an agency called '{same}'; choose another name."
    if kind is not None:
        chosen = _kind(kind, problems)
    if problems:
        raise InvalidFields(problems)  # nothing changed
    agency.name, agency.kind = renamed, chosen
    old, new = audit.changes(before, {"name": agency.name, "kind": agency.kind})
    if new:
        audit.record(session, actor=user, event="agency.edit", entity="agency", entity_key=agency.name,
                     before=old, after=new)
    return new


# ---------------------------------------------------------------- owners


def reassign(session: Session, *, user: Actor, plan_id: int, ref: str, email: str | None) -> None:
    """Give an action a new owner (None: back to the role the plan names). The new owner sees it on
    My actions at once; the change is on the action's history. Same rules as assign_owner."""
    assign_owner(session, user=user, plan_id=plan_id, ref=ref, email=email)


def actions_of(session: Session, *, user: Actor, plan_id: int, email: str) -> list[dict[str, Any]]:
    """The actions in the plan now that a person owns, in plan order (restricted detail masked)."""
    require(user, "action.assign_owner")
    person = session.exec(select(Person).where(Person.email == (email or "").strip().lower())).first()
    if person is None:
        raise NotFound(f"There is no account for {email}.")
    rows = session.exec(select(Action.ref, Action.title, Action.restricted).join(Theme, Theme.id == Action.theme_id)
                        .where(Action.plan_id == plan_id, Action.owner_person_id == person.id, in_plan_now())
                        .order_by(Theme.position, Action.ref_sort, Action.id)).all()
    return [{"ref": ref, "restricted": restricted,
             "title": RESTRICTED_TITLE if not cleared_for(user, restricted) else title}
            for ref, title, restricted in rows]


def reassign_all(session: Session, *, user: Actor, plan_id: int, from_email: str, to_email: str) -> list[str]:
    """Give every action a person owns in the plan now (retired ones keep their history) to someone
    else, all at once or not at all: each action is checked first (the new owner may own it; a
    restricted one needs a cleared new owner, and a cleared secretary to move it) and one refusal
    stops them all. One event per action, and one for the whole. Secretariat only.
    Returns the refs moved. Raises NotAllowed, NotFound, InvalidInput."""
    require(user, "action.assign_owner")
    source = session.exec(select(Person).where(Person.email == (from_email or "").strip().lower())).first()
    if source is None:
        raise NotFound(f"There is no account for {from_email}.")
    if (to_email or "").strip().lower() == source.email:
        raise InvalidInput("Choose someone else to take the actions over.")
    refs = list(session.exec(select(Action.ref).where(Action.plan_id == plan_id, Action.owner_person_id == source.id,
                                                      in_plan_now()).order_by(Action.ref_sort, Action.id)).all())
    if not refs:
        raise InvalidInput(f"{source.name} owns no action in this plan: nothing to reassign.")
    moved = assign_owner_many(session, user=user, plan_id=plan_id, refs=refs, email=to_email)
    audit.record(session, actor=user, event="user.actions_reassigned", plan_id=plan_id, entity="person",
                 entity_key=source.email, before={"owner": source.email},
                 after={"owner": to_email.strip().lower(), "actions": len(moved)},
                 restricted=session.exec(select(func.count()).select_from(Action).where(
                     Action.ref.in_(moved), Action.plan_id == plan_id, Action.restricted.is_(True))).one() > 0)
    return moved


def orphaned(session: Session, *, user: Actor, plan_id: int, today: date | None = None,
             include_finished: bool = False) -> list[dict[str, Any]]:
    """The actions in the plan now that nobody is looking after, each with why, in plan order: no
    owner named and no role in the plan; the owner's account is disabled; or the owner has left
    (left_on on or before today). Complete and closed actions are left out unless asked for.
    Computed in one SQL query. Anyone in the group (admin, chair, owner, viewer) may see it;
    restricted titles and owners are masked for users not cleared."""
    require(user, "owners.view")
    today = today or date.today()
    no_owner = and_(Action.owner_person_id.is_(None), func.trim(Action.lead_owner) == "")
    inactive = and_(Person.id.is_not(None), Person.active.is_(False))
    left = and_(Person.id.is_not(None), Person.left_on.is_not(None), Person.left_on <= today)
    why = case((no_owner, literal("no_owner")), (inactive, literal("inactive")), (left, literal("left")),
               else_=literal(""))
    shown = shown_to(user, Action.restricted)
    conditions = [Action.plan_id == plan_id, in_plan_now(), or_(no_owner, inactive, left)]
    if not include_finished:
        conditions.append(Action.delivery_status.not_in([s.value for s in FINISHED_STATUSES]))
    query = (select(Action.ref, Action.restricted, Theme.name.label("theme"), why.label("why"),
                    case((shown, Action.title), else_=literal(RESTRICTED_TITLE)).label("title"),
                    case((shown, func.coalesce(Person.name, Action.lead_owner)), else_=literal(RESTRICTED_TEXT))
                    .label("owner"),
                    case((shown, Person.email), else_=literal("")).label("owner_email"),
                    Person.left_on, Action.delivery_status, Action.current_due_date)
             .join(Theme, Theme.id == Action.theme_id)
             .join(Person, Person.id == Action.owner_person_id, isouter=True)
             .where(*conditions).order_by(Theme.position, Action.ref_sort, Action.id))
    rows = []
    for r in session.exec(query).all():
        hidden = not cleared_for(user, r.restricted)
        reason = {"no_owner": "No owner: no person and no role named",
                  "inactive": "The owner's account is disabled",
                  "left": f"The owner left on {r.left_on:%d %b %Y}" if r.left_on else "The owner has left"}[r.why]
        rows.append({"ref": r.ref, "title": r.title, "theme": r.theme, "restricted": bool(r.restricted),
                     "owner": r.owner or "", "owner_email": r.owner_email or "", "why": r.why,
                     "reason": "Restricted: the owner is shown only to cleared users" if hidden and r.why != "no_owner"
                     else reason, "status_label": DeliveryStatus(r.delivery_status).label,
                     "due": r.current_due_date})
    return rows


def leavers(session: Session, *, user: Actor, plan_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """People who have left or whose account is disabled and who still own actions in the plan
    now, with how many: who to reassign. Secretariat only."""
    require(user, "action.assign_owner")
    today = today or date.today()
    count = func.count(Action.id)
    rows = session.exec(select(Person.name, Person.email, Person.left_on, Person.active, count.label("n"))
                        .join(Action, Action.owner_person_id == Person.id)
                        .where(Action.plan_id == plan_id, in_plan_now(),
                               or_(Person.active.is_(False), and_(Person.left_on.is_not(None),
                                                                  Person.left_on <= today)))
                        .group_by(Person.id, Person.name, Person.email, Person.left_on, Person.active)
                        .order_by(Person.name)).all()
    return [{"name": name, "email": email, "left_on": left_on, "active": bool(active), "actions": int(n)}
            for name, email, left_on, active, n in rows]
