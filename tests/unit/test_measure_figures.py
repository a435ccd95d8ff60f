"""A figure and a target as partners write them: numbers, suppressed and missing figures, words."""

from datetime import date

import pytest

from plan.errors import InvalidInput
from plan.measures.figures import format_value, parse_figure
from plan.measures.targets import parse_target
from plan.measures.terms import parse_direction, parse_frequency, parse_kind, parse_unit

FIGURES = [
    # cell, unit, (state, value, provisional)
    ("55%", "%", ("value", 55.0, False)),  # a percentage is stored as the number shown
    ("1,145", "count", ("value", 1145.0, False)),
    ("12.5", "rate per 100,000", ("value", 12.5, False)),
    (0, "count", ("value", 0.0, False)),  # a real zero stays a zero
    (12, "people", ("value", 12.0, False)),
    ("<5", "count", ("suppressed", None, False)),
    ("< 10", "count", ("suppressed", None, False)),
    ("*", "count", ("suppressed", None, False)),
    ("c", "count", ("suppressed", None, False)),
    ("x", "count", ("suppressed", None, False)),
    ("[c]", "count", ("suppressed", None, False)),
    ("", "count", ("missing", None, False)),
    (None, "count", ("missing", None, False)),
    ("n/a", "count", ("missing", None, False)),
    ("Not yet available", "count", ("missing", None, False)),
    ("-", "count", ("missing", None, False)),
    ("49 (p)", "count", ("value", 49.0, True)),
    ("49p", "count", ("value", 49.0, True)),
    ("57% provisional", "%", ("value", 57.0, True)),
    ("<5 (p)", "count", ("suppressed", None, True)),
]


@pytest.mark.parametrize(("cell", "unit", "expected"), FIGURES)
def test_figures_read_with_their_state(cell, unit, expected) -> None:
    figure = parse_figure(cell, unit=unit)
    assert (figure.state, figure.value, figure.provisional) == expected
    assert figure.raw == ("" if cell is None else str(cell) if not isinstance(cell, int) else f"{cell:g}")


def test_an_excel_percentage_cell_holds_a_fraction() -> None:
    figure = parse_figure(0.55, unit="%", percent_cell=True)
    assert (figure.state, figure.value, figure.raw) == ("value", 55.0, "55%")


@pytest.mark.parametrize(("cell", "unit", "message"), [
    ("lots", "count", "'lots' is not a number; write a figure (1,145 or 55%), <5 or * for a suppressed"),
    ("nan", "count", "'nan' is not a number"),
    ("1,14", "count", "'1,14' is not a number"),
    ("140", "%", "140 is not a percentage between 0 and 100"),
    ("55%", "people", "'55%' is a percentage, but this measure is in people; give the figure in people"),
    ("-3", "count", "'-3' is below zero"),
    (True, "count", "'True' is not a number"),
])
def test_bad_figures_say_what_to_write(cell, unit, message) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_figure(cell, unit=unit)
    assert message in str(refused.value)


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (1145.0, "count", "1,145"), (55.0, "%", "55%"), (12.25, "rate per 100,000", "12.25 per 100,000"),
    (67.1, "%", "67.1%"), (None, "count", ""),
])
def test_figures_are_shown_as_an_officer_writes_them(value, unit, shown) -> None:
    assert format_value(value, unit) == shown


TARGETS = [
    # text, baseline, (value, date, per, relative, hint)
    ("80%", None, (80.0, None, "period", None, None)),
    ("1,200 by 31/03/2026", None, (1200.0, date(2026, 3, 31), "period", None, None)),
    ("800 by end Q4 24/25", None, (800.0, date(2025, 3, 31), "period", None, None)),
    ("500 by March 2026", None, (500.0, date(2026, 3, 31), "period", None, None)),
    ("10% reduction on baseline (<=191/yr)", 212.0, (191.0, None, "year", -10.0, "lower")),  # the number written wins
    ("10% reduction", 188.0, (169.2, None, "period", -10.0, "lower")),
    ("10% reduction", None, (None, None, "period", -10.0, "lower")),  # no baseline: no number, no guess
    ("Increase by 5%", 40.0, (42.0, None, "period", 5.0, "higher")),
    ("at most 191 a year", None, (191.0, None, "year", None, "lower")),
    ("Maintain above 90%", None, (90.0, None, "period", None, "higher")),
    ("Reduce", None, (None, None, "period", None, "lower")),
    ("Below regional average", None, (None, None, "period", None, "lower")),
    ("Monitor", None, (None, None, "period", None, "contextual")),
    ("No target – contextual", None, (None, None, "period", None, "contextual")),
    ("", None, (None, None, "period", None, None)),
    (100, None, (100.0, None, "period", None, None)),
]


@pytest.mark.parametrize(("text", "baseline", "expected"), TARGETS)
def test_targets_keep_their_words_and_give_a_number_only_when_there_is_one(text, baseline, expected) -> None:
    target = parse_target(text, baseline=baseline)
    assert (target.value, target.date, target.per, target.relative, target.direction_hint) == expected
    assert target.text == (" ".join(str(text).replace("–", "-").split()) if not isinstance(text, int)
                           else f"{text:g}")


@pytest.mark.parametrize(("parse", "written", "expected"), [
    (parse_direction, "Lower", "lower"), (parse_direction, "up", "higher"), (parse_direction, "Monitor", "contextual"),
    (parse_direction, "Higher is better", "higher"), (parse_frequency, "Quarterly", "quarterly"),
    (parse_frequency, "termly", "termly"), (parse_frequency, "Annually", "annual"),
    (parse_kind, "rolling 12", "rolling_12"),
    (parse_kind, "Count in quarter", "count"), (parse_kind, "snapshot", "snapshot"), (parse_unit, "%", "%"),
    (parse_unit, "Rate per 100,000", "rate per 100,000"), (parse_unit, "people", "people"), (parse_unit, "", "count"),
])
def test_the_fixed_words_read_as_councils_write_them(parse, written, expected) -> None:
    assert parse(written) == expected


@pytest.mark.parametrize(("parse", "written", "message"), [
    (parse_direction, "sideways", "'sideways' is not a direction of good; write higher, lower or contextual"),
    (parse_frequency, "fortnightly", "'fortnightly' is not a reporting frequency"),
    (parse_kind, "average", "'average' is not a kind of measure"),
    (parse_unit, "rate", "'rate' is a rate without its base"),
])
def test_unknown_words_are_refused_with_the_choices(parse, written, message) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse(written)
    assert message in str(refused.value)
