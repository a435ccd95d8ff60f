"""Measures, the actions they serve, and their figures per period (appended, never overwritten)."""

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Bumped on every write; an edit made on an out-of-date form is refused (see plan/measures).
_version = Column("version", Integer, nullable=False, default=1)


class Measure(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_measure_plan_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    # The first action the measure was linked to, kept in step by plan/measures for readers that
    # predate measure_action (plan/actions.py); measure_action holds every action it serves.
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    ref: str = Field(max_length=30)
    name: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)  # the definition: what is counted, how
    unit: str = Field(default="count", max_length=40)  # count (or what is counted), %, rate per 1,000 ...
    # count (in the period), cumulative (since cumulative_since), snapshot (at the period's end),
    # rolling_12 (the 12 months to the period's end)
    kind: str = Field(default="count", max_length=20)
    cumulative_since: date | None = None
    baseline: float | None = None
    baseline_period: str = Field(default="", max_length=20)  # a canonical period label
    target: float | None = None  # the numeric target; None when the target is words only
    target_date: date | None = None
    target_type: str = Field(default="none", max_length=12)  # value, trajectory, none
    target_per: str = Field(default="period", max_length=10)  # period, year
    target_text: str = Field(default="", max_length=300)  # the target as the plan writes it
    direction: str = Field(default="contextual", max_length=10)  # higher, lower, contextual
    tolerance: float | None = None  # per cent of the target: the Amber band
    frequency: str = Field(default="quarterly", max_length=20)  # monthly, bimonthly, quarterly, termly, annual
    source_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    source_text: str = Field(default="", max_length=200)  # the source as a spreadsheet wrote it
    contributor_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    lag_days: int | None = None  # usual days after a period ends before its figure is due
    notes: str = Field(default="", sa_type=Text)
    is_demo: bool = Field(default=False)
    # A built-in template this measure was switched on from (plan/strategy/core_measures.py), and
    # when it was switched off (kept with its figures as history; not asked for in returns).
    core_template: str | None = Field(default=None, max_length=40)
    switched_off_at: datetime | None = None
    version: int = Field(default=1, sa_column=_version)

    __mapper_args__ = {"version_id_col": _version}  # noqa: RUF012


class MeasureAction(SQLModel, table=True):
    """An action a measure serves (a measure may serve several; an action may have several)."""

    __tablename__ = "measure_action"
    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    action_id: int = Field(foreign_key="action.id", primary_key=True, index=True)
    linked_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class MeasureValue(SQLModel, table=True):
    """One return for one period. Never updated: a revision is a newer row for the same period;
    the newest row (highest id) is the period's current figure."""

    __tablename__ = "measure_value"
    __table_args__ = (
        CheckConstraint("state IN ('value', 'suppressed', 'missing')", name="state_known"),
        CheckConstraint("(state = 'value') = (value IS NOT NULL)", name="value_only_when_state_value"),
        Index("ix_measure_value_measure_period", "measure_id", "period"),
    )
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    period: str = Field(max_length=30, index=True)  # a canonical period label (plan/measures/periods.py)
    period_start: date
    period_end: date = Field(index=True)
    value: float | None = None  # None when suppressed or missing: never zero
    state: str = Field(default="value", max_length=12)  # value, suppressed, missing
    raw: str = Field(default="", max_length=100)  # as written: "<5", "55%", "n/a"
    provisional: bool = Field(default=False)
    note: str = Field(default="", sa_type=Text)
    # The RAG the partner's own report gave this figure (red, amber, green, grey, blue; '' for
    # none), kept beside the evidence RAG the app works out, never instead of it.
    reported_status: str = Field(default="", max_length=12)
    source: str = Field(default="form", max_length=20)  # form, upload, import, demo, migrated
    submitted_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    submitted_by_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    is_demo: bool = Field(default=False)
