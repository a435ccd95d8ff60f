"""Reading councils' plan spreadsheets: headings, RAG words, dates and periods, as tables."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from plan.imports.parsing import match_heading, parse_date, parse_rag, parse_status, period_in


@pytest.mark.parametrize(("heading", "field", "period"), [
    ("Ref", "ref", ""), ("No.", "ref", ""), ("Action No", "ref", ""),
    ("Action", "title", ""), ("Priority / Action", "title", ""), ("Key action", "title", ""),
    ("Lead Officer", "owner", ""), ("Lead (named)", "owner", ""), ("Owner", "owner", ""),
    ("Lead Agency", "lead_agency", ""), ("Organisation", "lead_agency", ""),
    ("Supporting partners", "partners", ""),
    ("Target Date", "due_date", ""), ("Due", "due_date", ""), ("Deadline", "due_date", ""),
    ("Start", "start_date", ""),
    ("RAG", "rag", ""), ("RAG status", "rag", ""), ("Status", "status", ""),
    ("Progress Update", "commentary", ""), ("Comments", "commentary", ""),
    ("Theme", "theme", ""), ("Priority", "theme", ""),
    ("Blockers", "blockers", ""), ("Support needed", "support_asked", ""),
    ("RAG (Q1)", "rag", "Q1"), ("Q1 RAG", "rag", "Q1"), ("Update (Q2)", "commentary", "Q2"),
    ("Q2 Commentary", "commentary", "Q2"), ("RAG Q3 2024/25", "rag", "2024/25 Q3"),
    ("Notes / risks", None, ""), ("Budget £", None, ""), ("", None, ""),
])
def test_headings(heading: str, field: str | None, period: str) -> None:
    found, found_period = match_heading(heading)
    assert found == field
    assert (found_period.label if found_period else "") == period


@pytest.mark.parametrize(("written", "rag", "warned", "error"), [
    ("R", "red", False, False), ("a", "amber", False, False), ("G", "green", False, False),
    ("B", "blue", False, False), ("amber", "amber", False, False), ("Green", "green", False, False),
    ("Amber/Green", "amber", True, False), ("A/G", "amber", True, False), ("R/A", "red", True, False),
    ("B/G", "green", True, False), ("In progress (amber)", "amber", True, False),
    ("Complete", "blue", True, False), ("on track", "green", True, False), ("", None, False, False),
    ("TBC", None, True, False), ("purple", None, False, True), ("A/X", None, False, True),
])
def test_rag_words(written: str, rag: str | None, warned: bool, error: bool) -> None:
    reading = parse_rag(written)
    assert reading.value == rag
    assert bool(reading.warning) is warned
    assert bool(reading.error) is error


@pytest.mark.parametrize(("written", "status", "error"), [
    ("In progress", "in_progress", False), ("Ongoing", "in_progress", False), ("Complete", "complete", False),
    ("On hold", "deferred", False), ("Not started", "not_started", False), ("", None, False),
    ("banana", None, True),
])
def test_status_words(written: str, status: str | None, error: bool) -> None:
    reading = parse_status(written)
    assert reading.value == status
    assert bool(reading.error) is error


@pytest.mark.parametrize(("written", "end", "expected", "warned", "error"), [
    (datetime(2025, 3, 31, 0, 0), True, date(2025, 3, 31), False, False),
    (date(2024, 4, 1), True, date(2024, 4, 1), False, False),
    (45474, False, date(2024, 7, 1), True, False),  # an Excel serial number
    ("45474", False, date(2024, 7, 1), True, False),
    ("31.03.2026", True, date(2026, 3, 31), False, False),
    ("31/03/2026", True, date(2026, 3, 31), False, False),
    ("1/4/24", False, date(2024, 4, 1), False, False),
    ("2026-03-31", True, date(2026, 3, 31), False, False),
    ("14 October 2025", True, date(2025, 10, 14), False, False),
    ("Mar-25", True, date(2025, 3, 31), True, False),
    ("Jun-24", False, date(2024, 6, 1), True, False),
    ("Apr 24", False, date(2024, 4, 1), True, False),
    ("Q3 2025", True, date(2025, 12, 31), True, False),  # Q3 of the financial year 2025/26
    ("Q2 2024/25", False, date(2024, 7, 1), True, False),
    ("End Q4 24/25", True, date(2025, 3, 31), True, False),
    ("End Q4 24/25", False, date(2025, 3, 31), True, False),  # 'end' wins even for a start
    ("TBC", True, None, True, False), ("Ongoing", True, None, True, False), ("", True, None, False, False),
    (None, True, None, False, False),
    ("31/02/2026", True, None, False, True), ("soon", True, None, False, True), (12, True, None, False, True),
])
def test_dates(written: object, end: bool, expected: date | None, warned: bool, error: bool) -> None:
    reading = parse_date(written, end=end)
    assert reading.value == expected
    assert bool(reading.warning) is warned
    assert bool(reading.error) is error


@pytest.mark.parametrize(("heading", "end_in", "expected_end"), [
    ("Q1", 2025, date(2025, 6, 30)), ("Q4", 2025, date(2026, 3, 31)),
    ("Q2 24/25", 2030, date(2024, 9, 30)), ("Jun-25 update", 2030, date(2025, 6, 30)),
])
def test_period_ends(heading: str, end_in: int, expected_end: date) -> None:
    period = period_in(heading)
    assert period is not None
    assert period.end(end_in) == expected_end
