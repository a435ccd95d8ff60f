"""A cell of a published performance report, read as what it says rather than refused.

Why not parse_figure alone: reports tabled at CSPs and PCC panels write a figure with its
context in the same cell ("40,861 (3%)", "8.48% (December 2012)", "455 (March 13)", "YTD - 611"),
give a reason instead of a figure ("No New Data Published", "Data not yet available", "NYA"), or
put several figures in one cell ("Opiate = 7.8% Non-Opiate = 42.1%"). Each cell becomes one of:

    a figure          the number, with what was beside it kept as the figure's note
    suppressed        "c", "*", "<5": a small number withheld
    missing + reason  the words kept as the note ("no new data published")
    note only         several figures, or a change ("-23.81%"): no figure is made up from them;
                      the text is kept as the note, and the dry run says so

A cell that holds words and no figure at all ("lots") is still refused: that is a mistake to
fix, not a report's way of writing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plan.errors import InvalidInput
from plan.measures.figures import Figure, parse_figure

_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM = _NUMBER + "%?"
_WITH_CONTEXT = re.compile(rf"^({_NUM})\s*\(([^()]+)\)$")
_YTD = re.compile(rf"^(?:ytd|year\s+to\s+date|cumulative)\s*[-–:=]?\s*({_NUM})$|^({_NUM})\s*(?:ytd|year to date)$",
                  re.I)
_LABELLED = re.compile(rf"^([A-Za-z][A-Za-z .]{{0,30}}?)\s*[-:=]\s*({_NUM})$")  # "Sep - 37.5%", "Opiate = 7.8%"
_REASON = re.compile(r"\b(not\s+(?:yet\s+)?(?:available|published|received|due)|no\s+(?:new\s+)?data|nya|"
                     r"awaiting|data\s+lag|to\s+follow|tbc|tba|not\s+collected|not\s+reported)\b", re.I)
_YTD_LABEL = re.compile(r"^(ytd|year to date|cumulative)$", re.I)
_ANY_NUMBER = re.compile(r"\d")
_FIGURES = re.compile(rf"(?<![\w.]){_NUM}(?![\w.])")

STATUS_WORDS = {"red": "red", "r": "red", "amber": "amber", "a": "amber", "green": "green", "g": "green",
                "grey": "grey", "gray": "grey", "blue": "blue", "b": "blue", "red amber": "amber",
                "amber red": "red", "amber green": "amber", "green amber": "green", "on track": "green",
                "off track": "red", "at risk": "amber", "no target": "grey", "not rated": "grey"}


@dataclass(frozen=True)
class ReportCell:
    figure: Figure
    note: str = ""  # what the cell said beside (or instead of) a figure
    year_to_date: bool = False  # the figure counts from the start of the year
    warning: str = ""  # how the cell was read, for the dry run; '' when it was a plain figure


def read_report_cell(value: object, *, unit: str, percent_cell: bool = False) -> ReportCell:
    """One cell of a report's figure column. Raises InvalidInput only for words with no figure
    and no reason in them."""
    try:
        return ReportCell(parse_figure(value, unit=unit, percent_cell=percent_cell))
    except InvalidInput as refused:
        if not isinstance(value, str):
            raise
        error = refused
    raw = " ".join(value.replace("–", "-").replace("—", "-").split())
    ytd = _YTD.match(raw)
    if ytd:
        figure = _figure(ytd.group(1) or ytd.group(2), unit)
        if figure is not None:
            return ReportCell(Figure("value", figure.value, raw[:100]), "year to date", True,
                              f"'{raw}' read as {figure.raw}, the year to date")
    context = _WITH_CONTEXT.match(raw)
    if context and not _several(context.group(2)):
        figure = _figure(context.group(1), unit)
        if figure is not None:
            said = context.group(2).strip()
            return ReportCell(Figure("value", figure.value, raw[:100]), said, False,
                              f"'{raw}' read as {figure.raw}, with '{said}' kept as its note")
    labelled = _LABELLED.match(raw)
    if labelled and not _YTD_LABEL.match(labelled.group(1)):
        figure = _figure(labelled.group(2), unit)
        if figure is not None:
            said = labelled.group(1).strip()
            return ReportCell(Figure("value", figure.value, raw[:100]), said, False,
                              f"'{raw}' read as {figure.raw}, with '{said}' kept as its note")
    if _REASON.search(raw) and len(_FIGURES.findall(raw)) == 0:
        return ReportCell(Figure("missing", None, raw[:100]), raw, False,
                          f"'{raw}' read as no figure for the period, the reason kept as its note")
    found = _FIGURES.findall(raw)
    if len(found) >= 2 or (len(found) == 1 and found[0].startswith("-")):
        what = "several figures" if len(found) >= 2 else "a change, not a figure for the period"
        return ReportCell(Figure("missing", None, raw[:100]), raw, False,
                          f"'{raw}' holds {what}: no figure was stored, the text is kept as its note")
    if _ANY_NUMBER.search(raw) and _REASON.search(raw):
        return ReportCell(Figure("missing", None, raw[:100]), raw, False,
                          f"'{raw}' read as no figure for the period, the words kept as its note")
    raise error


def _figure(text: str, unit: str) -> Figure | None:
    try:
        figure = parse_figure(text, unit=unit)
    except InvalidInput:
        return None
    return figure if figure.state == "value" else None


def _several(text: str) -> bool:
    return len(_FIGURES.findall(text)) >= 2


def read_status(value: object) -> str | None:
    """The sheet's own RAG word ('Red', 'G', 'Grey', 'On track') as a colour name, '' for a blank
    cell, None for a word that is not a status."""
    words = " ".join(re.sub(r"[^a-z]+", " ", str(value if value is not None else "").lower()).split())
    if not words:
        return ""
    return STATUS_WORDS.get(words)


def unit_from_cells(texts: list[str]) -> str | None:
    """'%' when the row's figures are written as percentages ('8.48% (December 2012)'), else None."""
    shown = [t for t in texts if t.strip()]
    percent = sum(bool(re.match(rf"^\s*(?:ytd\s*[-:]?\s*)?{_NUMBER}\s*%", t, re.I)) for t in shown)
    return "%" if shown and percent and percent >= len([t for t in shown if _ANY_NUMBER.search(t)]) / 2 else None
