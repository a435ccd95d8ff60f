"""Reporting periods of measures: council period headers read into one canonical period.

A period is a run of whole months with a canonical label, a first and a last day:

    2024-Q2        calendar quarter (April to June 2024): what "Q1 24/25", "2024/25 Q1",
                   "Apr-Jun 2024" and "2024-Q2" all mean
    2025-01        a month ("Jan-25", "January 2025", "01/2025")
    2026-B1        two months (January and February 2026)
    2024           a calendar year
    FY2024/25      a UK financial year, 1 April 2024 to 31 March 2025 ("2024/25", "FY 24/25")
    AY2023/24      an academic year, 1 September 2023 to 31 August 2024 ("AY 2023/24")
    AY2023/24-T1   a school term: T1 autumn (Sep-Dec), T2 spring (Jan-Mar), T3 summer (Apr-Aug)
    R12-2024-03    the 12 months to the end of March 2024 ("12 months to Mar 2024")

Quarters written with a two-part year ("Q1 24/25", "2024/25 Q3") are quarters of the UK
financial year: Q1 is April to June. "2025-Q1" is the calendar quarter January to March, as in
the rest of the app. "Q1 2025" and "2025 Q1" could be either, so they are refused with both
readings offered. A bare "2023/24" is the financial year (councils' usual year). Anything else
is refused, naming the text and the forms that are understood.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from plan.errors import InvalidInput

# The update round's period ("2026-Q3"), kept for plan.rounds and plan.backup.
PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|B[1-6]|0[1-9]|1[0-2]))?$")
# Any canonical measure period label.
MEASURE_PERIOD = re.compile(r"^(\d{4}(-(Q[1-4]|B[1-6]|0[1-9]|1[0-2]))?|FY\d{4}/\d{2}|AY\d{4}/\d{2}(-T[1-3])?"
                            r"|R12-\d{4}-(0[1-9]|1[0-2]))$")

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9
_MON = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_ABBR = [""] + [calendar.month_abbr[m] for m in range(1, 13)]
TERM_NAMES = {1: "Autumn", 2: "Spring", 3: "Summer"}
# term -> (first month, last month, year offset of the first month from the academic year's start)
TERM_MONTHS = {1: (9, 12, 0), 2: (1, 3, 1), 3: (4, 8, 1)}

EXAMPLES = ("2026-Q3 (July to September 2026), Q1 2024/25 (April to June 2024), 2024/25 Q3, Apr-Jun 2024, "
            "Jan-25, AY 2023/24, Autumn 2023 or 12 months to Mar 2024")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def sort_key(self) -> tuple[date, date]:
        return (self.end, self.start)

    @property
    def display(self) -> str:
        """The period in words a performance officer reads: 'Apr–Jun 2024', '12 months to Mar 2024'."""
        label = self.label
        if label.startswith("R12-"):
            return f"12 months to {_ABBR[self.end.month]} {self.end.year}"
        if label.startswith("FY"):
            return f"{label[2:]} (financial year)"
        if label.startswith("AY"):
            if "-T" in label:
                term = int(label[-1])
                return f"{TERM_NAMES[term]} term {self.start.year}"
            return f"{label[2:]} (academic year)"
        if self.months == 1:
            return f"{_ABBR[self.start.month]} {self.start.year}"
        if len(label) == 4:
            return label
        return f"{_ABBR[self.start.month]}–{_ABBR[self.end.month]} {self.end.year}"

    @property
    def financial_quarter(self) -> str:
        """'Q1 2024/25' for a calendar quarter, else ''."""
        if "-Q" not in self.label:
            return ""
        quarter = (self.start.month - 4) % 12 // 3 + 1
        first = self.start.year if self.start.month >= 4 else self.start.year - 1
        return f"Q{quarter} {first}/{(first + 1) % 100:02d}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def span(first_year: int, first_month: int, months: int, label: str) -> Period:
    last_year, last_month = _add_months(first_year, first_month, months - 1)
    return Period(label, date(first_year, first_month, 1), _month_end(last_year, last_month))


def month(year: int, number: int) -> Period:
    return span(year, number, 1, f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    return span(year, (number - 1) * 3 + 1, 3, f"{year}-Q{number}")


def financial_year(first: int) -> Period:
    return span(first, 4, 12, f"FY{first}/{(first + 1) % 100:02d}")


def academic_year(first: int) -> Period:
    return span(first, 9, 12, f"AY{first}/{(first + 1) % 100:02d}")


def term(first: int, number: int) -> Period:
    start_month, end_month, offset = TERM_MONTHS[number]
    label = f"AY{first}/{(first + 1) % 100:02d}-T{number}"
    return span(first + offset, start_month, end_month - start_month + 1, label)


def rolling(year: int, end_month: int) -> Period:
    first_year, first_month = _add_months(year, end_month, -11)
    return span(first_year, first_month, 12, f"R12-{year}-{end_month:02d}")


def _from_span(start_year: int, start_month: int, end_year: int, end_month: int, text: str) -> Period:
    """Name a run of months by the period it is, or refuse it."""
    months = (end_year - start_year) * 12 + end_month - start_month + 1
    if months < 1:
        raise InvalidInput(f"'{text}' ends before it starts; write the earlier month first, e.g. Apr-Jun 2024.")
    if months == 1:
        return month(start_year, start_month)
    if months == 2 and start_month % 2 == 1:
        return span(start_year, start_month, 2, f"{start_year}-B{(start_month + 1) // 2}")
    if months == 3 and start_month in (1, 4, 7, 10):
        return quarter(start_year, (start_month - 1) // 3 + 1)
    if months == 12:
        if start_month == 1:
            return span(start_year, 1, 12, str(start_year))
        if start_month == 4:
            return financial_year(start_year)
        if start_month == 9:
            return academic_year(start_year)
        return rolling(end_year, end_month)
    for number, (first, last, offset) in TERM_MONTHS.items():
        if (start_month, end_month) == (first, last) and number != 2:
            return term(start_year - offset, number)
    raise InvalidInput(f"'{text}' is {months} months that are not a month, quarter, term or year; "
                       f"write a reporting period such as {EXAMPLES}.")


def _year(text: str) -> int:
    number = int(text)
    return 2000 + number if len(text) == 2 else number


def _pair(first: str, second: str, text: str) -> int:
    """The first year of a two-part year ('24/25', '2024/25', '2024-2025'), checked to run on."""
    start = _year(first)
    end = int(second)
    if (len(second) == 4 and end != start + 1) or (len(second) == 2 and end != (start + 1) % 100):
        raise InvalidInput(f"'{text}' is not a year that runs on: the second part should be the year after "
                           f"{start}, e.g. {start}/{(start + 1) % 100:02d}.")
    return start


_Y = r"(\d{2}|\d{4})"
_PAIR = rf"{_Y}\s*[/\-]\s*{_Y}"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), name) for p, name in [
    (r"^(\d{4})-?q([1-4])$", "calendar_quarter"),
    (r"^(\d{4})-b([1-6])$", "bimonthly"),
    (r"^(?:q([1-4])\s*(\d{4})|(\d{4})\s+q([1-4]))$", "ambiguous_quarter"),
    (rf"^q([1-4])\s*(?:fy\s*)?{_PAIR}$", "fq_first"),
    (rf"^(?:fy\s*)?{_PAIR}\s*q([1-4])$", "fq_last"),
    (rf"^(?:ay|academic\s+year)\s*{_PAIR}(?:\s*-?\s*t([1-3]))?$", "academic"),
    (rf"^{_PAIR}\s*ay$", "academic_after"),
    (rf"^t([1-3])\s*(?:ay\s*)?{_PAIR}$", "term_first"),
    (rf"^(autumn|spring|summer)(?:\s+term)?\s+{_PAIR}$", "term_named_pair"),
    (r"^(autumn|spring|summer)(?:\s+term)?\s+(\d{4})$", "term_named"),
    (rf"^(?:r12|(?:rolling\s+)?(?:12|twelve)\s*(?:months?|m)\s+(?:to|ending|up\s+to)(?:\s+end\s+of)?"
     rf"|year\s+to|ye)\s*-?\s*{_MON}[\s\-']*{_Y}$", "rolling_words"),
    (r"^r12-(\d{4})-(\d{2})$", "rolling_label"),
    (r"^(\d{4})-(\d{1,2})$", "month_iso"),
    (r"^(\d{1,2})/(\d{4})$", "month_slash"),
    (rf"^(?:fy|financial\s+year)?\s*{_PAIR}$", "financial_year"),
    (rf"^{_MON}\.?\s*{_Y}?\s*(?:-|to)\s*{_MON}\.?[\s\-']*{_Y}$", "month_span"),
    (rf"^{_MON}\.?[\s\-'/]*{_Y}$", "month_words"),
    (r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", "day"),
    (r"^(\d{4})-(\d{2})-(\d{2})(?:[ t]00:00(?::00)?)?$", "iso_day"),
    (r"^(?:cy\s*)?(\d{4})$", "calendar_year"),
]]


def parse_period(value: object) -> Period:
    """Read a period header or field as councils write it. Raises InvalidInput naming the text."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return month(value.year, value.month)
    raw = str(value if value is not None else "").strip()
    text = " ".join(raw.replace("–", "-").replace("—", "-").replace("\u00a0", " ").split())
    if not text:
        raise InvalidInput(f"The period is empty; write one such as {EXAMPLES}.")
    for pattern, name in _PATTERNS:
        match = pattern.match(text)
        if match:
            return _build(name, list(match.groups()), raw)
    raise InvalidInput(f"'{raw}' is not a reporting period I can read; write it like {EXAMPLES}.")


