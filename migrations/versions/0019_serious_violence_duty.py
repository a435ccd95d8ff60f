"""serious violence duty: the local definition, the needs assessment, findings and the actions that
answer them, specified authorities, the core measures and the review date

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 21:00:00

New tables: violence_definition (versions appended), needs_assessment, finding, finding_action.
New columns: agency.specified_authority (none for existing agencies), plan.review_due_on (none),
measure.core_template and measure.switched_off_at (none: existing measures are the plan's own).
Downgrade drops them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'violence_definition',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('agreed_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_violence_definition_plan_id_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_violence_definition')),
        sa.UniqueConstraint('plan_id', 'version', name='uq_violence_definition_plan_version'),
    )
    op.create_index(op.f('ix_violence_definition_plan_id'), 'violence_definition', ['plan_id'], unique=False)
    op.create_table(
        'needs_assessment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('assessed_on', sa.Date(), nullable=True),
        sa.Column('author_agency_id', sa.Integer(), nullable=True),
        sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['author_agency_id'], ['agency.id'],
                                name=op.f('fk_needs_assessment_author_agency_id_agency')),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_needs_assessment_plan_id_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_assessment')),
    )
    op.create_index(op.f('ix_needs_assessment_plan_id'), 'needs_assessment', ['plan_id'], unique=False)
    op.create_index(op.f('ix_needs_assessment_author_agency_id'), 'needs_assessment', ['author_agency_id'],
                    unique=False)
    op.create_table(
        'finding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=True),
        sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('ref_sort', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('quoted', sa.Boolean(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('retired_reason', sa.Text(), nullable=False),
        sa.Column('carried_from_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['needs_assessment.id'],
                                name=op.f('fk_finding_assessment_id_needs_assessment')),
        sa.ForeignKeyConstraint(['carried_from_id'], ['finding.id'], name=op.f('fk_finding_carried_from_id_finding')),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_finding_plan_id_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
        sa.UniqueConstraint('plan_id', 'ref', name='uq_finding_plan_ref'),
    )
    op.create_index(op.f('ix_finding_plan_id'), 'finding', ['plan_id'], unique=False)
    op.create_index(op.f('ix_finding_assessment_id'), 'finding', ['assessment_id'], unique=False)
    op.create_index(op.f('ix_finding_ref_sort'), 'finding', ['ref_sort'], unique=False)
    op.create_index(op.f('ix_finding_retired_at'), 'finding', ['retired_at'], unique=False)
    op.create_table(
        'finding_action',
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_finding_action_action_id_action')),
        sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_action_finding_id_finding')),
        sa.PrimaryKeyConstraint('finding_id', 'action_id', name=op.f('pk_finding_action')),
    )
    op.create_index(op.f('ix_finding_action_action_id'), 'finding_action', ['action_id'], unique=False)

    # Plain ALTER TABLE, not batch mode: on SQLite batch mode would copy these tables, and the copy
    # writes their foreign keys as table constraints, which earlier downgrades cannot drop.
    op.add_column('agency', sa.Column('specified_authority', sqlmodel.sql.sqltypes.AutoString(length=40),
                                      nullable=True))
    op.add_column('plan', sa.Column('review_due_on', sa.Date(), nullable=True))
    op.add_column('measure', sa.Column('core_template', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.add_column('measure', sa.Column('switched_off_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

def downgrade() -> None:
    op.drop_column('measure', 'switched_off_at')
    op.drop_column('measure', 'core_template')
    op.drop_column('plan', 'review_due_on')
    op.drop_column('agency', 'specified_authority')
    op.drop_index(op.f('ix_finding_action_action_id'), table_name='finding_action')
    op.drop_table('finding_action')
    op.drop_index(op.f('ix_finding_retired_at'), table_name='finding')
    op.drop_index(op.f('ix_finding_ref_sort'), table_name='finding')
    op.drop_index(op.f('ix_finding_assessment_id'), table_name='finding')
    op.drop_index(op.f('ix_finding_plan_id'), table_name='finding')
    op.drop_table('finding')
    op.drop_index(op.f('ix_needs_assessment_author_agency_id'), table_name='needs_assessment')
    op.drop_index(op.f('ix_needs_assessment_plan_id'), table_name='needs_assessment')
    op.drop_table('needs_assessment')
    op.drop_index(op.f('ix_violence_definition_plan_id'), table_name='violence_definition')
    op.drop_table('violence_definition')
