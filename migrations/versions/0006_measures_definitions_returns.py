"""measures: definitions, the actions they serve, returns with suppressed and missing figures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Measures gain a kind, a target as words and as a number (with a date, a trajectory and a
tolerance), a source as written, a data contributor, a usual data lag, notes and a version. A
measure may now serve several actions (measure_action); existing links are copied there.
Directions of good are renamed: up -> higher, down -> lower, monitor -> contextual.

A figure (measure_value) now has a state: value, suppressed ("<5") or missing ("not yet
available"); value is empty unless the state is value, and the database checks it. It keeps the
text as written, a provisional flag, where it came from, and the first and last day of its
period. Existing figures become state 'value', source 'form' (or 'demo'), with their periods'
dates worked out from their labels (2026-Q3, 2026-07, 2026-B1, 2026).

Downgrade: suppressed and missing figures cannot be held by the old table (its value is
required), so they are removed; every figure with a number is kept. Directions go back to
up/down/monitor.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MEASURE_COLUMNS = ('kind', 'cumulative_since', 'target_date', 'target_type', 'target_per', 'target_text', 'tolerance',
                    'source_text', 'contributor_person_id', 'lag_days', 'notes', 'version')
_DIRECTIONS = {'up': 'higher', 'down': 'lower', 'monitor': 'contextual'}


def _old_period(label: str) -> tuple[date, date]:
    """First and last day of a label made before this migration: 2026, 2026-Q3, 2026-B1, 2026-07."""
    year, _, rest = label.partition('-')
    if not rest:
        first_month, months = 1, 12
    elif rest.startswith('Q'):
        first_month, months = (int(rest[1:]) - 1) * 3 + 1, 3
    elif rest.startswith('B'):
        first_month, months = (int(rest[1:]) - 1) * 2 + 1, 2
    else:
        first_month, months = int(rest), 1
    start = date(int(year), first_month, 1)
    last_month = first_month + months  # the month after the period
    after = date(int(year) + (last_month - 1) // 12, (last_month - 1) % 12 + 1, 1)
    return start, date.fromordinal(after.toordinal() - 1)


def upgrade() -> None:
    op.create_table('measure_action',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_measure_action_action_id_action')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_action_measure_id_measure')),
    sa.PrimaryKeyConstraint('measure_id', 'action_id', name=op.f('pk_measure_action'))
    )
    with op.batch_alter_table('measure_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_action_action_id'), ['action_id'], unique=False)

    # New columns with defaults, so existing rows are valid as they stand.
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='count'))
        batch_op.add_column(sa.Column('cumulative_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('target_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('target_per', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default='period'))
        batch_op.add_column(sa.Column('target_text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('tolerance', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('source_text', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('lag_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False,
                                      server_default='value'))
        batch_op.add_column(sa.Column('raw', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('provisional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='form'))

    _migrate_data()

    # Added in place, never by rebuilding measure: on SQLite a rebuild drops the table for a
    # moment, which the foreign keys of its figures refuse.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE measure ADD COLUMN contributor_person_id INTEGER '
                   'CONSTRAINT fk_measure_contributor_person_id_person REFERENCES person (id)')
    else:
        op.add_column('measure', sa.Column('contributor_person_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_measure_contributor_person_id_person'), 'measure', 'person',
                              ['contributor_person_id'], ['id'])
    op.create_index(op.f('ix_measure_contributor_person_id'), 'measure', ['contributor_person_id'], unique=False)

    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.alter_column('period_start', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('period_end', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('period',
               existing_type=sa.VARCHAR(length=20),
               type_=sqlmodel.sql.sqltypes.AutoString(length=30),
               existing_nullable=False)
        batch_op.alter_column('value',
               existing_type=sa.FLOAT(),
               nullable=True)
        batch_op.create_check_constraint(op.f('ck_measure_value_state_known'),
                                         "state IN ('value', 'suppressed', 'missing')")
        batch_op.create_check_constraint(op.f('ck_measure_value_value_only_when_state_value'),
                                         "(state = 'value') = (value IS NOT NULL)")
        batch_op.create_index('ix_measure_value_measure_period', ['measure_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_value_period_end'), ['period_end'], unique=False)


def _migrate_data() -> None:
    bind = op.get_bind()
    measure = sa.table('measure', sa.column('id', sa.Integer), sa.column('action_id', sa.Integer),
                       sa.column('direction', sa.String), sa.column('unit', sa.String),
                       sa.column('kind', sa.String), sa.column('target', sa.Float),
                       sa.column('target_type', sa.String), sa.column('target_text', sa.String))
    link = sa.table('measure_action', sa.column('measure_id', sa.Integer), sa.column('action_id', sa.Integer),
                    sa.column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    value = sa.table('measure_value', sa.column('id', sa.Integer), sa.column('period', sa.String),
                     sa.column('value', sa.Float), sa.column('is_demo', sa.Boolean),
                     sa.column('period_start', sa.Date), sa.column('period_end', sa.Date),
                     sa.column('raw', sa.String), sa.column('source', sa.String))
    now = datetime.now(UTC)
    for row in bind.execute(sa.select(measure.c.id, measure.c.action_id, measure.c.direction, measure.c.unit,
                                      measure.c.target)).all():
        changes = {'direction': _DIRECTIONS.get(row.direction, row.direction),
                   'kind': 'snapshot' if row.unit == '%' else 'count'}  # a percentage is a position, not a count
        if row.target is not None:
            changes.update(target_type='value', target_text=f"{row.target:g}{'%' if row.unit == '%' else ''}")
        bind.execute(measure.update().where(measure.c.id == row.id).values(**changes))
        if row.action_id is not None:
            bind.execute(link.insert().values(measure_id=row.id, action_id=row.action_id, linked_at=now))
    for row in bind.execute(sa.select(value.c.id, value.c.period, value.c.value, value.c.is_demo)).all():
        start, end = _old_period(row.period)
        bind.execute(value.update().where(value.c.id == row.id).values(
            period_start=start, period_end=end, raw=f"{row.value:g}", source='demo' if row.is_demo else 'form'))


def downgrade() -> None:
    bind = op.get_bind()
    value = sa.table('measure_value', sa.column('value', sa.Float))
    bind.execute(value.delete().where(value.c.value.is_(None)))  # the old table cannot hold them
    measure = sa.table('measure', sa.column('direction', sa.String))
    for old, new in _DIRECTIONS.items():
        bind.execute(measure.update().where(measure.c.direction == new).values(direction=old))

    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_measure_value_value_only_when_state_value'), type_='check')
        batch_op.drop_constraint(op.f('ck_measure_value_state_known'), type_='check')
        batch_op.drop_index(batch_op.f('ix_measure_value_period_end'))
        batch_op.drop_index('ix_measure_value_measure_period')
        batch_op.alter_column('value',
               existing_type=sa.FLOAT(),
               nullable=False)
        batch_op.alter_column('period',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=30),
               type_=sa.VARCHAR(length=20),
               existing_nullable=False)
        batch_op.drop_column('source')
        batch_op.drop_column('provisional')
        batch_op.drop_column('raw')
        batch_op.drop_column('state')
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')

    # Columns are dropped in place, never by rebuilding measure: on SQLite a rebuild drops the
    # table for a moment, which the figures' foreign keys refuse.
    op.drop_index(op.f('ix_measure_contributor_person_id'), table_name='measure')
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_measure_contributor_person_id_person'), 'measure', type_='foreignkey')
    for column in _MEASURE_COLUMNS:
        op.execute(f'ALTER TABLE measure DROP COLUMN {column}')

    with op.batch_alter_table('measure_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_action_action_id'))

    op.drop_table('measure_action')
