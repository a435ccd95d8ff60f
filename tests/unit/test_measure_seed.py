"""Measures in the plan file: every field checked, errors with line and field; the seed plan's
measures say what kind of figure they are, with no invented figures."""

import textwrap
from datetime import date
from pathlib import Path

import pytest

from plan.errors import SeedError
from plan.seed import parse_seed, read_seed

ROOT = Path(__file__).resolve().parents[2]

PLAN = textwrap.dedent("""\
    plan: {slug: test-plan, name: Test plan, organisation: Test council}
    themes: [{name: Protect}]
    boards: [{code: CSP, name: Community Safety Partnership}]
    agencies: [{name: Test council, kind: council}]
    actions:
      - ref: "3.1"
        theme: Protect
        title: Safeguard children
        owner: Coordinator
        measures:
          - ref: M1
            name: Staff trained
            unit: people
            kind: cumulative
            cumulative_since: 2026-07-03
            target_text: 800 by 31/03/2028
            direction: higher
            frequency: quarterly
            lag_days: 30
            source_agency: Test council
      - ref: "3.2"
        theme: Protect
        title: Safeguard adults
        owner: Coordinator
    measures:
      - ref: M2
        name: NRM referrals
        unit: referrals
        direction: contextual
        frequency: quarterly
        actions: ["3.1", "3.2"]
    """)


def _problems(text: str) -> str:
    with pytest.raises(SeedError) as err:
        parse_seed(text)
    return str(err.value)


def test_measures_under_an_action_and_for_several_actions() -> None:
    seed = parse_seed(PLAN)
    m1, m2 = seed.measures
    assert (m1.ref, m1.kind, m1.cumulative_since, m1.target, m1.target_date, m1.target_type, m1.actions) == (
        "M1", "cumulative", date(2026, 7, 3), 800.0, date(2028, 3, 31), "trajectory", ["3.1"])
    assert (m2.ref, m2.direction, m2.kind, m2.target_type, m2.actions) == ("M2", "contextual", "count", "none",
                                                                           ["3.1", "3.2"])
    assert [m.ref for m in seed.actions[0].measures] == ["M1"]


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("direction: higher", "direction: sideways",
     "line 17: measure M1.direction: 'sideways' is not a direction of good; write higher, lower or contextual"),
    ("kind: cumulative", "kind: average", "line 14: measure M1.kind: 'average' is not a kind of measure"),
    ("        cumulative_since: 2026-07-03\n", "",
     "line 11: measure M1.cumulative_since: a cumulative measure needs the date it counts from."),
    ("frequency: quarterly\n        lag", "frequency: fortnightly\n        lag",
     "line 18: measure M1.frequency: 'fortnightly' is not a reporting frequency"),
    ("lag_days: 30", "lag_days: 4.5", "line 19: measure M1.lag_days: 4.5 is not a whole number of days."),
    ('actions: ["3.1", "3.2"]', 'actions: ["3.1", "9.9"]', "line 31: measure M2.actions: '9.9' is not an action"),
    ("source_agency: Test council", "source_agency: Police",
     "line 20: measure M1.source_agency: 'Police' is not in the agencies list"),
])
def test_a_bad_measure_names_the_line_and_field(old, new, problem) -> None:
    assert old in PLAN
    assert problem in _problems(PLAN.replace(old, new))


def test_the_seed_plans_measures() -> None:
    seed = read_seed(ROOT / "seed_actions.yaml")
    by_ref = {m.ref: m for m in seed.measures}
    assert all(m.baseline is None for m in seed.measures), "the source gives no figures: no invented baselines"
    assert {m.kind for m in seed.measures} == {"count", "cumulative", "snapshot", "rolling_12"}
    assert {m.frequency for m in seed.measures} >= {"monthly", "quarterly", "termly"}
    # counts of identification and of enforcement are contextual: a rise can mean better identification
    assert {r for r, m in by_ref.items() if m.direction == "contextual"} == {"M3.1", "M3.2", "M3.7", "M4.2"}
    assert by_ref["M3.7"].actions == ["3.1", "3.2"] and by_ref["M3.1"].actions == ["3.1", "3.3"]
    assert all(m.target_type == ("value" if m.target is not None else "none") for m in seed.measures)
    assert all(m.target_text for m in seed.measures if m.target is not None)
