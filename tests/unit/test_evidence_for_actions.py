"""When a measure's evidence speaks for an action's suggested RAG (plan.measures.definitions.judged_for)."""

from datetime import date

import pytest

from plan.measures.definitions import judged_for


def _measure(unit: str = "%", period: str = "2026-Q3", target_date: date | None = None,
             target_type: str = "value") -> dict:
    return {"unit": unit, "target_type": target_type, "target_date": target_date,
            "evidence": {"period": period, "rag": "red"}}


@pytest.mark.parametrize(("measure", "start", "judged"), [
    (_measure(), None, False),  # 94% of a 100% target in July to September: the target is for March
    (_measure(period="2027-Q1"), None, True),  # January to March: the year's end, judged
    (_measure(target_date=date(2026, 9, 30)), None, True),  # a target dated for the period: judged
    (_measure(target_type="trajectory", target_date=date(2027, 3, 31)), None, True),  # a trajectory has its path
    (_measure(unit="count"), None, True),  # counts are scaled to the period already
    (_measure(unit="count", period="2026-Q2"), date(2026, 10, 1), False),  # before the action started
    (_measure(unit="count", period="2026-Q3"), date(2026, 8, 1), True),
    ({"unit": "%", "evidence": {}}, None, False),  # no figure
])
def test_which_evidence_speaks_for_an_action(measure: dict, start: date | None, judged: bool) -> None:
    assert judged_for(measure, start) is judged
