"""action reporting frequency and named partners: what a council's plan writes for a recurring
action ("Quarterly", "Ongoing", "November annually") instead of a due date, and the people named
with the lead in one cell

Revision ID: 0017_action_reporting_frequency
Revises: 0015_returns_issued
Create Date: 2026-12-07 21:00:00

A recurring action has no due date, so it is never overdue; its frequency says how often it
reports. Both columns are empty for every action held before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_action_reporting_frequency'
down_revision: str | None = '0015_returns_issued'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporting_frequency', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('named_partners', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    # Not a copy of the table on SQLite: dropping `action` to rebuild it fails its foreign keys.
    # SQLite 3.35+ drops a column in place.
    with op.batch_alter_table('action', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('named_partners')
        batch_op.drop_column('reporting_frequency')