def _month_number(name: str) -> int:
    return MONTHS[name.lower()]


def _build(name: str, g: list[str | None], raw: str) -> Period:  # noqa: C901 (one branch per form)
    if name == "calendar_quarter":
        return quarter(int(g[0] or 0), int(g[1] or 0))
    if name == "bimonthly":
        return span(int(g[0] or 0), (int(g[1] or 0) - 1) * 2 + 1, 2, f"{g[0]}-B{g[1]}")
    if name == "ambiguous_quarter":
        number, year = (int(g[0] or 0), int(g[1] or 0)) if g[0] else (int(g[3] or 0), int(g[2] or 0))
        fy = quarter(year, number)
        alternative = _fq(year, number)
        raise InvalidInput(f"'{raw}' is not a reporting period I can read for certain: it could be a calendar or a "
                           f"financial-year quarter; write {year}-Q{number} for "
                           f"{fy.display}, or Q{number} {year}/{(year + 1) % 100:02d} for {alternative.display}.")
    if name == "fq_first":
        return _fq(_pair(g[1] or "", g[2] or "", raw), int(g[0] or 0))
    if name == "fq_last":
        return _fq(_pair(g[0] or "", g[1] or "", raw), int(g[2] or 0))
    if name == "academic":
        first = _pair(g[0] or "", g[1] or "", raw)
        return term(first, int(g[2])) if g[2] else academic_year(first)
    if name == "academic_after":
        return academic_year(_pair(g[0] or "", g[1] or "", raw))
    if name == "term_first":
        return term(_pair(g[1] or "", g[2] or "", raw), int(g[0] or 0))
    if name == "term_named_pair":
        number = {"autumn": 1, "spring": 2, "summer": 3}[(g[0] or "").lower()]
        return term(_pair(g[1] or "", g[2] or "", raw), number)
    if name == "term_named":
        number = {"autumn": 1, "spring": 2, "summer": 3}[(g[0] or "").lower()]
        year = int(g[1] or 0)
        return term(year if number == 1 else year - 1, number)
    if name == "rolling_words":
        return rolling(_year(g[1] or ""), _month_number(g[0] or ""))
    if name == "rolling_label":
        return rolling(int(g[0] or 0), _checked_month(int(g[1] or 0), raw))
    if name == "financial_year":
        return financial_year(_pair(g[0] or "", g[1] or "", raw))
    if name == "month_span":
        end_year = _year(g[3] or "")
        start_month, end_month = _month_number(g[0] or ""), _month_number(g[2] or "")
        start_year = _year(g[1]) if g[1] else (end_year if start_month <= end_month else end_year - 1)
        return _from_span(start_year, start_month, end_year, end_month, raw)
    if name == "month_words":
        return month(_year(g[1] or ""), _month_number(g[0] or ""))
    if name == "month_iso":
        if len(g[1] or "") == 2 and int(g[1] or 0) == (int(g[0] or 0) + 1) % 100:  # 2024-25: a financial year
            return financial_year(int(g[0] or 0))
        return month(int(g[0] or 0), _checked_month(int(g[1] or 0), raw))
    if name == "month_slash":
        return month(int(g[1] or 0), _checked_month(int(g[0] or 0), raw))
    if name in ("day", "iso_day"):
        day, number, year = (int(g[0] or 0), int(g[1] or 0), int(g[2] or 0)) if name == "day" else (
            int(g[2] or 0), int(g[1] or 0), int(g[0] or 0))
        try:
            date(year, number, day)
        except ValueError:
            raise InvalidInput(f"'{raw}' is not a real date, so not a period I can read; write it like "
                               f"{EXAMPLES}.") from None
        return month(year, number)
    return span(int(g[0] or 0), 1, 12, str(int(g[0] or 0)))  # calendar_year


