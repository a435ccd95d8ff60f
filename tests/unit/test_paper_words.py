"""The words of the board paper, against hand-worked examples: the key messages name what moved
and why, the recommendations follow from what the paper holds, an exception's row says which rule
put it there and, where the rules suggest a worse RAG, why."""

from datetime import date, datetime

from plan.exports.paper.messages import PaperFacts, default_recommendations, key_messages, plural
from plan.exports.paper.sheets import exception_values

HEADLINE = {"total": 6, "red": 2, "amber": 2, "green": 1, "blue": 1, "not_assessed": 0, "due_by_now": 2,
            "due_complete": 1, "completion_percent": 50, "not_updated_this_round": 2, "round_period": "2026-Q4"}
LICENSING = {"ref": "2.3", "title": "Licensing reviews", "restricted": False}
EXCEPTIONS = [
    {**LICENSING, "rag": "red", "codes": ["red", "worsened"], "days_overdue": 0},
    {"ref": "1.5", "title": "Refresh the county lines pathway", "restricted": False, "rag": "amber",
     "codes": ["overdue"], "days_overdue": 45},
    {"ref": "3.1", "title": "Safeguard children who are vulnerable to criminal exploitation", "restricted": False,
     "rag": "amber", "codes": ["support_asked"], "days_overdue": 0},
]
ROWS = {"2.3": {**LICENSING, "blockers": "The ICB has not signed the agreement. We have escalated it.",
                "commentary": "Reviews paused."},
        "4.1": {"ref": "4.1", "title": "Disrupt county lines", "restricted": False, "commentary": ""},
        "4.6": {"ref": "4.6", "title": "Restricted action: detail shown only to cleared users", "restricted": True,
                "blockers": "Restricted"}}
CHANGES = {
    "transitions": [
        {**LICENSING, "from_rag": "amber", "to_rag": "red", "from_label": "Amber", "to_label": "Red",
         "direction": "worse"},
        {"ref": "4.1", "title": "Disrupt county lines", "restricted": False, "from_rag": "red", "to_rag": "amber",
         "from_label": "Red", "to_label": "Amber", "direction": "better"},
        {"ref": "4.6", "title": "Restricted action: detail shown only to cleared users", "restricted": True,
         "from_rag": "green", "to_rag": "amber", "from_label": "Green", "to_label": "Amber", "direction": "worse"}],
    "completed": [{"ref": "1.1", "title": "Run the strategic group", "restricted": False}],
    "due_dates_moved": [{"ref": "1.5", "title": "Refresh the county lines pathway", "restricted": False,
                         "from": date(2026, 9, 30), "to": date(2026, 12, 31)}],
}
FOLLOW_UPS = [{"done": False, "overdue": True}, {"done": False, "overdue": False}]


def _facts(**changes) -> PaperFacts:  # noqa: ANN003
    values = {"headline": HEADLINE, "exceptions": EXCEPTIONS, "rows": ROWS, "since": date(2026, 10, 8),
              "changes": CHANGES, "follow_ups": FOLLOW_UPS, "restricted": 1, "round_words": "Q3 2026/27"}
    return PaperFacts(**{**values, **changes})


def test_key_messages_name_what_moved_and_why() -> None:
    assert key_messages(_facts()) == [
        "6 actions in this paper: 2 Red, 2 Amber, 1 Green, 1 Blue (complete). 1 of the 2 actions due by now is "
        "complete (50%).",
        "2.3 Licensing reviews moved Amber to Red: the ICB has not signed the agreement.",
        "4.6 (a restricted action) moved Green to Amber.",
        "Improved since 08 Oct 2026: 4.1 Disrupt county lines (Red to Amber).",
        "Completed since the last meeting: 1.1 Run the strategic group.",
        "1 due date moved since the last meeting: 1.5 Refresh the county lines pathway (30 Sep 2026 to 31 Dec 2026).",
        "1 action is overdue by more than 30 days: 1.5 Refresh the county lines pathway (45 days).",
        "The owner of 1 action asks the group for support: 3.1 Safeguard children who are vulnerable to criminal "
        "exploitation.",
        "2 actions have no update for the Q3 2026/27 round.",
        "2 follow-ups from earlier meetings are open, 1 of them overdue (see Matters arising).",
        "1 restricted action is counted in every total; the detail is in the restricted annex, a separate file for "
        "cleared readers only.",
    ]


