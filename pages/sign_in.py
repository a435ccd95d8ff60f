"""Sign in: a local account, or the organisation's single sign-on when it is configured. When
there is no account at all, the embedded install offers to create the first admin."""

import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.identity import Actor
from plan.settings import first_admin_allowed
from plan.signin import sign_in_and_wait
from plan.users import add_user, count_users
from ui.frame import page_start
from ui.session import sso_configured, start_session

frame = page_start()
st.title(frame.name)
st.caption(f"{frame.organisation}. This plan is {frame.protective_marking}: sign in to see it.")
if message := st.session_state.get("signin_message"):
    st.warning(message)

with session_scope() as session:
    nobody_yet = count_users(session) == 0

if nobody_yet and first_admin_allowed():
    st.subheader("Create the first account")
    st.info("There are no accounts yet. Create the plan secretariat's (admin) account; it can then add "
            "everyone else on the Users page.")
    with st.form("first_admin"):
        name = st.text_input("Your name", key="first_name")
        email = st.text_input("Email", key="first_email")
        password = st.text_input("Password (at least 12 characters)", type="password", key="first_password")
        if st.form_submit_button("Create admin account"):
            try:
                with session_scope() as session:
                    person = add_user(session, user=Actor.system("first start"), email=email, name=name,
                                      role="admin", cleared_for_restricted=True, password=password)
                st.success(f"Account created for {person.email}. Sign in below.")
            except PlanError as err:
                st.error(str(err))
elif nobody_yet:
    st.info("There are no accounts yet. Whoever runs the server adds the first admin with "
            "`python -m plan user add EMAIL --name NAME --role admin`.")

if sso_configured():
    st.button("Sign in with your organisation account", key="sso", on_click=st.login, type="primary")
    st.caption("Or with a local account:")

with st.form("sign_in"):
    email = st.text_input("Email", key="signin_email")
    password = st.text_input("Password", type="password", key="signin_password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    outcome = sign_in_and_wait(email, password)
    if outcome.actor is None:
        st.error(outcome.message)
    else:
        start_session(outcome.actor)
        st.rerun()
st.caption("A page reload signs you out of a local account; your work is saved as you go.")
