"""Page caches that never serve stale data: figures a page reads often (RAG counts, filter
choices, the dashboard's aggregates) are kept with st.cache_data, keyed on the database's change
stamp (plan.change_stamp), so the first render after any write, from any app process,
recomputes. A result that masks restricted detail is keyed on the user's scope too (role and
clearance); a result about one person (My actions) is never cached here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from plan.change_stamp import change_stamp
from plan.db import read_scope
from plan.identity import Actor

T = TypeVar("T")


def stamp() -> tuple[int, ...]:
    """The change stamp, read once per run of the page script (a few milliseconds)."""
    with read_scope() as session:
        return change_stamp(session)


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
