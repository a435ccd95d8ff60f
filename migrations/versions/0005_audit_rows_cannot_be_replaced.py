"""audit rows cannot be replaced

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

On SQLite, `REPLACE INTO audit_event ...` (or `INSERT OR REPLACE`) with an existing id deletes
the old row and inserts a new one, and the delete trigger of 0002 does not fire for a row
removed by REPLACE (unless recursive triggers are on). A BEFORE INSERT trigger refuses any
insert whose id is already taken, so the old row is never removed. PostgreSQL has no REPLACE,
and `INSERT ... ON CONFLICT DO UPDATE` fires the update trigger of 0002: nothing to add there.

A later migration that rebuilds audit_event on SQLite (batch mode copies the table) drops its
triggers: such a migration must create the triggers of 0002 and of this file again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "the audit trail is append-only: an audit row cannot be replaced"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event "
                   "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id) "
                   f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_replace")
