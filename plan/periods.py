"""Reporting periods: the label an update or a measure value belongs to ("2026-Q3")."""

from __future__ import annotations

from datetime import date

CYCLES = ("monthly", "bimonthly", "quarterly", "annual")


def period_for(day: date, cycle: str) -> str:
    """The reporting period containing `day`. Quarters are calendar quarters."""
    if cycle == "monthly":
        return f"{day.year}-{day.month:02d}"
    if cycle == "bimonthly":
        return f"{day.year}-B{(day.month - 1) // 2 + 1}"
    if cycle == "annual":
        return f"{day.year}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_start(label: str) -> date:
    """First day of a period label made by period_for."""
    year, _, rest = label.partition("-")
    if not rest:
        return date(int(year), 1, 1)
    if rest.startswith("Q"):
        return date(int(year), (int(rest[1:]) - 1) * 3 + 1, 1)
    if rest.startswith("B"):
        return date(int(year), (int(rest[1:]) - 1) * 2 + 1, 1)
    return date(int(year), int(rest), 1)


def previous_periods(day: date, cycle: str, count: int) -> list[str]:
    """The `count` periods up to and including the one containing `day`, oldest first."""
    step = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "annual": 12}.get(cycle, 3)
    labels: list[str] = []
    year, month = day.year, day.month
    for _ in range(count):
        labels.append(period_for(date(year, month, 1), cycle))
        month -= step
        while month < 1:
            month += 12
            year -= 1
    return list(reversed(labels))


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def financial_year(day: date) -> str:
    """'2026/27': the UK financial year (April to March) a day falls in, as councils write it."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def financial_quarter(day: date) -> str:
    """'Q3 2026/27' for a day in October to December 2026: quarters of the year April to March."""
    return f"Q{((day.month - 4) % 12) // 3 + 1} {financial_year(day)}"


def period_words(label: str) -> str:
    """A period label made by period_for as councils write it: quarters in the financial year with
    their months ('Q2 2026/27 (July to September 2026)'), months by name. Labels of another shape
    (a plan's own) are returned as they are."""
    try:
        start = period_start(label)
    except (ValueError, IndexError):
        return label
    _, _, rest = label.partition("-")
    if rest.startswith("Q"):
        end_month = start.month + 2
        return f"{financial_quarter(start)} ({MONTHS[start.month - 1]} to {MONTHS[end_month - 1]} {start.year})"
    if rest.startswith("B"):
        return f"{MONTHS[start.month - 1]} and {MONTHS[start.month]} {start.year}"
    if rest:
        return f"{MONTHS[start.month - 1]} {start.year}"
    return label


def period_short(label: str) -> str:
    """A period label as a heading or a table shows it: 'Q2 2026/27' for '2026-Q3' (the plan's
    reporting year runs April to March), 'July 2026' for '2026-07'; a plan's own label as it is."""
    return period_words(label).split(" (", 1)[0] if label else ""
