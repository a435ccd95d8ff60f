"""Finding actions: filtered lists, RAG counts (in SQL), and one action's detail with history.

Restricted actions count in every total, but their detail (title, description, owner,
commentary) reaches only users cleared for restricted items.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, false, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    ActionPartner,
    Agency,
    Board,
    DueDateRequest,
    Measure,
    MeasureValue,
    Objective,
    Person,
    StatusUpdate,
    Theme,
    UpdateReturn,
)
from plan.errors import InvalidInput, NotFound
from plan.identity import Actor
from plan.permissions import cleared_for, shown_to
from plan.text import clean
from plan.vocab import FINISHED_STATUSES, RAG_LABELS, RAG_ORDER, DeliveryStatus, Rag

MAX_SEARCH = 200  # characters: a search longer than this is a paste gone wrong (and too slow to run)
RESTRICTED_TITLE = "Restricted action: detail shown only to cleared users"
RESTRICTED_TEXT = "Restricted"


@dataclass
class ActionFilter:
    """What the Actions page filters by. Empty means no filter on that field."""

    themes: list[str] = field(default_factory=list)
    owner: str = ""
    agencies: list[str] = field(default_factory=list)  # lead or partner
    boards: list[str] = field(default_factory=list)  # board codes
    rags: list[str] = field(default_factory=list)
    overdue_only: bool = False
    text: str = ""
    include_demo: bool = True
    include_retired: bool = False  # retired actions are left out of current views unless asked for


def overdue_condition(today: date) -> ColumnElement[bool]:
    """Past its current due date and not finished (complete or closed)."""
    return and_(
        Action.current_due_date.is_not(None),
        Action.current_due_date < today,
        Action.delivery_status.not_in([s.value for s in FINISHED_STATUSES]),
    )


def in_plan_now() -> ColumnElement[bool]:
    """Not retired: retired actions stay in history and past snapshots but leave current views."""
    return Action.retired_at.is_(None)


def _visible_detail(user: Actor) -> ColumnElement[bool]:
    """True where this user may see an action's detail (the one rule: plan.permissions)."""
    return shown_to(user, Action.restricted)


def _checked(filters: ActionFilter) -> ActionFilter:
    """Search text without control characters, and no longer than a search can sensibly be."""
    text, owner = clean(filters.text, multiline=False), clean(filters.owner, multiline=False)
    for label, value in (("Search", text), ("Owner", owner)):
        if len(value) > MAX_SEARCH:
            raise InvalidInput(f"{label} is {len(value):,} characters; search with at most {MAX_SEARCH}: "
                               "a few words from the title, or the action's ref.")
    return replace(filters, text=text, owner=owner)


