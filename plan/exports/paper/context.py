"""Everything a board paper is written from, read once through the services (plan.reports,
plan.meetings, plan.measures): nothing here re-derives a rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session, select

from models import Board, Plan, Theme, UpdateRound
from plan import measures, meetings, reports
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.dates import parse_date
from plan.errors import InvalidInput, NotFound
from plan.exports.paper.messages import PaperFacts
from plan.identity import Actor
from plan.periods import financial_quarter, period_words
from plan.reports.asof import meeting_moment
from plan.reports.rules import DIRECTION_WORDS

Progress = Callable[[float, str], None]
MASKED_TEXTS = ("owner", "commentary", "blockers", "support_asked")


def masked(row: dict[str, Any]) -> dict[str, Any]:
    """A restricted action's row as the circulated paper shows it: ref, theme, agency, dates and
    RAG only (its detail goes in the restricted annex, a file of its own)."""
    if not row.get("restricted"):
        return row
    return {**row, "title": RESTRICTED_TITLE, **dict.fromkeys(MASKED_TEXTS, RESTRICTED_TEXT),
            "suggested_reason": RESTRICTED_TEXT if row.get("suggested_reason") else "",
            "reasons": [RESTRICTED_TEXT] if row.get("reasons") else []}


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class PaperContext:
    """The paper's plan, meeting, day, board, period and rows."""

    def __init__(self, session: Session, user: Actor, plan_id: int, board: str | None, meeting_id: int | None,
                 as_of: date | str | None, progress: Progress) -> None:
        self.session, self.user, self.plan_id, self.progress = session, user, plan_id, progress
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("There is no such plan.")
        self.plan = plan
        self.meeting: dict[str, Any] | None = None
        if meeting_id is not None:
            self.meeting = meetings.get_meeting(session, user=user, plan_id=plan_id, meeting_id=meeting_id)
            if as_of not in (None, ""):
                raise InvalidInput("Give a meeting or an as-at date, not both: a meeting's paper is as at its date.")
            board = board or self.meeting["board"] or None
        self.day: date = self.meeting["held_on"] if self.meeting else (
            parse_date(as_of, "As at") if as_of not in (None, "") else date.today())
        boards = dict(session.exec(select(Board.code, Board.name).where(Board.plan_id == plan_id)).all())
        if board and board not in boards:
            raise InvalidInput(f"There is no board '{board}' in this plan; choose one of {', '.join(sorted(boards))}.")
        self.board, self.board_name = board, boards.get(board or "", "")
        self.filters = reports.ReportFilter(boards=[board]) if board else None
        self.themes = list(session.exec(select(Theme.name).where(Theme.plan_id == plan_id)
                                        .order_by(Theme.position)).all())
        self.since_at = self._previous_meeting()
        # the previous meeting's day (what the paper names) and when it was over (what "since" counts
        # from: a change later on its day is since it)
        self.since: date | None = self.since_at.date() if self.since_at else None
        self.period = self._period()
        self.rules = reports.suggestion_settings(session, plan_id=plan_id)

    def _previous_meeting(self) -> datetime | None:
        """When the last closed meeting before this paper was over (the meeting itself excluded):
        plan.reports.asof.meeting_moment."""
        own = self.meeting["id"] if self.meeting else None
        for m in meetings.list_meetings(self.session, user=self.user, plan_id=self.plan_id):  # newest first
            if m["id"] != own and m["status"] == "closed" and m["held_on"] <= self.day and (
                    own is None or m["held_on"] < self.day or m["id"] < own):
                return meeting_moment(m["held_on"], m["closed_at"])
        return None

    def _period(self) -> str:
        """What the paper reports on, as councils write it: the round the meeting reviews, else the
        latest round opened by the day, else the quarter of the financial year the day is in."""
        label = self.meeting["round_period"] if self.meeting and self.meeting.get("round_period") else ""
        if not label:
            end = datetime.combine(self.day, time.max, tzinfo=UTC)
            label = self.session.exec(select(UpdateRound.period).where(
                UpdateRound.plan_id == self.plan_id, UpdateRound.opened_at <= end)
                .order_by(UpdateRound.opened_at.desc(), UpdateRound.id.desc())).first() or ""
        return period_words(label) if label else financial_quarter(self.day)

    @property
    def period_short(self) -> str:
        """'Q3 2026/27' (the period without its months), for page footers."""
        return self.period.split(" (", 1)[0]

    @property
    def group(self) -> str:
        return f"the {self.board_name}" if self.board else "the strategic group"

    @property
    def frozen(self) -> bool:
        """A closed meeting's paper is what the meeting saw: read from what closing froze."""
        return bool(self.meeting and self.meeting["status"] == "closed")

    def read(self) -> None:
        s, u, p, day, f = self.session, self.user, self.plan_id, self.day, self.filters
        self.progress(0.05, "Counting RAG by theme")
        if self.frozen:
            assert self.meeting is not None
            seen = meetings.frozen_plan(s, user=u, plan_id=p, meeting_id=self.meeting["id"], filters=f)
            self.summary, self.headline = seen["by_theme"], seen["headline"]
            rows, self.exceptions = seen["rows"], seen["agenda"]
        else:
            first_view = reports.overview(s, user=u, plan_id=p, as_of=day, filters=f)  # tiles, RAG by theme at once
            self.summary, self.headline = first_view["by_theme"], first_view["headline"]
            self.progress(0.15, "Finding the exceptions")
            # one read of the plan as at the day, in plan order (theme, then ref), gives the exceptions
            # and the rows of the sheets per theme (shared out by theme: not a read per theme)
            rows, self.exceptions = reports.plan_and_exceptions(s, user=u, plan_id=p, as_of=day, since=self.since_at,
                                                                filters=f)
        self.changes = reports.changes(s, user=u, plan_id=p, since=self.since_at, until=day, filters=f) \
            if self.since else None
        if self.changes and self.frozen:  # the titles the meeting saw, not today's
            titles = {r["ref"]: r["title"] for r in rows}
            for kind in ("transitions", "completed", "new_actions", "retired", "due_dates_moved", "updates_not_made"):
                for r in self.changes.get(kind, []):
                    r["title"] = titles.get(r["ref"], r["title"])
        # each action whose RAG moved since the last meeting, with its RAG then and the direction: the
        # changes' transitions are exactly direction_of_travel's actions (the same two days)
        self.moved = {r["ref"]: r for r in self.changes["transitions"]} if self.changes else {}
        self.progress(0.25, "Reading the actions")
        self.by_theme: dict[str, list[dict[str, Any]]] = {theme: [] for theme in self.themes}
        for row in rows:
            self.by_theme.setdefault(row["theme"], []).append(row)
        self.rows = {r["ref"]: r for rows in self.by_theme.values() for r in rows}
        self.refs = set(self.rows)
        self.restricted_refs = {ref for ref, r in self.rows.items() if r["restricted"]}
        self.progress(0.6, "Reading the measures and the last meeting's record")
        every = measures.list_measures(s, user=u, plan_id=p)
        self.measures = [m for m in every if not self.board or not m["actions"] or set(m["actions"]) & self.refs]

        def mine(ref: str) -> bool:
            return not self.board or not ref or ref in self.refs

        # matters arising: follow-ups still open, and those done since the last meeting
        # as they stood when the paper's meeting closed (or now): done after it counts as open then
        until = self.meeting["closed_at"] if self.frozen and self.meeting else None

        def done_by_then(x: dict[str, Any]) -> bool:
            return bool(x["done"] and (until is None or x["done_at"] <= _aware(until)))

        self.follow_ups = [{**x, "done": done_by_then(x)} for x in meetings.follow_ups(s, user=u, plan_id=p,
                                                                                        open_only=False)
                           if mine(x["ref"]) and x["held_on"] < day
                           and (not done_by_then(x) or (self.since_at and _aware(x["done_at"]) > self.since_at))]
        self.decisions = [d for d in meetings.decisions_log(s, user=u, plan_id=p, since=self.since, until=self.since)
                          if mine(d["ref"]) and d["status"] == "closed"] if self.since else []

    def previous(self, row: dict[str, Any]) -> tuple[str | None, str]:
        """(previous RAG, direction of travel) since the last meeting."""
        if self.since is None:
            return None, ""
        moved = self.moved.get(row["ref"])
        if moved is None:
            return row["rag"], DIRECTION_WORDS["same"]
        return moved["from_rag"], DIRECTION_WORDS.get(moved["direction"], moved["direction"])

    def facts(self) -> PaperFacts:
        return PaperFacts(headline=self.headline, exceptions=[masked(r) for r in self.exceptions],
                          rows={ref: masked(r) for ref, r in self.rows.items()}, since=self.since,
                          changes=self.changes, follow_ups=self.follow_ups, decisions=self.decisions,
                          restricted=len(self.restricted_refs),
                          round_words=self.headline.get("round_words", ""),
                          overdue_days=self.rules.exceptions_overdue_days, group=self.group)
