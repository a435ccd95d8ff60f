"""Page caches that never serve stale data: figures a page reads often (RAG counts, filter
choices, the dashboard's aggregates) are kept with st.cache_data, keyed on the database's change
stamp (plan.change_stamp), so the first render after any write, from any app process,
recomputes. A result that masks restricted detail is keyed on the user's scope too (role and
clearance); a result about one person (My actions) is never cached here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from plan.change_stamp import change_stamp
from plan.db import read_scope
from plan.identity import Actor

T = TypeVar("T")

# Commits made by this process. A run reuses the stamp it read only while this has not moved:
# a page that saves and then draws cached figures in the same run reads the stamp again.
_commits = [0]
_commits_lock = threading.Lock()
# Kept on the browser session's run context: (that run's cursors dict, commits then, the stamp).
_KEPT = "_plan_change_stamp"


@event.listens_for(Engine, "commit")
def _committed(_connection: Any) -> None:
    with _commits_lock:
        _commits[0] += 1


def stamp() -> tuple[int, ...]:
    """The change stamp, read once per run of the page script (a few milliseconds): a page asks
    for several cached figures, and they all share the stamp read at the first of them, so one
    run draws from one reading of the database. Read again in the next run (every click, every
    other user's session, a fragment's rerun), and after any commit this process made meanwhile."""
    ctx = get_script_run_ctx(suppress_warning=True)
    run = ctx.cursors if ctx is not None else None  # Streamlit gives every run a fresh dict
    commits = _commits[0]
    kept = getattr(ctx, _KEPT, None)
    if kept is not None and kept[0] is run and kept[1] == commits:
        return kept[2]
    with read_scope() as session:
        value = change_stamp(session)
    if ctx is not None:
        setattr(ctx, _KEPT, (run, commits, value))  # holds the dict, so a later run's new one is never it
    return value


def cached(fn: Callable[..., T], *, user: Actor | None = None, **kwargs: Any) -> T:
    """fn(session, **kwargs) (and user=user if given), from the cache while the database has not
    changed. The key: fn's name, the change stamp, the user's scope, and the arguments."""
    scope = (user.role.value, bool(user.cleared_for_restricted)) if user is not None else None
    key = repr(sorted(kwargs.items()))
    return _run(f"{fn.__module__}.{fn.__qualname__}", stamp(), scope, key, fn, user, kwargs)


@st.cache_data(show_spinner=False, max_entries=500, ttl=3600)
def _run(name: str, changed: tuple[int, ...], scope: tuple[str, bool] | None, key: str,
         _fn: Callable[..., Any], _user: Actor | None, _kwargs: dict[str, Any]) -> Any:
    # Hashed into the key: name, changed, scope, key. Not hashed (leading underscore): the call.
    with read_scope() as session:
        return _fn(session, **_kwargs) if _user is None else _fn(session, user=_user, **_kwargs)
