"""AppTest helpers: start from app.py as a browser would, signed in, then switch page."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from plan import sessions
from plan.db import session_scope
from plan.identity import Actor

ROOT = Path(__file__).resolve().parents[2]


def open_app(page: str | None = None, *, user: Actor | None = None, **state: object) -> AppTest:
    """The app as `user` sees it (None: not signed in)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        signed_in(at, user)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in(at: AppTest, user: Actor) -> AppTest:
    """Sign `user` in as the sign-in page does: a real server-side session, its token held by
    this (AppTest) browser session."""
    with session_scope() as session:
        started = sessions.start(session, actor=user)
    at.session_state["plan_token"] = started.token
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def form_key(at: AppTest, field: str, ref: str) -> str:
    """The key of a field of the update form now open for `ref` (each opened form has its own)."""
    prefix = f"{field}_{ref}_"
    token = at.session_state[f"form_token_{ref}"]
    keys = [f"{field}_{ref}_{token}"]
    assert len(keys) == 1, (prefix, keys)
    return keys[0]


def unescaped(markdown: str) -> str:
    """What a reader sees of Markdown whose user text was escaped (ui/text.md): no backslash
    before punctuation, and no word joiner (invisible) where an autolink would have started."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")
