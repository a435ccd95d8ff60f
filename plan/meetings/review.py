"""What a meeting reviews: a closed update round (as it froze the actions) or the plan as at the
meeting's date, chosen by the secretariat, with a warning when a round is stale for the meeting.
A meeting on 7 December that reviews September's round misses every action that went Red since:
the secretariat is told which, before the agenda is drawn."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from models import Action, RoundSnapshot, UpdateRound
from plan.dates import parse_date
from plan.identity import Actor
from plan.periods import period_words
from plan.permissions import require
from plan.text import plural

STALE_DAYS = 45  # a round closed longer before the meeting than this is stale for it
MOST_NAMED = 6


def _names(refs: list[str]) -> str:
    named = refs[:MOST_NAMED]
    more = len(refs) - len(named)
    text = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]
    return text + (f" and {more} more" if more else "")


def _first_up(words: str) -> str:
    return words[:1].upper() + words[1:]


def reviews_words(period: str, closed_on: date | None, held_on: date) -> str:
    """'the Q2 2026/27 round (July to September 2026), closed 30 Sep 2026' or 'the plan as at
    07 Dec 2026': what a meeting's agenda and paper say it reviews."""
    if period:
        return f"the {period_words(period)} round" + (f", closed {closed_on:%d %b %Y}" if closed_on else "")
    return f"the plan as at {held_on:%d %b %Y}"


def stale_warning(session: Session, *, user: Actor, rnd: UpdateRound, held_on: date) -> str:
    """Why the round is stale for a meeting on `held_on`, or "": it closed more than STALE_DAYS
    before, or actions are Red now that were not when it froze them (or that it did not hold). Refs
    only (a restricted action's ref is shown in every paper too)."""
    assert rnd.closed_at is not None and rnd.id is not None
    closed = rnd.closed_at.date()
    days = (held_on - closed).days
    red_since = list(session.exec(
        select(Action.ref).join(RoundSnapshot, and_(RoundSnapshot.action_id == Action.id,
                                                    RoundSnapshot.round_id == rnd.id), isouter=True)
        .where(Action.plan_id == rnd.plan_id, Action.retired_at.is_(None), Action.rag == "red",
               or_(RoundSnapshot.rag.is_(None), RoundSnapshot.rag != "red"))
        .order_by(Action.ref_sort, Action.id)).all())
    if days <= STALE_DAYS and not red_since:
        return ""
    words = f"The {period_words(rnd.period).split(' (')[0]} round closed on {closed:%d %b %Y}"
    words += f", {plural(days, 'day')} before this meeting" if days > 0 else ""
    if red_since:
        words += f"; since then {_names(red_since)} became Red, and its agenda would miss "
        words += "them" if len(red_since) > 1 else "it"
    return words + ". Review the plan as at the meeting's date, or close a newer round first."


def review_options(session: Session, *, user: Actor, plan_id: int, held_on: date | str) -> list[dict[str, Any]]:
    """What a meeting on `held_on` may review, the suggested choice first: {round_id (None: the
    plan as at the meeting's date), words, warning}. The latest closed round is suggested unless it
    is stale; the older rounds follow, newest first. Raises NotAllowed, InvalidInput (a bad date)."""
    require(user, "meeting.manage")
    day = parse_date(held_on, "Meeting date")
    rounds = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id,
                                                    UpdateRound.closed_at.is_not(None))
                          .order_by(UpdateRound.closed_at.desc(), UpdateRound.id.desc())).all()
    as_at = {"round_id": None, "words": _first_up(reviews_words("", None, day)), "warning": ""}
    options = []
    for index, rnd in enumerate(rounds):
        assert rnd.closed_at is not None
        warning = stale_warning(session, user=user, rnd=rnd, held_on=day) if index == 0 else \
            "An older round: the latest closed round is newer."
        options.append({"round_id": rnd.id, "words": _first_up(reviews_words(rnd.period, rnd.closed_at.date(), day)),
                        "warning": warning})
    if not options:
        return [as_at]
    if options[0]["warning"]:
        return [as_at, *options]
    return [options[0], as_at, *options[1:]]
