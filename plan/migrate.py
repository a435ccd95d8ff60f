"""Bring the database schema up to date through Alembic (the only way the schema changes)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from plan.db import ROOT, get_engine, hold_setup_lock


def _config() -> Config:
    return Config(str(ROOT / "alembic.ini"))


def upgrade() -> None:
    """Apply every migration not yet applied. Safe to run again: it then does nothing."""
    engine = get_engine()
    with engine.begin() as connection:
        hold_setup_lock(connection)  # two processes starting at once migrate one after the other
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision() -> str | None:
    with get_engine().connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()
