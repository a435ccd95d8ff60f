"""Page caches that never serve stale data: figures a page reads often (RAG counts, filter
choices, the dashboard's aggregates) are kept here, keyed on the database's change stamp
(plan.change_stamp), so the first render after any write, from any app process, recomputes. A
result that masks restricted detail is keyed on the user's scope too (role and clearance); a
result about one person (My actions) is never cached here.

The cache is bounded in bytes, not entries (PLAN_PAGE_CACHE_MB, 64 MB unless set): st.cache_data
counts entries only, and with 500 entries kept an hour one cached exceptions list (5.2 MB at
10,000 actions) per write left about 10 MB behind each time. Here an entry is kept pickled (as
st.cache_data keeps it: every hit gets its own copy), its size is its pickle's length, the least
recently used go first when the total passes the bound, and every entry of an older change stamp
goes as soon as a newer stamp is cached (no run asks for it again)."""

from __future__ import annotations

import os
import pickle
import threading
from collections import OrderedDict
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


class ByteBoundedCache:
    """Pickled values under (stamp, key), at most `max_bytes` in all, least recently used out
    first; storing under a newer stamp drops every entry of an older one. Thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._bytes = 0
        self._newest: tuple[int, ...] | None = None
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Bytes held (the sum of the pickles' lengths)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, stamp: tuple[int, ...], key: tuple[Any, ...]) -> tuple[bool, Any]:
        with self._lock:
            blob = self._entries.get((stamp, *key))
            if blob is None:
                return False, None
            self._entries.move_to_end((stamp, *key))
        return True, pickle.loads(blob)

    def put(self, stamp: tuple[int, ...], key: tuple[Any, ...], value: Any) -> None:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._newest is not None and stamp < self._newest:
                return  # a run that read the stamp before a newer write: its figures are already old
            if stamp != self._newest:
                for old in [k for k in self._entries if k[0] != stamp]:
                    self._bytes -= len(self._entries.pop(old))
                self._newest = stamp
            if len(blob) > self.max_bytes:
                return  # bigger than the whole cache: computed each time rather than flushing the rest
            full = (stamp, *key)
            if full in self._entries:
                self._bytes -= len(self._entries.pop(full))
            self._entries[full] = blob
            self._bytes += len(blob)
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._newest = None


def _max_bytes() -> int:
    try:
        return max(int(float(os.environ.get("PLAN_PAGE_CACHE_MB", "64")) * 1024 * 1024), 0)
    except ValueError:
        return 64 * 1024 * 1024


PAGE_CACHE = ByteBoundedCache(_max_bytes())


def clear() -> None:
    """Forget every cached figure (tests, benchmarks' cold runs, settings that change labels)."""
    PAGE_CACHE.clear()
    st.cache_data.clear()


def _run(name: str, changed: tuple[int, ...], scope: tuple[str, bool] | None, key: str,
         fn: Callable[..., Any], user: Actor | None, kwargs: dict[str, Any]) -> Any:
    hit, value = PAGE_CACHE.get(changed, (name, scope, key))
    if hit:
        return value
    with read_scope() as session:
        value = fn(session, **kwargs) if user is None else fn(session, user=user, **kwargs)
    PAGE_CACHE.put(changed, (name, scope, key), value)
    return value
