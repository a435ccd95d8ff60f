"""Measures and their values per period (values appended, never overwritten)."""

from datetime import UTC, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Measure(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_measure_plan_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    ref: str = Field(max_length=30)
    name: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)
    unit: str = Field(default="count", max_length=40)
    baseline: float | None = None
    baseline_period: str = Field(default="", max_length=20)
    target: float | None = None
    direction: str = Field(default="monitor", max_length=10)  # up, down, monitor
    frequency: str = Field(default="quarterly", max_length=20)
    source_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    is_demo: bool = Field(default=False)


class MeasureValue(SQLModel, table=True):
    __tablename__ = "measure_value"
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    period: str = Field(max_length=20, index=True)
    value: float
    note: str = Field(default="", sa_type=Text)
    submitted_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    submitted_by_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    is_demo: bool = Field(default=False)
