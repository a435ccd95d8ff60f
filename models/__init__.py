"""SQLModel tables only: fields, keys and indexes. Rules live in `plan/`."""

from sqlmodel import SQLModel

# A naming convention before the first migration, so constraint names are stable across
# SQLite and PostgreSQL and Alembic can alter them later (SQLite batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from models.action import Action, ActionBoard, ActionPartner  # noqa: E402
from models.audit import AuditEvent, SignInAttempt, SignInSession  # noqa: E402
from models.measure import Measure, MeasureAction, MeasureValue  # noqa: E402
from models.meetings import (  # noqa: E402
    AgendaItem,
    FollowUp,
    Meeting,
    MeetingAttendee,
    MeetingSnapshot,
    SuggestionSettings,
)
from models.people import Agency, Person  # noqa: E402
from models.plan import Board, Objective, Plan, RagDefinition, Theme  # noqa: E402
from models.rounds import (  # noqa: E402
    ActionDelegate,
    DueDateRequest,
    IssuedReturn,
    IssuedReturnAction,
    RoundSnapshot,
    UpdateReturn,
    UpdateRound,
)
from models.strategy import Finding, FindingAction, MeasureFinding, NeedsAssessment, ViolenceDefinition  # noqa: E402
from models.update import StatusUpdate  # noqa: E402

metadata = SQLModel.metadata

__all__ = [
    "Action",
    "ActionBoard",
    "ActionDelegate",
    "ActionPartner",
    "AgendaItem",
    "Agency",
    "AuditEvent",
    "Board",
    "DueDateRequest",
    "Finding",
    "FindingAction",
    "FollowUp",
    "IssuedReturn",
    "IssuedReturnAction",
    "Measure",
    "MeasureAction",
    "MeasureFinding",
    "MeasureValue",
    "Meeting",
    "MeetingAttendee",
    "MeetingSnapshot",
    "NeedsAssessment",
    "Objective",
    "Person",
    "Plan",
    "RagDefinition",
    "RoundSnapshot",
    "SignInAttempt",
    "SignInSession",
    "StatusUpdate",
    "SuggestionSettings",
    "Theme",
    "UpdateReturn",
    "UpdateRound",
    "ViolenceDefinition",
    "metadata",
]
