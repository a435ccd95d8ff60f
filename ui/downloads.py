"""Which browser may fetch which download.

Streamlit serves a download button's file at /media/<id> to anyone who asks for that URL. The
server (server.py) asks here first: the file must have been offered (`offer`) to the signed-in
session whose cookie the request carries, and that session must still be live. The gate
records, on every page run, which session token this Streamlit session is signed in with;
sign-out forgets it and the files offered to it.

Pages offer files only through `offer` (a test checks), given their bytes (prepared on a
click), never a callable: Streamlit keeps a callable's file outside any session.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from plan import sessions
from plan.db import session_scope
from plan.errors import PlanError

_LOCK = threading.Lock()
_TOKEN_BY_SESSION: dict[str, str] = {}  # Streamlit session id -> SHA-256 of its session token
_TOKEN_BY_FILE: dict[str, str] = {}  # media file id -> SHA-256 of the session token it was offered to


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
            return
        gone = _TOKEN_BY_SESSION.pop(ctx.session_id, None)
        for file_id in [f for f, owner in _TOKEN_BY_FILE.items() if owner == gone]:
            del _TOKEN_BY_FILE[file_id]


def forget_session(session_id: str) -> None:
    """A Streamlit session has ended (ui/closed_sessions.py): forget its sign-in, and the files
    offered to that sign-in once no other live tab holds it (Streamlit has dropped the files)."""
    with _LOCK:
        gone = _TOKEN_BY_SESSION.pop(session_id, None)
        if gone is None or gone in _TOKEN_BY_SESSION.values():
            return
        for file_id in [f for f, owner in _TOKEN_BY_FILE.items() if owner == gone]:
            del _TOKEN_BY_FILE[file_id]


def offer(label: str, data: bytes, *, file_name: str, mime: str, key: str) -> None:
    """A download button for `data`, fetchable only by this signed-in browser session."""
    ctx = get_script_run_ctx()
    with _LOCK:
        owner = _TOKEN_BY_SESSION.get(ctx.session_id) if ctx is not None else None
        if owner:
            _TOKEN_BY_FILE[_calculate_file_id(data, mime, file_name)] = owner
    st.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click="ignore")


def is_download(file_id: str) -> bool:
    """Every file under /media/ is guarded: the app serves no public media."""
    return bool(file_id)


def may_fetch(file_id: str, cookie_token: str) -> bool:
    if not cookie_token:
        return False
    with _LOCK:
        mine = _TOKEN_BY_FILE.get(file_id) == _hash(cookie_token)
    if not mine:
        return False
    with session_scope() as session:  # signed out elsewhere, disabled, expired: no file
        return sessions.is_live(session, token=cookie_token)


def prepared(label: str, *, key: str, wanted: object, make: Callable[[], Any]) -> None:
    """A file made on a click through plan.exports (`make` returns its Export), then offered.
    `wanted` names what the file holds (filters, a meeting): a different one drops the old file."""
    if st.session_state.get(f"{key}_for") != wanted:
        st.session_state.pop(key, None)
    if st.button(label, key=f"{key}_prepare"):
        try:
            made = make()
        except PlanError as err:
            st.error(str(err))
        else:
            st.session_state[key] = {"content": made.content, "filename": made.filename, "mime": made.mime}
            st.session_state[f"{key}_for"] = wanted
    if ready := st.session_state.get(key):
        offer(f"Download {ready['filename']}", ready["content"], file_name=ready["filename"], mime=ready["mime"],
              key=f"{key}_download")
