"""The plan's thresholds for the suggested RAG (Plan settings): everyone reads them, the
secretariat changes them, audited with the values before and after."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from models import SuggestionSettings
from plan import audit
from plan.errors import InvalidFields, InvalidInput
from plan.identity import Actor
from plan.permissions import require
from plan.reports.asof import plan_row
from plan.reports.rules import Thresholds, threshold_problems


def suggestion_settings(session: Session, *, plan_id: int) -> Thresholds:
    """The plan's thresholds; the defaults until the secretariat changes one."""
    row = session.get(SuggestionSettings, plan_id)
    if row is None:
        return Thresholds()
    return Thresholds(**{name: getattr(row, name) for name in Thresholds.names()})


def update_suggestion_settings(session: Session, *, user: Actor, plan_id: int, **changes: Any) -> Thresholds:
    """Change some thresholds (by name, see Thresholds). Admins only; every value checked first."""
    require(user, "plan.settings")
    plan = plan_row(session, plan_id)
    unknown = sorted(set(changes) - set(Thresholds.names()))
    if unknown:
        raise InvalidInput(f"Unknown setting {', '.join(unknown)}: use {', '.join(Thresholds.names())}.")
    current = suggestion_settings(session, plan_id=plan_id)
    wanted: dict[str, Any] = {}
    for name, value in changes.items():
        if isinstance(getattr(current, name), bool):
            if not isinstance(value, bool):
                raise InvalidFields({name: f"{name}: give true or false."})
            wanted[name] = value
        else:
            try:
                wanted[name] = int(str(value).strip()) if not isinstance(value, bool) else value
            except ValueError:
                wanted[name] = value
    new = replace(current, **wanted)
    if problems := threshold_problems(new):
        raise InvalidFields(problems)
    before, after = audit.changes(current.as_dict(), new.as_dict())
    if not after:
        return new
    row = session.get(SuggestionSettings, plan_id) or SuggestionSettings(plan_id=plan_id)
    for name, value in new.as_dict().items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = datetime.now(UTC), user.name
    session.add(row)
    audit.record(session, actor=user, event="plan.suggestion_settings", plan_id=plan_id, entity="plan",
                 entity_key=plan.slug, before=before, after=after)
    return new
