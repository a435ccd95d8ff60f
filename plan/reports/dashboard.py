"""The chair's dashboard: RAG by theme, lead agency and board, the trend over reporting periods,
the headline figures, direction of travel, the actions behind any number, and plans side by side.
Every figure is one SQL aggregate over the plan as at a day (plan.reports.asof)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    Agency,
    Board,
    Person,
    Plan,
    RoundSnapshot,
    StatusUpdate,
    Theme,
    UpdateRound,
)
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.periods import period_short
from plan.reports.asof import (
    RAGS,
    ReportFilter,
    check_range,
    counts_columns,
    counts_of,
    day_of,
    detail_columns,
    empty_counts,
    filter_conditions,
    moment_of,
    period_ends,
    plan_row,
    select_pair,
    state,
    totals_at,
)
from plan.reports.rows import evidence_for, finish, select_rows, shape
from plan.reports.rules import direction, label
from plan.reports.settings import suggestion_settings

GROUPINGS = ("theme", "agency", "board")
FLAGS = ("overdue", "stale", "not_updated_this_round", "complete", "due_by_now", "due_not_complete")


def summary(session: Session, *, user: Actor, plan_id: int, by: str = "theme", as_of: date | str | None = None,
            filters: ReportFilter | None = None, round_id: int | None = None) -> list[dict[str, Any]]:
    """RAG counts per theme, lead agency or board as at the day (every action that existed,
    restricted included). By board an action counts under each board it reports to. round_id: a
    closed round, whose frozen actions count as it froze them."""
    plan_row(session, plan_id)
    s = state(session, plan_id=plan_id, day=day_of(as_of), filters=filters, round_id=round_id)
    if by == "theme":
        group, position = Theme.name, Theme.position
        query = s.select(group.label("group"), position.label("position"), *counts_columns(s)).join(
            Theme, Theme.id == Action.theme_id)
    elif by == "agency":
        group = func.coalesce(Agency.name, literal("No lead agency"))
        position = literal(0)
        query = s.select(group.label("group"), position.label("position"), *counts_columns(s)).join(
            Agency, Agency.id == Action.lead_agency_id, isouter=True)
    elif by == "board":
        group, position = Board.code, Board.id
        query = (s.select(group.label("group"), position.label("position"), Board.name.label("name"),
                          *counts_columns(s))
                 .join(ActionBoard, ActionBoard.action_id == Action.id).join(Board, Board.id == ActionBoard.board_id))
    else:
        raise InvalidInput(f"RAG by '{by}': choose theme, agency or board.")
    query = query.group_by(group, position, *([Board.name] if by == "board" else [])).order_by(position, group)
    rows = []
    for row in session.exec(query).all():
        rows.append({"group": row.group, "position": row.position, **counts_of(row),
                     "overdue": int(row.overdue or 0), **({"name": row.name} if by == "board" else {})})
    return _every_theme(session, plan_id, filters, rows) if by == "theme" else rows


def _every_theme(session: Session, plan_id: int, filters: ReportFilter | None,
                 rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by theme with every theme in the plan's order, even one with no action yet."""
    present = {r["group"] for r in rows}
    for name, position in session.exec(select(Theme.name, Theme.position).where(Theme.plan_id == plan_id)):
        if name not in present and not (filters and filters.themes and name not in filters.themes):
            rows.append({"group": name, "position": position, **empty_counts(), "overdue": 0})
    rows.sort(key=lambda r: r["position"])
    return rows


def summary_by_theme(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
                     filters: ReportFilter | None = None, round_id: int | None = None) -> dict[str, Any]:
    """{"as_of", "by_theme": {theme: counts}, "total": counts} (the CLI's `report summary`)."""
    day = day_of(as_of)
    rows = summary(session, user=user, plan_id=plan_id, by="theme", as_of=day, filters=filters, round_id=round_id)
    total = empty_counts()
    for row in rows:
        for key in total:
            total[key] += row[key]
    return {"as_of": day.isoformat(), "by_theme": {r["group"]: {k: r[k] for k in [*RAGS, "total"]} for r in rows},
            "total": total}


