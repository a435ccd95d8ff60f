"""measure finding: the measures that evidence each needs-assessment finding

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 02:20:00

New table measure_finding (measure, finding, when linked); no links for existing measures.
Downgrade drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'measure_finding',
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_measure_finding_finding_id_finding')),
        sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_finding_measure_id_measure')),
        sa.PrimaryKeyConstraint('measure_id', 'finding_id', name=op.f('pk_measure_finding')),
    )
    op.create_index(op.f('ix_measure_finding_finding_id'), 'measure_finding', ['finding_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_measure_finding_finding_id'), table_name='measure_finding')
    op.drop_table('measure_finding')
