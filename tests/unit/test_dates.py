from datetime import date

import pytest

from plan.dates import parse_date
from plan.errors import InvalidInput


@pytest.mark.parametrize(("text", "expected"), [
    ("2027-03-31", date(2027, 3, 31)), ("31/03/2027", date(2027, 3, 31)), ("31/3/27", date(2027, 3, 31)),
    ("1.4.2027", date(2027, 4, 1)), (date(2027, 1, 2), date(2027, 1, 2)),
])
def test_dates_as_officers_type_them(text, expected) -> None:
    assert parse_date(text, "Due date") == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-02-30", "next Tuesday", "13/13/2026", ""])
def test_impossible_dates_are_refused_with_the_field(text) -> None:
    with pytest.raises(InvalidInput, match="^Due date: "):
        parse_date(text, "Due date")
