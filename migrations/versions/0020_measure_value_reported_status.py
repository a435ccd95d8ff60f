"""measure value: the status the partner's own report gave it

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 01:30:00

Performance reports councils import carry their own RAG per indicator (Red, Amber, Green,
Grey); it is kept beside the evidence RAG the app works out. New column
measure_value.reported_status ('' for every existing figure). Downgrade drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('measure_value') as batch:
        batch.add_column(sa.Column('reported_status', sa.String(length=12), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('measure_value', recreate='never') as batch:
        batch.drop_column('reported_status')
