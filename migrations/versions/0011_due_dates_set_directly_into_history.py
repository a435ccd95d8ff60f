"""due dates: a due date set directly (the plan editor, a plan file) goes into the history

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 04:00:00

The plan as at a day reads an action's due date from its approved moves, else its baseline; the
Actions page reads its current due date. An edit in the plan editor, or a plan file giving both a
baseline and a due date, set the current date with no move recorded, so the Dashboard, the
exceptions and the board paper kept the old date. The services now record such a date as an
approved move; this records one for every action where the two already differ, dated now (when it
became known to the history), so both readings agree from today on. Nothing is deleted or changed:
the downgrade removes only the rows this added.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = "Set directly before this was recorded as a move (found on upgrade to revision 0011)."


def upgrade() -> None:
    latest = ("(SELECT r.requested_date FROM due_date_request r WHERE r.action_id = action.id "
              "AND r.decision = 'approved' ORDER BY r.decided_at DESC, r.id DESC LIMIT 1)")
    held = f"COALESCE({latest}, action.baseline_due_date)"
    statement = sa.text(
        "INSERT INTO due_date_request (action_id, from_date, requested_date, reason, requested_by_person_id, "
        "requested_by, requested_at, decision, decided_by, decided_at, decision_note) "
        f"SELECT action.id, {held}, action.current_due_date, :reason, NULL, 'upgrade', :now, 'approved', "
        "'upgrade', :now, '' FROM action "
        f"WHERE action.current_due_date IS NOT NULL AND ({held} IS NULL OR {held} <> action.current_due_date)"
    ).bindparams(sa.bindparam("reason", REASON), sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True)))
    op.get_bind().execute(statement)


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM due_date_request WHERE reason = :reason").bindparams(reason=REASON))
