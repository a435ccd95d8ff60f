"""What each column of a council's performance report is: a field of the measure, or a period.

Why its own reading of periods: performance reports head their figure columns in words, not
labels. "Q2 performance (30 September 2013)" is the quarter that ends on that day; "Achievement
at 31 March 2014" is the quarter ending then; a bare "Q1" or "Apr-Jun" takes its year from the
report's title ("Community safety performance 2024/25"), as the people who read it do. The
header row itself is found by the one finder (plan.workbooks.headers) with the measures'
vocabulary below; plan and returns sheets pass their own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from plan.errors import InvalidInput
from plan.measures import periods as P
from plan.workbooks.headers import Vocabulary, normalise

# field -> headings that mean it (compared normalised: case, punctuation and "(s)" dropped)
HEADINGS: dict[str, tuple[str, ...]] = {
    "ref": ("code", "ref", "reference", "measure ref", "measure code", "id", "kpi ref", "pi ref", "indicator ref",
            "no", "number", "indicator code", "kpi code", "measure id", "indicator id", "kpi no", "pi no"),
    "name": ("indicator", "measure", "name", "measure name", "indicator name", "kpi", "performance indicator",
             "title", "description of measure", "indicator outcome", "outcome measure", "performance measure",
             "key performance indicator", "kpi description", "indicator description"),
    "definition": ("definition", "description", "measure definition", "how measured"),
    "kind": ("measure type", "type", "kind", "measure kind", "count type"),
    "unit": ("unit", "units", "unit of measure"),
    "baseline": ("baseline", "baseline value", "previous year performance", "previous years performance",
                 "last years performance", "previous year outturn", "last year outturn"),
    "baseline_period": ("baseline period", "baseline year", "baseline date"),
    "target_text": ("target", "targets", "target value", "annual target", "target 2024 25", "aim"),
    "target_date": ("target date", "target by", "due"),
    "direction": ("polarity", "direction", "direction of good", "good is", "better is", "good performance is"),
    "tolerance": ("tolerance", "tolerance %", "amber tolerance", "amber threshold"),
    "frequency": ("frequency", "reporting frequency", "reported"),
    "source": ("source", "source agency", "data source", "provider", "data provider", "agency", "lead agency"),
    "contributor": ("contributor", "data contributor", "contributor email", "data owner email"),
    "lag": ("lag", "data lag", "lag days", "usual lag"),
    "notes": ("comment", "comments", "notes", "note", "commentary", "narrative", "exception commentary"),
    "actions": ("action", "actions", "action ref", "action refs", "linked action", "linked actions", "action no"),
    "reported_status": ("status", "rag", "rag status", "current status", "rag rating", "performance status",
                        "status rag", "direction of travel status"),
}
LABELS = {"ref": "Code", "name": "Measure", "definition": "Definition", "kind": "Measure type", "unit": "Unit",
          "baseline": "Baseline", "baseline_period": "Baseline period", "target_text": "Target",
          "target_date": "Target date", "direction": "Polarity", "tolerance": "Tolerance", "frequency": "Frequency",
          "source": "Source", "contributor": "Contributor", "lag": "Data lag", "notes": "Comment",
          "actions": "Actions", "reported_status": "Status in the sheet", "figure": "Figure"}
VOCABULARY = Vocabulary(HEADINGS, LABELS, key_fields=("name",),
                        contains=("baseline", "name", "target_text", "notes", "reported_status"))

_FY = re.compile(r"(?<!\d)(20\d\d)\s*[/\-–]\s*(\d\d|20\d\d)(?!\d)")
_QUARTER = re.compile(r"^(?:q|qtr|quarter)\s*([1-4])$", re.I)
_QUARTER_IN = re.compile(r"\b(?:q|qtr|quarter)\s*([1-4])\b", re.I)
_MONTHS_ONLY = re.compile(rf"^{P._MON}\.?\s*(?:-|to)\s*{P._MON}\.?$", re.I)
_DAY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{P._MON}\.?,?\s+(\d{{4}})\b|\b(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\b",
                  re.I)
# words around a period in a figure column's heading: "Q2 performance", "Outturn 2023/24"
_FILLER = re.compile(r"\b(performance|actual|actuals|outturn|result|results|figure|figures|data|position|value|"
                     r"achievement|achieved|at|as at|end of|to date|ytd|year to date)\b", re.I)


def year_of_report(titles: Sequence[str]) -> int | None:
    """The financial year (its first calendar year) the report's title rows name, if one: the
    year a bare "Q1" or "Apr-Jun" heading belongs to."""
    for text in titles:
        found = _FY.search(text)
        if found:
            first, second = int(found.group(1)), found.group(2)
            runs_on = int(second) == first + 1 if len(second) == 4 else int(second) == (first + 1) % 100
            if runs_on:
                return first
    return None


def _day(text: str) -> date | None:
    found = _DAY.search(text)
    if not found:
        return None
    try:
        if found.group(1):
            return date(int(found.group(3)), P.MONTHS[found.group(2).lower()], int(found.group(1)))
        return date(int(found.group(6)), int(found.group(5)), int(found.group(4)))
    except ValueError:
        return None


def period_of_heading(value: object, year: int | None = None) -> P.Period | None:
    """The period a figure column's heading names, or None when it names none. `year` is the
    financial year the report's title gives (for "Q1", "Apr-Jun")."""
    try:
        return P.parse_period(value)
    except InvalidInput:
        pass
    if not isinstance(value, str):
        return None
    text = " ".join(value.replace("–", "-").replace("—", "-").split())
    day = _day(text)
    if day is not None:
        quarter_end = day.month in (3, 6, 9, 12) and P.containing(day, "quarterly").end == day
        if _QUARTER_IN.search(text) or quarter_end:
            return P.containing(day, "quarterly")
        return P.month(day.year, day.month)
    words = " ".join(_FILLER.sub(" ", re.sub(r"[()]", " ", text)).split())
    if words != text:
        try:
            return P.parse_period(words)
        except InvalidInput:
            pass
    if year is None:
        return None
    quarter = _QUARTER.match(words)
    if quarter:
        return P._fq(year, int(quarter.group(1)))
    months = _MONTHS_ONLY.match(words)
    if months:
        first, last = P.MONTHS[months.group(1).lower()], P.MONTHS[months.group(2).lower()]
        start_year = year if first >= 4 else year + 1
        end_year = year if last >= 4 else year + 1
        try:
            return P._from_span(start_year, first, end_year, last, text)
        except InvalidInput:
            return None
    return None


