"""Evidence RAG and direction of travel for a measure, from its figures. Pure rules: no database
(except `actions_with_weaker_evidence`, which reads measures through plan.measures.definitions).

Which figure is judged
    The latest period with a figure (state "value"). Periods after it whose figure is
    suppressed ("<5") or not yet available are skipped, never read as zero, and the result says
    so (`skipped`, `uses_older_figure`, and the first words of `reason`). No figure: no RAG.

No RAG at all
    A contextual measure (direction "contextual": monitored, a rise can mean better
    identification), and a measure without a numeric target ("Reduce", "Monitor", "Below
    regional average"), get None: never a guess.

What the figure is compared with: the expected figure for that period
    target_type "value": the target itself.
    target_type "trajectory": a straight line from the baseline (its value at the end of the
        baseline period) to the target (its value on the target date), read at the end of the
        period judged; before the baseline it is the baseline, after the target date the target.
        A cumulative measure without a baseline starts from 0 the day before it counts from.
        Without a target date, or without a starting point, the target itself is used.
    Counts in a period (kind "count") are scaled to the period judged: a yearly target
    ("191/yr", target_per "year") or a baseline for a year (baseline period 2023/24) counts
    three twelfths for a quarter. Cumulative totals, snapshots, rolling 12-month figures and
    rates are never scaled, summed or averaged: the figure as reported is compared.

Tolerance
    A percentage of the expected figure (5 means 5% of it), the same either side. Without a
    tolerance there is no Amber band.
        higher is better: figure >= expected                 Green
                          figure >= expected - tolerance     Amber
                          otherwise                          Red
        lower is better:  figure <= expected                 Green
                          figure <= expected + tolerance     Amber
                          otherwise                          Red
    Exactly on target is Green; exactly on the edge of the tolerance is Amber. Comparisons are
    made on figures rounded to 9 decimal places, so 10% off 188 is 169.2, not 169.20000000000002.

Direction of travel
    The judged figure against the figure before it (the previous period with a figure,
    skipping suppressed and missing ones) and against the same period a year earlier (only if
    that period has a figure). Higher is better and the figure rose: "better"; fell: "worse";
    equal: "same". Lower is better mirrors it. Contextual: None (the raw movement, up or down,
    is still given as `change`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from plan.errors import InvalidInput
from plan.measures.figures import format_target, format_value
from plan.measures.periods import Period, from_label, year_before

RAG_RANK = {"red": 0, "amber": 1, "green": 2}


@dataclass
class Evidence:
    rag: str | None = None  # red, amber, green; None when contextual, without a numeric target or a figure
    period: str | None = None  # the period judged (its canonical label)
    label: str = ""  # the same in words
    value: float | None = None
    expected: float | None = None  # the target for that period
    band: float | None = None  # the tolerance, in the measure's unit, for that period
    reason: str = ""  # one or two sentences a performance officer can read out
    skipped: list[str] = field(default_factory=list)  # newer periods with no usable figure, in words
    uses_older_figure: bool = False
    direction_of_travel: str | None = None  # better, worse, same (against the previous figure)
    direction_vs_last_year: str | None = None
    change: str | None = None  # up, down, same: the raw movement against the previous figure
    previous: dict[str, Any] | None = None  # {period, label, value}
    last_year: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _round(number: float) -> float:
    return round(number, 9)


def _span_months(label: str) -> int | None:
    try:
        return from_label(label).months if label else None
    except InvalidInput:
        return None


def expected_for(measure: Mapping[str, Any], period: Period) -> float | None:
    """The figure the measure should show for `period`, or None without a numeric target."""
    target = measure.get("target")
    target_type = measure.get("target_type") or ("value" if target is not None else "none")
    if target is None or target_type == "none":
        return None
    kind = measure.get("kind", "count")
    goal = float(target)
    baseline = measure.get("baseline")
    if kind == "count":
        if measure.get("target_per") == "year":
            goal = goal * period.months / 12
        if baseline is not None:
            months = _span_months(measure.get("baseline_period") or "") or period.months
            baseline = float(baseline) * period.months / months
    if target_type != "trajectory" or not measure.get("target_date"):
        return goal
    due = _as_date(measure["target_date"])
    start: tuple[date, float] | None = None
    if baseline is not None and measure.get("baseline_period"):
        start = (from_label(measure["baseline_period"]).end, float(baseline))
    elif kind == "cumulative" and measure.get("cumulative_since"):
        start = (_as_date(measure["cumulative_since"]) - timedelta(days=1), 0.0)
    if start is None or start[0] >= due:
        return goal
    begin, first = start
    if period.end <= begin:
        return first
    if period.end >= due:
        return goal
    share = (period.end - begin).days / (due - begin).days
    return first + (goal - first) * share


def baseline_for(measure: Mapping[str, Any], period: Period) -> float | None:
    """The baseline as it compares with this period's figure: a count's baseline for a year is
    scaled to the period (three twelfths for a quarter); other kinds are compared as they are."""
    baseline = measure.get("baseline")
    if baseline is None:
        return None
    if measure.get("kind", "count") == "count" and measure.get("baseline_period"):
        months = _span_months(measure["baseline_period"]) or period.months
        return float(baseline) * period.months / months
    return float(baseline)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def rate(value: float, expected: float, *, direction: str, tolerance: float | None) -> tuple[str, float]:
    """The RAG of one figure against its expected figure; returns (rag, band)."""
    band = abs(expected) * (tolerance or 0) / 100
    v, e, b = _round(value), _round(expected), _round(band)
    if direction == "lower":
        return ("green" if v <= e else "amber" if v <= _round(e + b) else "red"), band
    return ("green" if v >= e else "amber" if v >= _round(e - b) else "red"), band


def _movement(now: float, before: float, direction: str) -> tuple[str, str | None]:
    difference = _round(now - before)
    change = "same" if difference == 0 else "up" if difference > 0 else "down"
    if direction == "contextual":
        return change, None
    if change == "same":
        return change, "same"
    good = (change == "up") == (direction == "higher")
    return change, "better" if good else "worse"


def evidence(measure: Mapping[str, Any], values: Sequence[Mapping[str, Any]]) -> Evidence:
    """Judge a measure from its current figures ({period, state, value}, any order)."""
    unit = measure.get("unit", "count")
    direction = measure.get("direction", "contextual")
    entries = sorted(((from_label(v["period"]), v) for v in values), key=lambda pv: pv[0].sort_key)
    usable = [(p, float(v["value"])) for p, v in entries if v.get("state") == "value" and v.get("value") is not None]
    result = Evidence()
    if not usable:
        result.reason = "No figure yet" + (": every period so far is suppressed or not yet available."
                                           if entries else ".")
        return result
    period, value = usable[-1]
    result.period, result.label, result.value = period.label, period.display, value
    result.skipped = [f"{p.display} ({'suppressed' if v.get('state') == 'suppressed' else 'not yet available'})"
                      for p, v in entries if p.sort_key > period.sort_key]
    result.uses_older_figure = bool(result.skipped)
    opening = (f"Latest figure is for {period.display}, because newer periods have no usable figure: "
               f"{', '.join(result.skipped)}. " if result.skipped else "")

    earlier = [(p, v) for p, v in usable if p.sort_key < period.sort_key]
    if earlier:
        before_period, before = earlier[-1]
        result.previous = {"period": before_period.label, "label": before_period.display, "value": before}
        result.change, result.direction_of_travel = _movement(value, before, direction)
    first, last = year_before(period)
    for p, v in usable:
        if p.start == first and p.end == last:
            result.last_year = {"period": p.label, "label": p.display, "value": v}
            _, result.direction_vs_last_year = _movement(value, v, direction)

    shown = format_value(value, unit)
    if direction == "contextual":
        result.reason = opening + f"Contextual measure: {shown} in {period.display}, monitored with no RAG."
        return result
    expected = expected_for(measure, period)
    if expected is None:
        words = measure.get("target_text") or "none"
        result.reason = opening + (f"No numeric target (target: {words}), so no evidence RAG; "
                                   f"{shown} in {period.display}.")
        return result
    rag, band = rate(value, expected, direction=direction, tolerance=measure.get("tolerance"))
    result.rag, result.expected, result.band = rag, expected, band
    goal = format_target(expected, unit, direction)
    better = "higher" if direction == "higher" else "lower"
    if rag == "green":
        how = "meets" if _round(value) == _round(expected) else "is better than"
        words = f"{shown} in {period.display} {how} the target of {goal} for that period ({better} is better)."
    elif rag == "amber":
        words = (f"{shown} in {period.display} misses the target of {goal} but is within the tolerance of "
                 f"{measure.get('tolerance'):g}% ({format_value(round(band, 2), unit)}).")
    else:
        edge = expected - band if direction == "higher" else expected + band
        words = (f"{shown} in {period.display} misses the target of {goal}"
                 + (f" by more than the tolerance (Amber from {format_target(edge, unit, direction)})."
                    if band else " (no tolerance set)."))
    result.reason = opening + f"{rag.capitalize()}: {words}"
    return result


def target_line(measure: Mapping[str, Any], periods: Sequence[str]) -> list[dict[str, Any]]:
    """What the target is at each period (flat, trajectory or scaled), for charts."""
    line = []
    for label in periods:
        period = from_label(label)
        expected = expected_for(measure, period)
        if expected is not None:
            line.append({"period": label, "label": period.display, "end": period.end, "target": expected,
                         "words": format_target(expected, measure.get("unit", "count"),
                                                measure.get("direction", "higher"))})
    return line


def weaker_than_owner(owner_rag: str, evidence_rags: Sequence[str | None]) -> str | None:
    """The worst evidence RAG if it is worse than the owner's RAG (Blue, complete, counts as
    Green: a completed action whose measures are off target is still worth a question), else None."""
    rated = [r for r in evidence_rags if r in RAG_RANK]
    if not rated or owner_rag not in ("red", "amber", "green", "blue"):
        return None
    worst = min(rated, key=lambda r: RAG_RANK[r])
    owner = RAG_RANK["green" if owner_rag == "blue" else owner_rag]
    return worst if RAG_RANK[worst] < owner else None


def actions_with_weaker_evidence(session: Any, *, user: Any, plan_id: int) -> list[dict[str, Any]]:
    """Actions whose owner's RAG is better than the worst evidence RAG of their measures, each
    with the reason in one sentence (for the chair's exceptions). Restricted titles are masked
    for users not cleared."""
    from plan.measures.definitions import flagged_actions

    return flagged_actions(session, user=user, plan_id=plan_id)


def evidence_by_action(session: Any, *, user: Any, plan_id: int) -> list[dict[str, Any]]:
    """Every action with a rated measure: {ref, title, owner_rag, evidence_rag (the worst of its
    measures), measure_ref, period, reason} (for suggested RAGs and the chair's view)."""
    from plan.measures.definitions import evidence_by_action as by_action

    return by_action(session, user=user, plan_id=plan_id)
