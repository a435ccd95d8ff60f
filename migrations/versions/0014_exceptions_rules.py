"""exceptions rules: what puts an action on a meeting's exceptions list, chosen per plan

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07 16:00:00

Nine columns on suggestion_settings (Plan settings): Red; every Amber; worse since the last
meeting; overdue by more than N days; no update in the round; support asked; a worse suggested
RAG; due date moved. The defaults make a short list a meeting can get through.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SWITCHES = (("exceptions_red", True), ("exceptions_every_amber", False), ("exceptions_worsened", True),
            ("exceptions_overdue", True), ("exceptions_no_update", True), ("exceptions_support_asked", True),
            ("exceptions_suggested_worse", True), ("exceptions_due_moved", False))


def upgrade() -> None:
    with op.batch_alter_table('suggestion_settings', schema=None) as batch_op:
        for name, default in SWITCHES:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true() if default
                                          else sa.false()))
        batch_op.add_column(sa.Column('exceptions_overdue_days', sa.Integer(), nullable=False, server_default='30'))


def downgrade() -> None:
    with op.batch_alter_table('suggestion_settings', schema=None) as batch_op:
        batch_op.drop_column('exceptions_overdue_days')
        for name, _ in reversed(SWITCHES):
            batch_op.drop_column(name)
