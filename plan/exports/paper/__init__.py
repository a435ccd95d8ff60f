"""The board paper: the plan as the group sees it at a meeting (or any date), as a print-ready,
marked workbook (or the same pages as a PDF), in the order committees take a paper: cover
(purpose, recommendations, matters arising, key messages, RAG by theme and its chart), matters
arising, exceptions, the detail by theme, measures, changes. Every number and row comes from
plan.reports, plan.meetings and plan.measures. Restricted actions count in every total; their
detail goes only into the restricted annex, a file of its own that a cleared user asks for.

What the rest may call:
  board_paper(session, *, user, plan_id, board=None, meeting_id=None, as_of=None, purpose=None,
              recommendations=None, author=None, file_format="xlsx", progress=None) -> Export
  restricted_annex(session, *, user, plan_id, board=None, meeting_id=None, as_of=None,
                   file_format="xlsx") -> Export
  paper_defaults(session, *, user, plan_id, board=None, meeting_id=None, as_of=None)
        -> {"purpose": str, "recommendations": [str]}   what the secretariat may edit first
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from plan.errors import InvalidFields, NotAllowed
from plan.exports.paper.context import PaperContext, Progress
from plan.exports.paper.cover import cover
from plan.exports.paper.messages import default_purpose, default_recommendations
from plan.exports.paper.sheets import (
    annex_sheet,
    changes_sheet,
    exceptions,
    matters_arising,
    measures_sheet,
    theme_sheets,
)
from plan.exports.path import Export, export
from plan.exports.writer import Book
from plan.identity import Actor
from plan.permissions import require
from plan.personal_data import check_plan_text
from plan.text import plural

PURPOSE_MOST, RECOMMENDATION_MOST, RECOMMENDATIONS_MOST = 2000, 500, 12


def _nothing(fraction: float, words: str) -> None:
    return None


def _context(session: Session, user: Actor, plan_id: int, board: str | None, meeting_id: int | None,
             as_of: date | str | None, progress: Progress | None = None) -> PaperContext:
    c = PaperContext(session, user, plan_id, board, meeting_id, as_of, progress or _nothing)
    c.read()
    return c


def paper_defaults(session: Session, *, user: Actor, plan_id: int, board: str | None = None,
                   meeting_id: int | None = None, as_of: date | str | None = None) -> dict[str, Any]:
    """The purpose and recommendations a paper has unless the secretariat writes its own."""
    require(user, "board_paper.export")
    c = _context(session, user, plan_id, board, meeting_id, as_of)
    facts = c.facts()
    return {"purpose": default_purpose(facts, plan_name=c.plan.name, day=c.day),
            "recommendations": default_recommendations(facts)}


def _words(session: Session, plan_id: int, purpose: str | None, recommendations: Sequence[str] | None,
           confirmed: bool) -> tuple[str | None, list[str] | None]:
    """The secretariat's own purpose and recommendations, checked: lengths, and the plan's
    personal-data rule (a paper is circulated)."""
    problems = {}
    text = " ".join((purpose or "").split()) or None
    if text and len(text) > PURPOSE_MOST:
        problems["purpose"] = f"The purpose is {len(text):,} characters; keep it to {PURPOSE_MOST:,}."
    items = None
    if recommendations is not None:
        items = [" ".join(r.split()) for r in recommendations if r and r.strip()] or None
        if items and len(items) > RECOMMENDATIONS_MOST:
            problems["recommendations"] = (f"{len(items)} recommendations: a committee takes at most "
                                           f"{RECOMMENDATIONS_MOST}; merge some.")
        elif items and (long := [i for i, r in enumerate(items, 1) if len(r) > RECOMMENDATION_MOST]):
            problems["recommendations"] = (f"Recommendation {', '.join(map(str, long))} is over "
                                           f"{RECOMMENDATION_MOST} characters; shorten it.")
    if problems:
        raise InvalidFields(problems)
    fields = {k: v for k, v in (("purpose", text or ""), ("recommendations", "\n".join(items or []))) if v}
    if fields:
        check_plan_text(session, plan_id=plan_id, fields=fields, confirmed=confirmed)
    return text, items


def board_paper(session: Session, *, user: Actor, plan_id: int, board: str | None = None,
                meeting_id: int | None = None, as_of: date | str | None = None, purpose: str | None = None,
                recommendations: Sequence[str] | None = None, author: str | None = None,
                file_format: str = "xlsx", personal_data_confirmed: bool = False,
                progress: Progress | None = None) -> Export:
    """The board paper as a marked workbook (or PDF). `board` keeps that board's actions;
    `meeting_id` makes the paper as at that meeting (its board unless one is given); `purpose` and
    `recommendations` replace the defaults (paper_defaults). Recorded in the audit trail. Raises
    NotAllowed, InvalidInput (an unknown board, a bad date, both a meeting and a date, no PDF
    printer), InvalidFields (purpose, recommendations), PersonalDataWarning, NotFound."""
    require(user, "board_paper.export")
    report = progress or _nothing
    own_purpose, own_recommendations = _words(session, plan_id, purpose, recommendations, personal_data_confirmed)
    c = _context(session, user, plan_id, board, meeting_id, as_of, report)
    facts = c.facts()

    def build(book: Book) -> str:
        report(0.65, "Writing the cover and the exceptions")
        # the sheets are written in the order they print, so the cover's list is worked out first
        names = ["Cover"] + (["Matters arising"] if c.decisions or c.follow_ups else []) + ["Exceptions"] + [
            t for t in c.themes if c.by_theme[t]] + (["Measures"] if c.measures else [])
        if c.changes and any(c.changes[k] for k in ("transitions", "completed", "new_actions", "retired",
                                                    "retired_from_plan", "due_dates_moved", "updates_not_made")):
            names.append("Changes")
        cover(book, c, facts, purpose=own_purpose or default_purpose(facts, plan_name=c.plan.name, day=c.day),
              recommendations=own_recommendations or default_recommendations(facts),
              author=author or user.name, sheets=[_sheet_words(n, c) for n in names[1:]])
        matters_arising(book, c)
        exceptions(book, c)
        report(0.75, "Writing the sheets per theme")
        theme_sheets(book, c)
        measures_sheet(book, c)
        changes_sheet(book, c)
        report(0.9, "Saving the paper")
        return (f"board paper ({file_format}) for {c.board or 'the whole plan'} as at {c.day.isoformat()}"
                + (f" (meeting {c.meeting['id']})" if c.meeting else "")
                + f": {plural(c.headline['total'], 'action')}, {plural(len(c.exceptions), 'exception')}"
                + ", no restricted detail")

    stem = "board-paper" + (f" {c.board}" if c.board else "")
    result = export(session, user=user, operation="board_paper.export", kind="board_paper", plan_id=plan_id,
                    marking=c.plan.protective_marking, plan_name=c.plan.name, title="Board paper", build=build,
                    filename_stem=stem, entity_key=c.board or c.plan.slug, day=c.day, period=c.period_short,
                    file_format=file_format)
    report(1.0, "Ready")
    return result


def _sheet_words(name: str, c: PaperContext) -> str:
    if name == "Exceptions":
        return f"Exceptions ({len(c.exceptions)})"
    if name in c.by_theme:
        return f"{name} ({len(c.by_theme[name])})"
    return name


def restricted_annex(session: Session, *, user: Actor, plan_id: int, board: str | None = None,
                     meeting_id: int | None = None, as_of: date | str | None = None,
                     file_format: str = "xlsx") -> Export:
    """The restricted actions' detail for the same paper, as a file of its own (never a sheet of the
    circulated paper), marked RESTRICTED ANNEX in every page's header and footer. Cleared users
    only; recorded in the audit trail as restricted. Raises NotAllowed, InvalidInput, NotFound."""
    require(user, "board_paper.export")
    if not user.cleared_for_restricted:
        raise NotAllowed("Only users cleared for restricted items can have the restricted annex.")
    c = _context(session, user, plan_id, board, meeting_id, as_of)
    banner = f"{c.plan.protective_marking}: RESTRICTED ANNEX, cleared readers only"

    def build(book: Book) -> str:
        n = annex_sheet(book, c)
        return (f"restricted annex ({file_format}) for {c.board or 'the whole plan'} as at {c.day.isoformat()}"
                + (f" (meeting {c.meeting['id']})" if c.meeting else "") + f": {n} restricted actions")

    stem = "RESTRICTED-ANNEX board-paper" + (f" {c.board}" if c.board else "")
    return export(session, user=user, operation="board_paper.export", kind="board_paper", plan_id=plan_id,
                  marking=c.plan.protective_marking, plan_name=c.plan.name, title="Restricted annex", build=build,
                  filename_stem=stem, entity_key=c.board or c.plan.slug, restricted=True, day=c.day,
                  period=c.period_short, banner=banner, file_format=file_format)


__all__ = ["board_paper", "paper_defaults", "restricted_annex"]
