"""The plan import's bulk writing (plan/imports/apply.py), on both databases: the rules the services
apply row by row still hold when every row is checked first and written in one go. A row whose
update breaks a record_update rule (personal data, a retired action) is named and nothing is
written; a dry run writes nothing; each action's current RAG and status are its latest update's
(by created_at, id); a second import of a sheet with a newer quarter appends and does not rewrite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import Action, AuditEvent, StatusUpdate
from plan.db import session_scope
from plan.imports import ImportRejected
from tests.integration.test_plan_import import MESSY, _book, _counts, _import


def _latest_matches_current(plan_id: int) -> list[str]:
    """Refs whose current RAG/status differ from their latest update's (by created_at, id)."""
    wrong = []
    with session_scope() as session:
        for action in session.execute(select(Action).where(Action.plan_id == plan_id)).scalars():
            newest_first = (StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
            latest = session.execute(select(StatusUpdate).where(StatusUpdate.action_id == action.id)
                                     .order_by(*newest_first)).scalars().first()
            if latest is not None and (latest.rag, latest.delivery_status) != (action.rag, action.delivery_status):
                wrong.append(action.ref)
    return wrong


def _with_q3() -> list[list]:
    """MESSY with an empty third quarter (RAG and update) before its last column."""
    rows = [list(r) for r in MESSY]
    rows[3] = [*rows[3][:9], "RAG (Q3)", "Update (Q3)", "Budget code"]
    for row in rows[4:]:
        if len(row) > 1:
            row[:] = [*row[:9], None, None, *row[9:10]]
    return rows


def test_personal_data_in_one_row_names_it_and_writes_nothing(seeded) -> None:
    rows = [list(r) for r in MESSY]
    rows[8][6] = "Spoke to the victim on 07700 900123."  # 9.3's Q1 update: a mobile number
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        _import(_book(rows), "phone.xlsx")
    assert _counts() == before
    assert "row 9 (9.3)" in str(caught.value) and "phone" in str(caught.value).lower()


def test_a_dry_run_writes_nothing_and_reports_what_an_import_does(seeded) -> None:
    before = _counts()
    dry = _import(_book(MESSY), "plan.xlsx", dry_run=True)
    assert _counts() == before and not dry.applied
    real = _import(_book(MESSY), "plan.xlsx")
    assert real.applied
    assert [(r.ref, r.change, r.changed_fields, r.history_added, r.warnings) for r in dry.rows] == \
        [(r.ref, r.change, r.changed_fields, r.history_added, r.warnings) for r in real.rows]


def test_current_rag_is_the_latest_update_and_a_new_quarter_appends(seeded) -> None:
    _import(_book(MESSY), "plan.xlsx")
    assert _latest_matches_current(seeded.id) == []
    with session_scope() as session:
        held = session.execute(select(StatusUpdate.id, StatusUpdate.rag, StatusUpdate.commentary)
                               .join(Action, Action.id == StatusUpdate.action_id)
                               .where(Action.plan_id == seeded.id, Action.ref == "9.2")).all()
    rows = _with_q3()
    rows[6][9], rows[6][10] = "R", "Mentors left."  # 9.2 goes Red in Q3
    report = _import(_book(rows), "plan.xlsx", year=2025)
    by_ref = {r.ref: r for r in report.rows}
    assert by_ref["9.2"].history_added == 1 and by_ref["9.2"].change == "update"
    with session_scope() as session:
        action = session.execute(select(Action).where(Action.plan_id == seeded.id, Action.ref == "9.2")).scalar_one()
        assert action.rag == "red"
        now = session.execute(select(StatusUpdate.id, StatusUpdate.rag, StatusUpdate.commentary)
                              .where(StatusUpdate.action_id == action.id)).all()
        event = session.execute(select(AuditEvent).where(AuditEvent.event == "action.import",
                                                         AuditEvent.entity_key == "9.2")
                                .order_by(AuditEvent.id.desc())).scalars().first()
    assert set(held) < set(now) and len(now) == len(held) + 1  # appended, nothing rewritten
    assert "Mentors left." in event.after and '"rag": "red"' in event.after
    assert _latest_matches_current(seeded.id) == []


def test_a_retired_action_takes_no_imported_history(seeded) -> None:
    _import(_book(MESSY), "plan.xlsx")
    with session_scope() as session:
        action = session.execute(select(Action).where(Action.plan_id == seeded.id, Action.ref == "9.4")).scalar_one()
        action.retired_at, action.retired_reason = datetime.now(UTC), "merged into 9.1"
    rows = _with_q3()
    rows[9][9], rows[9][10] = "A", "Hearing listed."  # a Q3 update for 9.4: new history
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        _import(_book(rows), "plan.xlsx", year=2025)
    assert _counts() == before
    assert "row 10 (9.4)" in str(caught.value) and "retired" in str(caught.value)
