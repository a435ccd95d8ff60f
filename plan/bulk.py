"""Bulk update for an owner with many actions: every row is checked; if any row is wrong,
nothing is written and each wrong row is named with its reason (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from plan.errors import PlanError
from plan.identity import Actor
from plan.updates import record_update


@dataclass
class RowProblem:
    ref: str
    message: str


class BulkRejected(PlanError):
    """Some rows are wrong; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("Nothing was saved: fix these rows and save again. "
                         + " ".join(f"{p.ref}: {p.message}" for p in problems))


def bulk_update(session: Session, *, user: Actor, plan_id: int, rows: list[dict[str, Any]]) -> int:
    """Apply each row (ref, rag, delivery_status, commentary, blockers, support_asked,
    evidence_url, expected_version) through the same rules as a single update. Each row runs
    in a savepoint, so every row is checked; then all are kept, or none (BulkRejected)."""
    problems: list[RowProblem] = []
    batch = session.begin_nested()  # undone whole if any row is wrong, whatever the caller does next
    for row in rows:
        ref = str(row.get("ref", "")).strip()
        savepoint = session.begin_nested()
        try:
            record_update(session, user=user, plan_id=plan_id, ref=ref, rag=str(row.get("rag", "")),
                          delivery_status=str(row.get("delivery_status", "")),
                          commentary=str(row.get("commentary") or ""), blockers=str(row.get("blockers") or ""),
                          support_asked=str(row.get("support_asked") or ""),
                          evidence_url=str(row.get("evidence_url") or ""),
                          expected_version=row.get("expected_version"),
                          personal_data_confirmed=bool(row.get("personal_data_confirmed", False)))
            savepoint.commit()
        except PlanError as err:
            savepoint.rollback()
            problems.append(RowProblem(ref or "(no ref)", str(err)))
    if problems:
        batch.rollback()
        raise BulkRejected(problems)
    batch.commit()
    return len(rows)
