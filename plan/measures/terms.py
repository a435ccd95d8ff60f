"""The fixed words of measures (kinds, directions, units, states) and how councils write them."""

from __future__ import annotations

import re

from plan.errors import InvalidInput
from plan.text import plural

KINDS = ("count", "cumulative", "snapshot", "rolling_12")
KIND_LABELS = {
    "count": "Count in the period",
    "cumulative": "Cumulative since a date",
    "snapshot": "Snapshot at the period's end",
    "rolling_12": "Rolling 12 months to the period's end",
}
DIRECTIONS = ("higher", "lower", "contextual")
DIRECTION_LABELS = {
    "higher": "Higher is better",
    "lower": "Lower is better",
    "contextual": "Contextual: monitored, no RAG",
}
FREQUENCIES = ("monthly", "bimonthly", "quarterly", "termly", "annual")
FREQUENCY_MONTHS = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "termly": 4, "annual": 12}
STATES = ("value", "suppressed", "missing")
STATE_LABELS = {"value": "Figure", "suppressed": "Suppressed (small number)", "missing": "Not yet available"}
TARGET_TYPES = ("value", "trajectory", "none")
TARGET_PER = ("period", "year")
UNITS = ("count", "%", "rate per 1,000", "rate per 10,000", "rate per 100,000")
SOURCES = ("form", "upload", "import", "demo", "migrated")


class RowsRejected(InvalidInput):
    """An upload or import with bad rows: nothing was written. `problems` lists (row, reason)
    for every bad row, in file order; str() names them all."""

    def __init__(self, problems: list[tuple[int, str]], *, what: str = "file") -> None:
        self.problems = problems
        lines = [f"row {row}: {reason}" for row, reason in problems[:30]]
        more = f"\n... and {len(problems) - 30} more." if len(problems) > 30 else ""
        super().__init__(f"Nothing was saved: the {what} has "
                         f"{plural(len(problems), 'row')} to fix.\n" + "\n".join(lines) + more)


def _key(text: object) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", str(text or "").lower()).strip()


_DIRECTION_WORDS = {
    "higher": "higher", "high": "higher", "up": "higher", "increase": "higher", "higher is better": "higher",
    "bigger is better": "higher", "more is better": "higher", "increase is good": "higher", "positive": "higher",
    "lower": "lower", "low": "lower", "down": "lower", "reduce": "lower", "decrease": "lower",
    "lower is better": "lower", "smaller is better": "lower", "less is better": "lower", "negative": "lower",
    "contextual": "contextual", "context": "contextual", "monitor": "contextual", "monitoring": "contextual",
    "neutral": "contextual", "none": "contextual", "n a": "contextual", "no polarity": "contextual",
}


def parse_direction(value: object, field: str = "direction") -> str:
    """higher / lower / contextual, from the words councils use ("Polarity: Lower", "up", "Monitor")."""
    found = _DIRECTION_WORDS.get(_key(value))
    if found is None:
        raise InvalidInput(f"{field}: '{value}' is not a direction of good; write higher, lower or contextual "
                           "(monitored with no RAG).")
    return found


_FREQUENCY_WORDS = {
    "monthly": "monthly", "month": "monthly", "bimonthly": "bimonthly", "bi monthly": "bimonthly",
    "every two months": "bimonthly", "quarterly": "quarterly", "quarter": "quarterly", "termly": "termly",
    "term": "termly", "per term": "termly", "annual": "annual", "annually": "annual", "yearly": "annual",
    "year": "annual",
}


def parse_frequency(value: object, field: str = "frequency") -> str:
    found = _FREQUENCY_WORDS.get(_key(value))
    if found is None:
        raise InvalidInput(f"{field}: '{value}' is not a reporting frequency; write monthly, quarterly, termly "
                           "or annual.")
    return found


_KIND_WORDS = {
    "count": "count", "count in period": "count", "count in the period": "count", "count in quarter": "count",
    "count in month": "count", "count in year": "count", "number": "count", "cumulative": "cumulative",
    "snapshot": "snapshot", "snapshot at period end": "snapshot", "percentage": "snapshot", "%": "snapshot",
    "rate": "snapshot", "rolling 12": "rolling_12", "rolling 12 months": "rolling_12", "rolling_12": "rolling_12",
    "rolling": "rolling_12", "rolling year": "rolling_12",
}


def parse_kind(value: object, field: str = "kind") -> str:
    """count / cumulative / snapshot / rolling_12, from a plain word (see `describe_measure_type`
    for the longer wording spreadsheets use)."""
    key = _key(value).replace(" ", "_") if str(value).strip() in KINDS else _key(value)
    found = _KIND_WORDS.get(key) or (key if key in KINDS else None)
    if found is None:
        raise InvalidInput(f"{field}: '{value}' is not a kind of measure; write count (in the period), "
                           "cumulative (since a date), snapshot (at the period's end) or rolling 12 months.")
    return found


_RATE = re.compile(r"rate\s+per\s+(1|10|100)[, ]?000\b", re.I)


def parse_unit(value: object, field: str = "unit") -> str:
    """'%', 'rate per 1,000' (10,000, 100,000) or a count: 'count', or what is counted ('people')."""
    text = " ".join(str(value or "").split())
    if not text:
        return "count"
    lowered = text.lower()
    if lowered in ("%", "percent", "percentage", "per cent", "pct"):
        return "%"
    rate = _RATE.search(lowered)
    if rate:
        return f"rate per {rate.group(1)},000"
    if lowered.startswith("rate"):
        raise InvalidInput(f"{field}: '{text}' is a rate without its base; write rate per 1,000, per 10,000 "
                           "or per 100,000.")
    if len(text) > 40:
        raise InvalidInput(f"{field}: '{text}' is {len(text)} characters; the most allowed is 40.")
    return text


def unit_kind(unit: str) -> str:
    """percent, rate or count: how a figure in this unit is read and shown."""
    if unit == "%":
        return "percent"
    if unit.startswith("rate per"):
        return "rate"
    return "count"
