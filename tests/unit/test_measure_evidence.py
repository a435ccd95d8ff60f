"""Evidence RAG and direction of travel at their edges, as tables (plan/measures/evidence_rules.py)."""

from datetime import date

import pytest

from plan.measures.evidence_rules import evidence, expected_for, weaker_than_owner
from plan.measures.periods import parse_period


def measure(**fields):  # noqa: ANN003, ANN201
    base = {"unit": "count", "kind": "snapshot", "direction": "higher", "target": 80.0, "target_type": "value",
            "target_per": "period", "tolerance": 5.0, "baseline": None, "baseline_period": "", "target_date": None,
            "cumulative_since": None, "frequency": "quarterly", "target_text": "80"}
    base.update(fields)
    return base


def v(period: str, value: float | None, state: str = "value") -> dict:
    return {"period": period, "value": value, "state": state}


# A target of 80 with a tolerance of 5% of it: the Amber band is 4 wide (76 to 80 higher-is-better, 80 to 84 lower).
RAG = [
    ("higher: exactly on target", {}, 80.0, "green"),
    ("higher: above target", {}, 93.0, "green"),
    ("higher: inside tolerance", {}, 77.5, "amber"),
    ("higher: exactly on the tolerance edge", {}, 76.0, "amber"),
    ("higher: just outside tolerance", {}, 75.99, "red"),
    ("higher: no tolerance, a hair short", {"tolerance": None}, 79.99, "red"),
    ("lower: exactly on target", {"direction": "lower"}, 80.0, "green"),
    ("lower: below target", {"direction": "lower"}, 12.0, "green"),
    ("lower: inside tolerance", {"direction": "lower"}, 83.0, "amber"),
    ("lower: exactly on the tolerance edge", {"direction": "lower"}, 84.0, "amber"),
    ("lower: just outside tolerance", {"direction": "lower"}, 84.01, "red"),
    ("contextual: never rated", {"direction": "contextual"}, 200.0, None),
    ("words only: never rated", {"target": None, "target_type": "none", "target_text": "Reduce"}, 1.0, None),
    ("target type none: never rated", {"target_type": "none"}, 1.0, None),
    ("a relative target, rounding kept out: 10% off 188 is 169.2", {"direction": "lower", "target": 188 * 0.9,
                                                                    "tolerance": None}, 169.2, "green"),
]


@pytest.mark.parametrize(("case", "fields", "value", "rag"), RAG, ids=[r[0] for r in RAG])
def test_evidence_rag_at_the_edges(case, fields, value, rag) -> None:
    found = evidence(measure(**fields), [v("2025-Q1", 70.0), v("2025-Q2", value)])
    assert found.rag == rag, found.reason
    assert found.period == "2025-Q2"


def test_the_reason_is_in_words() -> None:
    assert evidence(measure(), [v("2025-Q2", 77.5)]).reason == (
        "Amber: 77.5 in Apr–Jun 2025 misses the target of 80 but is within the tolerance of 5% (4).")
    assert evidence(measure(direction="contextual"), [v("2025-Q2", 7)]).reason == (
        "Contextual measure: 7 in Apr–Jun 2025, monitored with no RAG.")
    assert evidence(measure(target=None, target_type="none", target_text="Reduce"), [v("2025-Q2", 7)]).reason == (
        "No numeric target (target: Reduce), so no evidence RAG; 7 in Apr–Jun 2025.")
    assert evidence(measure(), []).rag is None


@pytest.mark.parametrize("state", ["missing", "suppressed"])
def test_a_newest_period_without_a_figure_is_skipped_and_said(state) -> None:
    found = evidence(measure(), [v("2024-Q4", 90.0), v("2025-Q1", 70.0), v("2025-Q2", None, state)])
    assert (found.rag, found.period, found.value, found.uses_older_figure) == ("red", "2025-Q1", 70.0, True)
    words = "suppressed" if state == "suppressed" else "not yet available"
    assert found.skipped == [f"Apr–Jun 2025 ({words})"]
    assert found.reason.startswith(f"Latest figure is for Jan–Mar 2025, because newer periods have no usable "
                                   f"figure: Apr–Jun 2025 ({words}). Red:")
    # never read as zero: a zero would be Red against 80 too, so check the figure judged, and the travel
    assert (found.direction_of_travel, found.previous["value"]) == ("worse", 90.0)


def test_only_suppressed_and_missing_figures_give_no_rag() -> None:
    found = evidence(measure(), [v("2025-Q1", None, "suppressed"), v("2025-Q2", None, "missing")])
    assert found.rag is None
    assert found.reason == "No figure yet: every period so far is suppressed or not yet available."


# Cumulative count: 0 at the end of 2023/24 (baseline), 800 by 31 March 2026 (target). The trajectory at the
# end of each quarter is the straight line between them; the running total reported is compared with it.
CUMULATIVE = {"kind": "cumulative", "cumulative_since": date(2024, 4, 1), "baseline": 0.0,
              "baseline_period": "FY2023/24", "target": 800.0, "target_date": date(2026, 3, 31),
              "target_type": "trajectory", "tolerance": 10.0}


@pytest.mark.parametrize(("period", "expected"), [
    ("2024-Q1", 0.0),  # on the baseline's last day: the baseline
    ("2024-Q2", 800 * 91 / 730),  # 30 June 2024: 91 of the 730 days
    ("2025-Q1", 400.0),  # 31 March 2025: half way
    ("2026-Q1", 800.0),  # the target date
    ("2026-Q3", 800.0),  # after it: the target
])
def test_the_trajectory_by_period(period, expected) -> None:
    assert expected_for(measure(**CUMULATIVE), parse_period(period)) == pytest.approx(expected)