def _where(user: Actor, plan_id: int, filters: ActionFilter, today: date) -> list[ColumnElement[bool]]:
    filters = _checked(filters)
    conditions: list[ColumnElement[bool]] = [Action.plan_id == plan_id]
    if not filters.include_retired:
        conditions.append(in_plan_now())
    if not filters.include_demo:
        conditions.append(Action.is_demo.is_(False))
    if filters.themes:
        conditions.append(Action.theme_id.in_(
            select(Theme.id).where(Theme.plan_id == plan_id, Theme.name.in_(filters.themes))))
    if filters.rags:
        conditions.append(Action.rag.in_(filters.rags))
    if filters.overdue_only:
        conditions.append(overdue_condition(today))
    if filters.agencies:
        agency_ids = select(Agency.id).where(Agency.name.in_(filters.agencies))
        conditions.append(or_(
            Action.lead_agency_id.in_(agency_ids),
            exists().where(ActionPartner.action_id == Action.id, ActionPartner.agency_id.in_(agency_ids)),
        ))
    if filters.boards:
        conditions.append(exists().where(
            ActionBoard.action_id == Action.id,
            ActionBoard.board_id.in_(select(Board.id).where(Board.plan_id == plan_id,
                                                            Board.code.in_(filters.boards)))))
    # Owner and free text search restricted detail, so they match only what the user may see.
    if filters.owner.strip():
        pattern = f"%{_escape_like(filters.owner.strip().lower())}%"
        conditions.append(and_(_visible_detail(user), or_(
            func.lower(Action.lead_owner).like(pattern, escape="\\"),
            Action.owner_person_id.in_(select(Person.id).where(func.lower(Person.name).like(pattern, escape="\\"))),
        )))
    if filters.text.strip():
        pattern = f"%{_escape_like(filters.text.strip().lower())}%"
        detail = or_(func.lower(Action.title).like(pattern, escape="\\"),
                     func.lower(Action.description).like(pattern, escape="\\"),
                     func.lower(Action.lead_owner).like(pattern, escape="\\"))
        conditions.append(or_(func.lower(Action.ref).like(pattern, escape="\\"),
                              and_(_visible_detail(user), detail)))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_actions(session: Session, *, user: Actor, plan_id: int, filters: ActionFilter | None = None,
                 today: date | None = None, limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """A page of actions matching the filters, in plan order, and the total that match."""
    filters = filters or ActionFilter()
    today = today or date.today()
    conditions = _where(user, plan_id, filters, today)
    total = session.exec(select(func.count()).select_from(Action).where(*conditions)).one()

    visible = _visible_detail(user)
    query = (
        select(
            Action.id, Action.ref, Action.restricted,
            case((visible, Action.title), else_=literal(RESTRICTED_TITLE)).label("title"),
            Theme.name.label("theme"),
            case((visible, func.coalesce(Person.name, Action.lead_owner)),
                 else_=literal(RESTRICTED_TEXT)).label("owner"),
            Agency.name.label("lead_agency"),
            Action.current_due_date, Action.baseline_due_date, Action.delivery_status, Action.rag,
            case((overdue_condition(today), literal(True)), else_=false()).label("overdue"),
            Action.last_update_at,
        )
        .join(Theme, Theme.id == Action.theme_id)
        .join(Agency, Agency.id == Action.lead_agency_id, isouter=True)
        .join(Person, Person.id == Action.owner_person_id, isouter=True)
        .where(*conditions)
        .order_by(Theme.position, Action.ref_sort, Action.id)
        .limit(limit).offset(offset)
    )
    rows = [dict(row._mapping) for row in session.exec(query).all()]
    latest = _latest_updates(session, [row["id"] for row in rows])
    for row in rows:
        row["rag_label"] = RAG_LABELS[Rag(row["rag"])]
        row["status_label"] = DeliveryStatus(row["delivery_status"]).label
        row["overdue"] = bool(row["overdue"])
        update = latest.get(row.pop("id"), {})
        shown = cleared_for(user, row["restricted"])
        for key in ("commentary", "blockers", "support_asked"):
            row[key] = (update.get(key) or "") if shown else (RESTRICTED_TEXT if update.get(key) else "")
    return rows, int(total)


def _latest_updates(session: Session, action_ids: list[int]) -> dict[int, dict[str, str]]:
    """The latest update's texts for just these actions (one page of the list, not the plan)."""
    if not action_ids:
        return {}
    newest = (select(StatusUpdate.action_id, func.max(StatusUpdate.id).label("id"))
              .where(StatusUpdate.action_id.in_(action_ids)).group_by(StatusUpdate.action_id).subquery())
    query = select(StatusUpdate.action_id, StatusUpdate.commentary, StatusUpdate.blockers,
                   StatusUpdate.support_asked).join(newest, newest.c.id == StatusUpdate.id)
    return {row.action_id: {"commentary": row.commentary, "blockers": row.blockers,
                            "support_asked": row.support_asked} for row in session.exec(query).all()}


def rag_counts(session: Session, *, plan_id: int, by: str = "theme", today: date | None = None,
               include_demo: bool = True) -> list[dict[str, Any]]:
    """Counts of actions per group and RAG, computed in SQL. `by`: theme, agency or board.

    Every action counts, restricted ones included. By board, an action counts once under each
    board it reports to; by agency, under its lead agency.
    """
    today = today or date.today()
    overdue = func.sum(case((overdue_condition(today), 1), else_=0))
    base = [Action.plan_id == plan_id, in_plan_now()] + ([] if include_demo else [Action.is_demo.is_(False)])
    if by == "theme":
        query = (select(Theme.name.label("group"), Theme.position.label("position"), Action.rag,
                        func.count(Action.id).label("count"), overdue.label("overdue"))
                 .join(Theme, Theme.id == Action.theme_id).where(*base)
                 .group_by(Theme.name, Theme.position, Action.rag).order_by(Theme.position))
    elif by == "agency":
        group = func.coalesce(Agency.name, literal("No lead agency"))
        query = (select(group.label("group"), literal(0).label("position"), Action.rag,
                        func.count(Action.id).label("count"), overdue.label("overdue"))
                 .join(Agency, Agency.id == Action.lead_agency_id, isouter=True).where(*base)
                 .group_by(group, Action.rag).order_by(group))
    elif by == "board":
        query = (select(Board.code.label("group"), Board.id.label("position"), Action.rag,
                        func.count(Action.id).label("count"), overdue.label("overdue"))
                 .join(ActionBoard, ActionBoard.action_id == Action.id)
                 .join(Board, Board.id == ActionBoard.board_id).where(*base)
                 .group_by(Board.code, Board.id, Action.rag).order_by(Board.id))
    else:
        raise ValueError(f"rag_counts by '{by}': use theme, agency or board")
    return [
        {"group": row.group, "position": row.position, "rag": row.rag, "rag_label": RAG_LABELS[Rag(row.rag)],
         "count": int(row.count), "overdue": int(row.overdue or 0)}
        for row in session.exec(query).all()
    ]


def rag_table(counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """rag_counts rows pivoted to one row per group, in their order: a count per RAG (every RAG
    present, zero where none), overdue and total. The themes' tiles, the table and the chart
    all read this one shape."""
    table: dict[str, dict[str, Any]] = {}
    for row in counts:
        group = table.setdefault(row["group"], {"group": row["group"], "by_rag": {r.value: 0 for r in RAG_ORDER},
                                                "overdue": 0, "total": 0})
        group["by_rag"][row["rag"]] += row["count"]
        group["overdue"] += row["overdue"]
        group["total"] += row["count"]
    return list(table.values())


def action_detail(session: Session, *, user: Actor, plan_id: int, ref: str) -> dict[str, Any]:
    """One action with its partners, boards, measures (latest value) and full update history."""
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    visible = cleared_for(user, action.restricted)
    theme = session.get(Theme, action.theme_id)
    objective = session.get(Objective, action.objective_id) if action.objective_id else None
    lead_agency = session.get(Agency, action.lead_agency_id) if action.lead_agency_id else None
    person = session.get(Person, action.owner_person_id) if action.owner_person_id else None
    partners = session.exec(select(Agency.name).join(ActionPartner, ActionPartner.agency_id == Agency.id)
                            .where(ActionPartner.action_id == action.id).order_by(Agency.name)).all()
    boards = session.exec(select(Board.code, Board.name).join(ActionBoard, ActionBoard.board_id == Board.id)
                          .where(ActionBoard.action_id == action.id).order_by(Board.id)).all()
    updates = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == action.id)
                           .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())).all()
    returns = {r.status_update_id: r for r in session.exec(
        select(UpdateReturn).join(StatusUpdate, StatusUpdate.id == UpdateReturn.status_update_id)
        .where(StatusUpdate.action_id == action.id)).all()}
    today = date.today()
    detail: dict[str, Any] = {
        "ref": action.ref,
        "restricted": action.restricted,
        "detail_visible": visible,
        "title": action.title if visible else RESTRICTED_TITLE,
        "description": action.description if visible else "",
        "source_text": action.source_text if visible else "",
        "theme": theme.name if theme else "",
        "objective": f"{objective.ref} {objective.title}" if objective and visible else "",
        "owner": (person.name if person else action.lead_owner) if visible else RESTRICTED_TEXT,
        "lead_agency": lead_agency.name if lead_agency else "",
        "partners": list(partners),
        "boards": [f"{code}: {name}" for code, name in boards],
        "start_date": action.start_date,
        "baseline_due_date": action.baseline_due_date,
        "current_due_date": action.current_due_date,
        "delivery_status": action.delivery_status,
        "status_label": DeliveryStatus(action.delivery_status).label,
        "rag": action.rag,
        "rag_label": RAG_LABELS[Rag(action.rag)],
        "version": action.version,
        "slipped_times": int(session.exec(select(func.count()).select_from(DueDateRequest).where(
            DueDateRequest.action_id == action.id, DueDateRequest.decision == "approved")).one()),
        "slipped_days": ((action.current_due_date - action.baseline_due_date).days
                         if action.current_due_date and action.baseline_due_date else 0),
        # the Actions page's own overdue rule, asked of this action (a retired one is in no current view)
        "days_overdue": ((today - action.current_due_date).days if action.current_due_date is not None and session.exec(
            select(Action.id).where(Action.id == action.id, overdue_condition(today), in_plan_now())).first()
            else 0),
        "is_demo": action.is_demo,
        "retired_at": action.retired_at,
        "retired_reason": (action.retired_reason if visible else RESTRICTED_TEXT) if action.retired_at else "",
        "measures": _measures(session, action.id) if visible else [],
        "updates": [
            {
                "at": u.created_at, "period": u.period, "rag": u.rag, "rag_label": RAG_LABELS[Rag(u.rag)],
                "status_label": DeliveryStatus(u.delivery_status).label,
                "commentary": u.commentary if visible else RESTRICTED_TEXT,
                "blockers": u.blockers if visible else "",
                "support_asked": u.support_asked if visible else "",
                "evidence_url": u.evidence_url if visible else "",
                "author": u.author_name if visible else RESTRICTED_TEXT,
                "is_demo": u.is_demo,
                # sent back to the owner by the secretariat (the note is the action's detail)
                "returned": ({"by": r.returned_by if visible else RESTRICTED_TEXT, "at": r.at,
                              "note": r.note if visible else RESTRICTED_TEXT}
                             if (r := returns.get(u.id)) is not None else None),
            }
            for u in updates
        ],
    }
    return detail


