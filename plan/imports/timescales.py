"""What councils write in a plan's "When" column, read into the model rather than refused.

- Recurring work ("Ongoing", "Quarterly", "Monthly", "Weekly", "Annual", "Bi-annual", "November
  annually") has a reporting frequency and no due date: it is never overdue.
- Financial-year forms: "Q3 2023/24", "End Q3" (in the plan's own year), "2024/25" (its last
  day, 31 March 2025); a year alone ("2024") is its last day.
- Months ("Dec-23", "Sept 2023") are their last day as a due date, their first as a start.
- A range ("Jan 2026 - Jan 2028") gives the start and the due date: a two-year action is due at
  its end, not overdue from its start.
Every reading that is not a plain date says how it was read (a warning in the dry run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from plan.imports.parsing import _MONTHS, Period, heading_words, parse_date

_FREQUENCIES = (
    ("bi annual", "bi-annual"), ("biannual", "bi-annual"), ("bi annually", "bi-annual"),
    ("six monthly", "bi-annual"), ("6 monthly", "bi-annual"), ("twice yearly", "bi-annual"),
    ("twice a year", "bi-annual"), ("half yearly", "bi-annual"), ("bi monthly", "bi-monthly"),
    ("bimonthly", "bi-monthly"), ("fortnightly", "fortnightly"), ("weekly", "weekly"), ("monthly", "monthly"),
    ("quarterly", "quarterly"), ("annually", "annual"), ("annual", "annual"), ("yearly", "annual"),
    ("every year", "annual"), ("each year", "annual"), ("ongoing", "ongoing"), ("on going", "ongoing"),
    ("continuous", "ongoing"), ("continual", "ongoing"), ("rolling", "ongoing"), ("throughout", "ongoing"),
    ("business as usual", "ongoing"), ("bau", "ongoing"),
)
_LONG_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


@dataclass(frozen=True)
class Timescale:
    """A "when" cell read: a start and due date, or a reporting frequency; how it was read."""

    start: date | None = None
    due: date | None = None
    frequency: str | None = None
    warning: str = ""
    error: str = ""


def frequency_in(text: str) -> str | None:
    """'November annually' -> 'annual (November)'; 'Quarterly' -> 'quarterly'; None: no frequency."""
    words = heading_words(text)
    if re.search(r"\b20\d\d\b", words):
        return None
    for phrase, frequency in _FREQUENCIES:
        if re.search(rf"\b{phrase}\b", words):
            month = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", words)
            if month and frequency == "annual":
                return f"annual ({_LONG_MONTHS[_MONTHS[month.group(1)] - 1]})"
            return frequency
    return None


def _fy_end(first_year: int) -> date:
    return date(first_year + 1, 3, 31)


def _quarter_days(quarter: int, first_year: int) -> tuple[date, date]:
    period = Period(label="", order=(first_year, quarter), year=first_year, quarter=quarter)
    last = period.end(first_year)
    return date(last.year, last.month - 2, 1), last


def _one(raw: str, *, plan_year: int, end: bool) -> tuple[date | None, str, str]:
    """One date written any way: (day, how it was read, error)."""
    text = re.sub(r"^(by|end of|end|before|from|start of|starting|w/c|wc)\s+", "", raw.strip(), flags=re.I)
    text = re.sub(r"^the\s+", "", text, flags=re.I)
    low = heading_words(text)
    found = re.fullmatch(r"q\s*([1-4])", low)
    if found:  # 'End Q3': a quarter of the plan's own financial year
        first, last = _quarter_days(int(found.group(1)), plan_year)
        day = last if end or raw.lower().startswith("end") else first
        return day, (f"'{raw}' read as {day:%d %b %Y}: Q{found.group(1)} of the plan's financial year "
                     f"{plan_year}/{(plan_year + 1) % 100:02d}."), ""
    found = re.fullmatch(r"(20\d\d)\s*[/-]\s*(\d\d|20\d\d)", text.strip())
    if found and (int(found.group(2)) % 100) == (int(found.group(1)) + 1) % 100:
        first_year = int(found.group(1))
        day = _fy_end(first_year) if end else date(first_year, 4, 1)
        return day, f"'{raw}' read as {day:%d %b %Y}, the {'end' if end else 'start'} of the financial year.", ""
    found = re.fullmatch(r"(20\d\d)", text.strip())
    if found:
        year = int(found.group(1))
        day = date(year, 12, 31) if end else date(year, 1, 1)
        return day, f"'{raw}' read as {day:%d %b %Y}, the {'end' if end else 'start'} of the year.", ""
    reading = parse_date(text, end=end)
    if reading.value is None:
        return None, reading.warning, reading.error
    how = reading.warning.replace(f"'{text}'", f"'{raw.strip()}'") if text != raw.strip() else reading.warning
    if not how and text != raw.strip():
        how = f"'{raw}' read as {reading.value:%d %b %Y}."
    if not how and isinstance(raw, str) and not re.fullmatch(r"[\d./\-]+", raw.strip()):
        how = f"'{raw}' read as {reading.value:%d %b %Y}."
    return reading.value, how, ""  # type: ignore[return-value]


_RANGE = re.compile(r"\s+(?:-|–|—|to|until)\s+|\s*[–—]\s*", re.I)


def read_timescale(value: object, *, plan_year: int, end: bool = True) -> Timescale:
    """A due (or, with end=False, start) cell. `plan_year`: the first calendar year of the plan's
    financial year, for quarters given without one ('End Q3')."""
    if value is None or not isinstance(value, str):
        reading = parse_date(value, end=end)
        return Timescale(due=reading.value if end else None, start=None if end else reading.value,  # type: ignore[arg-type]
                         warning=reading.warning, error=reading.error)
    raw = " ".join(value.split())
    if not raw:
        return Timescale()
    frequency = frequency_in(raw)
    if frequency is not None:
        return Timescale(frequency=frequency, warning=f"'{raw}' is recurring work: reported {frequency}, "
                                                      "with no due date (never overdue).")
    parts = _RANGE.split(raw)
    if len(parts) == 2 and all(p.strip() for p in parts):
        first, how_first, bad_first = _one(parts[0], plan_year=plan_year, end=False)
        last, how_last, bad_last = _one(parts[1], plan_year=plan_year, end=True)
        if first is not None and last is not None and not bad_first and not bad_last and last >= first:
            return Timescale(start=first, due=last, warning=f"'{raw}' is a range: starts {first:%d %b %Y}, due "
                                                            f"{last:%d %b %Y}.")
    day, how, error = _one(raw, plan_year=plan_year, end=end)
    if error:
        return Timescale(error=error)
    if day is None:
        return Timescale(warning=how)
    return Timescale(due=day, warning=how) if end else Timescale(start=day, warning=how)