def _checked_month(number: int, raw: str) -> int:
    if not 1 <= number <= 12:
        raise InvalidInput(f"'{raw}' has no month {number}; months run from 01 to 12.")
    return number


def _fq(first_year: int, number: int) -> Period:
    """Quarter `number` of the financial year starting in April of `first_year`."""
    year, start_month = _add_months(first_year, 4, (number - 1) * 3)
    return quarter(year, (start_month - 1) // 3 + 1)


def from_label(label: str) -> Period:
    """A stored canonical label back into its period (labels are checked when stored)."""
    return parse_period(label)


# ---------------------------------------------------------------- periods of a frequency


def containing(day: date, frequency: str) -> Period:
    """The period of `frequency` that holds `day`. Annual periods are UK financial years; terms
    are the academic year's three (autumn Sep-Dec, spring Jan-Mar, summer Apr-Aug)."""
    if frequency == "monthly":
        return month(day.year, day.month)
    if frequency == "bimonthly":
        number = (day.month - 1) // 2 + 1
        return span(day.year, number * 2 - 1, 2, f"{day.year}-B{number}")
    if frequency == "annual":
        return financial_year(day.year if day.month >= 4 else day.year - 1)
    if frequency == "termly":
        first = day.year if day.month >= 9 else day.year - 1
        number = 1 if day.month >= 9 else 2 if day.month <= 3 else 3
        return term(first, number)
    return quarter(day.year, (day.month - 1) // 3 + 1)


def following(period: Period, frequency: str) -> Period:
    return containing(period.end + timedelta(days=1), frequency)


def sequence(first: Period, last: Period, frequency: str) -> list[Period]:
    """The periods of `frequency` from the one holding first.start to the one holding last.end."""
    found: list[Period] = []
    current = containing(first.start, frequency)
    while current.start <= last.end and len(found) < 1200:
        found.append(current)
        current = following(current, frequency)
    return found


def year_before(period: Period) -> tuple[date, date]:
    """The first and last day of the same period one year earlier (to find last year's figure)."""
    start = period.start.replace(year=period.start.year - 1)
    return start, _month_end(period.end.year - 1, period.end.month)


def fits(period: Period, frequency: str) -> bool:
    """Is this period one of the frequency's own periods? A year (financial, academic or
    calendar) is an annual period."""
    if frequency == "annual" and period.months == 12 and not period.label.startswith("R12-"):
        return True
    return containing(period.start, frequency) == period


def for_measure(period: Period, *, kind: str, frequency: str) -> Period:
    """The period a figure is stored under. A rolling-12 figure written as '12 months to Mar 2024'
    is the figure for the measure's own period ending that month (2024-Q1 for a quarterly
    measure), so both spellings land on one period. Other periods are kept as read."""
    if period.label.startswith("R12-"):
        own = containing(period.end, frequency)
        if own.end == period.end and (kind == "rolling_12" or own.start == period.start):
            return own
    return period


def check_fits(period: Period, *, kind: str, frequency: str) -> str | None:
    """Why a figure for this period cannot belong to the measure, or None. A count in a period
    must be for one of the measure's own periods: a monthly count cannot stand for a quarter's.
    Other kinds are positions at a period's end, so any period will do."""
    if kind == "count" and not fits(period, frequency):
        return (f"{period.display} is not a {frequency} period, and this measure counts per {frequency} "
                f"period; give the figure for a {frequency} period (e.g. {containing(period.end, frequency).display})")
    return None
