"""performance: each action's latest update in a round found from an index

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:55:00

One composite index on status_update (round_id, action_id, id): the update round's owing,
completeness and My actions ask "the latest update of each action in this round" on every page
run. Text search stays LIKE on lower() (measured at 10,000 actions; see README, Performance).
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('status_update', schema=None) as batch_op:
        batch_op.create_index('ix_status_update_round_action', ['round_id', 'action_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('status_update', schema=None) as batch_op:
        batch_op.drop_index('ix_status_update_round_action')
