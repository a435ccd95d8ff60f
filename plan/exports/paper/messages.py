"""The words of a board paper a chair reads first: its purpose, the recommendations the group is
asked to agree, and the key messages, written as sentences that name what moved and why. Pure
functions of the figures and rows the paper was read from (tested as text, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plan.actions import RESTRICTED_TITLE
from plan.reports.rules import label
from plan.text import plural

MOST_NAMED = 5  # actions named in one message; the rest are counted ("and 3 more")


def _cut(text: str, most: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _day(value: Any) -> str:
    return f"{value:%d %b %Y}" if isinstance(value, date) else str(value or "no date")


def _clause(text: str, most: int = 160) -> str:
    """The first sentence of an owner's words, as a clause after a colon: its full stop dropped, its
    first letter lower-cased unless it starts a name or an acronym ("ICB", "Essex Police")."""
    words = " ".join((text or "").split())
    for stop in (". ", "; ", "\n"):
        if stop in words:
            words = words.split(stop, 1)[0]
    words = _cut(words.rstrip("."), most)
    if len(words) > 1 and words[0].isupper() and words[1].islower() and not _is_name(words.split(" ", 1)[0]):
        words = words[0].lower() + words[1:]
    return words


_NAMES = ("Essex", "Southend", "Thurrock", "Police", "NHS", "Council", "Board", "Kent", "London")


def _is_name(word: str) -> bool:
    return word.strip(",:;") in _NAMES


def action_name(row: dict[str, Any]) -> str:
    """'2.3 Licensing reviews…': the ref and the start of the title; a restricted action by its ref."""
    if row.get("restricted") or row.get("title") == RESTRICTED_TITLE:
        return f"{row['ref']} (a restricted action)"
    return f"{row['ref']} {_cut(row.get('title') or '', 70)}"


def _names(rows: Sequence[dict[str, Any]], detail: Any = None) -> str:
    named = [action_name(r) + (f" ({detail(r)})" if detail else "") for r in rows[:MOST_NAMED]]
    more = len(rows) - len(named)
    text = "; ".join(named)
    return text + (f"; and {more} more" if more else "")


@dataclass
class PaperFacts:
    """What the messages are written from: the paper's own figures and rows, read once."""

    headline: dict[str, Any]
    exceptions: list[dict[str, Any]]
    rows: dict[str, dict[str, Any]]  # every action in the paper by ref (owner's words for "why")
    since: date | None = None
    changes: dict[str, Any] | None = None
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    restricted: int = 0
    round_words: str = ""  # the round's period as councils write it ("Q3 2026/27")
    overdue_days: int = 30  # the exceptions rule: overdue by more than this
    group: str = "the strategic group"

    def open_follow_ups(self) -> tuple[int, int]:
        """(follow-ups open, of which overdue)."""
        still = [f for f in self.follow_ups if not f.get("done")]
        return len(still), sum(1 for f in still if f.get("overdue"))


def _why(facts: PaperFacts, ref: str) -> str:
    """The owner's reason, from their latest blockers, else their commentary (never restricted text)."""
    row = facts.rows.get(ref) or {}
    if row.get("restricted"):
        return ""
    return _clause(row.get("blockers") or "") or _clause(row.get("commentary") or "")


def counts_sentence(h: dict[str, Any]) -> str:
    parts = [f"{h['red']} Red", f"{h['amber']} Amber", f"{h['green']} Green", f"{h['blue']} Blue (complete)"]
    if h.get("not_assessed"):
        parts.append(f"{h['not_assessed']} not yet assessed")
    text = f"{plural(h['total'], 'action')} in this paper: " + ", ".join(parts) + "."
    if h.get("completion_percent") is not None:
        text += (f" {h['due_complete']} of the {plural(h['due_by_now'], 'action')} due by now "
                 f"{'is' if h['due_complete'] == 1 else 'are'} complete ({h['completion_percent']}%).")
    return text