def test_the_first_paper_says_there_is_nothing_to_compare_with() -> None:
    messages = key_messages(_facts(since=None, changes=None, follow_ups=[], restricted=0, exceptions=[],
                                   headline={**HEADLINE, "completion_percent": None, "not_updated_this_round": 0}))
    assert messages == ["6 actions in this paper: 2 Red, 2 Amber, 1 Green, 1 Blue (complete).",
                        "This is the first paper: there is no earlier closed meeting to compare with."]


def test_a_long_title_and_many_movers_are_cut_and_counted() -> None:
    movers = [{"ref": f"9.{n}", "title": "A very long action title " * 6, "restricted": False, "from_rag": "green",
               "to_rag": "amber", "from_label": "Green", "to_label": "Amber", "direction": "worse"} for n in range(8)]
    messages = key_messages(_facts(changes={**CHANGES, "transitions": movers}, rows={}))
    moved = [m for m in messages if " moved Green to Amber" in m]
    assert len(moved) == 5 and "3 more actions got worse (see Changes)." in messages
    assert moved[0].startswith("9.0 A very long action title A very long action title A very long action") \
        and "…" in moved[0] and len(moved[0]) < 120


def test_recommendations_follow_from_the_paper() -> None:
    assert default_recommendations(_facts()) == [
        "Note the progress reported in this paper.",
        "Agree the actions to be taken on the 3 exceptions (see Exceptions), challenging their owners where the "
        "group is not assured.",
        "Review the 2 open follow-ups, 1 of them overdue, and agree new dates where needed.",
        "Note the 1 due date moved since the last meeting.",
    ]
    assert default_recommendations(_facts(exceptions=[], follow_ups=[], changes=None)) == [
        "Note the progress reported in this paper."]


def test_an_exceptions_row_says_why_and_a_worse_suggestion_with_its_reason() -> None:
    row = {"ref": "1.4", "title": "Brief partner agencies", "owner": "Pat Lead", "rag": "green", "rag_label": "Green",
           "reasons": ["No update in the 2026-Q4 round."], "codes": ["no_update_in_round"],
           "suggested_rag": "amber", "suggested_label": "Amber",
           "suggested_reason": "Amber suggested: no update in the 2026-Q4 round.",
           "last_update_at": datetime(2026, 9, 1), "commentary": "Briefings booked.", "blockers": "",
           "support_asked": "Ask of the group: a slot at each board"}
    values = exception_values(row)
    assert [v if isinstance(v, str) else v.value for v in values] == [
        "1.4", "Brief partner agencies", "Pat Lead", "Green", "No update in the 2026-Q4 round.",
        "Amber: no update in the 2026-Q4 round.", "01 Sep 2026: Briefings booked.",
        "Support asked: Ask of the group: a slot at each board"]
    # the same suggestion put it on the list: the why column gives the reason, the column only the RAG
    row = {**row, "reasons": ["The owner says Green; Amber suggested: no update in the 2026-Q4 round."],
           "codes": ["optimistic"]}
    assert exception_values(row)[5].value == "Amber"
    # a suggestion no worse than the owner's is not shown
    assert exception_values({**row, "rag": "red", "rag_label": "Red"})[5] == ""


def test_plural() -> None:
    assert [plural(0, "action"), plural(1, "action"), plural(2, "action"), plural(1, "action is", "actions are")] \
        == ["0 actions", "1 action", "2 actions", "1 action is"]
