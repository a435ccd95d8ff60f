"""Deployment settings that are not plan data: read from the environment (or, in the app,
from Streamlit secrets through ui/), with safe defaults."""

from __future__ import annotations

import os

from plan.db import database_url


def idle_minutes(override: object = None) -> int:
    """Minutes without activity before a session is signed out (PLAN_IDLE_MINUTES, default 30)."""
    raw = override if override is not None else os.environ.get("PLAN_IDLE_MINUTES", "30")
    try:
        return max(1, int(str(raw)))
    except ValueError:
        return 30


def first_admin_allowed() -> bool:
    """Whether the app may offer to create the first admin account when there is none.

    On the embedded SQLite database (one person's machine) it may; on a shared PostgreSQL
    deployment only when PLAN_ALLOW_FIRST_ADMIN=1, otherwise the first admin is made with
    `python -m plan user add` by whoever runs the server.
    """
    if os.environ.get("PLAN_ALLOW_FIRST_ADMIN") == "1":
        return True
    return database_url().startswith("sqlite")
