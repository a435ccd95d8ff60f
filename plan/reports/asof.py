"""The plan as at a date, computed from the history in SQL.

An action's RAG and delivery status on day D are those of its latest status update made on or
before the end of D (UTC), by created_at then id; "not_assessed" / "not_started" if none. Its due
date on D is the date of the latest due-date request approved on or before D, else its baseline.
An action exists on D if it was added on or before D or has an update on or before D, and had
not been retired by then (retired on day R: in the plan for D < R, not for D >= R). Every
query here is one SQL statement over the whole plan (window functions, no loop over actions).

An action last updated before the end of D (last_update_at) had, on D, the update its current
columns hold (action.rag, delivery_status: one row per action, kept equal to its latest update
by (created_at, id) by plan.updates.record_update, which never lets a back-dated update move
them). So the state reads those columns and ranks the history only of the actions updated since
(for today: none, or the few with an update dated ahead): as at today the dashboard does not
read the 250,000 updates of a regional plan. `state(..., from_history=True)` ranks every action's
history: the tests check the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, false, func, literal, or_, true, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    ActionPartner,
    Agency,
    Board,
    DueDateRequest,
    Plan,
    RoundSnapshot,
    StatusUpdate,
    Theme,
    UpdateReturn,
    UpdateRound,
)
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.dates import parse_date
from plan.errors import InvalidInput, NotFound
from plan.identity import Actor
from plan.periods import period_for, period_start
from plan.permissions import cleared_for, shown_to
from plan.reports.edits import Edits, edits_at
from plan.reports.rules import FINISHED, NOT_OWING
from plan.vocab import RAG_ORDER

RAGS = [r.value for r in RAG_ORDER]  # red, amber, green, blue, not_assessed
MAX_PERIODS = 40  # the trend's reach back


@dataclass(frozen=True)
class ReportFilter:
    """What the dashboard is filtered by; empty means no filter on that field. Agencies match the
    lead or a partner agency (as on the Actions page); boards keep the actions reporting to them."""

    themes: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    boards: list[str] = field(default_factory=list)
    include_demo: bool = True

    def to_params(self, as_of: date | None = None) -> dict[str, Any]:
        """For st.query_params: lists stay lists; only what is set."""
        params: dict[str, Any] = {}
        for key, values in (("theme", self.themes), ("agency", self.agencies), ("board", self.boards)):
            if values:
                params[key] = list(values)
        if not self.include_demo:
            params["demo"] = "0"
        if as_of:
            params["as_of"] = as_of.isoformat()
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> tuple[ReportFilter, date | None]:
        """The filter and the as-at date from st.query_params (or any mapping of str or lists).
        A bad date raises InvalidInput; unknown keys are ignored."""
        def values(key: str) -> list[str]:
            getter = getattr(params, "get_all", None)
            raw = getter(key) if getter else params.get(key, [])
            raw = [raw] if isinstance(raw, str) else list(raw or [])
            return [v for v in (str(x).strip() for x in raw) if v]

        as_of_text = (values("as_of") or [""])[0]
        as_of = parse_date(as_of_text, "As at") if as_of_text else None
        return cls(themes=values("theme"), agencies=values("agency"), boards=values("board"),
                   include_demo=(values("demo") or ["1"])[0] not in ("0", "false", "no")), as_of


def day_of(as_of: date | str | None) -> date:
    if as_of is None or as_of == "":
        return date.today()
    return parse_date(as_of, "As at")


def moment_of(value: date | datetime | str | None) -> tuple[date, datetime | None]:
    """A day, or a moment (a datetime, e.g. when a meeting closed): (its day in UTC, the moment or
    None for a day). "Since" a moment counts what came after it that day too."""
    if isinstance(value, datetime):
        moment = as_utc(value).astimezone(UTC)
        return moment.date(), moment
    return day_of(value), None


def meeting_moment(held_on: date, closed_at: datetime | None) -> datetime:
    """When a meeting was over, for "since the meeting": it holds its day and when it was closed, not
    when it started; closed on its day, its close (what came after it that day is since it); closed
    on a later day, the end of its day (when that day it met is not known)."""
    end = end_of(held_on)
    return min(as_utc(closed_at), end) if closed_at is not None else end


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone (they are stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def end_of(day: date) -> datetime:
    """The first moment after `day` (UTC): "on or before D" is "before end_of(D)"."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def plan_row(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return plan