def _measures(session: Session, action_id: int | None) -> list[dict[str, Any]]:
    measures = session.exec(select(Measure).where(Measure.action_id == action_id).order_by(Measure.ref)).all()
    result = []
    for m in measures:
        values = session.exec(select(MeasureValue.period, MeasureValue.value, MeasureValue.is_demo)
                              .where(MeasureValue.measure_id == m.id)
                              .order_by(MeasureValue.period, MeasureValue.id)).all()
        source = session.get(Agency, m.source_agency_id) if m.source_agency_id else None
        result.append({
            "ref": m.ref, "name": m.name, "unit": m.unit, "baseline": m.baseline, "target": m.target,
            "direction": m.direction, "frequency": m.frequency, "source": source.name if source else "",
            # Several returns for a period: the latest stands; earlier ones stay in history.
            "values": list({period: (value, is_demo) for period, value, is_demo in values}.items()),
        })
    return result



def action_choices(session: Session, *, user: Actor, plan_id: int) -> list[tuple[str, str]]:
    """Every action as (ref, title), in plan order, for a pick list; restricted titles masked."""
    visible = _visible_detail(user)
    query = (select(Action.ref, case((visible, Action.title), else_=literal(RESTRICTED_TITLE)))
             .join(Theme, Theme.id == Action.theme_id).where(Action.plan_id == plan_id)
             .order_by(Theme.position, Action.ref_sort, Action.id))
    return [(ref, title) for ref, title in session.exec(query).all()]


