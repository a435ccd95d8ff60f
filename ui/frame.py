"""The frame around every page: the plan being shown, the user, and the protective marking."""

from __future__ import annotations

import html

import streamlit as st

from plan.db import session_scope
from plan.identity import Actor
from plan.plans import PlanFrame, plan_frame


def current_plan() -> PlanFrame:
    """The plan chosen in the sidebar (app.py sets `plan_slug`), as plain values."""
    with session_scope() as session:
        return plan_frame(session, st.session_state.get("plan_slug"))


def current_user() -> Actor:
    """The signed-in user as app.py resolved them; before sign-in exists, a reader of the plan."""
    actor = st.session_state.get("actor")
    return actor if isinstance(actor, Actor) else Actor.public()


def marking_banner(marking: str) -> None:
    """The protective marking, top of every page, in words a screen reader reads first."""
    st.markdown(
        f'<div role="note" aria-label="Protective marking" style="background:#1f1f1f;color:#ffffff;'
        f'text-align:center;font-weight:700;letter-spacing:0.08em;padding:4px">'
        f'{html.escape(marking)}</div>',
        unsafe_allow_html=True,
    )
