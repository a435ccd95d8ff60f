"""The chair's view rules, as tables: the suggested RAG and its sentence, direction of travel,
why an action is an exception, the thresholds' limits, and filters in the URL."""

from datetime import date

import pytest

from plan.errors import InvalidInput
from plan.reports.asof import ReportFilter, period_ends
from plan.reports.rules import ActionFacts, Suggestion, Thresholds, concerns, direction, exception_reasons, suggest
from plan.reports.rules import threshold_problems as problems

DEFAULT = Thresholds()

# facts -> (suggested RAG, the sentence the chair reads)
SUGGESTIONS = [
    (ActionFacts(rag="green", delivery_status="in_progress", days_since_update=10),
     "green", "Green suggested: not overdue, updated on time, and its due date has not moved more than 2 times."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_overdue=40, days_since_update=10,
                 evidence=("red", "Its measure is 25% below target.")),
     "red", "Red suggested: 40 days overdue and its measure is 25% below target."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_overdue=30, days_since_update=5),
     "red", "Red suggested: 30 days overdue."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_overdue=29, days_since_update=5),
     "amber", "Amber suggested: 29 days overdue."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_overdue=1, days_since_update=5),
     "amber", "Amber suggested: 1 day overdue."),
    (ActionFacts(rag="green", delivery_status="in_progress", due_moves=2, days_since_update=5), "green", None),
    (ActionFacts(rag="green", delivery_status="in_progress", due_moves=3, days_since_update=5),
     "amber", "Amber suggested: due date moved 3 times."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_since_update=90), "green", None),
    (ActionFacts(rag="green", delivery_status="in_progress", days_since_update=91),
     "amber", "Amber suggested: no update for 91 days."),
    (ActionFacts(rag="not_assessed", delivery_status="not_started", days_since_update=None, days_since_added=120),
     "amber", "Amber suggested: no update since it was added 120 days ago."),
    (ActionFacts(rag="not_assessed", delivery_status="not_started", days_since_update=None, days_since_added=3),
     "green", None),
    (ActionFacts(rag="green", delivery_status="in_progress", days_since_update=3, updated_this_round=False,
                 round_period="2026-Q4"),
     "amber", "Amber suggested: no update in the 2026-Q4 round."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_overdue=45, due_moves=4, days_since_update=100,
                 updated_this_round=False, round_period="2026-Q4"),
     "red", "Red suggested: 45 days overdue, due date moved 4 times, no update for 100 days and no update in "
            "the 2026-Q4 round."),
    (ActionFacts(rag="green", delivery_status="in_progress", days_since_update=3,
                 evidence=("amber", "M3.5 is 5% short of its trajectory.")),
     "amber", "Amber suggested: M3.5 is 5% short of its trajectory."),
    (ActionFacts(rag="blue", delivery_status="complete", days_since_update=400), "blue", "Blue suggested: complete."),
    (ActionFacts(rag="amber", delivery_status="deferred", days_overdue=90, days_since_update=400), None,
     "No suggestion: the action is deferred."),
    (ActionFacts(rag="amber", delivery_status="closed"), None, "No suggestion: the action is closed."),
    # A suggestion only warns: never a better RAG than the owner's own.
    (ActionFacts(rag="red", delivery_status="in_progress", days_since_update=3), None,
     "No suggestion: the rules see no more risk than the owner's Red."),
    (ActionFacts(rag="amber", delivery_status="in_progress", days_overdue=3, days_since_update=3), "amber",
     "Amber suggested: 3 days overdue."),
    (ActionFacts(rag="red", delivery_status="in_progress", days_overdue=3, days_since_update=3), None,
     "No suggestion: the rules see no more risk than the owner's Red."),
    (ActionFacts(rag="green", delivery_status="complete"), None,
     "No suggestion: the rules see no more risk than the owner's Green."),
]


@pytest.mark.parametrize(("facts", "rag", "sentence"), SUGGESTIONS)
def test_suggested_rag(facts: ActionFacts, rag: str | None, sentence: str | None) -> None:
    got = suggest(facts, DEFAULT)
    assert got.rag == rag
    if sentence:
        assert got.sentence == sentence


# The plan's own thresholds change the outcome.
STRICT = Thresholds(red_overdue_days=10, amber_overdue_days=5, amber_due_moves=0, stale_days=30,
                    amber_if_no_update_in_round=False, use_measure_evidence=False)
