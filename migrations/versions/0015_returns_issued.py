"""returns issued: the server's record of each offline update return it made

Revision ID: 0015_returns_issued
Revises: 0014
Create Date: 2026-12-07 21:00:00

A completed return is applied only against this record (who it is for, its actions, their
versions when it was made), never against what the workbook's hidden sheet says. Returns made
before this revision have no record and are refused: make them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString, UTCDateTime)
from alembic import op

revision: str = '0015_returns_issued'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('issued_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('owner_person_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('made_for', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
    sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_issued_return_agency_id_agency')),
    sa.ForeignKeyConstraint(['owner_person_id'], ['person.id'], name=op.f('fk_issued_return_owner_person_id_person')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_issued_return_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_return')),
    sa.UniqueConstraint('return_key', name=op.f('uq_issued_return_return_key'))
    )
    with op.batch_alter_table('issued_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_return_plan_id'), ['plan_id'], unique=False)
    op.create_table('issued_return_action',
    sa.Column('issued_return_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_issued_return_action_action_id_action')),
    sa.ForeignKeyConstraint(['issued_return_id'], ['issued_return.id'],
                            name=op.f('fk_issued_return_action_issued_return_id_issued_return')),
    sa.PrimaryKeyConstraint('issued_return_id', 'action_id', name=op.f('pk_issued_return_action'))
    )


def downgrade() -> None:
    op.drop_table('issued_return_action')
    with op.batch_alter_table('issued_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_return_plan_id'))
    op.drop_table('issued_return')