def classifier(year: int | None):  # noqa: ANN201 (a plan.workbooks.headers.Classify)
    """Heading -> (field, period label, how): a field of the measure first, else a period
    (the column holds figures for it), else nothing."""

    def classify(text: object) -> tuple[str | None, str, str]:
        raw = str(text if text is not None else "")
        for words in (normalise(raw), normalise(re.sub(r"\([^)]*\)", " ", raw))):
            key, how = VOCABULARY.field_for(words)
            if key is not None:
                return key, "", how
        period = period_of_heading(text, year)
        if period is not None:
            return "figure", period.label, "a period"
        return None, "", ""

    return classify


def baseline_period(heading: str, year: int | None = None) -> str:
    """The period a baseline column's heading gives ("Baseline (2023/24)", "Baseline at 31 March
    2013", "Previous year's performance" in a 2025/26 report), as the label the measure keeps,
    or ''."""
    if year is not None and re.search(r"(?i)\b(previous|last)\s+year", heading):
        return P.financial_year(year - 1).label
    bracket = re.search(r"\(([^)]*)\)", heading)
    for text in ([bracket.group(1)] if bracket else []) + [re.sub(r"\([^)]*\)", " ", heading)]:
        day = _day(text)
        if day is not None:  # "Baseline at 31 March 2013": the position then
            return P.month(day.year, day.month).label
        words = re.sub(r"(?i)\bbaseline\b", " ", text)
        found = period_of_heading(words.strip())
        if found is not None:
            return found.label
    return ""


def titles_above(rows: Sequence[tuple[int, Sequence[Any]]], position: int) -> list[str]:
    return [str(v) for _, cells in rows[:position] for v in cells if isinstance(v, str) and v.strip()]
