"""Pure rules, as tables: refs, periods, choices."""

from datetime import date

import pytest

from plan.errors import InvalidInput
from plan.periods import period_for, period_start, previous_periods
from plan.refs import sort_key
from plan.vocab import DeliveryStatus, Rag, parse_choice


def test_refs_sort_naturally() -> None:
    refs = ["1.10", "1.2", "PREV-03", "1.9", "2.4a", "2.4", "PREV-10", "10.1"]
    assert sorted(refs, key=sort_key) == ["1.2", "1.9", "1.10", "2.4", "2.4a", "10.1", "PREV-03", "PREV-10"]


@pytest.mark.parametrize(("day", "cycle", "expected"), [
    (date(2026, 11, 28), "quarterly", "2026-Q4"),
    (date(2026, 1, 1), "quarterly", "2026-Q1"),
    (date(2026, 6, 30), "quarterly", "2026-Q2"),
    (date(2026, 11, 28), "monthly", "2026-11"),
    (date(2026, 4, 1), "bimonthly", "2026-B2"),
    (date(2026, 4, 1), "annual", "2026"),
])
def test_period_for(day: date, cycle: str, expected: str) -> None:
    assert period_for(day, cycle) == expected
    assert period_start(expected) <= day


def test_previous_periods_cross_the_year() -> None:
    assert previous_periods(date(2026, 2, 10), "quarterly", 3) == ["2025-Q3", "2025-Q4", "2026-Q1"]
    assert previous_periods(date(2026, 2, 10), "monthly", 3) == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("Red", Rag.RED), ("R", Rag.RED), (" amber ", Rag.AMBER), ("G", Rag.GREEN),
    ("Complete", Rag.BLUE), ("Not yet assessed", Rag.NOT_ASSESSED), ("", Rag.NOT_ASSESSED),
])
def test_rag_words_councils_use(raw: str, expected: Rag) -> None:
    assert parse_choice(Rag, raw, "RAG") == expected


def test_unknown_choice_names_the_field_and_the_choices() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_choice(DeliveryStatus, "nearly done", "Delivery status")
    assert "Delivery status: 'nearly done' is not one of: not_started, in_progress" in str(err.value)
    assert parse_choice(DeliveryStatus, "In progress", "x") == DeliveryStatus.IN_PROGRESS


def test_rag_table_pivots_counts_per_group_in_order() -> None:
    from plan.actions import rag_table

    counts = [{"group": "Prepare", "rag": "red", "count": 2, "overdue": 1},
              {"group": "Prepare", "rag": "green", "count": 3, "overdue": 0},
              {"group": "Pursue", "rag": "not_assessed", "count": 6, "overdue": 2}]
    table = rag_table(counts)
    assert [row["group"] for row in table] == ["Prepare", "Pursue"]
    assert table[0]["by_rag"] == {"red": 2, "amber": 0, "green": 3, "blue": 0, "not_assessed": 0}
    assert (table[0]["total"], table[0]["overdue"], table[1]["total"], table[1]["overdue"]) == (5, 1, 6, 2)
