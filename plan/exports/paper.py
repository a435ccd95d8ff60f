"""The board paper: the plan as the group sees it at a meeting (or any date), as a print-ready,
marked workbook. Every number and row comes from plan.reports, plan.meetings and plan.measures;
nothing here re-derives a rule. Restricted actions count in every total; their detail goes only
into the restricted annex, which a cleared user has to ask for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from sqlmodel import Session, select

from models import Board, Plan, Theme
from plan import measures, meetings, reports
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.dates import parse_date
from plan.errors import InvalidInput, NotAllowed, NotFound
from plan.exports.path import Export, export
from plan.exports.writer import BOLD, Book, Cell, Column, rag_cell, rag_fill
from plan.identity import Actor
from plan.permissions import require
from plan.reports.rules import DIRECTION_WORDS
from plan.vocab import RAG_COLOURS, RAG_LABELS, Rag

Progress = Callable[[float, str], None]
RAGS = ("red", "amber", "green", "blue", "not_assessed")
MASKED_TEXTS = ("owner", "commentary", "blockers", "support_asked")
ANNEX = "Restricted annex"


def _label(rag: str | None) -> str:
    return RAG_LABELS[Rag(rag)] if rag in RAGS else ""


def _masked(row: dict[str, Any]) -> dict[str, Any]:
    """A restricted action's row as the main paper shows it: ref, theme, agency, dates and RAG only."""
    if not row.get("restricted"):
        return row
    return {**row, "title": RESTRICTED_TITLE,
            **dict.fromkeys(MASKED_TEXTS, RESTRICTED_TEXT), "reasons": [RESTRICTED_TEXT] if "reasons" in row else []}


def _due(row: dict[str, Any]) -> str:
    """Due date, and the baseline when it has moved (e.g. '31 Mar 2027 (baseline 31 Dec 2026)')."""
    due, baseline = row.get("due"), row.get("baseline_due")
    if due is None:
        return "No date"
    text = f"{due:%d %b %Y}"
    return f"{text} (baseline {baseline:%d %b %Y})" if baseline and baseline != due else text


def _latest(row: dict[str, Any]) -> str:
    when = row.get("last_update_at")
    text = row.get("commentary") or ""
    if when is None:
        return "No update yet"
    return f"{when:%d %b %Y}: {text}" if text else f"{when:%d %b %Y}: (no commentary)"


class _Context:
    """Everything the sheets are written from, read once through the services."""

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
        self.since = self._previous_meeting()

    def _previous_meeting(self) -> date | None:
        """The last closed meeting before this paper (the meeting itself excluded)."""
        own = self.meeting["id"] if self.meeting else None
        for m in meetings.list_meetings(self.session, user=self.user, plan_id=self.plan_id):  # newest first
            if m["id"] != own and m["status"] == "closed" and m["held_on"] <= self.day and (
                    own is None or m["held_on"] < self.day or m["id"] < own):
                return m["held_on"]
        return None

    def read(self) -> None:
        s, u, p, day, f = self.session, self.user, self.plan_id, self.day, self.filters
        self.progress(0.05, "Counting RAG by P")
        first_view = reports.overview(s, user=u, plan_id=p, as_of=day, filters=f)  # tiles and RAG by P at once
        self.summary, self.headline = first_view["by_theme"], first_view["headline"]
        self.progress(0.15, "Finding the exceptions")
        # one read of the plan as at the day, in plan order (theme, then ref), gives the exceptions
        # and the rows of the sheets per P (shared out by theme: not a read per theme)
        rows, self.exceptions = reports.plan_and_exceptions(s, user=u, plan_id=p, as_of=day, since=self.since,
                                                            filters=f)
        self.changes = reports.changes(s, user=u, plan_id=p, since=self.since, until=day, filters=f) \
            if self.since else None
        # each action whose RAG moved since the last meeting, with its RAG then and the direction: the
        # changes' transitions are exactly direction_of_travel's actions (the same two days), so the
        # plan's state at the last meeting is not worked out a second time
        self.moved = {r["ref"]: r for r in self.changes["transitions"]} if self.changes else {}
        self.progress(0.25, "Reading the actions")
        self.by_theme: dict[str, list[dict[str, Any]]] = {theme: [] for theme in self.themes}
        for row in rows:
            self.by_theme.setdefault(row["theme"], []).append(row)
        self.refs = {r["ref"] for rows in self.by_theme.values() for r in rows}
        self.restricted_refs = {r["ref"] for rows in self.by_theme.values() for r in rows if r["restricted"]}
        self.progress(0.6, "Reading the measures and follow-ups")
        every = measures.list_measures(s, user=u, plan_id=p)
        self.measures = [m for m in every if not self.board or not m["actions"] or set(m["actions"]) & self.refs]
        self.follow_ups = [f_ for f_ in meetings.follow_ups(s, user=u, plan_id=p, open_only=True)
                           if not self.board or not f_["ref"] or f_["ref"] in self.refs]

    def previous(self, row: dict[str, Any]) -> tuple[str | None, str]:
        """(previous RAG, direction of travel) since the last meeting."""
        if self.since is None:
            return None, ""
        moved = self.moved.get(row["ref"])
        if moved is None:
            return row["rag"], DIRECTION_WORDS["same"]
        return moved["from_rag"], DIRECTION_WORDS.get(moved["direction"], moved["direction"])


