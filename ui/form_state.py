"""One form's state across reruns, for the forms that edit the plan and its settings.

Each opened form has a random token in its widget keys: after a save the token is replaced, so a
second click on the old form does nothing and the next form starts from what is stored; after a
refusal it is kept, so what was typed stays. A refusal's problems are kept by field and shown
under their field, in words (st.error: read out, never colour alone) and as text: a message can
quote what the user typed, which is never Markdown to us (ui/text.py)."""

from __future__ import annotations

import uuid

import streamlit as st

from ui.text import md

FORM = "_form"  # the key of a problem that belongs to no one field


def token(name: str) -> str:
    """The current token of the form `name` (a new one after reset)."""
    return st.session_state.setdefault(f"form_token_{name}", uuid.uuid4().hex[:12])


def reset(name: str) -> None:
    """Forget the form `name`: its next drawing starts from what is stored, with no problems."""
    st.session_state.pop(f"form_token_{name}", None)
    st.session_state.pop(f"form_errors_{name}", None)


def problems(name: str) -> dict[str, str]:
    return st.session_state.get(f"form_errors_{name}", {})


def keep(name: str, found: dict[str, str]) -> None:
    """Keep the problems of a refusal (by field; FORM for the whole form) for the next drawing."""
    st.session_state[f"form_errors_{name}"] = dict(found)


def forget_problems(name: str) -> None:
    st.session_state.pop(f"form_errors_{name}", None)


def show(name: str, field: str) -> None:
    """The problem with `field`, under it."""
    if message := problems(name).get(field):
        st.error(md(message))