PICK_LIMIT = 20  # rows a pick list shows: a page of choices, not the plan (10,000 rows were 668 KB a view)


def find_for_pick(session: Session, *, user: Actor, plan_id: int, text: str = "", limit: int = PICK_LIMIT,
                  include_retired: bool = True) -> list[tuple[str, str]]:
    """Up to `limit` actions as (ref, title) whose ref or title holds every word of `text`, for a
    pick list that searches on the server: the exact ref first, then refs that start with the
    text, then plan order. No text: the first `limit` in plan order. A restricted action's title
    is masked for users not cleared, and its title is not searched for them (its ref is).
    Raises InvalidInput for a search longer than MAX_SEARCH."""
    text = clean(text, multiline=False).strip()
    if len(text) > MAX_SEARCH:
        raise InvalidInput(f"Search is {len(text):,} characters; search with at most {MAX_SEARCH}: "
                           "a few words from the title, or the action's ref.")
    visible = _visible_detail(user)
    conditions: list[ColumnElement[bool]] = [Action.plan_id == plan_id]
    if not include_retired:
        conditions.append(in_plan_now())
    ref = func.lower(Action.ref)
    for word in text.lower().split():
        pattern = f"%{_escape_like(word)}%"
        conditions.append(or_(ref.like(pattern, escape="\\"),
                              and_(visible, func.lower(Action.title).like(pattern, escape="\\"))))
    wanted = text.lower()
    rank = case((ref == wanted, 0), (ref.like(f"{_escape_like(wanted)}%", escape="\\"), 1), else_=2) \
        if wanted else literal(2)
    query = (select(Action.ref, case((visible, Action.title), else_=literal(RESTRICTED_TITLE)))
             .join(Theme, Theme.id == Action.theme_id).where(*conditions)
             .order_by(rank, Theme.position, Action.ref_sort, Action.id).limit(limit))
    return [(r, title) for r, title in session.exec(query).all()]


def pick_titles(session: Session, *, user: Actor, plan_id: int, refs: list[str],
                include_retired: bool = True) -> dict[str, str]:
    """{ref: the title a pick list shows} for those of `refs` the plan holds (masked if restricted
    and the user is not cleared; with include_retired=False, actions in the plan now only)."""
    if not refs:
        return {}
    conditions = [Action.plan_id == plan_id, Action.ref.in_(refs)]
    if not include_retired:
        conditions.append(in_plan_now())
    rows = session.exec(select(Action.ref, case((_visible_detail(user), Action.title), else_=literal(RESTRICTED_TITLE)))
                        .where(*conditions)).all()
    return dict(rows)


def pick_title(session: Session, *, user: Actor, plan_id: int, ref: str, include_retired: bool = True) -> str | None:
    """The title a pick list shows for `ref`, or None if the plan has no such action."""
    return pick_titles(session, user=user, plan_id=plan_id, refs=[ref], include_retired=include_retired).get(ref)