def rag_trend(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
              filters: ReportFilter | None = None) -> list[dict[str, Any]]:
    """How many actions were Red, Amber, Green, Blue and not assessed at the end of each reporting
    period, from the plan's start to the day (the last period is read at the day itself)."""
    plan = plan_row(session, plan_id)
    day = day_of(as_of)
    start = plan.start_date or _first_day(session, plan_id) or day
    if start > day:
        return []
    ends = period_ends(start, day, plan.reporting_cycle)
    totals = totals_at(session, plan_id=plan_id, days=[end for _, end in ends], filters=filters)
    return [{"period": period, "period_words": period_short(period), "as_of": end, **counts}
            for (period, end), counts in zip(ends, totals, strict=True)]


def _first_day(session: Session, plan_id: int) -> date | None:
    first = session.exec(select(func.min(Action.created_at)).where(Action.plan_id == plan_id)).one()
    update = session.exec(select(func.min(StatusUpdate.created_at)).join(Action, Action.id == StatusUpdate.action_id)
                          .where(Action.plan_id == plan_id)).one()
    known = [d.date() if isinstance(d, datetime) else d for d in (first, update) if d is not None]
    return min(known) if known else None


def round_trend(session: Session, *, user: Actor, plan_id: int, filters: ReportFilter | None = None
                ) -> list[dict[str, Any]]:
    """What each closed round froze: RAG counts per round, oldest first."""
    plan_row(session, plan_id)
    conditions = filter_conditions(plan_id, filters or ReportFilter())
    query = (select(UpdateRound.id, UpdateRound.period, UpdateRound.closed_at,
                    *[func.sum(case((RoundSnapshot.rag == rag, 1), else_=0)).label(rag) for rag in RAGS],
                    func.count(RoundSnapshot.action_id).label("total"),
                    func.sum(case((RoundSnapshot.updated_in_round, 1), else_=0)).label("updated"))
             .join(RoundSnapshot, RoundSnapshot.round_id == UpdateRound.id)
             .join(Action, Action.id == RoundSnapshot.action_id)
             .where(UpdateRound.plan_id == plan_id, UpdateRound.closed_at.is_not(None), *conditions)
             .group_by(UpdateRound.id, UpdateRound.period, UpdateRound.closed_at)
             .order_by(UpdateRound.closed_at, UpdateRound.id))
    return [{"round_id": r.id, "period": r.period, "period_words": period_short(r.period), "closed_at": r.closed_at,
             **counts_of(r),
             "updated": int(r.updated or 0)} for r in session.exec(query).all()]


def headline(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
             filters: ReportFilter | None = None) -> dict[str, Any]:
    """The tiles: totals by RAG, overdue, stale, not updated this round, completion against plan
    (complete of the actions due by the day)."""
    return overview(session, user=user, plan_id=plan_id, as_of=as_of, filters=filters)["headline"]


_TILES = ("overdue", "stale", "missed", "due_by_now", "due_complete", "complete")