def latest_updates(plan_id: int, end: datetime, *, moved_since: datetime | None = None) -> Any:
    """Per action of the plan, its latest update made before `end` (a subquery). moved_since: only
    the actions whose last update was made at or after it (read through the last_update_at index)."""
    actions = select(Action.id).where(Action.plan_id == plan_id)
    if moved_since is not None:
        actions = actions.where(Action.last_update_at >= moved_since)
    ranked = (select(StatusUpdate.id.label("update_id"), StatusUpdate.action_id, StatusUpdate.rag,
                     StatusUpdate.delivery_status, StatusUpdate.created_at,
                     func.row_number().over(partition_by=StatusUpdate.action_id,
                                            order_by=(StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))
                     .label("n"))
              .where(StatusUpdate.created_at < end, StatusUpdate.action_id.in_(actions))
              .subquery())
    # Grouped by action though n = 1 leaves one row per action: see due_dates_at.
    return (select(func.max(ranked.c.update_id).label("update_id"), ranked.c.action_id,
                   func.max(ranked.c.rag).label("rag"), func.max(ranked.c.delivery_status).label("delivery_status"),
                   func.max(ranked.c.created_at).label("created_at"))
            .where(ranked.c.n == 1).group_by(ranked.c.action_id).subquery())


def use_current_columns() -> bool:
    """Whether `state` reads the current columns of actions whose last update came before the day's
    end (always, but for the tests that compare it with ranking the whole history)."""
    return True


def latest_update_id() -> Any:
    """The id of the action's latest update by (created_at, id): a correlated scalar subquery, read
    for the rows a query returns (through the status_update action_id index)."""
    mine = aliased(StatusUpdate)  # its own name: a query that joins status_update keeps its own
    return (select(mine.id).where(mine.action_id == Action.id)
            .order_by(mine.created_at.desc(), mine.id.desc()).limit(1).correlate(Action).scalar_subquery())


def due_dates_at(plan_id: int, day: date, end: datetime | None = None) -> Any:
    """Per action with an approved move decided on or before `day` (before `end`, if given: a
    moment): the date it moved to, and how many times it had moved (a subquery)."""
    ranked = (select(DueDateRequest.action_id, DueDateRequest.requested_date,
                     func.row_number().over(partition_by=DueDateRequest.action_id,
                                            order_by=(DueDateRequest.decided_at.desc(), DueDateRequest.id.desc()))
                     .label("n"),
                     func.count().over(partition_by=DueDateRequest.action_id).label("moves"))
              .where(DueDateRequest.decision == "approved", DueDateRequest.decided_at < (end or end_of(day)),
                     DueDateRequest.action_id.in_(select(Action.id).where(Action.plan_id == plan_id)))
              .subquery())
    # Grouped by action, though n = 1 leaves one row per action already: SQLite may build no index on
    # a subquery of window functions and scan it whole for each action it is joined to (3,000 moved
    # due dates in a plan of 10,000 actions: 1.4 s for the Dashboard's tiles; the plan at the last
    # meeting: 80 s for the exceptions); on a grouped subquery it builds an automatic index (19 ms).
    return (select(ranked.c.action_id, func.max(ranked.c.requested_date).label("due"),
                   func.max(ranked.c.moves).label("moves"))
            .where(ranked.c.n == 1).group_by(ranked.c.action_id).subquery())


@dataclass(frozen=True)
class RoundAt:
    """The round that applies on a day: open then, or else the latest closed before it."""

    id: int
    period: str
    open: bool


def round_at(session: Session, plan_id: int, day: date, end: datetime | None = None) -> RoundAt | None:
    end = end or end_of(day)
    row = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id, UpdateRound.opened_at < end)
                       .order_by(UpdateRound.opened_at.desc(), UpdateRound.id.desc())).first()
    if row is None or row.id is None:
        return None
    return RoundAt(id=row.id, period=row.period, open=row.closed_at is None or row.closed_at >= end)


