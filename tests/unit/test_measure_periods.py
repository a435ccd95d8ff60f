"""Council period headers read into one canonical period; what cannot be read is refused by name."""

from datetime import date, datetime

import pytest

from plan.errors import InvalidInput
from plan.measures.periods import (
    MEASURE_PERIOD,
    check_fits,
    containing,
    for_measure,
    parse_period,
    sequence,
    year_before,
)

READ = [
    # as written, canonical label, first day, last day, shown as
    ("Q1 24/25", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30), "Apr–Jun 2024"),  # UK financial year
    ("Q4 2024/25", "2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "Jan–Mar 2025"),
    ("2024/25 Q3", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "Oct–Dec 2024"),
    ("2024-25 Q4", "2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "Jan–Mar 2025"),
    ("FY24/25 Q2", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30), "Jul–Sep 2024"),
    ("Apr-Jun 2024", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30), "Apr–Jun 2024"),
    ("Oct – Dec 24", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "Oct–Dec 2024"),
    ("April to June 2024", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30), "Apr–Jun 2024"),
    ("Jan-25", "2025-01", date(2025, 1, 1), date(2025, 1, 31), "Jan 2025"),
    ("January 2025", "2025-01", date(2025, 1, 1), date(2025, 1, 31), "Jan 2025"),
    ("Sept 24", "2024-09", date(2024, 9, 1), date(2024, 9, 30), "Sep 2024"),
    ("2025-02", "2025-02", date(2025, 2, 1), date(2025, 2, 28), "Feb 2025"),
    ("02/2024", "2024-02", date(2024, 2, 1), date(2024, 2, 29), "Feb 2024"),
    ("2025-Q1", "2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "Jan–Mar 2025"),  # calendar, as the app writes
    ("2026-q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Jul–Sep 2026"),
    ("2026-B1", "2026-B1", date(2026, 1, 1), date(2026, 2, 28), "Jan–Feb 2026"),
    ("AY 2023/24", "AY2023/24", date(2023, 9, 1), date(2024, 8, 31), "2023/24 (academic year)"),
    ("Academic year 2023-24", "AY2023/24", date(2023, 9, 1), date(2024, 8, 31), "2023/24 (academic year)"),
    ("Autumn 2023", "AY2023/24-T1", date(2023, 9, 1), date(2023, 12, 31), "Autumn term 2023"),
    ("Spring term 2024", "AY2023/24-T2", date(2024, 1, 1), date(2024, 3, 31), "Spring term 2024"),
    ("T3 2023/24", "AY2023/24-T3", date(2024, 4, 1), date(2024, 8, 31), "Summer term 2024"),
    ("12 months to Mar 2024", "R12-2024-03", date(2023, 4, 1), date(2024, 3, 31), "12 months to Mar 2024"),
    ("Rolling 12 months ending June 2024", "R12-2024-06", date(2023, 7, 1), date(2024, 6, 30),
     "12 months to Jun 2024"),
    ("Jul 23 - Jun 24", "R12-2024-06", date(2023, 7, 1), date(2024, 6, 30), "12 months to Jun 2024"),
    ("2023/24", "FY2023/24", date(2023, 4, 1), date(2024, 3, 31), "2023/24 (financial year)"),
    ("FY 2024/25", "FY2024/25", date(2024, 4, 1), date(2025, 3, 31), "2024/25 (financial year)"),
    ("2024-25", "FY2024/25", date(2024, 4, 1), date(2025, 3, 31), "2024/25 (financial year)"),
    ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31), "2024"),
    ("31/03/2024", "2024-03", date(2024, 3, 1), date(2024, 3, 31), "Mar 2024"),  # a date: its month
    (datetime(2025, 1, 1), "2025-01", date(2025, 1, 1), date(2025, 1, 31), "Jan 2025"),  # an Excel date cell
]


@pytest.mark.parametrize(("written", "label", "start", "end", "display"), READ)
def test_council_headers_read_as_one_period(written, label, start, end, display) -> None:
    period = parse_period(written)
    assert (period.label, period.start, period.end, period.display) == (label, start, end, display)
    assert MEASURE_PERIOD.match(period.label)
    assert parse_period(period.label) == period  # a stored label reads back as itself


REFUSED = [
    ("Q3 2026", "could be a calendar or a financial-year quarter; write 2026-Q3 for Jul–Sep 2026, or Q3 2026/27 "
                "for Oct–Dec 2026"),
    ("2025 Q1", "write 2025-Q1 for Jan–Mar 2025, or Q1 2025/26 for Apr–Jun 2025"),
    ("Q5 24/25", "'Q5 24/25' is not a reporting period I can read"),
    ("24/26", "'24/26' is not a year that runs on"),
    ("Q1 2024/26", "the second part should be the year after 2024"),
    ("2024-13", "has no month 13"),
    ("Feb-Apr 2024", "3 months that are not a month, quarter, term or year"),
    ("Jun 2024 - Apr 2024", "ends before it starts"),
    ("Jun-Apr 2024", "11 months that are not a month, quarter, term or year"),
    ("31/02/2024", "not a real date"),
    ("", "The period is empty"),
    ("next quarter", "'next quarter' is not a reporting period I can read; write it like 2026-Q3"),
]


@pytest.mark.parametrize(("written", "message"), REFUSED)
def test_what_cannot_be_read_is_refused_by_name(written, message) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(written)
    assert message in str(refused.value)


@pytest.mark.parametrize(("day", "frequency", "label"), [
    (date(2026, 11, 28), "monthly", "2026-11"),
    (date(2026, 11, 28), "quarterly", "2026-Q4"),
    (date(2026, 11, 28), "bimonthly", "2026-B6"),
    (date(2026, 11, 28), "annual", "FY2026/27"),
    (date(2026, 3, 31), "annual", "FY2025/26"),
    (date(2026, 11, 28), "termly", "AY2026/27-T1"),
    (date(2027, 2, 1), "termly", "AY2026/27-T2"),
    (date(2027, 5, 1), "termly", "AY2026/27-T3"),
])
def test_the_period_of_a_frequency_that_holds_a_day(day, frequency, label) -> None:
    assert containing(day, frequency).label == label


def test_a_run_of_periods_and_the_same_period_a_year_before() -> None:
    run = sequence(parse_period("Q1 24/25"), parse_period("Q1 25/26"), "quarterly")
    assert [p.label for p in run] == ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    assert year_before(parse_period("2025-Q2")) == (date(2024, 4, 1), date(2024, 6, 30))
    assert year_before(parse_period("2025-02")) == (date(2024, 2, 1), date(2024, 2, 29))


def test_a_rolling_figure_lands_on_the_measures_own_period() -> None:
    rolling = parse_period("12 months to Mar 2024")
    assert for_measure(rolling, kind="rolling_12", frequency="quarterly").label == "2024-Q1"
    assert for_measure(rolling, kind="count", frequency="annual").label == "FY2023/24"  # the same twelve months
    assert for_measure(rolling, kind="count", frequency="quarterly").label == "R12-2024-03"


def test_a_count_must_be_for_one_of_its_own_periods() -> None:
    assert check_fits(parse_period("Jan-25"), kind="count", frequency="quarterly").startswith(
        "Jan 2025 is not a quarterly period")
    assert check_fits(parse_period("Q4 24/25"), kind="count", frequency="quarterly") is None
    assert check_fits(parse_period("Jan-25"), kind="snapshot", frequency="quarterly") is None  # a position: any
    assert check_fits(parse_period("2023/24"), kind="count", frequency="annual") is None
    assert check_fits(parse_period("AY 2023/24"), kind="count", frequency="annual") is None