def _key_messages(c: _Context) -> list[str]:
    h, total = c.headline, c.headline["total"]
    messages = [f"{total} actions in this paper: {h['red']} Red, {h['amber']} Amber, {h['green']} Green, "
                f"{h['blue']} Blue (complete), {h['not_assessed']} not yet assessed."]
    if c.changes is not None:
        ch = c.changes
        worse = sum(1 for t in ch["transitions"] if t["direction"] == "worse")
        better = sum(1 for t in ch["transitions"] if t["direction"] == "better")
        messages.append(f"Since the last meeting ({c.since:%d %b %Y}): {len(ch['newly_red'])} actions moved to Red, "
                        f"{worse} got worse and {better} got better; {len(ch['completed'])} completed; "
                        f"{len(ch['due_dates_moved'])} due dates moved.")
        messages.append(f"{len(ch['updates_not_made'])} actions have had no update since the last meeting.")
    else:
        messages.append("There is no earlier closed meeting to compare with.")
    if h.get("round_period"):
        messages.append(f"{h['not_updated_this_round']} updates are missing for the {h['round_period']} round.")
    messages.append(f"{h['overdue']} actions are overdue; {h['stale']} have had no update in {h['stale_days']} days.")
    if h.get("completion_percent") is not None:
        messages.append(f"{h['due_complete']} of the {h['due_by_now']} actions due by now are complete "
                        f"({h['completion_percent']}%).")
    messages.append(f"{len(c.exceptions)} actions need the group's attention (see Exceptions); "
                    f"{len(c.follow_ups)} follow-ups are open (see Decisions).")
    if c.restricted_refs:
        messages.append(f"{len(c.restricted_refs)} restricted actions are counted in every total; their detail "
                        "is only in the restricted annex.")
    return messages