def round_flags(plan_id: int, rnd: RoundAt | None, end: datetime) -> Any:
    """Per action, whether it was updated in the round (1/0) (a subquery to outer-join on action_id;
    read its flag through `round_flag`), or None without a round. An open round: the actions with
    an update made in it before `end` and not sent back (one pass over the round's updates through
    their round index, not one lookup per action of the plan). A closed round: what its snapshot
    froze (updated_in_round)."""
    if rnd is None:
        return None
    if rnd.open:
        return (select(StatusUpdate.action_id, literal(1).label("updated"))
                .where(StatusUpdate.round_id == rnd.id, StatusUpdate.created_at < end,
                       ~exists().where(UpdateReturn.status_update_id == StatusUpdate.id))
                .group_by(StatusUpdate.action_id).subquery())
    return (select(RoundSnapshot.action_id, case((RoundSnapshot.updated_in_round, 1), else_=0).label("updated"))
            .where(RoundSnapshot.round_id == rnd.id).subquery())


def round_flag(flags: Any, rnd: RoundAt) -> Any:
    """1 updated in the round, 0 not, NULL not in it: in an open round every action of the plan is
    in it (no row joined: 0); in a closed one only those its snapshot froze."""
    return func.coalesce(flags.c.updated, 0) if rnd.open else flags.c.updated


@dataclass
class State:
    """The columns of the plan as at a day, and the FROM/WHERE that give them (to select from)."""

    day: date
    end: datetime
    rnd: RoundAt | None
    rag: Any
    status: Any
    due: Any
    moves: Any
    update_id: Any
    last_update_at: Any
    overdue: Any
    updated_in_round: Any
    missed_round: Any  # owes an update in the round that applies and has none
    existed: Any  # the action existed on the day
    created_at: Any
    joins: list[tuple[Any, Any]]
    where: list[ColumnElement[bool]]
    # the title and owner then (plan.reports.edits): its joins are not among `joins` (the counts
    # do not read them); a query selecting `title` or `owner` adds them (edits.join)
    edits: Edits = field(default_factory=Edits)

    @property
    def title(self) -> Any:
        return self.edits.title

    @property
    def owner(self) -> Any:
        return self.edits.owner

    def select(self, *columns: Any) -> Any:
        query = select(*columns).select_from(Action)
        for target, on in self.joins:
            query = query.join(target, on, isouter=True)
        return query.where(*self.where)

    def stale(self, days: int) -> ColumnElement[bool]:
        """Owes updates and has had none for more than `days` days (or none since it was added
        more than `days` days ago): the same test as plan.reports.rules.stale_reason."""
        cut = start_of(self.day - timedelta(days=days))
        return and_(self.status.not_in(NOT_OWING),
                    or_(self.last_update_at < cut, and_(self.last_update_at.is_(None), self.created_at < cut)))


def select_pair(before: State, after: State, *columns: Any) -> Any:
    """Select over the plan as at two days at once (the actions that exist at the later one)."""
    query = select(*columns).select_from(Action)
    for target, on in before.joins + after.joins:
        query = query.join(target, on, isouter=True)
    return query.where(*after.where)


def frozen_round(session: Session, plan_id: int, round_id: int) -> UpdateRound:
    rnd = session.get(UpdateRound, round_id)
    if rnd is None or rnd.plan_id != plan_id:
        raise NotFound("There is no such update round in this plan.")
    if rnd.closed_at is None:
        raise InvalidInput(f"The {rnd.period} round is still open: nothing is frozen until it closes.")
    return rnd


