"""The sign-in page: a local account, or the organisation's single sign-on when configured. On the
first start of an embedded install (no accounts yet) it offers to create the first admin, and
signs them in. After signing in the browser goes where it was heading (a shared link)."""

from __future__ import annotations

import streamlit as st

from plan import sessions
from plan.db import session_scope
from plan.errors import PlanError
from plan.identity import Actor
from plan.plans import PlanFrame
from plan.settings import first_admin_allowed
from plan.signin import sign_in_and_wait
from plan.users import actor_for, count_users, create_first_admin
from ui.session import begin, current_path, sso_configured


def render(frame: PlanFrame) -> None:
    heading = frame.name
    st.title(heading)
    st.caption(f"{frame.organisation}. This plan is {frame.protective_marking}: sign in to see it.")
    next_path = current_path()
    message = st.session_state.get("signin_message") or sessions.ENDED.get(str(st.query_params.get("signed_out")), "")
    if message:
        st.warning(message)

    with session_scope() as session:
        nobody_yet = count_users(session) == 0
    if nobody_yet and first_admin_allowed():
        _first_admin(next_path)
        return
    if nobody_yet:
        st.info("There are no accounts yet. Whoever runs the server adds the first admin with "
                "`python -m plan user add EMAIL --name NAME --role admin`.")

    if sso_configured():
        st.button("Sign in with your organisation account", key="sso", on_click=st.login, type="primary")
        st.caption("Or with a local account:")
    with st.form("sign_in"):
        email = st.text_input("Email", key="signin_email", max_chars=320, autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password", max_chars=1000,
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        outcome = sign_in_and_wait(email, password)
        if outcome.actor is None:
            st.error(outcome.message)
        else:
            _signed_in(outcome.actor, next_path)
    st.caption("You stay signed in on this browser until you sign out or stop using it for a while.")


def _first_admin(next_path: str) -> None:
    st.subheader("Create the first account")
    st.info("There are no accounts yet. Create the plan secretariat's (admin) account; it can then add "
            "everyone else on the Users page.")
    with st.form("first_admin"):
        name = st.text_input("Your name", key="first_name", max_chars=200)
        email = st.text_input("Email", key="first_email", max_chars=320)
        password = st.text_input("Password (at least 12 characters; a few words together work well)",
                                 type="password", key="first_password", max_chars=1000)
        submitted = st.form_submit_button("Create admin account and sign in", type="primary")
    if not submitted:
        return
    try:
        with session_scope() as session:
            actor = actor_for(create_first_admin(session, email=email, name=name, password=password))
    except PlanError as err:
        st.error(str(err))
        return
    _signed_in(actor, next_path, f"Account created for {actor.email}. ")


def _signed_in(actor: Actor, next_path: str, prefix: str = "") -> None:
    """Start the session and send the browser for its cookie; the page it lands on is the plan.
    (No rerun here: a rerun that changes page can drop the browser's redirect.)"""
    begin(actor, next_path=next_path)
    st.success(f"{prefix}You are signed in as {actor.name}. Opening the plan…")
    st.link_button("Continue", next_path)
    st.stop()
