"""The Serious Violence Duty frame of a plan: the local definition of serious violence (versions
appended, never overwritten), the strategic needs assessment, its findings, and which findings
each action answers."""

from datetime import UTC, date, datetime

from sqlalchemy import Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Bumped on every write; an edit made on an out-of-date form is refused (see plan/strategy).
_assessment_version = Column("version", Integer, nullable=False, default=1)
_finding_version = Column("version", Integer, nullable=False, default=1)


class ViolenceDefinition(SQLModel, table=True):
    """One version of the partnership's local definition of serious violence. A change is a new
    row with the next version number: the earlier wording stays, dated, for the annual review."""

    __tablename__ = "violence_definition"
    __table_args__ = (UniqueConstraint("plan_id", "version", name="uq_violence_definition_plan_version"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    version: int = 1
    text: str = Field(sa_type=Text)
    agreed_on: date  # the day the partnership agreed this wording
    note: str = Field(default="", sa_type=Text)  # why it changed
    recorded_by: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class NeedsAssessment(SQLModel, table=True):
    """The strategic needs assessment the findings come from (one a year, usually)."""

    __tablename__ = "needs_assessment"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    title: str = Field(max_length=300)
    assessed_on: date | None = None
    author_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    link: str = Field(default="", max_length=500)  # where the document is kept (a URL or a path)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    version: int = Field(default=1, sa_column=_assessment_version)

    __mapper_args__ = {"version_id_col": _assessment_version}  # noqa: RUF012


class Finding(SQLModel, table=True):
    """What the needs assessment found: the evidence, where it comes from, how much it matters."""

    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_finding_plan_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    assessment_id: int | None = Field(default=None, foreign_key="needs_assessment.id", index=True)
    ref: str = Field(max_length=30)  # "F1", "SNA-03"
    ref_sort: str = Field(default="", max_length=120, index=True)
    title: str = Field(max_length=300)
    evidence: str = Field(default="", sa_type=Text)  # what the evidence says
    # True: `evidence` is the source document's own words, quoted (shown as a quotation).
    quoted: bool = Field(default=False)
    source: str = Field(default="", max_length=300)
    theme: str = Field(default="", max_length=100)
    priority: str = Field(default="medium", max_length=10)  # high, medium, low
    retired_at: datetime | None = Field(default=None, index=True)
    retired_reason: str = Field(default="", sa_type=Text)
    carried_from_id: int | None = Field(default=None, foreign_key="finding.id")  # last year's finding
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    version: int = Field(default=1, sa_column=_finding_version)

    __mapper_args__ = {"version_id_col": _finding_version}  # noqa: RUF012


class FindingAction(SQLModel, table=True):
    """An action that answers a finding (many to many). Links made and unmade are audited."""

    __tablename__ = "finding_action"
    finding_id: int = Field(foreign_key="finding.id", primary_key=True)
    action_id: int = Field(foreign_key="action.id", primary_key=True, index=True)
    linked_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class MeasureFinding(SQLModel, table=True):
    """A measure that evidences a finding (many to many): the core measures and the plan's own
    show whether what the needs assessment found is changing. Links made and unmade are audited."""

    __tablename__ = "measure_finding"
    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", primary_key=True, index=True)
    linked_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