def state(session: Session, *, plan_id: int, day: date, filters: ReportFilter | None = None,
          round_id: int | None = None, from_history: bool = False, at: datetime | None = None) -> State:
    """The plan as at `day`, as SQL columns over Action (see the module's docstring). With a
    closed round's id: each action the round froze as the round froze it (RAG, status, due date,
    the update shown, updated in the round); the others as at `day`. from_history: rank the
    history even as at today (the tests compare both ways). at: a moment on `day` to read the plan
    at instead of the day's end (a meeting's close: what came after it that day is since it).
    Titles and owners are those in force then (plan.reports.edits; a closed round's frozen
    actions: at its close)."""
    filters = filters or ReportFilter()
    end = at or end_of(day)
    due = due_dates_at(plan_id, day, end)
    if round_id is not None:
        closed = frozen_round(session, plan_id, round_id)
        rnd: RoundAt | None = RoundAt(id=round_id, period=closed.period, open=False)
        assert closed.closed_at is not None
        edits = edits_at(session, plan_id, min(as_utc(closed.closed_at), end))
    else:
        rnd = round_at(session, plan_id, day, end)
        edits = edits_at(session, plan_id, end)
    flags = round_flags(plan_id, rnd, end)
    joins: list[tuple[Any, Any]] = [(due, due.c.action_id == Action.id)]
    if not from_history and use_current_columns():
        # Last updated before the day's end: its latest update then is its latest, held in its
        # current columns. Last updated since (a past day, or an update dated ahead): rank the
        # history of just those actions. Never updated (last_update_at None: a carried action
        # keeps its old RAG in action.rag but has no history here): not assessed.
        if _updated_since(session, plan_id, end):
            later = latest_updates(plan_id, end, moved_since=end)
            joins.insert(0, (later, later.c.action_id == Action.id))
            current = Action.last_update_at < end
            rag = case((current, Action.rag), else_=func.coalesce(later.c.rag, literal("not_assessed")))
            status = case((current, Action.delivery_status),
                          else_=func.coalesce(later.c.delivery_status, literal("not_started")))
            update_id = case((current, latest_update_id()), else_=later.c.update_id)
            last_update_at = case((current, Action.last_update_at), else_=later.c.created_at)
        else:  # as at today, nearly always: every action's state is in its current columns (no join)
            updated = Action.last_update_at.is_not(None)
            rag = case((updated, Action.rag), else_=literal("not_assessed"))
            status = case((updated, Action.delivery_status), else_=literal("not_started"))
            update_id = case((updated, latest_update_id()), else_=literal(None))
            last_update_at = Action.last_update_at
    else:
        latest = latest_updates(plan_id, end)
        joins.insert(0, (latest, latest.c.action_id == Action.id))
        rag = func.coalesce(latest.c.rag, literal("not_assessed"))
        status = func.coalesce(latest.c.delivery_status, literal("not_started"))
        update_id, last_update_at = latest.c.update_id, latest.c.created_at
    if flags is not None:
        joins.append((flags, flags.c.action_id == Action.id))
    due_on = func.coalesce(due.c.due, Action.baseline_due_date)
    existed = and_(or_(Action.created_at < end, last_update_at.is_not(None)), in_plan_on(day, end))
    if round_id is not None:
        snap = (select(RoundSnapshot.action_id, RoundSnapshot.rag, RoundSnapshot.delivery_status,
                       RoundSnapshot.current_due_date, RoundSnapshot.status_update_id)
                .where(RoundSnapshot.round_id == round_id).subquery())
        joins.append((snap, snap.c.action_id == Action.id))
        frozen = snap.c.action_id.is_not(None)
        rag, status = case((frozen, snap.c.rag), else_=rag), case((frozen, snap.c.delivery_status), else_=status)
        due_on = case((frozen, snap.c.current_due_date), else_=due_on)
        update_id = case((frozen, snap.c.status_update_id), else_=update_id)
        existed = or_(existed, frozen)
    overdue = and_(due_on.is_not(None), due_on < day, status.not_in(FINISHED))
    if flags is None or rnd is None:
        updated, missed = literal(None), false()
    else:
        flag = round_flag(flags, rnd)
        updated = case((status.in_(NOT_OWING), literal(None)), (flag == 1, true()),
                       (flag == 0, false()), else_=literal(None))
        missed = and_(flag == 0, status.not_in(NOT_OWING))
    where = [Action.plan_id == plan_id, existed, *filter_conditions(plan_id, filters)]
    return State(day=day, end=end, rnd=rnd, rag=rag, status=status, due=due_on,
                 moves=func.coalesce(due.c.moves, 0), update_id=update_id,
                 last_update_at=last_update_at, overdue=overdue, updated_in_round=updated,
                 missed_round=missed, existed=existed, created_at=Action.created_at, joins=joins, where=where,
                 edits=edits)


def _updated_since(session: Session, plan_id: int, end: datetime) -> bool:
    """Whether any action of the plan has an update made at or after `end` (one probe of the
    last_update_at index): as at a past day, most have; as at today, only one dated ahead."""
    return session.exec(select(Action.id).where(Action.plan_id == plan_id, Action.last_update_at >= end)
                        .limit(1)).first() is not None


def in_plan_on(day: date, end: datetime | None = None) -> ColumnElement[bool]:
    """Not yet retired on `day` (by `end`, if given): an action retired on day R is in the plan as
    at D < R and not as at D >= R (a closed round or meeting that froze it still shows it: what
    the group saw)."""
    return or_(Action.retired_at.is_(None), Action.retired_at >= (end or end_of(day)))


