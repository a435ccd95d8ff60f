"""The frame around every page: the plan being shown, the user, and the protective marking.

Each page calls `page_start()` first. (Elements that app.py draws around `navigation.run()`
are not shown on pages other than the default one in Streamlit 1.67, so the frame is drawn
by the page itself.)
"""

from __future__ import annotations

import html

import streamlit as st

from plan.db import session_scope
from plan.identity import Actor
from plan.plans import PlanFrame, list_plans, plan_frame
from ui.session import end_session


def page_start() -> PlanFrame:
    """Draw the marking banner and the sidebar (plan picker), and return the plan shown."""
    with session_scope() as session:
        plans = list_plans(session)
    slugs = [slug for slug, _ in plans]
    if st.session_state.get("plan_slug") not in slugs:
        st.session_state["plan_slug"] = slugs[0]
    if len(slugs) > 1:
        names = dict(plans)
        st.sidebar.selectbox("Plan", slugs, format_func=names.get, key="plan_slug")
    frame = current_plan()
    marking_banner(frame.protective_marking)
    if message := st.session_state.pop("flash", None):
        st.success(message)
    st.sidebar.markdown(f"**{frame.name}**  \n{frame.organisation}")
    st.sidebar.caption(f"Protective marking: {frame.protective_marking}")
    actor = st.session_state.get("actor")
    if isinstance(actor, Actor):
        st.sidebar.markdown(f"Signed in as **{actor.name}** ({actor.role.value})"
                            + (", cleared for restricted items" if actor.cleared_for_restricted else ""))
        if st.sidebar.button("Sign out", key="sign_out"):
            end_session(actor)
            st.rerun()
    return frame


def flash_and_rerun(message: str) -> None:
    """Show `message` at the top of the page after a rerun, so what was just saved is on screen."""
    st.session_state["flash"] = message
    st.rerun()


def current_plan() -> PlanFrame:
    with session_scope() as session:
        return plan_frame(session, st.session_state.get("plan_slug"))


def current_user() -> Actor:
    """The signed-in user as app.py resolved them (pages are offered only after sign-in)."""
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        st.error("Please sign in.")
        st.stop()
    return actor


def marking_banner(marking: str) -> None:
    """The protective marking, top of every page, in words a screen reader reads first."""
    st.markdown(
        f'<div role="note" aria-label="Protective marking" style="background:#1f1f1f;color:#ffffff;'
        f'text-align:center;font-weight:700;letter-spacing:0.08em;padding:4px">'
        f'{html.escape(marking)}</div>',
        unsafe_allow_html=True,
    )