def overview(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
             filters: ReportFilter | None = None) -> dict[str, Any]:
    """{"headline": the tiles, "by_theme": summary's rows by theme}, from one reading of the plan
    as at the day grouped by theme: the Dashboard's first view reads the plan once, not twice."""
    plan_row(session, plan_id)
    day = day_of(as_of)
    thresholds = suggestion_settings(session, plan_id=plan_id)
    s = state(session, plan_id=plan_id, day=day, filters=filters)
    due_by_now = and_(s.due.is_not(None), s.due <= day, s.status != "closed")
    query = (s.select(
        Theme.name.label("group"), Theme.position.label("position"), *counts_columns(s),
        func.sum(case((s.stale(thresholds.stale_days), 1), else_=0)).label("stale"),
        func.sum(case((s.missed_round, 1), else_=0)).label("missed"),
        func.sum(case((due_by_now, 1), else_=0)).label("due_by_now"),
        func.sum(case((and_(due_by_now, s.status == "complete"), 1), else_=0)).label("due_complete"),
        func.sum(case((s.status == "complete", 1), else_=0)).label("complete"))
        .join(Theme, Theme.id == Action.theme_id)
        .group_by(Theme.name, Theme.position).order_by(Theme.position, Theme.name))
    rows, totals = [], {**empty_counts(), **dict.fromkeys(_TILES, 0)}
    for row in session.exec(query).all():
        counted = {**counts_of(row), **{key: int(getattr(row, key) or 0) for key in _TILES}}
        for key, number in counted.items():
            totals[key] += number
        rows.append({"group": row.group, "position": row.position, **counts_of(row), "overdue": counted["overdue"]})
    due, done = totals["due_by_now"], totals["due_complete"]
    head = {"as_of": day, **{key: totals[key] for key in [*RAGS, "total"]}, "overdue": totals["overdue"],
            "stale": totals["stale"], "stale_days": thresholds.stale_days, "not_updated_this_round": totals["missed"],
            "round_period": s.rnd.period if s.rnd else "",
            "round_words": period_short(s.rnd.period) if s.rnd else "", "round_open": bool(s.rnd and s.rnd.open),
            "due_by_now": due, "due_complete": done, "complete": totals["complete"],
            "completion_percent": round(100 * done / due) if due else None}
    return {"headline": head, "by_theme": _every_theme(session, plan_id, filters, rows)}


def direction_of_travel(session: Session, *, user: Actor, plan_id: int, since: date | datetime | str,
                        as_of: date | str | None = None, filters: ReportFilter | None = None) -> dict[str, Any]:
    """Each action's RAG at `since` against the day: counts by direction, the flows (for a flow
    chart) and the actions that moved. An action added after `since` counts from not assessed.
    since: a day (its end), or a moment (a datetime: a meeting's close)."""
    plan_row(session, plan_id)
    day = day_of(as_of)
    first, first_at = moment_of(since)
    check_range(first, day)
    a = state(session, plan_id=plan_id, day=first, filters=filters, at=first_at)
    b = state(session, plan_id=plan_id, day=day, filters=filters)
    flows, counts = flows_between(session, a, b)
    before = rag_before(a)
    moved = (b.edits.join(select_pair(a, b, *detail_columns(user, b), before.label("from_rag"), b.rag.label("to_rag"))
                          .join(Person, Person.id == Action.owner_person_id, isouter=True))
             .where(before != b.rag).order_by(Action.ref_sort, Action.id))
    actions = [{"ref": r.ref, "title": r.title, "restricted": bool(r.restricted), "from_rag": r.from_rag,
                "to_rag": r.to_rag, "from_label": label(r.from_rag), "to_label": label(r.to_rag),
                "direction": direction(r.from_rag, r.to_rag)} for r in session.exec(moved).all()]
    return {"since": first, "as_of": day, "counts": counts, "flows": flows, "actions": actions}


def rag_before(a: Any) -> Any:
    """The RAG at the earlier day; "not_assessed" for an action that did not exist then."""
    return case((a.existed, a.rag), else_=literal("not_assessed"))


NEW = "new"  # a flow's "from" for an action not yet in the plan at the earlier day
NEW_LABEL = "Not in the plan"


def flow_before(a: Any) -> Any:
    """Where a flow starts: the RAG at the earlier day, or NEW for an action added since (not
    counted among the actions "not yet assessed then": it was not there)."""
    return case((a.existed, a.rag), else_=literal(NEW))


def flows_between(session: Session, a: Any, b: Any) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """How many actions went from each RAG to each RAG (one SQL aggregate), and by direction."""
    before = flow_before(a)
    query = (select_pair(a, b, before.label("from_rag"), b.rag.label("to_rag"), func.count(Action.id).label("n"))
             .group_by(before, b.rag))
    return flow_counts({(r.from_rag, r.to_rag): int(r.n) for r in session.exec(query).all()})


