"""Pure rules for the chair's view (no database): the suggested RAG and why, direction of travel,
and why an action is an exception. Tested as tables in tests/unit/test_chair_rules.py."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from plan.text import plural
from plan.vocab import RAG_LABELS, Rag

# Better is higher. "not_assessed" has no place: it is neither better nor worse than a rating.
RANK = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2, Rag.BLUE.value: 3}
SEVERITY = {"red": 0, "amber": 1}  # exceptions list: Red first, then Amber, then the rest

# Finished or paused actions owe no update, so they are never stale; finished ones are never overdue.
FINISHED = ("complete", "closed")
NOT_OWING = ("complete", "closed", "deferred")


@dataclass(frozen=True)
class Thresholds:
    """A plan's thresholds for the suggested RAG (Plan settings). The defaults:
    Red when 30 or more days overdue; Amber when 1 or more days overdue; Amber when the due date
    has moved more than 2 times; Amber when there has been no update for more than 90 days (or
    none since the action was added more than 90 days ago); Amber when there is no update in the
    current round; measure evidence Red or Amber suggests the same."""

    red_overdue_days: int = 30
    amber_overdue_days: int = 1
    amber_due_moves: int = 2
    stale_days: int = 90
    amber_if_no_update_in_round: bool = True
    use_measure_evidence: bool = True
    # What puts an action on the exceptions list (a meeting's short list, not most of the plan).
    exceptions_red: bool = True
    exceptions_every_amber: bool = False
    exceptions_worsened: bool = True
    exceptions_overdue: bool = True
    exceptions_overdue_days: int = 30
    exceptions_no_update: bool = True
    exceptions_support_asked: bool = True
    exceptions_suggested_worse: bool = True
    exceptions_due_moved: bool = False

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.names()}


LIMITS = {"red_overdue_days": (1, 3650), "amber_overdue_days": (1, 3650), "amber_due_moves": (0, 100),
          "stale_days": (1, 3650), "exceptions_overdue_days": (0, 3650)}
WORDS = {"red_overdue_days": "Days overdue for Red", "amber_overdue_days": "Days overdue for Amber",
         "amber_due_moves": "Due date moves allowed before Amber", "stale_days": "Days without an update before Amber",
         "amber_if_no_update_in_round": "Amber when there is no update in the round",
         "use_measure_evidence": "Use the measures' evidence",
         "exceptions_red": "Every Red action",
         "exceptions_every_amber": "Every Amber action (off: only an Amber that another rule puts there)",
         "exceptions_worsened": "Its RAG got worse since the last meeting",
         "exceptions_overdue": "Overdue by more than the days below",
         "exceptions_overdue_days": "Days overdue before an action is an exception",
         "exceptions_no_update": "No update in this round (or none for longer than the days without an update)",
         "exceptions_support_asked": "The owner asks the group for support",
         "exceptions_suggested_worse": "The rules suggest a worse RAG than the owner's",
         "exceptions_due_moved": "Its due date moved since the last meeting"}
EXCEPTION_SETTINGS = tuple(name for name in WORDS if name.startswith("exceptions_"))
# Which setting lets each reason put an action on the list (see exception_reasons).
RULE_OF = {"red": "exceptions_red", "amber": "exceptions_every_amber", "worsened": "exceptions_worsened",
           "overdue": "exceptions_overdue", "stale": "exceptions_no_update",
           "no_update_in_round": "exceptions_no_update",
           "support_asked": "exceptions_support_asked", "optimistic": "exceptions_suggested_worse",
           "due_moved": "exceptions_due_moved"}


def threshold_problems(values: Thresholds) -> dict[str, str]:
    """Every threshold out of range, by name, in words that say what to give."""
    problems = {}
    for name, (low, high) in LIMITS.items():
        value = getattr(values, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems[name] = f"{WORDS[name]}: give a whole number from {low} to {high}."
    if not problems and values.amber_overdue_days > values.red_overdue_days:
        problems["amber_overdue_days"] = (f"{WORDS['amber_overdue_days']} ({values.amber_overdue_days}) must not be "
                                          f"more than days overdue for Red ({values.red_overdue_days}).")
    return problems


@dataclass(frozen=True)
class ActionFacts:
    """What the rules look at for one action on one date."""

    rag: str = Rag.NOT_ASSESSED.value
    delivery_status: str = "not_started"
    days_overdue: int = 0
    due_moves: int = 0
    days_since_update: int | None = None  # None: never updated
    days_since_added: int | None = None
    updated_this_round: bool | None = None  # None: no round applies (or the action owes nothing)
    round_period: str = ""
    evidence: tuple[str, str] | None = None  # (evidence RAG, reason sentence) from the measures


@dataclass(frozen=True)
class Suggestion:
    rag: str | None
    reasons: list[str] = field(default_factory=list)
    sentence: str = ""

    @property
    def label(self) -> str:
        return RAG_LABELS[Rag(self.rag)] if self.rag else "No suggestion"


def _days(n: int) -> str:
    return f"{plural(n, 'day')}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def stale_reason(facts: ActionFacts, thresholds: Thresholds) -> str:
    """"no update for 120 days" / "no update since it was added 95 days ago", or ""."""
    if facts.delivery_status in NOT_OWING:
        return ""
    if facts.days_since_update is None:
        if facts.days_since_added is not None and facts.days_since_added > thresholds.stale_days:
            return f"no update since it was added {_days(facts.days_since_added)} ago"
        return ""
    if facts.days_since_update > thresholds.stale_days:
        return f"no update for {_days(facts.days_since_update)}"
    return ""


def round_reason(facts: ActionFacts) -> str:
    if facts.updated_this_round is False and facts.delivery_status not in NOT_OWING:
        return f"no update in the {facts.round_period} round" if facts.round_period else "no update in this round"
    return ""


def suggest(facts: ActionFacts, thresholds: Thresholds | None = None) -> Suggestion:
    """The RAG the rules suggest, beside the owner's, and why in one sentence.

    Red: overdue by red_overdue_days or more; the measures' evidence is Red.
    Amber: overdue by amber_overdue_days or more; the due date moved more than amber_due_moves
    times; no update for more than stale_days (or none since the action was added that long ago);
    no update in the current round; the measures' evidence is Amber.
    Green: none of these. Blue: complete. No suggestion for closed or deferred actions.
    The worst rule wins; the sentence gives every reason, the worst first.
    A suggestion only ever warns: where the rules find no more risk than the owner's own rating,
    there is no suggestion (a Red with "Green suggested" beside it reads as overruling the owner).
    """
    found = _suggest(facts, thresholds or Thresholds())
    if found.rag and better(found.rag, facts.rag):
        return Suggestion(None, [], f"No suggestion: the rules see no more risk than the owner's {label(facts.rag)}.")
    return found


def _suggest(facts: ActionFacts, t: Thresholds) -> Suggestion:
    if facts.delivery_status == "complete":
        return Suggestion(Rag.BLUE.value, ["complete"], "Blue suggested: complete.")
    if facts.delivery_status in ("closed", "deferred"):
        return Suggestion(None, [], f"No suggestion: the action is {facts.delivery_status}.")
    red: list[str] = []
    amber: list[str] = []
    if facts.days_overdue >= t.red_overdue_days:
        red.append(f"{_days(facts.days_overdue)} overdue")
    elif facts.days_overdue >= t.amber_overdue_days and facts.days_overdue > 0:
        amber.append(f"{_days(facts.days_overdue)} overdue")
    evidence = facts.evidence if t.use_measure_evidence else None
    if evidence and evidence[0] == Rag.RED.value:
        red.append(_clause(evidence[1]) or "its measure's evidence is Red")
    if facts.due_moves > t.amber_due_moves:
        amber.append(f"due date moved {plural(facts.due_moves, 'time')}")
    if reason := stale_reason(facts, t):
        amber.append(reason)
    if t.amber_if_no_update_in_round and (reason := round_reason(facts)):
        amber.append(reason)
    if evidence and evidence[0] == Rag.AMBER.value:
        amber.append(_clause(evidence[1]) or "its measure's evidence is Amber")
    if red:
        return Suggestion(Rag.RED.value, red + amber, f"Red suggested: {_join(red + amber)}.")
    if amber:
        return Suggestion(Rag.AMBER.value, amber, f"Amber suggested: {_join(amber)}.")
    return Suggestion(Rag.GREEN.value, [], "Green suggested: not overdue, updated on time, and its due date "
                                           f"has not moved more than {plural(t.amber_due_moves, 'time')}.")


def _clause(sentence: str) -> str:
    """A reason sentence from elsewhere as a clause: no full stop, first letter lower-cased
    unless it starts a name or ref ("M3.5 ...")."""
    text = " ".join((sentence or "").split()).rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


DIRECTION_WORDS = {"better": "Better", "worse": "Worse", "same": "No change", "first_assessed": "First assessed",
                   None: ""}  # `direction` in words, for people


def direction(from_rag: str | None, to_rag: str | None) -> str:
    """'better', 'worse' or 'same' between two ratings; 'first_assessed' when the first was none."""
    before, after = RANK.get(from_rag or ""), RANK.get(to_rag or "")
    if before is None and after is not None:
        return "first_assessed"
    if before is None or after is None or before == after:
        return "same"
    return "better" if after > before else "worse"


def better(rag: str | None, than: str | None) -> bool:
    """Whether `rag` is a better rating than `than` (both rated)."""
    a, b = RANK.get(rag or ""), RANK.get(than or "")
    return a is not None and b is not None and a > b


def label(rag: str | None) -> str:
    return RAG_LABELS[Rag(rag)] if rag else ""


def exception_reasons(row: dict[str, Any], *, thresholds: Thresholds | None = None, since_rag: str | None = None,
                      moved_since: bool = False, suggested: Suggestion | None = None,
                      due: date | None = None) -> list[tuple[str, str]]:
    """Why an action needs the group's attention, as (code, sentence), the most serious first:
    only the reasons whose rule the plan has switched on (Plan settings: exceptions_*); none means
    it is not an exception."""
    t = thresholds or Thresholds()
    return [(code, sentence) for code, sentence in concerns(row, thresholds=t, since_rag=since_rag,
                                                            moved_since=moved_since, suggested=suggested, due=due)
            if getattr(t, RULE_OF[code]) and (code != "overdue" or int(row.get("days_overdue") or 0)
                                               > t.exceptions_overdue_days)]


def concerns(row: dict[str, Any], *, thresholds: Thresholds | None = None, since_rag: str | None = None,
             moved_since: bool = False, suggested: Suggestion | None = None,
             due: date | None = None) -> list[tuple[str, str]]:
    """Everything about an action a chair might challenge, as (code, sentence), the most serious
    first, whatever the plan's exceptions rules say.

    row: rag, delivery_status, days_overdue, due_moves, days_since_update, days_since_added,
    updated_this_round, round_period, support_asked (text; masked or not, only its presence counts).
    since_rag: its RAG at the last meeting (for "worse since"); moved_since: its due date was
    moved since then; suggested: the rules' suggestion (for "the owner's RAG is better")."""
    t = thresholds or Thresholds()
    facts = facts_from(row)
    status, rag = facts.delivery_status, facts.rag
    reasons: list[tuple[str, str]] = []
    if status in FINISHED:
        if direction(since_rag, rag) == "worse":
            reasons.append(("worsened", f"Worse since the last meeting: {label(since_rag)} to {label(rag)}."))
        return reasons
    if rag == Rag.RED.value:
        reasons.append(("red", "Red: the owner says it is off track."))
    elif rag == Rag.AMBER.value:
        reasons.append(("amber", "Amber: the owner says it is at risk."))
    if facts.days_overdue > 0:
        when = f" (due {due:%d %b %Y})" if due else ""
        reasons.append(("overdue", f"{_days(facts.days_overdue).capitalize()} overdue{when}."))
    if reason := stale_reason(facts, t):
        reasons.append(("stale", reason[0].upper() + reason[1:] + "."))
    if reason := round_reason(facts):
        reasons.append(("no_update_in_round", reason[0].upper() + reason[1:] + "."))
    if direction(since_rag, rag) == "worse":
        reasons.append(("worsened", f"Worse since the last meeting: {label(since_rag)} to {label(rag)}."))
    if (row.get("support_asked") or "").strip():
        reasons.append(("support_asked", "The owner asks the group for support."))
    if moved_since:
        reasons.append(("due_moved", "Due date moved since the last meeting"
                        + (f" ({plural(facts.due_moves, 'time')} in all)." if facts.due_moves > 1 else ".")))
    elif facts.due_moves > t.amber_due_moves:
        reasons.append(("due_moved", f"Due date moved {plural(facts.due_moves, 'time')}."))
    if suggested and suggested.rag and better(rag, suggested.rag):
        reasons.append(("optimistic", f"The owner says {label(rag)}; {suggested.sentence}"))
    return reasons


def facts_from(row: dict[str, Any], evidence: tuple[str, str] | None = None) -> ActionFacts:
    return ActionFacts(
        rag=row.get("rag") or Rag.NOT_ASSESSED.value, delivery_status=row.get("delivery_status") or "not_started",
        days_overdue=int(row.get("days_overdue") or 0), due_moves=int(row.get("due_moves") or 0),
        days_since_update=row.get("days_since_update"), days_since_added=row.get("days_since_added"),
        updated_this_round=row.get("updated_this_round"), round_period=row.get("round_period") or "",
        evidence=evidence)
