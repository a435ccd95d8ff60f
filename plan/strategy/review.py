"""The date the strategy's yearly review falls due, and the reminder before it does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from models import Plan
from plan import audit
from plan.errors import InvalidFields, NotFound
from plan.identity import Actor
from plan.permissions import require
from plan.strategy.frame import day_of
from plan.text import plural

REMIND_DAYS = 60  # a review needs the year's figures and a meeting: two months' notice


def set_review_date(session: Session, *, user: Actor, plan_id: int, day: Any) -> dict[str, Any]:
    """Set (or clear, with None) the date the yearly review of the strategy falls due. Secretariat
    only. Raises NotAllowed, NotFound, InvalidFields (day)."""
    require(user, "strategy.edit")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    problems: dict[str, str] = {}
    due = day_of(day, "day", "review date", problems, required=False)
    if problems:
        raise InvalidFields(problems)
    before = plan.review_due_on
    if before != due:
        plan.review_due_on = due
        session.add(plan)
        audit.record(session, actor=user, event="plan.review_date", plan_id=plan_id, entity="plan",
                     entity_key=plan.slug, before={"review_due_on": before}, after={"review_due_on": due})
    return {"review_due_on": due, "changed": before != due}


def review_due(session: Session, *, plan_id: int) -> date | None:
    plan = session.get(Plan, plan_id)
    return plan.review_due_on if plan else None


def review_reminder(session: Session, *, plan_id: int, today: date | None = None) -> dict[str, Any] | None:
    """What to say about the yearly review: None when no date is set or it is more than
    REMIND_DAYS away; else {due, days, overdue, text}."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.review_due_on is None:
        return None
    today = today or datetime.now(UTC).date()
    days = (plan.review_due_on - today).days
    if days > REMIND_DAYS:
        return None
    due = f"{plan.review_due_on:%d %B %Y}"
    if days < 0:
        text = (f"The yearly review of the serious violence strategy was due on {due}, {-days} day"
                f"{'s' if days != -1 else ''} ago. Export the review workbook (Coverage page) for the group.")
    elif days == 0:
        text = f"The yearly review of the serious violence strategy is due today ({due})."
    else:
        text = (f"The yearly review of the serious violence strategy is due on {due}, in {plural(days, 'day')}. "
                "Export the review workbook (Coverage page) to prepare it.")
    return {"due": plan.review_due_on, "days": days, "overdue": days < 0, "text": text}