THRESHOLD_CASES = [
    (ActionFacts(delivery_status="in_progress", days_overdue=10, days_since_update=1), "red"),
    (ActionFacts(delivery_status="in_progress", days_overdue=4, days_since_update=1), "green"),
    (ActionFacts(delivery_status="in_progress", due_moves=1, days_since_update=1), "amber"),
    (ActionFacts(delivery_status="in_progress", days_since_update=31), "amber"),
    (ActionFacts(delivery_status="in_progress", days_since_update=1, updated_this_round=False, round_period="Q"),
     "green"),
    (ActionFacts(delivery_status="in_progress", days_since_update=1, evidence=("red", "Below target.")), "green"),
]


@pytest.mark.parametrize(("facts", "rag"), THRESHOLD_CASES)
def test_a_plans_thresholds_change_the_suggestion(facts: ActionFacts, rag: str) -> None:
    assert suggest(facts, STRICT).rag == rag


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("amber", "green", "better"), ("green", "red", "worse"), ("amber", "amber", "same"),
    ("red", "blue", "better"), ("blue", "amber", "worse"), ("not_assessed", "green", "first_assessed"),
    (None, "red", "first_assessed"), ("not_assessed", "not_assessed", "same"), ("green", "not_assessed", "same"),
])
def test_direction_of_travel(before: str | None, after: str, expected: str) -> None:
    assert direction(before, after) == expected


ROW = {"rag": "green", "delivery_status": "in_progress", "days_overdue": 0, "due_moves": 0, "days_since_update": 5,
       "days_since_added": 100, "updated_this_round": True, "round_period": "2026-Q4", "support_asked": ""}
AMBER_SUGGESTED = Suggestion("amber", ["12 days overdue"], "Amber suggested: 12 days overdue.")
CONCERNS = [
    ({}, {}, []),
    ({"rag": "red"}, {}, [("red", "Red: the owner says it is off track.")]),
    ({"rag": "amber"}, {}, [("amber", "Amber: the owner says it is at risk.")]),
    ({"days_overdue": 12}, {"due": date(2026, 11, 1)}, [("overdue", "12 days overdue (due 01 Nov 2026).")]),
    ({"days_since_update": 120}, {}, [("stale", "No update for 120 days.")]),
    ({"updated_this_round": False}, {}, [("no_update_in_round", "No update in the 2026-Q4 round.")]),
    ({"rag": "amber"}, {"since_rag": "green"},
     [("amber", "Amber: the owner says it is at risk."),
      ("worsened", "Worse since the last meeting: Green to Amber.")]),
    ({}, {"since_rag": "amber"}, []),  # better since: not an exception
    ({"support_asked": "Help with the data-sharing agreement"}, {},
     [("support_asked", "The owner asks the group for support.")]),
    ({"due_moves": 1}, {"moved_since": True}, [("due_moved", "Due date moved since the last meeting.")]),
    ({"due_moves": 3}, {}, [("due_moved", "Due date moved 3 times.")]),
    ({}, {"suggested": AMBER_SUGGESTED},
     [("optimistic", "The owner says Green; Amber suggested: 12 days overdue.")]),
    ({"rag": "red"}, {"suggested": AMBER_SUGGESTED}, [("red", "Red: the owner says it is off track.")]),
    ({"rag": "blue", "delivery_status": "complete", "days_since_update": 400}, {}, []),
    ({"rag": "blue", "delivery_status": "complete"}, {"since_rag": "blue"}, []),
]


@pytest.mark.parametrize(("changes", "context", "expected"), CONCERNS)
def test_what_a_chair_might_challenge(changes: dict, context: dict, expected: list) -> None:
    assert concerns({**ROW, **changes}, thresholds=DEFAULT, **context) == expected


# With the plan's default rules the list is short: Red, worse since the last meeting, overdue by
# more than 30 days, no update in the round, support asked, a worse suggested RAG.
EXCEPTIONS = [
    ({}, {}, []),
    ({"rag": "red"}, {}, [("red", "Red: the owner says it is off track.")]),
    ({"rag": "amber"}, {}, []),  # an Amber alone is not an exception
    ({"rag": "amber"}, {"since_rag": "green"}, [("worsened", "Worse since the last meeting: Green to Amber.")]),
    ({"days_overdue": 12}, {"due": date(2026, 11, 1)}, []),
    ({"days_overdue": 30}, {}, []),
    ({"days_overdue": 31}, {"due": date(2026, 11, 1)}, [("overdue", "31 days overdue (due 01 Nov 2026).")]),
    ({"days_since_update": 120}, {}, [("stale", "No update for 120 days.")]),
    ({"updated_this_round": False}, {}, [("no_update_in_round", "No update in the 2026-Q4 round.")]),
    ({"support_asked": "Help with the data-sharing agreement"}, {},
     [("support_asked", "The owner asks the group for support.")]),
    ({"due_moves": 1}, {"moved_since": True}, []),
    ({"due_moves": 3}, {}, []),
    ({}, {"suggested": AMBER_SUGGESTED},
     [("optimistic", "The owner says Green; Amber suggested: 12 days overdue.")]),
    ({"rag": "red", "days_overdue": 40}, {"since_rag": "amber", "due": date(2026, 10, 1)},
     [("red", "Red: the owner says it is off track."), ("overdue", "40 days overdue (due 01 Oct 2026)."),
      ("worsened", "Worse since the last meeting: Amber to Red.")]),
    ({"rag": "blue", "delivery_status": "complete", "days_since_update": 400}, {}, []),
]


