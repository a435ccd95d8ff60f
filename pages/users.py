"""Users (secretariat): who can sign in, their role, agency and clearance."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.permissions import ROLE_DESCRIPTIONS
from plan.plans import filter_choices
from plan.users import add_user, list_users, set_password, update_user
from plan.vocab import Role
from ui.frame import current_user, flash_and_rerun, page_start

ROLES = [r.value for r in Role]

frame = page_start()
user = current_user()
st.title("Users")
with st.expander("What each role can do"):
    for role, description in ROLE_DESCRIPTIONS.items():
        st.markdown(f"**{role.value}**: {description}")

try:
    with session_scope() as session:
        people = list_users(session, user=user)
        agencies = filter_choices(session, plan_id=frame.id).agencies
except PlanError as err:
    st.error(str(err))
    st.stop()

st.dataframe(pd.DataFrame([{
    "Name": p["name"], "Email": p["email"], "Agency": p["agency"], "Role": p["role"],
    "Restricted items": "Cleared" if p["cleared_for_restricted"] else "Not cleared",
    "Signs in with": "Password" if p["local_password"] else "Organisation account",
    "Active": "Yes" if p["active"] else "Disabled",
    "Last sign-in": p["last_signin_at"].strftime("%d %b %Y %H:%M") if p["last_signin_at"] else "Never",
} for p in people]), hide_index=True, width="stretch")

add, change = st.tabs(["Add a user", "Change a user"])
with add, st.form("add_user", clear_on_submit=False):
    name = st.text_input("Name", key="new_name")
    email = st.text_input("Email", key="new_email")
    agency = st.selectbox("Agency", [""] + agencies, format_func=lambda a: a or "None", key="new_agency")
    role = st.selectbox("Role", ROLES, index=ROLES.index("owner"), key="new_role")
    cleared = st.checkbox("Cleared to see restricted (police-sensitive) detail", key="new_cleared")
    password = st.text_input("Password (leave empty if they sign in with their organisation account)",
                             type="password", key="new_password")
    if st.form_submit_button("Add user"):
        try:
            with session_scope() as session:
                person = add_user(session, user=user, email=email, name=name, role=role, agency=agency or None,
                                  cleared_for_restricted=cleared, password=password or None)
        except PlanError as err:
            st.error(str(err))
        else:
            flash_and_rerun(f"Added {person.name} as {person.role}.")

with change:
    emails = [p["email"] for p in people]
    chosen = st.selectbox("User", emails, key="edit_email")
    current = next(p for p in people if p["email"] == chosen)
    with st.form("edit_user"):
        new_role = st.selectbox("Role", ROLES, index=ROLES.index(current["role"]), key="edit_role")
        new_cleared = st.checkbox("Cleared for restricted items", value=current["cleared_for_restricted"],
                                  key="edit_cleared")
        new_active = st.checkbox("Active (may sign in)", value=current["active"], key="edit_active")
        new_password = st.text_input("New password (optional)", type="password", key="edit_password")
        if st.form_submit_button("Save changes"):
            try:
                with session_scope() as session:
                    update_user(session, user=user, email=chosen, role=new_role,
                                cleared_for_restricted=new_cleared, active=new_active)
                    if new_password:
                        set_password(session, user=user, email=chosen, password=new_password)
            except PlanError as err:
                st.error(str(err))
            else:
                flash_and_rerun(f"Saved {chosen}.")
