"""A target as plans write it, read into a number where there is one; the words are always kept.

    80%  /  1,200  /  191                 the number (a percentage as the number shown)
    1,200 by 31/03/2026                    the number and the date it is due by
    800 by end Q4 24/25  /  by March 2026  the date is the end of that period or month
    <=191/yr  /  at most 191 a year        the number; "/yr", "a year", "per annum": a yearly figure
    10% reduction on baseline              the baseline less 10% (needs the baseline)
    10% reduction on baseline (<=191/yr)   the number written (191 a year) wins over the sum
    Reduce / Increase / Below regional     no number: no evidence RAG, only the direction it hints
    Monitor / No target – contextual       no number; hints that the measure is contextual

Nothing here guesses: text without a number gives value None, and the measure then gets no
evidence RAG until the secretariat gives it a numeric target.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from plan.errors import InvalidInput
from plan.measures.periods import MONTHS, parse_period


@dataclass(frozen=True)
class Target:
    value: float | None  # in the measure's unit; None: no numeric target
    date: date | None  # the date it is due by
    per: str  # "period" (as the measure is reported) or "year"
    relative: float | None  # per cent change on the baseline: -10.0 for "10% reduction"
    direction_hint: str | None  # higher / lower / contextual, from the words
    text: str  # the words as written
    from_baseline: bool = False  # the value is the baseline changed by `relative` (same span as the baseline)


_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_COMPARATOR = re.compile(
    rf"(<=|>=|≤|≥|=<|=>|<|>|at most|at least|no more than|no fewer than|no less than|not more than|"
    rf"fewer than|less than|under|below|above|over|more than)\s*{_NUM}\s*(%)?", re.I)
_RELATIVE = re.compile(
    rf"(?:(reduce|reduction|decrease|cut|lower|increase|raise|rise|improve)\w*\s+(?:of\s+|by\s+)?{_NUM}\s*%"
    rf"|{_NUM}\s*%\s*(reduction|decrease|fewer|less|lower|cut|drop|fall|increase|rise|more|higher|improvement|"
    rf"growth)\b)", re.I)
_LEADING = re.compile(rf"^(?:target\s*:?\s*)?(?:=\s*)?{_NUM}\s*(%)?(?!\s*%)", re.I)
_PER_YEAR = re.compile(r"(/\s*(yr|year|annum|pa)\b|\bper\s+(year|annum)\b|\ba\s+year\b|\bp\.?a\.?\b|\bannual(ly)?\b)",
                       re.I)
_BY = re.compile(r"\b(?:by|before|due)\s+(?:the\s+)?(?:end\s+(?:of\s+)?)?(.+?)\s*(?:\(|$|;|,\s*then)", re.I)
_LOWER_WORDS = re.compile(r"\b(reduc\w*|decreas\w*|lower|fewer|less|below|down|cut|minimi[sz]e)\b", re.I)
_HIGHER_WORDS = re.compile(r"\b(increas\w*|rais\w*|higher|more|above|up|improv\w*|grow\w*|maximi[sz]e)\b", re.I)
_CONTEXT_WORDS = re.compile(r"\b(monitor\w*|contextual|context|no target|n/?a|none|not applicable)\b", re.I)


def _number(whole: str, fraction: str | None) -> float:
    return float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))


def parse_target(cell: object, *, baseline: float | None = None) -> Target:
    """Read a target cell. Never fails on words: they are kept and the value is None."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return Target(None, None, "period", None, None, "")
    if isinstance(cell, bool):
        raise InvalidInput(f"'{cell}' is not a target; write a number, e.g. 80% or 1,200 by 31/03/2026.")
    if isinstance(cell, int | float):
        if not math.isfinite(float(cell)):
            raise InvalidInput(f"'{cell}' is not a number; write the target as a number, e.g. 80%.")
        return Target(float(cell), None, "period", None, None, f"{float(cell):g}")
    text = " ".join(str(cell).replace("–", "-").replace("—", "-").split())
    per = "year" if _PER_YEAR.search(text) else "period"
    due = _due_date(text)
    hint: str | None = None
    if _CONTEXT_WORDS.search(text):
        hint = "contextual"
    elif _LOWER_WORDS.search(text):
        hint = "lower"
    elif _HIGHER_WORDS.search(text):
        hint = "higher"

    relative = None
    rel = _RELATIVE.search(text)
    if rel:
        word = (rel.group(1) or rel.group(6) or "").lower()
        amount = _number(rel.group(2), rel.group(3)) if rel.group(1) else _number(rel.group(4), rel.group(5))
        down = word.startswith(("reduc", "decreas", "cut", "lower", "fewer", "less", "drop", "fall"))
        relative = -amount if down else amount
        hint = hint if hint == "contextual" else ("lower" if down else "higher")

    value, from_baseline = None, False
    comparator = _COMPARATOR.search(text)
    leading = _LEADING.match(text)
    if comparator:
        value = _number(comparator.group(2), comparator.group(3))
        words = comparator.group(1).lower()
        if hint is None or relative is None:
            hint = "lower" if words in ("<=", "≤", "=<", "<", "at most", "no more than", "not more than",
                                        "fewer than", "less than", "under", "below") else "higher"
    elif leading and not rel:
        value = _number(leading.group(1), leading.group(2))
    elif relative is not None and baseline is not None:
        value, from_baseline = round(baseline * (1 + relative / 100), 6), True
    if value is not None and hint == "contextual":
        hint = None
    return Target(value, due, per, relative, hint, text, from_baseline)


def _due_date(text: str) -> date | None:
    found = _BY.search(text)
    if not found:
        return None
    words = found.group(1).strip().rstrip(".")
    for form in ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y"):
        try:
            return datetime.strptime(words, form).date()
        except ValueError:
            continue
    try:
        return parse_period(words).end
    except InvalidInput:
        pass
    month = re.match(r"^([a-z]+)\s+(\d{4})$", words, re.I)
    if month and month.group(1).lower() in MONTHS:
        return parse_period(words).end
    return None
