"""The forms of Plan settings and Plans (pages/plan_settings.py, pages/plans.py): each a st.form
whose state (token, problems by field) ui/form_state.py keeps, as the plan-editing forms' is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session

from plan.db import session_scope
from plan.errors import InvalidFields, PlanError
from ui import cache as page_cache
from ui import form_state
from ui.form_state import FORM
from ui.frame import flash_and_rerun


def key(form: str, field: str) -> str:
    """The widget key of `field` in the form `form` as now opened."""
    return f"{form}_{field}_{form_state.token(form)}"


def beside(form: str, field: str) -> None:
    form_state.show(form, field)


def form_problem(form: str) -> None:
    form_state.show(form, FORM)


def save(form: str, action: Callable[[Session], Any], done: str) -> None:
    """Run the service in one transaction. Saved: a new form, and `done` at the top of the page.
    Refused: each problem kept by field (or for the whole form) and the form drawn again."""
    try:
        with session_scope() as session:
            action(session)
    except InvalidFields as err:
        form_state.keep(form, err.problems)
        st.rerun()
    except PlanError as err:
        form_state.keep(form, {FORM: str(err)})
        st.rerun()
    form_state.reset(form)
    page_cache.clear()
    flash_and_rerun(done)
