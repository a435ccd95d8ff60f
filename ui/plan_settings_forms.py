"""The forms of Plan settings and Plans: each a st.form with a random token in its widget keys
(after a save the token changes, so a second click on the old form does nothing and the next form
starts from what is stored; after a refusal it stays, so what was typed stays), every problem
shown beside its field, refusals in words, user text escaped.

(ui/plan_forms.py has the same shape for editing actions; the two could share one helper.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session

from plan.db import session_scope
from plan.errors import InvalidFields, PlanError
from ui.frame import flash_and_rerun
from ui.text import md

FORM = "_form"  # the key of a problem that belongs to no one field


def key(form: str, field: str) -> str:
    """The widget key of `field` in the form `form` as now opened."""
    token = st.session_state.setdefault(f"settings_token_{form}", uuid.uuid4().hex[:10])
    return f"{form}_{field}_{token}"


def problems(form: str) -> dict[str, str]:
    return st.session_state.get(f"settings_problems_{form}", {})


def beside(form: str, field: str) -> None:
    """The problem with `field`, shown under it in words (an alert, read out, never colour alone)."""
    if message := problems(form).get(field):
        st.error(md(message))


def form_problem(form: str) -> None:
    beside(form, FORM)


def save(form: str, action: Callable[[Session], Any], done: str) -> None:
    """Run the service in one transaction. Saved: a new form, and `done` at the top of the page.
    Refused: each problem kept by field (or for the whole form) and the form drawn again."""
    try:
        with session_scope() as session:
            action(session)
    except InvalidFields as err:
        st.session_state[f"settings_problems_{form}"] = dict(err.problems)
        st.rerun()
    except PlanError as err:
        st.session_state[f"settings_problems_{form}"] = {FORM: str(err)}
        st.rerun()
    st.session_state.pop(f"settings_problems_{form}", None)
    st.session_state.pop(f"settings_token_{form}", None)
    st.cache_data.clear()
    flash_and_rerun(done)
