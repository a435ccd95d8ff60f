"""Words and numbers (issue 21, item 6): a count is written with its noun by the one helper
(plan.text.plural), never as "1 actions" or "1 due dates"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plan.periods import period_short
from plan.text import plural

ROOT = Path(__file__).resolve().parents[2]
NOUNS = ("actions|due dates|updates|measures|follow-ups|items|owners|meetings|rounds|changes|days|times|rows|"
         "figures|exceptions|themes|objectives|reminders|warnings|values|people|revisions|periods|tables")
# A count in an f-string followed by a plural noun: "{n} actions". A constant (PAGE_SIZE) is never 1.
COUNT_THEN_NOUN = re.compile(r"\{(?![A-Z_]+\})[^{},]*\}\**[ ](?:" + NOUNS + r")\b")
INLINE_S = re.compile(r"\{'s' if [^}]+ != 1 else ''\}")


@pytest.mark.parametrize(("n", "expected"), [(0, "0 actions"), (1, "1 action"), (2, "2 actions"),
                                             (1200, "1,200 actions")])
def test_plural(n: int, expected: str) -> None:
    assert plural(n, "action") == expected


def test_the_plural_helper_takes_another_plural_form() -> None:
    assert plural(1, "person", "people") == "1 person" and plural(3, "person", "people") == "3 people"
    assert plural(1, "due date") == "1 due date"


def test_no_count_is_written_with_its_noun_by_hand() -> None:
    found = []
    for folder in ("pages", "ui", "plan"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if COUNT_THEN_NOUN.search(line) or INLINE_S.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "write counts with plan.text.plural:\n" + "\n".join(found)


@pytest.mark.parametrize(("label", "expected"), [("2026-Q3", "Q2 2026/27"), ("2027-Q1", "Q4 2026/27"),
                                                 ("2026-Q2", "Q1 2026/27"), ("2026-07", "July 2026"),
                                                 ("Spring term", "Spring term"), ("", "")])
def test_periods_are_written_in_the_plans_financial_year(label: str, expected: str) -> None:
    assert period_short(label) == expected