@pytest.mark.parametrize(("changes", "context", "expected"), EXCEPTIONS)
def test_why_an_action_is_an_exception(changes: dict, context: dict, expected: list) -> None:
    assert exception_reasons({**ROW, **changes}, thresholds=DEFAULT, **context) == expected


# Each rule switched by the plan: (setting changed, the row, what it is on the list for, or nothing).
RULES = [
    ({"exceptions_red": False}, {"rag": "red"}, {}, []),
    ({"exceptions_every_amber": True}, {"rag": "amber"}, {}, ["amber"]),
    ({"exceptions_worsened": False}, {"rag": "amber"}, {"since_rag": "green"}, []),
    ({"exceptions_overdue_days": 10}, {"days_overdue": 12}, {}, ["overdue"]),
    ({"exceptions_overdue": False}, {"days_overdue": 90}, {}, []),
    ({"exceptions_no_update": False}, {"days_since_update": 120, "updated_this_round": False}, {}, []),
    ({"exceptions_support_asked": False}, {"support_asked": "Help"}, {}, []),
    ({"exceptions_suggested_worse": False}, {}, {"suggested": AMBER_SUGGESTED}, []),
    ({"exceptions_due_moved": True}, {"due_moves": 1}, {"moved_since": True}, ["due_moved"]),
    ({"exceptions_due_moved": True}, {"due_moves": 3}, {}, ["due_moved"]),
]


@pytest.mark.parametrize(("setting", "changes", "context", "codes"), RULES)
def test_a_plans_exceptions_rules_choose_the_list(setting: dict, changes: dict, context: dict, codes: list) -> None:
    rules = Thresholds(**{**DEFAULT.as_dict(), **setting})
    assert [code for code, _ in exception_reasons({**ROW, **changes}, thresholds=rules, **context)] == codes


@pytest.mark.parametrize(("changes", "field"), [
    ({"red_overdue_days": 0}, "red_overdue_days"),
    ({"stale_days": 5000}, "stale_days"),
    ({"amber_due_moves": -1}, "amber_due_moves"),
    ({"amber_overdue_days": 40}, "amber_overdue_days"),  # more than the Red threshold
    ({"red_overdue_days": True}, "red_overdue_days"),
])
def test_thresholds_out_of_range_are_named(changes: dict, field: str) -> None:
    found = problems(Thresholds(**{**DEFAULT.as_dict(), **changes}))
    assert list(found) == [field]
    assert problems(DEFAULT) == {}


def test_filters_go_into_the_url_and_come_back() -> None:
    chosen = ReportFilter(themes=["Prevent", "Pursue"], agencies=["Essex Police"], boards=["HWBB"], include_demo=False)
    params = chosen.to_params(date(2026, 9, 30))
    assert params == {"theme": ["Prevent", "Pursue"], "agency": ["Essex Police"], "board": ["HWBB"], "demo": "0",
                      "as_of": "2026-09-30"}
    assert ReportFilter.from_params(params) == (chosen, date(2026, 9, 30))
    assert ReportFilter.from_params({}) == (ReportFilter(), None)
    assert ReportFilter.from_params({"board": "HWBB"}) == (ReportFilter(boards=["HWBB"]), None)
    with pytest.raises(InvalidInput, match="As at: '31/02/2026' is not a real date"):
        ReportFilter.from_params({"as_of": "31/02/2026"})


def test_the_trend_reads_each_period_at_its_end_and_the_last_at_the_day() -> None:
    assert period_ends(date(2026, 7, 3), date(2026, 11, 29), "quarterly") == [
        ("2026-Q3", date(2026, 9, 30)), ("2026-Q4", date(2026, 11, 29))]
    assert period_ends(date(2026, 1, 15), date(2026, 3, 31), "monthly") == [
        ("2026-01", date(2026, 1, 31)), ("2026-02", date(2026, 2, 28)), ("2026-03", date(2026, 3, 31))]