def key_messages(facts: PaperFacts) -> list[str]:
    """The paper's key messages, most important first: what got worse (named, with the owner's
    reason), what improved and was completed, what is overdue and who asks for support, missing
    updates, then what the group agreed to follow up."""
    messages = [counts_sentence(facts.headline)]
    ch = facts.changes
    if ch is None:
        messages.append("This is the first paper: there is no earlier closed meeting to compare with.")
    else:
        worse = sorted((t for t in ch["transitions"] if t["direction"] == "worse"),
                       key=lambda t: (t["to_rag"] != "red", t["ref"]))
        for t in worse[:MOST_NAMED]:
            why = _why(facts, t["ref"])
            messages.append(f"{action_name(t)} moved {t['from_label']} to {t['to_label']}"
                            + (f": {why}." if why else "."))
        if len(worse) > MOST_NAMED:
            messages.append(f"{plural(len(worse) - MOST_NAMED, 'more action')} got worse (see Changes).")
        better = [t for t in ch["transitions"] if t["direction"] == "better"]
        if better:
            messages.append(f"Improved since {facts.since:%d %b %Y}: "
                            + _names(better, lambda t: f"{t['from_label']} to {t['to_label']}") + ".")
        if not worse and not better:
            messages.append(f"No action's RAG got better or worse since the last meeting ({facts.since:%d %b %Y}).")
        if ch["completed"]:
            messages.append("Completed since the last meeting: " + _names(ch["completed"]) + ".")
        if ch["due_dates_moved"]:
            messages.append(f"{plural(len(ch['due_dates_moved']), 'due date')} moved since the last meeting: "
                            + _names(ch["due_dates_moved"], lambda r: f"{_day(r['from'])} to {_day(r['to'])}") + ".")
    overdue = [r for r in facts.exceptions if "overdue" in r.get("codes", [])]
    if overdue:
        messages.append(f"{plural(len(overdue), 'action is', 'actions are')} overdue by more than "
                        f"{plural(facts.overdue_days, 'day')}: "
                        + _names(overdue, lambda r: f"{plural(r['days_overdue'], 'day')}") + ".")
    support = [r for r in facts.exceptions if "support_asked" in r.get("codes", [])]
    if support:
        messages.append(f"The {'owner' if len(support) == 1 else 'owners'} of {plural(len(support), 'action')} "
                        f"{'asks' if len(support) == 1 else 'ask'} the group for support: " + _names(support) + ".")
    missing = facts.headline.get("not_updated_this_round") or 0
    if facts.round_words and missing:
        messages.append(f"{plural(missing, 'action has', 'actions have')} no update for the {facts.round_words} "
                        "round.")
    open_, late = facts.open_follow_ups()
    if open_:
        messages.append(f"{plural(open_, 'follow-up')} from earlier meetings {'is' if open_ == 1 else 'are'} open"
                        + (f", {late} of them overdue" if late else "") + " (see Matters arising).")
    if facts.restricted:
        messages.append(f"{plural(facts.restricted, 'restricted action')} "
                        f"{'is' if facts.restricted == 1 else 'are'} counted in every total; "
                        "the detail is in the restricted annex, a separate file for cleared readers only.")
    return messages


def default_purpose(facts: PaperFacts, *, plan_name: str, day: date) -> str:
    return (f"To update {facts.group} on the delivery of the {plan_name} as at {day:%d %B %Y}, and to ask it to "
            "support and challenge the actions that are off track.")


def default_recommendations(facts: PaperFacts) -> list[str]:
    """What the group is asked to do, from what the paper holds: committees resolve on these."""
    found = ["Note the progress reported in this paper."]
    if facts.exceptions:
        found.append(f"Agree the actions to be taken on the {plural(len(facts.exceptions), 'exception')} "
                     "(see Exceptions), challenging their owners where the group is not assured.")
    open_, late = facts.open_follow_ups()
    if open_:
        found.append(f"Review the {plural(open_, 'open follow-up')}"
                     + (f", {late} of them overdue" if late else "") + ", and agree new dates where needed.")
    if facts.changes and facts.changes["due_dates_moved"]:
        found.append(f"Note the {plural(len(facts.changes['due_dates_moved']), 'due date')} moved since the "
                     "last meeting.")
    return found


def rag_words(rag: str | None) -> str:
    return label(rag) if rag else ""