def _summary(book: Book, c: _Context) -> None:
    when = (f"Meeting: {c.meeting['title'] or 'support and challenge'} on {c.day:%d %b %Y}" if c.meeting
            else f"The plan as at {c.day:%d %b %Y}")
    lines = [f"For: {c.board_name + ' (' + c.board + ')' if c.board else 'the whole plan'}. {when}.",
             f"Protective marking: {c.plan.protective_marking}. Prepared by {c.user.name} on {date.today():%d %b %Y}."]
    columns = [Column("P", 60)] + [Column(RAG_LABELS[Rag(r)], 12) for r in RAGS] + [Column("Total", 10),
                                                                                     Column("Overdue", 10)]
    sheet = book.sheet("Summary", title=f"Board paper: {c.plan.name}", columns=columns, lines=lines)
    by_name = {r["group"]: r for r in c.summary}
    for theme in c.themes:
        row = by_name.get(theme, {})
        sheet.row([theme] + [row.get(r, 0) for r in RAGS] + [row.get("total", 0), row.get("overdue", 0)])
    h = c.headline
    sheet.row([Cell("All", None, BOLD)] + [Cell(h[r], None, BOLD) for r in RAGS]
              + [Cell(h["total"], None, BOLD), Cell(h["overdue"], None, BOLD)])
    first, last = sheet.header_row + 1, sheet.header_row + len(c.themes)
    sheet.finish(last_data_row=last + 1)
    sheet.row([])
    sheet.note("Key messages")
    for message in _key_messages(c):
        sheet.row([f"• {message}"])

    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title, chart.y_axis.title = "RAG by P", "Actions"
    chart.add_data(Reference(sheet.ws, min_col=2, max_col=1 + len(RAGS), min_row=sheet.header_row, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    for series, rag in zip(chart.series, RAGS, strict=True):
        colour = RAG_COLOURS[Rag(rag)].lstrip("#")
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.graphicalProperties.line.solidFill = "404040"
    chart.height, chart.width = 7.5, 16
    sheet.ws.add_chart(chart, f"A{last + 16}")


ACTION_COLUMNS = [Column("Ref", 7), Column("Action", 42), Column("Lead", 20), Column("Agency", 20),
                  Column("Due (baseline if moved)", 16), Column("RAG", 11), Column("Previous RAG", 11),
                  Column("Direction", 11), Column("Latest update", 60)]


def _action_values(c: _Context, row: dict[str, Any]) -> list[Any]:
    before, travel = c.previous(row)
    return [row["ref"], row["title"], row.get("owner") or "", row.get("lead_agency") or "", _due(row),
            rag_cell(row["rag"], row["rag_label"]),
            rag_cell(before, _label(before)) if before else "", travel, _latest(row)]


def _theme_sheets(book: Book, c: _Context) -> None:
    since = f"Previous RAG and direction: since the last meeting ({c.since:%d %b %Y})." if c.since else \
        "No earlier closed meeting: no previous RAG to compare with."
    for theme in c.themes:
        rows = c.by_theme[theme]
        sheet = book.sheet(theme, title=f"{theme}: {len(rows)} actions", columns=ACTION_COLUMNS, lines=[since])
        for row in rows:
            sheet.row(_action_values(c, _masked(row)))
        sheet.finish()


EXCEPTION_COLUMNS = [Column("Ref", 7), Column("Action", 36), Column("Lead", 18), Column("RAG", 11),
                     Column("Suggested", 11), Column("Why it is here", 40), Column("Latest commentary", 45),
                     Column("Support asked", 30)]


def _exception_values(row: dict[str, Any]) -> list[Any]:
    return [row["ref"], row["title"], row.get("owner") or "", rag_cell(row["rag"], row["rag_label"]),
            rag_cell(row.get("suggested_rag"), row.get("suggested_label") or "") if row.get("suggested_rag") else "",
            " ".join(row.get("reasons") or []), _latest(row), row.get("support_asked") or ""]


def _exceptions(book: Book, c: _Context) -> None:
    sheet = book.sheet("Exceptions", title=f"Exceptions: {len(c.exceptions)} actions need the group's attention",
                       columns=EXCEPTION_COLUMNS, lines=["Worst first: Red, then Amber, then the rest."])
    for row in c.exceptions:
        sheet.row(_exception_values(_masked(row)))
    sheet.finish()


def _measures(book: Book, c: _Context) -> None:
    columns = [Column("Ref", 8), Column("Measure", 40), Column("Latest period", 14), Column("Latest value", 14),
               Column("Target", 14), Column("Evidence RAG", 12), Column("Direction", 11), Column("Why", 45),
               Column("Actions", 14)]
    sheet = book.sheet("Measures", title="Measures: latest figures against target", columns=columns)
    for m in c.measures:
        if m["restricted"]:
            sheet.row([m["ref"], RESTRICTED_TITLE.replace("action", "measure"), "", "", "", "", "", "", ""])
            continue
        latest = m.get("latest")
        value = measures.format_value(latest["value"], m["unit"]) if latest else "No figure yet"
        target = measures.format_value(m["target"], m["unit"]) if m.get("target") is not None else (
            m.get("target_text") or "")
        evidence = m.get("evidence") or {}
        sheet.row([m["ref"], m["name"], latest["label"] if latest else "", value, target,
                   rag_cell(m["evidence_rag"], _label(m["evidence_rag"])) if m.get("evidence_rag") else "No RAG",
                   DIRECTION_WORDS.get(m.get("direction_of_travel"), ""), evidence.get("reason") or "",
                   ", ".join(r for r in m["actions"] if r in c.refs and r not in c.restricted_refs)])
    sheet.finish()


def _changes(book: Book, c: _Context) -> None:
    columns = [Column("Change", 22), Column("Ref", 7), Column("Action", 44), Column("From", 14), Column("To", 14),
               Column("Detail", 40)]
    if c.changes is None:
        sheet = book.sheet("Changes", title="Changes since the last meeting", columns=columns,
                           lines=["There is no earlier closed meeting to compare with."])
        sheet.finish()
        return
    ch = c.changes
    sheet = book.sheet("Changes", title=f"Changes from {c.since:%d %b %Y} to {c.day:%d %b %Y}", columns=columns)

    def title(r: dict[str, Any]) -> str:
        return RESTRICTED_TITLE if r.get("restricted") else r["title"]

    for t in ch["transitions"]:
        sheet.row(["RAG moved", t["ref"], title(t), rag_cell(t["from_rag"], t["from_label"]),
                   rag_cell(t["to_rag"], t["to_label"]), DIRECTION_WORDS.get(t["direction"], t["direction"])])
    for r in ch["completed"]:
        sheet.row(["Completed", r["ref"], title(r), "", "", ""])
    for r in ch["new_actions"]:
        sheet.row(["New action", r["ref"], title(r), "", "", ""])
    for r in ch["retired"]:
        sheet.row(["Closed or deferred", r["ref"], title(r), "", "", ""])
    for r in ch.get("retired_from_plan", []):
        sheet.row(["Retired from the plan", r["ref"], title(r), "", f"{r['retired_on']:%d %b %Y}",
                   RESTRICTED_TEXT if r.get("restricted") else r["reason"]])
    for r in ch["due_dates_moved"]:
        sheet.row(["Due date moved", r["ref"], title(r), r["from"], r["to"],
                   f"approved {r['decided_on']:%d %b %Y}" if r.get("decided_on") else ""])
    for r in ch["updates_not_made"]:
        last = r.get("last_update_at")
        sheet.row(["No update since", r["ref"], title(r), "", "",
                   f"last update {last:%d %b %Y}" if last else "never updated"])
    sheet.finish()


def _decisions(book: Book, c: _Context) -> None:
    columns = [Column("Due", 12), Column("Follow-up", 50), Column("Ref", 7), Column("Owner", 22),
               Column("Agreed at the meeting of", 14), Column("Overdue", 9)]
    sheet = book.sheet("Decisions", title=f"Open follow-ups: {len(c.follow_ups)}", columns=columns, freeze_columns=0)
    for f in c.follow_ups:
        hidden = f["ref"] in c.restricted_refs
        sheet.row([f["due"], RESTRICTED_TEXT if hidden else f["text"], f["ref"], f["owner"] or "",
                   f["held_on"], Cell("Overdue", rag_fill("red"), BOLD) if f["overdue"] else ""])
    sheet.finish()


def _annex(book: Book, c: _Context) -> None:
    columns = [Column("P", 10)] + ACTION_COLUMNS + [Column("Blockers", 30), Column("Support asked", 30),
                                                    Column("Why an exception", 36)]
    why = {r["ref"]: " ".join(r["reasons"]) for r in c.exceptions}
    rows = [(theme, r) for theme in c.themes for r in c.by_theme[theme] if r["restricted"]]
    sheet = book.sheet(ANNEX, title=f"{ANNEX}: {len(rows)} actions shown only to cleared users", columns=columns,
                       lines=[f"{c.plan.protective_marking}: RESTRICTED DETAIL. Do not circulate with the paper."])
    for theme, r in rows:
        sheet.row([theme, *_action_values(c, r), r.get("blockers") or "", r.get("support_asked") or "",
                   why.get(r["ref"], "")])
    sheet.finish()


def board_paper(session: Session, *, user: Actor, plan_id: int, board: str | None = None,
                meeting_id: int | None = None, as_of: date | str | None = None, restricted_annex: bool = False,
                progress: Progress | None = None) -> Export:
    """The board paper as a marked workbook: Summary (counts, chart, key messages), Exceptions, one
    sheet per P in the plan's order, Measures, Changes since the last meeting, Decisions (open
    follow-ups), and, only when a cleared user asks, the restricted annex. `board` keeps that
    board's actions; `meeting_id` makes the paper as at that meeting (its board unless one is given).
    Recorded in the audit trail. Raises NotAllowed (role, or the annex without clearance),
    InvalidInput (an unknown board, a bad date, both a meeting and a date), NotFound."""
    require(user, "board_paper.export")
    if restricted_annex and not user.cleared_for_restricted:
        raise NotAllowed("Only users cleared for restricted items can have the restricted annex.")
    report = progress or (lambda fraction, words: None)
    c = _Context(session, user, plan_id, board, meeting_id, as_of, report)
    c.read()

    def build(book: Book) -> str:
        report(0.65, "Writing the summary and exceptions")
        _summary(book, c)
        _exceptions(book, c)
        report(0.75, "Writing the sheets per P")
        _theme_sheets(book, c)
        _measures(book, c)
        _changes(book, c)
        _decisions(book, c)
        if restricted_annex:
            _annex(book, c)
        report(0.9, "Saving the workbook")
        return (f"board paper for {c.board or 'the whole plan'} as at {c.day.isoformat()}"
                + (f" (meeting {c.meeting['id']})" if c.meeting else "")
                + f": {c.headline['total']} actions"
                + (f", with the restricted annex ({len(c.restricted_refs)} restricted actions)"
                   if restricted_annex else ", no restricted detail"))

    stem = "board-paper" + (f" {c.board}" if c.board else "") + (" RESTRICTED-ANNEX" if restricted_annex else "")
    result = export(session, user=user, operation="board_paper.export", kind="board_paper", plan_id=plan_id,
                    marking=c.plan.protective_marking, plan_name=c.plan.name, title="Board paper", build=build,
                    filename_stem=stem, entity_key=c.board or c.plan.slug, restricted=restricted_annex, day=c.day)
    report(1.0, "Ready")
    return result
