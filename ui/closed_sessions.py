"""A closed browser tab gives its memory back.

When a tab's websocket closes, Streamlit keeps its session for a while so a network blip can
resume it (streamlit/runtime/memory_session_storage.py: 128 sessions, 2 minutes). When such a
session expires from that store it is simply dropped: AppSession.shutdown() never runs, so the
files it offered for download (the media file manager keeps them per session id), its uploads
and its dataframe sources stay in memory for the life of the process, as does our own record of
which sign-in it held (ui/downloads.py). Here the store shuts down every session it drops
(expired, or past the count), and forgets ours.

`install()` swaps the store into the running server once (from app.py, on the first run).
PLAN_RECONNECT_SECONDS (120) and PLAN_RECONNECT_SESSIONS (32) bound how long and how many
closed sessions wait to be resumed: a session that is not resumed costs only its page state,
which lives in the URL, and never the sign-in, which lives in a cookie.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections import OrderedDict

from streamlit.runtime import Runtime
from streamlit.runtime.session_manager import SessionInfo, SessionStorage

_LOG = logging.getLogger(__name__)
REAP_EVERY_S = 15.0


def _setting(name: str, default: int) -> int:
    try:
        return max(int(os.environ.get(name, default)), 0)
    except ValueError:
        return default


class ClosingSessionStorage(SessionStorage):
    """Closed sessions waiting to be resumed, at most `max_sessions` for `ttl_s` seconds each;
    every one dropped unresumed is shut down. Called on the server's event loop."""

    def __init__(self, *, max_sessions: int = 32, ttl_s: float = 120.0) -> None:
        self.max_sessions = max_sessions
        self.ttl_s = ttl_s
        self._stored: OrderedDict[str, tuple[float, SessionInfo]] = OrderedDict()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.shut_down = 0  # sessions this store has shut down (for the soak bench and tests)

    def get(self, session_id: str) -> SessionInfo | None:
        self.reap()
        with self._lock:
            kept = self._stored.get(session_id)
        return kept[1] if kept else None

    def save(self, session_info: SessionInfo) -> None:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            pass
        with self._lock:
            self._stored[session_info.session.id] = (time.monotonic() + self.ttl_s, session_info)
            self._stored.move_to_end(session_info.session.id)
        self.reap()

    def delete(self, session_id: str) -> None:
        """Taken out to be resumed (or by Streamlit to shut down itself): not ours to shut down."""
        with self._lock:
            self._stored.pop(session_id, None)

    def list(self) -> list[SessionInfo]:
        self.reap()
        with self._lock:
            return [info for _, info in self._stored.values()]

    def reap(self, now: float | None = None) -> int:
        """Shut down the sessions past their time or past the count. Returns how many."""
        now = time.monotonic() if now is None else now
        dropped = []
        with self._lock:
            for session_id, (expires, info) in list(self._stored.items()):
                if expires <= now or len(self._stored) > self.max_sessions:
                    del self._stored[session_id]
                    dropped.append(info)
        for info in dropped:
            _shut_down(info)
        self.shut_down += len(dropped)
        if dropped:
            _LOG.info("shut down %d closed session(s) not resumed; %d waiting", len(dropped), len(self._stored))
        return len(dropped)

    def reap_soon(self) -> None:
        """From any thread: reap on the server's event loop (where Streamlit touches sessions)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.reap)


def _shut_down(info: SessionInfo) -> None:
    from ui import downloads

    session_id = info.session.id
    try:
        info.session.shutdown()
    except Exception:  # noqa: BLE001  a session half gone must not stop the others being freed
        _LOG.exception("could not shut down closed session %s", session_id)
    downloads.forget_session(session_id)


_installed: list[ClosingSessionStorage] = []
_install_lock = threading.Lock()


def install() -> ClosingSessionStorage | None:
    """Swap the running server's store of closed sessions for one that frees them (once). None
    outside a server (AppTest, bare scripts)."""
    if _installed:
        return _installed[0]
    if not Runtime.exists():
        return None
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    if manager is None or not hasattr(manager, "_session_storage"):
        return None
    with _install_lock:
        if _installed:
            return _installed[0]
        storage = ClosingSessionStorage(max_sessions=_setting("PLAN_RECONNECT_SESSIONS", 32),
                                        ttl_s=_setting("PLAN_RECONNECT_SECONDS", 120))
        old = manager._session_storage
        for info in old.list():  # closed before the swap: kept, and freed in their turn
            storage._stored[info.session.id] = (time.monotonic() + storage.ttl_s, info)
        manager._session_storage = storage
        _installed.append(storage)

        def reaper() -> None:
            while True:
                time.sleep(REAP_EVERY_S)
                storage.reap_soon()

        threading.Thread(target=reaper, name="plan-closed-sessions", daemon=True).start()
        return storage