def filter_conditions(plan_id: int, filters: ReportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not filters.include_demo:
        conditions.append(Action.is_demo.is_(False))
    if filters.themes:
        conditions.append(Action.theme_id.in_(
            select(Theme.id).where(Theme.plan_id == plan_id, Theme.name.in_(filters.themes))))
    if filters.agencies:
        agency_ids = select(Agency.id).where(Agency.name.in_(filters.agencies))
        conditions.append(or_(
            Action.lead_agency_id.in_(agency_ids),
            exists().where(ActionPartner.action_id == Action.id, ActionPartner.agency_id.in_(agency_ids))))
    if filters.boards:
        conditions.append(exists().where(
            ActionBoard.action_id == Action.id,
            ActionBoard.board_id.in_(select(Board.id).where(Board.plan_id == plan_id,
                                                            Board.code.in_(filters.boards)))))
    return conditions


def counts_columns(s: State) -> list[Any]:
    """One count per RAG, the total and overdue: SQL aggregates over the state."""
    return ([func.sum(case((s.rag == rag, 1), else_=0)).label(rag) for rag in RAGS]
            + [func.count(Action.id).label("total"), func.sum(case((s.overdue, 1), else_=0)).label("overdue")])


def counts_of(row: Any) -> dict[str, int]:
    mapping = row._mapping
    return {key: int(mapping[key] or 0) for key in [*RAGS, "total"]}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys([*RAGS, "total"], 0)


def visible(user: Actor) -> ColumnElement[bool]:
    return shown_to(user, Action.restricted)


def detail_columns(user: Actor, at: State | Edits | None = None) -> list[Any]:
    """ref, title and owner, masked in SQL for a user not cleared; `at`: the title and owner in
    force then (a State or Edits, whose joins the query has), else today's. The owner reads Person
    (the current owner), which the query joins."""
    shown = visible(user)
    fields = at.edits if isinstance(at, State) else (at or Edits())
    return [Action.id.label("action_id"), Action.ref, Action.restricted,
            case((shown, fields.title), else_=literal(RESTRICTED_TITLE)).label("title"),
            case((shown, fields.owner), else_=literal(RESTRICTED_TEXT)).label("owner")]


def texts_of(session: Session, user: Actor, rows: list[dict[str, Any]]) -> None:
    """Add the commentary, blockers and support asked of each row's update (masked when restricted)."""
    ids = [r["update_id"] for r in rows if r.get("update_id")]
    found: dict[int, Any] = {}
    for chunk in range(0, len(ids), 900):
        for u in session.exec(select(StatusUpdate.id, StatusUpdate.commentary, StatusUpdate.blockers,
                                     StatusUpdate.support_asked)
                              .where(StatusUpdate.id.in_(ids[chunk:chunk + 900]))).all():
            found[u.id] = u
    for row in rows:
        update = found.get(row.get("update_id") or -1)
        shown = cleared_for(user, row["restricted"])
        for key in ("commentary", "blockers", "support_asked"):
            text = getattr(update, key, "") if update else ""
            row[key] = text if shown else (RESTRICTED_TEXT if text else "")


def check_range(since: date, until: date) -> None:
    if since > until:
        raise InvalidInput(f"The first date ({since:%d %b %Y}) is after the second ({until:%d %b %Y}): "
                           "give the earlier date first.")


def period_ends(start: date, day: date, cycle: str) -> list[tuple[str, date]]:
    """(period, the day the trend reads it at) for each reporting period from the one holding
    `start` to the one holding `day`; the last is read at `day` itself."""
    from plan.rounds import next_period  # rounds reads the plan's tables; imported when used

    label_, ends = period_for(start, cycle), []
    while period_start(label_) <= day:
        following = next_period(label_)
        ends.append((label_, min(period_start(following) - timedelta(days=1), day)))
        label_ = following
    return ends[-MAX_PERIODS:]


def totals_at(session: Session, *, plan_id: int, days: list[date], filters: ReportFilter | None = None
              ) -> list[dict[str, int]]:
    """RAG counts and total as at each of `days` (the trend), in one SQL statement
    over the history read once: per action and day, its latest event before that day's end (an
    update, or its arrival as not assessed), which holds until its next such event or until it is
    retired; SQL sums where each starts and stops per day and RAG, and the running totals over the
    (at most 40) days are added up here. The same answer as counting
    `state` at each day (an action exists at a day if added or updated before its end and not yet
    retired), without ranking the whole history once a day. Today (or later) is counted by `state`,
    from the current columns, and the history read only up to the past days."""
    if not days:
        return []
    today = datetime.now(UTC).date()
    if max(days) >= today:  # today's counts from the current columns (state); the past in one go
        past = [d for d in days if d < today]
        known = dict(zip(past, totals_at(session, plan_id=plan_id, days=past, filters=filters), strict=True))
        for day in days:
            if day not in known:
                now = state(session, plan_id=plan_id, day=day, filters=filters)
                known[day] = counts_of(session.exec(now.select(*counts_columns(now))).one())
        return [known[day] for day in days]
    if days != sorted(set(days)):
        once = sorted(set(days))
        found = dict(zip(once, totals_at(session, plan_id=plan_id, days=once, filters=filters), strict=True))
        return [found[day] for day in days]
    stamp = StatusUpdate.__table__.c.created_at.type
    ends = [literal(end_of(d), type_=stamp) for d in days]
    last = len(days)  # "never" as a day's index

    def index_of(at: Any) -> Any:
        """The first of `days` whose end is after `at` (`last` if none)."""
        return case(*[(at < end, k) for k, end in enumerate(ends)], else_=literal(last))

    plan_actions = select(Action.id).where(Action.plan_id == plan_id,
                                           *filter_conditions(plan_id, filters or ReportFilter()))
    # Events: each update, and the action's arrival (not assessed) unless an update came first.
    arrival = (select(Action.id.label("action_id"), Action.created_at.label("at"), literal(0).label("seq"),
                      literal("not_assessed").label("rag"))
               .where(Action.id.in_(plan_actions), Action.created_at < ends[-1],
                      ~exists().where(StatusUpdate.action_id == Action.id,
                                      StatusUpdate.created_at <= Action.created_at)))
    updates = (select(StatusUpdate.action_id, StatusUpdate.created_at.label("at"), StatusUpdate.id.label("seq"),
                      StatusUpdate.rag)
               .where(StatusUpdate.action_id.in_(plan_actions), StatusUpdate.created_at < ends[-1]))
    events = union_all(arrival, updates).subquery()
    ranked = (select(events.c.action_id, events.c.rag, index_of(events.c.at).label("k"),
                     func.row_number().over(partition_by=(events.c.action_id, index_of(events.c.at)),
                                            order_by=(events.c.at.desc(), events.c.seq.desc())).label("n"))
              .subquery())
    # Per action and day index, the state it reached; it holds until its next one, or its retirement.
    spans = (select(ranked.c.action_id, ranked.c.rag, ranked.c.k,
                    func.lead(ranked.c.k).over(partition_by=ranked.c.action_id, order_by=ranked.c.k).label("next_k"))
             .where(ranked.c.n == 1).subquery())
    gone = case((Action.retired_at.is_(None), literal(last)), else_=index_of(Action.retired_at))
    until = case((and_(spans.c.next_k.is_not(None), spans.c.next_k < gone), spans.c.next_k), else_=gone)
    held = (select(spans.c.k, spans.c.rag, until.label("until")).join(Action, Action.id == spans.c.action_id)
            .where(spans.c.k < gone).cte("held"))
    deltas = union_all(select(held.c.k, held.c.rag, literal(1).label("d")),
                       select(held.c.until, held.c.rag, literal(-1)).where(held.c.until < last)).subquery()
    query = select(deltas.c.k, deltas.c.rag, func.sum(deltas.c.d).label("n")).group_by(deltas.c.k, deltas.c.rag)
    change: dict[int, dict[str, int]] = {k: dict.fromkeys(RAGS, 0) for k in range(last)}
    for row in session.exec(query).all():
        change[int(row.k)][row.rag] += int(row.n)
    totals, running = [], dict.fromkeys(RAGS, 0)
    for k in range(last):  # the day's counts: what had started and not yet stopped (a few numbers)
        running = {rag: running[rag] + change[k][rag] for rag in RAGS}
        totals.append({**running, "total": sum(running.values())})
    return totals
