"""Status updates: appended, never edited. The action's current RAG moves with the latest."""

from datetime import UTC, datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel


class StatusUpdate(SQLModel, table=True):
    __tablename__ = "status_update"
    # What a round is owed: each action's latest update in the round (round_id, action_id, then
    # the id within), read without sorting the round's updates (migration 0010).
    __table_args__ = (Index("ix_status_update_round_action", "round_id", "action_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    rag: str = Field(max_length=20)
    delivery_status: str = Field(max_length=20)
    commentary: str = Field(default="", sa_type=Text)
    blockers: str = Field(default="", sa_type=Text)
    support_asked: str = Field(default="", sa_type=Text)
    evidence_url: str = Field(default="", max_length=500)
    author_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    author_name: str = Field(default="", max_length=200)
    period: str = Field(default="", max_length=20, index=True)  # e.g. "2026-Q3"
    round_id: int | None = Field(default=None, foreign_key="update_round.id", index=True)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), index=True)
    is_demo: bool = Field(default=False)
    # The form that sent it (one random key per opened form): the same key twice is one update.
    submission_key: str | None = Field(default=None, max_length=64, unique=True)
