"""One figure as a partner writes it: a number, a percentage, a suppressed small number, or
'not yet available'.

    1,145  1145  12.5            a value
    55%                          the value 55 (a percentage is stored as the number shown)
    <5  < 10  *  c  x  [c]  s    suppressed: a small number withheld; value None, never zero
    n/a  not yet available  -    missing; value None
    (blank)                      missing (whoever reads a blank decides whether it counts)
    49 (p)  49p  49 provisional  the value 49, marked provisional

An Excel cell formatted as a percentage holds 0.55 for 55%: pass percent_cell=True.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from plan.errors import InvalidInput
from plan.measures.terms import unit_kind

SUPPRESSED = re.compile(r"^(<\s*=?\s*\d+|\*{1,2}|c|x|\[c\]|\[x\]|\[low\]|~|supp\.?|suppressed)$", re.I)
MISSING = re.compile(r"^(n/?a|n\.a\.|not (yet )?available|not (yet )?received|nya|tbc|tba|-|–|—|\.\.|:|"
                     r"awaiting|pending|no data|nd|\[z\]|not yet due)$", re.I)
PROVISIONAL = re.compile(r"^(.*?)\s*(\((p|prov|provisional)\)|\bprovisional|(?<=[\d%])\s*p)$", re.I)
NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")
HELP = ("write a figure (1,145 or 55%), <5 or * for a suppressed small number, or 'not yet available' "
        "(n/a) when there is no figure yet")


@dataclass(frozen=True)
class Figure:
    state: str  # value, suppressed or missing
    value: float | None
    raw: str  # as written, kept beside the value
    provisional: bool = False


def parse_figure(cell: object, *, unit: str = "count", percent_cell: bool = False) -> Figure:
    """Read one figure for a measure in `unit`. Raises InvalidInput saying what to write instead."""
    if cell is None:
        return Figure("missing", None, "")
    if isinstance(cell, bool):
        raise InvalidInput(f"'{cell}' is not a number; {HELP}.")
    if isinstance(cell, int | float):
        number = float(cell)
        if percent_cell:
            number = round(number * 100, 9)
            raw = f"{number:g}%"
        else:
            raw = f"{number:g}"
        return Figure("value", _checked(number, raw, unit, percent=percent_cell), raw)
    raw = " ".join(str(cell).split())
    if not raw:
        return Figure("missing", None, "")
    text, provisional = raw, False
    marked = PROVISIONAL.match(raw)
    if marked and marked.group(1):
        text, provisional = marked.group(1).strip(), True
    if SUPPRESSED.match(text):
        return Figure("suppressed", None, raw, provisional)
    if MISSING.match(text):
        return Figure("missing", None, raw, provisional)
    percent = text.endswith("%")
    digits = text[:-1].strip() if percent else text
    if not NUMBER.match(digits):
        raise InvalidInput(f"'{raw}' is not a number; {HELP}.")
    number = float(digits.replace(",", ""))
    return Figure("value", _checked(number, raw, unit, percent=percent), raw, provisional)


def _checked(number: float, raw: str, unit: str, *, percent: bool) -> float:
    if not math.isfinite(number):
        raise InvalidInput(f"'{raw}' is not a number; {HELP}.")
    kind = unit_kind(unit)
    if percent and kind != "percent":
        raise InvalidInput(f"'{raw}' is a percentage, but this measure is in {unit}; give the figure in {unit}.")
    if number < 0:
        raise InvalidInput(f"'{raw}' is below zero; a measure's figure is a count, percentage or rate of 0 or more.")
    if kind == "percent" and number > 100:
        raise InvalidInput(f"{number:g} is not a percentage between 0 and 100.")
    return number


def format_value(value: float | None, unit: str = "count") -> str:
    """A figure as a performance officer writes it: 1,145 / 55% / 12.3 per 100,000."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    kind = unit_kind(unit)
    if kind == "percent":
        return f"{text}%"
    if kind == "rate":
        return f"{text} {unit.replace('rate ', '')}"
    return text


def whole_target(value: float, unit: str = "count", direction: str = "higher") -> float:
    """A target for a count as a whole number (a quarter's share of 1,999 a year is 499.75, but
    no one can record three quarters of an incident): the fewest that meet it when higher is
    better, the most that meet it when lower is better. Met by the same whole figures as the
    fraction is; other units are kept as they are."""
    if unit_kind(unit) != "count" or float(value).is_integer():
        return value
    return float(math.floor(value + 1e-9) if direction == "lower" else math.ceil(value - 1e-9))


def format_target(value: float | None, unit: str = "count", direction: str = "higher") -> str:
    """A target as a sentence or a table shows it: a count whole (whole_target), else as format_value."""
    if value is None:
        return ""
    return format_value(whole_target(value, unit, direction) if unit_kind(unit) == "count" else round(value, 2), unit)


def describe_figure(state: str | None, value: float | None, raw: str = "", provisional: bool = False,
                    unit: str = "count", *, gap: bool = False) -> str:
    """A figure as every page shows it, its state in words: "1,145", "<5 (suppressed)", "not
    yet available", "no figure received" (a period with no return at all), each followed by
    " (provisional)" when so marked. A suppressed figure is never shown as a number, nor as 0."""
    if state is None or gap:
        return "no figure received" if gap else ""
    if state == "value":
        text = format_value(value, unit)
    elif state == "suppressed":
        text = f"{raw or 'suppressed'} (suppressed)" if raw not in ("", "suppressed") else "suppressed"
    elif raw and not MISSING.match(raw):
        # a report's own words ("No New Data Published", "Opiate = 7.8% Non-Opiate = 42.1%"): shown
        # as written, never read as a figure
        text = f"no figure ({raw})"
    else:
        text = "not yet available"
    return text + (" (provisional)" if provisional else "")
