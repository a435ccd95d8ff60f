"""Which browser may fetch which download.

Streamlit serves a download button's file at /media/<id> to anyone who asks for that URL. The
server (server.py) asks here first: the file must belong to a Streamlit session whose signed-in
cookie is the one the request carries. The gate records, on every page run, which session token
this Streamlit session is signed in with; sign-out forgets it.

Download buttons are given their bytes (prepared on a click), never a callable: Streamlit keeps
a callable's file outside any session, and so it could not be tied to one here.
"""

from __future__ import annotations

import hashlib
import threading

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from plan import sessions
from plan.db import session_scope

_LOCK = threading.Lock()
_TOKEN_BY_SESSION: dict[str, str] = {}  # Streamlit session id -> SHA-256 of its session token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember(token: str | None) -> None:
    """This Streamlit session is signed in with `token` (None: nobody)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with _LOCK:
        if token:
            _TOKEN_BY_SESSION[ctx.session_id] = _hash(token)
        else:
            _TOKEN_BY_SESSION.pop(ctx.session_id, None)


def _owners(file_id: str) -> list[str]:
    if not Runtime.exists():
        return []
    manager = Runtime.instance().media_file_mgr
    with manager._lock:  # noqa: SLF001  Streamlit offers no public "who owns this file"
        return [session_id for session_id, files in manager._files_by_session_and_coord.items()  # noqa: SLF001
                if file_id in files.values()]


def is_download(file_id: str) -> bool:
    """Every file under /media/ is guarded: the app serves no public media."""
    return bool(file_id)


def may_fetch(file_id: str, cookie_token: str) -> bool:
    if not cookie_token:
        return False
    wanted = _hash(cookie_token)
    owners = _owners(file_id)
    with _LOCK:
        mine = any(_TOKEN_BY_SESSION.get(session_id) == wanted for session_id in owners)
    if not mine:
        return False
    with session_scope() as session:  # signed out elsewhere, disabled, expired: no file
        return sessions.is_live(session, token=cookie_token)