def flow_counts(pairs: dict[tuple[str, str], int]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The flows ({from_rag, to_rag, labels, count, direction}, in RAG order) and the counts by
    direction, from {(from RAG, to RAG): actions}."""
    flows = [{"from_rag": f, "to_rag": t, "from_label": NEW_LABEL if f == NEW else label(f), "to_label": label(t),
              "count": n, "direction": direction(None if f == NEW else f, t)} for (f, t), n in pairs.items()]
    counts = dict.fromkeys(("better", "worse", "same", "first_assessed"), 0)
    for flow in flows:
        counts[flow["direction"]] += flow["count"]
    order = [*RAGS, NEW]
    flows.sort(key=lambda f: (order.index(f["from_rag"]), order.index(f["to_rag"])))
    return flows, counts


def drill(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
          filters: ReportFilter | None = None, group_by: str | None = None, group: str | None = None,
          rag: str | None = None, flag: str | None = None, limit: int = 200, offset: int = 0
          ) -> tuple[list[dict[str, Any]], int]:
    """The actions behind a number on the dashboard, in plan order, and how many there are.
    group_by/group: a row of `summary` ("theme"/"Prevent", "agency"/"Essex Police",
    "board"/"HWBB"); rag: a column; flag: one of FLAGS (the headline tiles)."""
    plan_row(session, plan_id)
    day = day_of(as_of)
    thresholds = suggestion_settings(session, plan_id=plan_id)
    s = state(session, plan_id=plan_id, day=day, filters=filters)
    conditions = []
    if group_by is not None:
        if group_by not in GROUPINGS:
            raise InvalidInput(f"Group by '{group_by}': choose theme, agency or board.")
        if group_by == "theme":
            conditions.append(Theme.name == group)
        elif group_by == "agency":
            conditions.append(Agency.name.is_(None) if group in (None, "No lead agency") else Agency.name == group)
        else:
            conditions.append(Action.id.in_(select(ActionBoard.action_id).join(Board, Board.id == ActionBoard.board_id)
                                            .where(Board.plan_id == plan_id, Board.code == group)))
    if rag:
        if rag not in RAGS:
            raise InvalidInput(f"RAG '{rag}': choose one of {', '.join(RAGS)}.")
        conditions.append(s.rag == rag)
    if flag:
        due_by_now = and_(s.due.is_not(None), s.due <= day, s.status != "closed")
        known = {"overdue": s.overdue, "stale": s.stale(thresholds.stale_days),
                 "not_updated_this_round": s.missed_round, "complete": s.status == "complete", "due_by_now": due_by_now,
                 "due_not_complete": and_(due_by_now, s.status != "complete")}
        if flag not in known:
            raise InvalidInput(f"'{flag}': choose one of {', '.join(FLAGS)}.")
        conditions.append(known[flag])
    base = select_rows(s, user).where(*conditions)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    result = session.exec(base.order_by(Theme.position, Action.ref_sort, Action.id).limit(limit).offset(offset)).all()
    rows = [shape(r, s) for r in result]
    evidence = evidence_for(session, user=user, plan_id=plan_id, day=day, thresholds=thresholds)
    return finish(session, user, rows, s, thresholds, evidence), int(total)


def across_plans(session: Session, *, user: Actor, as_of: date | str | None = None,
                 slugs: list[str] | None = None) -> dict[str, Any]:
    """RAG by theme for several plans side by side (a county and its districts). Every plan in the
    deployment is open to every signed-in user today (there is no per-plan access yet), so this
    lists the plans named in `slugs`, or all."""
    day = day_of(as_of)
    query = select(Plan).order_by(Plan.id)
    if slugs:
        query = query.where(Plan.slug.in_(slugs))
    plans = session.exec(query).all()
    if slugs and len(plans) != len(set(slugs)):
        missing = sorted(set(slugs) - {p.slug for p in plans})
        raise InvalidInput(f"There is no plan {', '.join(missing)}.")
    themes: list[str] = []
    rows = []
    for plan in plans:
        assert plan.id is not None
        for row in summary(session, user=user, plan_id=plan.id, by="theme", as_of=day):
            if row["group"] not in themes:
                themes.append(row["group"])
            rows.append({"plan": plan.name, "slug": plan.slug, "theme": row["group"],
                         **{k: row[k] for k in [*RAGS, "total", "overdue"]}})
    return {"as_of": day, "plans": [{"slug": p.slug, "name": p.name} for p in plans], "themes": themes,
            "rows": rows}

