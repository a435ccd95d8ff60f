"""notification opt-out: a person may switch off the app's e-mails to them

Revision ID: 0018
Revises: 0017_action_reporting_frequency
Create Date: 2026-12-07 21:00:00

One column on person. On by default: everyone gets the e-mails about their own work (an action
assigned, an update sent back, a due-date decision, a follow-up due) until they switch them off.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017_action_reporting_frequency'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_notifications', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('email_notifications')
