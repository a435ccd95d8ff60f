"""Dates as council officers type them: 2027-03-31, 31/03/2027, 31/3/27. Impossible ones refused."""

from __future__ import annotations

import re
from datetime import date, datetime

from plan.errors import InvalidInput

_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def parse_date(value: date | str | None, field: str) -> date:
    """A date from a date or text; raises InvalidInput naming the field and the format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field}: give a date, e.g. 31/03/2027.")
    try:
        if match := _UK.match(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: '{text}' is not a real date; write it as DD/MM/YYYY, e.g. 31/03/2027.") from None