@pytest.mark.parametrize(("total", "rag"), [(400.0, "green"), (360.0, "amber"), (359.0, "red")])
def test_a_cumulative_total_against_where_the_trajectory_should_be(total, rag) -> None:
    found = evidence(measure(**CUMULATIVE), [v("2024-Q4", 310.0), v("2025-Q1", total)])
    assert (found.rag, found.expected) == (rag, pytest.approx(400.0))


def test_a_cumulative_measure_without_a_baseline_starts_from_zero_the_day_before_it_counts() -> None:
    fields = dict(CUMULATIVE, baseline=None, baseline_period="")
    assert expected_for(measure(**fields), parse_period("2025-Q1")) == pytest.approx(400.0)


def test_a_snapshot_is_compared_as_it_stands() -> None:
    found = evidence(measure(unit="%", target=80.0), [v("2025-Q1", 66.0), v("2025-Q2", 81.0)])
    assert (found.rag, found.expected, found.direction_of_travel) == ("green", 80.0, "better")


def test_a_rolling_rate_is_never_summed() -> None:
    # four rolling figures of 200 would sum to 800; the latest figure alone is compared with the target
    fields = {"kind": "rolling_12", "unit": "rate per 100,000", "direction": "lower", "target": 210.0,
              "tolerance": None}
    found = evidence(measure(**fields), [v(p, 200.0) for p in ("2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2")])
    assert (found.rag, found.value, found.expected, found.direction_of_travel) == ("green", 200.0, 210.0, "same")


def test_a_count_in_a_quarter_against_a_yearly_target_and_baseline() -> None:
    # "10% reduction on baseline (<=191/yr)": 191 a year is 47.75 a quarter; never the quarters added up
    fields = {"kind": "count", "direction": "lower", "target": 191.0, "target_per": "year", "tolerance": None,
              "baseline": 212.0, "baseline_period": "FY2023/24"}
    found = evidence(measure(**fields), [v("2025-Q2", 48.0)])
    assert (found.rag, found.expected) == ("red", pytest.approx(47.75))
    assert evidence(measure(**fields), [v("2025-Q2", 47.75)]).rag == "green"
    # a trajectory from the yearly baseline (53 a quarter) to the target
    trajectory = dict(fields, target_type="trajectory", target_date=date(2025, 3, 31))
    assert expected_for(measure(**trajectory), parse_period("2024-Q3")) == pytest.approx(
        53 + (47.75 - 53) * 183 / 365)


TRAVEL = [
    # direction of good, figures, against the previous figure, against the same period last year
    ("higher", [v("2024-Q2", 50), v("2025-Q1", 60), v("2025-Q2", 70)], "better", "better"),
    ("higher", [v("2024-Q2", 80), v("2025-Q1", 75), v("2025-Q2", 70)], "worse", "worse"),
    ("lower", [v("2024-Q2", 80), v("2025-Q1", 75), v("2025-Q2", 70)], "better", "better"),
    ("lower", [v("2024-Q2", 70), v("2025-Q1", 70), v("2025-Q2", 70)], "same", "same"),
    ("contextual", [v("2024-Q2", 10), v("2025-Q1", 5), v("2025-Q2", 70)], None, None),
    # a suppressed previous quarter is skipped; last year's quarter suppressed: no comparison
    ("higher", [v("2024-Q2", None, "suppressed"), v("2024-Q4", 60), v("2025-Q1", None, "suppressed"),
                v("2025-Q2", 55)], "worse", None),
    ("higher", [v("2025-Q2", 55)], None, None),
]


@pytest.mark.parametrize(("direction", "figures", "previous", "last_year"), TRAVEL)
def test_direction_of_travel(direction, figures, previous, last_year) -> None:
    found = evidence(measure(direction=direction), figures)
    assert (found.direction_of_travel, found.direction_vs_last_year) == (previous, last_year)


def test_contextual_measures_still_show_the_raw_movement() -> None:
    assert evidence(measure(direction="contextual"), [v("2025-Q1", 5), v("2025-Q2", 9)]).change == "up"


@pytest.mark.parametrize(("owner", "evidence_rags", "flag"), [
    ("green", ["red"], "red"),
    ("green", ["amber", None], "amber"),
    ("green", ["green", "red"], "red"),  # the worst measure counts
    ("amber", ["red"], "red"),
    ("amber", ["amber"], None),  # the same is not weaker
    ("red", ["red"], None),
    ("blue", ["amber"], "amber"),  # complete, but the measure is off target: worth a question
    ("green", [None, None], None),  # contextual or no numeric target: nothing to compare
    ("not_assessed", ["red"], None),  # no owner's rating yet
])
def test_an_owner_rag_better_than_the_evidence_is_flagged(owner, evidence_rags, flag) -> None:
    assert weaker_than_owner(owner, evidence_rags) == flag


def test_a_counts_target_is_a_whole_number_in_words() -> None:
    """Issue 21: a quarter's share of a yearly count target read '499.73' and '42.3'. Shown whole:
    the fewest that meet it (higher is better) or the most (lower is better); rated the same."""
    from plan.measures.figures import format_target

    yearly = measure(kind="count", target=1999.0, target_per="year", tolerance=None, target_text="1,999 a year")
    assert "misses the target of 500 (no tolerance set)" in evidence(yearly, [v("2025-Q2", 499)]).reason
    assert evidence(yearly, [v("2025-Q2", 500)]).rag == "green"
    fewer = measure(kind="count", direction="lower", target=169.2, target_per="year", tolerance=None)
    assert "misses the target of 42 (no tolerance set)" in evidence(fewer, [v("2025-Q2", 43)]).reason
    assert evidence(fewer, [v("2025-Q2", 42)]).rag == "green"
    assert (format_target(42.3, "count", "lower"), format_target(499.73, "count"), format_target(55.5, "%")) == (
        "42", "500", "55.5%")
