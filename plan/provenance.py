"""What the plan's source document says and what the plan chose: the fields of an action (or of
the plan) whose value is the plan's choice, and invented examples, so nobody mistakes them for the
source's words.

A plan file marks them (`plan_choices: [theme, lead_agency, ...]`, `example: true`); the seed
loader stores them (action.plan_choices, action.is_example, plan.plan_choices) and the YAML export
writes them back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from models import Action, Plan
from plan.errors import NotFound

PLAN_CHOICE = "set by the plan, not the source document"

# An action's fields that may be marked, in the words its page uses.
ACTION_FIELDS: dict[str, str] = {
    "theme": "Theme",
    "objective": "Objective",
    "title": "Title",
    "description": "Description",
    "owner": "Owner",
    "lead_agency": "Lead agency",
    "partners": "Partner agencies",
    "boards": "Boards",
    "start_date": "Start date",
    "due_date": "Due date",
    "restricted": "Restricted",
    "measures": "Measures' targets, tolerances and data lags",
}

# The plan's own fields and lists that may be marked.
PLAN_FIELDS: dict[str, str] = {
    "name": "Name",
    "protective_marking": "Protective marking",
    "reporting_cycle": "Reporting cycle",
    "start_date": "Start date (the year)",
    "rag_definitions": "RAG definitions",
    "themes": "Themes",
    "boards": "Boards",
    "agencies": "Agencies",
    "objectives": "Objectives",
    "targets": "Measures' targets",
    "tolerances": "Measures' tolerances",
    "data_lags": "Measures' data lags",
}


@dataclass(frozen=True)
class Provenance:
    """What a page shows: the marked fields in words, and whether the thing is an invented example."""

    fields: list[str]  # the words of each marked field, in the order above
    is_example: bool = False
    # Last year's action this one carries forward (the yearly refresh): (plan slug, plan name, ref).
    carried_from: tuple[str, str, str] | None = None


def unknown_fields(names: list[str], known: dict[str, str]) -> list[str]:
    """The names that are not markable fields (for the loader's error messages)."""
    return [name for name in names if name not in known]


def dump(names: list[str] | None) -> str | None:
    """Stored as a JSON list in the order of the known fields; None when nothing is marked."""
    return json.dumps(list(dict.fromkeys(names))) if names else None


def load(stored: str | None) -> list[str]:
    if not stored:
        return []
    try:
        value = json.loads(stored)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def words(names: list[str], known: dict[str, str]) -> list[str]:
    order = list(known)
    ranked = sorted(names, key=lambda n: order.index(n) if n in order else len(order))
    return [known.get(name, name.replace("_", " ").capitalize()) for name in ranked]


def action_provenance(session: Session, *, plan_id: int, ref: str) -> Provenance:
    """The marked fields and example flag of one action. Field names are not restricted detail, so
    everyone who may open the action sees them. Raises NotFound."""
    row = session.exec(select(Action.plan_choices, Action.is_example, Action.carried_from_id)
                       .where(Action.plan_id == plan_id, Action.ref == ref)).first()
    if row is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    stored, is_example, carried_from_id = row
    carried = None
    if carried_from_id is not None:
        earlier = session.exec(select(Plan.slug, Plan.name, Action.ref).join(Plan, Plan.id == Action.plan_id)
                               .where(Action.id == carried_from_id)).first()
        carried = (earlier[0], earlier[1], earlier[2]) if earlier else None
    return Provenance(fields=words(load(stored), ACTION_FIELDS), is_example=bool(is_example), carried_from=carried)


def plan_provenance(session: Session, *, plan_id: int) -> Provenance:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return Provenance(fields=words(load(plan.plan_choices), PLAN_FIELDS))
