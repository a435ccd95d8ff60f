"""An action's title and owner as they stood at a moment, read from the audit trail in SQL.

Every edit of an action is an audit event holding the fields it changed, before and after
("action.edit", "action.move" and "action.import" for the title and the lead role, as JSON in
`before`; "action.assign_owner" for the named owner's e-mail). So the title in force at a moment
T is the `before` title of the first such event at or after T, or, if none, the title today; the
same for the lead role and the named owner. One grouped subquery per field over the events since
T, joined to the plan's actions by ref (fixed once added, unique in a plan): no loop over actions.
As at today there are no events since, and nothing is joined (one probe of the audit index).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, case, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, select

from models import Action, AuditEvent, Person

TEXT_EVENTS = ("action.edit", "action.move", "action.import")  # hold "title" and "lead_owner" when changed
OWNER_EVENTS = ("action.assign_owner",)  # hold "owner": the owner's e-mail ("" none)
_KEY = re.compile(r"^[a-z_]+$")


class json_text(FunctionElement[str]):  # noqa: N801 (an SQL function's name)
    """The text of `key` in a JSON object held as text (NULL when the text is empty or the key is
    absent): json_extract on SQLite, ->> on PostgreSQL. The key is part of the SQL (a constant of
    this module's callers), so statements holding it stay cacheable."""

    type = String()
    inherit_cache = True
    name = "json_text"

    def __init__(self, column: Any, key: str) -> None:
        if not _KEY.match(key):
            raise ValueError(f"json_text: a plain field name, not {key!r}")
        super().__init__(column, literal_column(f"'{key}'"))


def _parts(element: json_text, compiler: Any, **kw: Any) -> tuple[str, str]:
    column, key = list(element.clauses)
    return compiler.process(column, **kw), key.name.strip("'")


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: Any, **kw: Any) -> str:
    column, key = _parts(element, compiler, **kw)
    return f"json_extract(NULLIF({column}, ''), '$.{key}')"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler: Any, **kw: Any) -> str:
    column, key = _parts(element, compiler, **kw)
    return f"(CAST(NULLIF({column}, '') AS JSON) ->> '{key}')"


def first_before_since(plan_id: int, at: datetime, key: str, events: tuple[str, ...]) -> Any:
    """Per action ref, the `before` value of `key` in its first event of `events` made at or after
    `at` (a subquery: ref, value), i.e. the value in force at `at`."""
    value = json_text(AuditEvent.before, key)
    ranked = (select(AuditEvent.entity_key.label("ref"), value.label("value"),
                     func.row_number().over(partition_by=AuditEvent.entity_key,
                                            order_by=(AuditEvent.at, AuditEvent.id)).label("n"))
              .where(AuditEvent.plan_id == plan_id, AuditEvent.entity == "action", AuditEvent.event.in_(events),
                     AuditEvent.at >= at, value.is_not(None))
              .subquery())
    # grouped though n = 1 leaves one row per ref: see plan.reports.asof.due_dates_at
    return (select(ranked.c.ref, func.max(ranked.c.value).label("value"))
            .where(ranked.c.n == 1).group_by(ranked.c.ref).subquery())


def edited_since(session: Session, plan_id: int, at: datetime) -> bool:
    """Whether any action of the plan was edited (title, lead role or owner) at or after `at`."""
    return session.exec(select(AuditEvent.id).where(
        AuditEvent.plan_id == plan_id, AuditEvent.entity == "action",
        AuditEvent.event.in_((*TEXT_EVENTS, *OWNER_EVENTS)), AuditEvent.at >= at).limit(1)).first() is not None


@dataclass
class Edits:
    """The title and owner columns as at a moment, and the outer joins (on Action) they read.
    `owner` reads Person (the current owner's row), which the query joins itself."""

    title: Any = field(default_factory=lambda: Action.title)
    lead_owner: Any = field(default_factory=lambda: Action.lead_owner)
    owner: Any = field(default_factory=lambda: func.coalesce(Person.name, Action.lead_owner))
    joins: list[tuple[Any, Any]] = field(default_factory=list)

    def join(self, query: Any) -> Any:
        for target, on in self.joins:
            query = query.join(target, on, isouter=True)
        return query


def edits_at(session: Session, plan_id: int, at: datetime) -> Edits:
    """The columns as at `at`: today's (no join) when nothing was edited since."""
    if not edited_since(session, plan_id, at):
        return Edits()
    titles = first_before_since(plan_id, at, "title", TEXT_EVENTS)
    leads = first_before_since(plan_id, at, "lead_owner", TEXT_EVENTS)
    emails = first_before_since(plan_id, at, "owner", OWNER_EVENTS)
    then = aliased(Person)  # the owner then, by the e-mail the event holds (a unique index)
    lead = case((leads.c.ref.is_not(None), leads.c.value), else_=Action.lead_owner)
    owner = case((emails.c.ref.is_not(None), func.coalesce(then.name, lead)),
                 else_=func.coalesce(Person.name, lead))
    # each joined on its own (grouped subqueries: SQLite indexes them; a subquery that joined Person
    # inside was scanned whole for each action, 10,000 x 3,000 rows)
    return Edits(title=case((titles.c.ref.is_not(None), titles.c.value), else_=Action.title), lead_owner=lead,
                 owner=owner, joins=[(titles, titles.c.ref == Action.ref), (leads, leads.c.ref == Action.ref),
                                     (emails, emails.c.ref == Action.ref), (then, then.email == emails.c.value)])
