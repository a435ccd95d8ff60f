"""The Serious Violence Duty's annual review as a marked, print-ready workbook (or PDF) through
the one export path: the local definition and how it changed, each finding with its actions' RAG
at the start and the end of the year, the core measures' figures over the year with their
caveats (small numbers suppressed), what was completed, carried forward or retired, and the gaps.

The year is the financial year: `year` 2026 is 1 April 2026 to 31 March 2027 (as at today while
it is still running)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from models import Action, Finding, FindingAction, Measure, Plan
from plan import measures
from plan.actions import RESTRICTED_TEXT
from plan.errors import InvalidInput, NotFound
from plan.exports.path import Export, export
from plan.exports.writer import BOLD, Book, Cell, Column, rag_cell
from plan.identity import Actor
from plan.permissions import require
from plan.reports.asof import end_of, select_pair, start_of, state
from plan.reports.rules import DIRECTION_WORDS, direction, label
from plan.strategy.core_templates import BY_KEY, shown
from plan.strategy.frame import assessment, definitions
from plan.strategy.gaps import coverage
from plan.vocab import FINISHED_STATUSES, DeliveryStatus

FINISHED = {s.value for s in FINISHED_STATUSES}
FINDING_COLUMNS = [Column("Finding", 7), Column("What the assessment found", 30), Column("Priority", 9),
                   Column("Action", 7), Column("Action title", 34), Column("RAG at the start", 11),
                   Column("RAG at the end", 11), Column("Movement", 11), Column("Status at the end", 13)]
OUTCOME_COLUMNS = [Column("Ref", 8), Column("Action", 50), Column("What happened in the year", 24),
                   Column("Status at the end", 14), Column("RAG at the end", 12)]
SUMMARY_COLUMNS = [Column("", 60), Column("", 20), Column("", 60)]


def year_span(year: int, today: date | None = None) -> tuple[date, date, str]:
    """(first day, the day read as the year's end, '2026/27'). Raises InvalidInput."""
    today = today or datetime.now(UTC).date()
    if not 2000 <= year <= today.year + 1:
        raise InvalidInput(f"--year {year}: give the year the review covers, e.g. {today.year - 1} for "
                           f"April {today.year - 1} to March {today.year}.")
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    if start > today:
        raise InvalidInput(f"The year {year}/{(year + 1) % 100:02d} has not started yet (it starts 1 April {year}).")
    return start, min(end, today), f"{year}/{(year + 1) % 100:02d}"


def _title(user: Actor, title: str, restricted: bool) -> str:
    return RESTRICTED_TEXT if restricted and not user.cleared_for_restricted else title


def _rag(rag: str | None) -> Any:
    return rag_cell(rag, label(rag)) if rag else ""


def _actions_over_year(session: Session, user: Actor, plan_id: int, start: date, end: date) -> dict[int, dict]:
    before = state(session, plan_id=plan_id, day=start - timedelta(days=1), from_history=True)
    after = state(session, plan_id=plan_id, day=end, from_history=True)
    query = select_pair(before, after, Action.id, Action.ref, Action.ref_sort, after.title.label("title"),
                        Action.restricted,
                        before.rag.label("rag_start"), before.status.label("status_start"),
                        after.rag.label("rag_end"), after.status.label("status_end"))
    query = after.edits.join(query)
    return {r.id: {"ref": r.ref, "sort": r.ref_sort, "title": _title(user, r.title, r.restricted),
                   "rag_start": r.rag_start, "rag_end": r.rag_end, "status_start": r.status_start,
                   "status_end": r.status_end} for r in session.execute(query.order_by(Action.ref_sort)).all()}


def _status(value: str | None) -> str:
    return DeliveryStatus(value).label if value else ""


def _summary(book: Book, plan: Plan, span: str, defs: list[dict], sna: dict | None, cover: dict,
             counts: dict[str, int], start: date, end: date) -> None:
    lines = [f"{plan.name} ({plan.organisation}). The year {span}: 1 April {start.year} to "
             f"{end:%d %B %Y}.",
             "Prepared for the partnership's yearly review of its serious violence strategy (Serious Violence Duty, "
             "Police, Crime, Sentencing and Courts Act 2022). Figures are the data returns the partners sent."]
    sheet = book.sheet("Review", title=f"Serious Violence Duty: annual review {span}", columns=SUMMARY_COLUMNS,
                       lines=lines, header=False)
    sheet.heading("The local definition of serious violence")
    current = next((d for d in defs if d["agreed_on"] <= end), None)
    if current:
        sheet.paragraph(current["text"])
        sheet.note(f"Version {current['version']}, agreed {current['agreed_on']:%d %B %Y}.")
        for d in defs:
            if start <= d["agreed_on"] <= end and d is not current:
                sheet.note(f"Version {d['version']} agreed {d['agreed_on']:%d %b %Y} (replaced in the year): "
                           f"{d['text']}")
        if current["agreed_on"] >= start and current["note"]:
            sheet.note(f"Why it changed: {current['note']}")
    else:
        sheet.paragraph("No local definition has been recorded: the partnership should agree one.")
    sheet.heading("The strategic needs assessment")
    if sna:
        sheet.paragraph(sna["title"] + (f", {sna['assessed_on']:%B %Y}" if sna["assessed_on"] else "")
                        + (f", by {sna['author_agency']}" if sna["author_agency"] else "")
                        + (f". Kept at: {sna['link']}" if sna["link"] else "."))
    else:
        sheet.paragraph("No needs assessment has been recorded.")
    sheet.heading("The year in numbers")
    sheet.table_header(["What", "Number", "Where"])
    t = cover["totals"]
    for words, number, where in (
            ("Findings of the needs assessment", t["findings"], "Findings sheet"),
            ("Findings answered by at least one action", t["covered"], "Findings sheet"),
            ("Findings no action answers (gaps)", t["gaps"], "Gaps sheet"),
            ("Actions completed in the year", counts["completed"], "Actions sheet"),
            ("Actions carried forward (still open)", counts["carried"], "Actions sheet"),
            ("Actions retired in the year", counts["retired"], "Actions sheet"),
            ("Actions that answer no finding", t["unanswered"], "Gaps sheet"),
            ("Specified authorities with no action", len(cover["authorities_without_action"]), "Gaps sheet")):
        sheet.row([words, Cell(number, None, BOLD), where])


def _findings(book: Book, cover: dict, actions: dict[int, dict], links: dict[str, list[int]]) -> int:
    sheet = book.sheet("Findings", title="Each finding and the actions that answer it, over the year",
                       columns=FINDING_COLUMNS,
                       lines=["RAG at the start is as at 31 March before the year; at the end, as at the year's "
                              "end (or today). A finding no action answers is a gap."])
    for f in cover["findings"]:
        linked = [actions[i] for i in links.get(f["ref"], []) if i in actions]
        if not linked:
            sheet.row([f["ref"], f["title"], f["priority"], "", Cell("No action: a gap", None, BOLD), "", "", "", ""])
        for a in sorted(linked, key=lambda a: a["sort"]):
            sheet.row([f["ref"], f["title"], f["priority"], a["ref"], a["title"], _rag(a["rag_start"]),
                       _rag(a["rag_end"]), DIRECTION_WORDS[direction(a["rag_start"], a["rag_end"])],
                       _status(a["status_end"])])
    if not cover["findings"]:
        sheet.note("No findings have been recorded.")
    sheet.finish()
    return len(cover["findings"])


def _core(book: Book, session: Session, user: Actor, plan_id: int, start: date, end: date) -> int:
    refs = session.execute(select(Measure.ref, Measure.core_template, Measure.switched_off_at)
                           .where(Measure.plan_id == plan_id, Measure.core_template.is_not(None))
                           .order_by(Measure.ref)).all()
    quarters = []
    day = start
    while day <= end:
        quarters.append((day, min(date(day.year + (day.month + 3 > 12), (day.month + 2) % 12 + 1, 1)
                                  - timedelta(days=1), end)))
        day = date(day.year + (day.month + 3 > 12), (day.month + 2) % 12 + 1, 1)
    columns = [Column("Ref", 12), Column("Measure", 34)] + [Column(f"12 months to {q_end:%b %Y}", 11)
                                                            for _, q_end in quarters] + \
        [Column("Trend", 10), Column("Caveats", 36)]
    sheet = book.sheet("Core measures", title="The core serious violence measures: rolling 12 months, lower is better",
                       columns=columns,
                       lines=["Figures as the partners returned them; small numbers suppressed (<N), as the sources "
                              "do. A blank is a figure not yet returned."])
    for ref, key, off in refs:
        template = BY_KEY.get(key)
        if off is not None:
            sheet.row([ref, template.name if template else ref] + [""] * len(quarters)
                      + ["", f"Switched off on {off:%d %b %Y}."])
            continue
        m = measures.get_measure(session, user=user, plan_id=plan_id, ref=ref)
        cells, numbers, caveats = [], [], [template.caveat] if template else []
        for q_start, q_end in quarters:
            v = next((v for v in m["values"] if v["end"] and q_start <= v["end"] <= q_end), None)
            if v is None or v["state"] == "missing":
                cells.append("")
            elif v["state"] == "suppressed":
                cells.append(v["raw"] or "suppressed")
            else:
                cells.append((shown(ref, v["value"]) or "") + (" (p)" if v["provisional"] else ""))
                numbers.append(v["value"])
                if v["provisional"]:
                    caveats.append("(p) provisional.")
        trend = ""
        if len(numbers) >= 2:
            trend = "Better" if numbers[-1] < numbers[0] else "Worse" if numbers[-1] > numbers[0] else "No change"
        sheet.row([ref, m["name"], *cells, trend, " ".join(dict.fromkeys(caveats))])
    if not refs:
        sheet.note("No core measure is switched on (Coverage page, Core measures).")
    sheet.finish()
    return len(refs)


def _outcomes(book: Book, session: Session, user: Actor, plan_id: int, actions: dict[int, dict], start: date,
              end: date) -> dict[str, int]:
    sheet = book.sheet("Actions", title="What was completed, carried forward or retired", columns=OUTCOME_COLUMNS)
    counts = {"completed": 0, "carried": 0, "retired": 0}
    for a in actions.values():
        if a["status_end"] in FINISHED:
            if a["status_start"] in FINISHED:
                continue  # finished before the year began
            what, counts["completed"] = "Completed in the year", counts["completed"] + 1
        else:
            what, counts["carried"] = "Carried forward", counts["carried"] + 1
        sheet.row([a["ref"], a["title"], what, _status(a["status_end"]), _rag(a["rag_end"])])
    for ref, title, restricted, when, why in session.execute(
            select(Action.ref, Action.title, Action.restricted, Action.retired_at, Action.retired_reason)
            .where(Action.plan_id == plan_id, Action.retired_at >= start_of(start), Action.retired_at < end_of(end))
            .order_by(Action.ref_sort)).all():
        counts["retired"] += 1
        reason = RESTRICTED_TEXT if restricted and not user.cleared_for_restricted else why
        sheet.row([ref, _title(user, title, restricted), f"Retired {when:%d %b %Y}: {reason}", "", ""])
    sheet.finish()
    return counts


def _gaps(book: Book, cover: dict) -> None:
    sheet = book.sheet("Gaps", title="Gaps in coverage", columns=[Column("Ref", 10), Column("What", 60),
                                                                 Column("Why it matters", 50)])
    for f in cover["findings"]:
        if not f["covered"]:
            sheet.row([f["ref"], f["title"], "A finding of the needs assessment no action answers."])
    names = {a["code"]: a["name"] for a in cover["authorities"]}
    for code in cover["authorities_without_action"]:
        sheet.row(["", names[code], "A specified authority with no action: the Duty expects each to contribute."])
    for a in cover["unanswered"]:
        sheet.row([a["ref"], a["title"], "An action that answers no finding."])
    if not (cover["gaps"] or cover["authorities_without_action"] or cover["unanswered"]):
        sheet.note("No gaps: every finding is answered and every specified authority contributes.")
    sheet.finish()


def review_export(session: Session, *, user: Actor, plan_id: int, year: int, file_format: str = "xlsx",
                  today: date | None = None) -> Export:
    """The annual review for the financial year starting April `year`, through the one export path
    (marked, text as text, audited as export.review). Chairs and the secretariat; a restricted
    action's title reads "Restricted" for a reader not cleared. Raises NotAllowed, NotFound,
    InvalidInput (a year not begun; no PDF printer)."""
    require(user, "strategy.view")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    start, end, span = year_span(year, today)
    defs = definitions(session, plan_id=plan_id)
    sna = assessment(session, plan_id=plan_id)
    cover = coverage(session, user=user, plan_id=plan_id)
    actions = _actions_over_year(session, user, plan_id, start, end)
    links: dict[str, list[int]] = {}
    for ref, action_id in session.execute(
            select(Finding.ref, FindingAction.action_id).join(FindingAction, FindingAction.finding_id == Finding.id)
            .where(and_(Finding.plan_id == plan_id, Finding.retired_at.is_(None)))).all():
        links.setdefault(ref, []).append(action_id)
    prepared: dict[str, Any] = {}

    def build(book: Book) -> str:
        # the summary first, though its counts come from the Actions sheet: a write-only workbook keeps
        # sheets in the order made, so the outcomes are counted before any sheet is written
        prepared["counts"] = _count_outcomes(session, plan_id, actions, start, end)
        _summary(book, plan, span, defs, sna, cover, prepared["counts"], start, end)
        found = _findings(book, cover, actions, links)
        core = _core(book, session, user, plan_id, start, end)
        _outcomes(book, session, user, plan_id, actions, start, end)
        _gaps(book, cover)
        return (f"annual review {span} ({file_format}): {found} findings, {cover['totals']['gaps']} gaps, "
                f"{core} core measures")

    return export(session, user=user, operation="strategy.view", kind="review", plan_id=plan_id,
                  marking=plan.protective_marking, plan_name=plan.name, title="Annual review", build=build,
                  filename_stem=f"annual review {span.replace('/', '-')}", entity_key=span, day=end,
                  period=span, file_format=file_format)


def _count_outcomes(session: Session, plan_id: int, actions: dict[int, dict], start: date,
                    end: date) -> dict[str, int]:
    completed = sum(1 for a in actions.values() if a["status_end"] in FINISHED and a["status_start"] not in FINISHED)
    carried = sum(1 for a in actions.values() if a["status_end"] not in FINISHED)
    retired = len(session.execute(select(Action.id).where(
        Action.plan_id == plan_id, Action.retired_at >= start_of(start), Action.retired_at < end_of(end))).all())
    return {"completed": completed, "carried": carried, "retired": retired}
