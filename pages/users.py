"""Users (secretariat): who can sign in, their role, agency and clearance."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.permissions import ROLE_DESCRIPTIONS
from plan.plans import filter_choices
from plan.text import plural
from plan.users import (
    add_user,
    assign_owner_many,
    assignable_actions,
    list_users,
    may_change_clearance,
    owner_candidates,
    set_password,
    update_user,
)
from plan.vocab import Role
from ui.frame import current_user, flash_and_rerun, page_start
from ui.session import this_browser_tokens
from ui.text import md

ROLES = [r.value for r in Role]
ADD_KEYS = ("new_name", "new_email", "new_agency", "new_role", "new_cleared", "new_password")

frame = page_start()
user = current_user()
st.title("Users")
with st.expander("What each role can do"):
    for role, description in ROLE_DESCRIPTIONS.items():
        st.markdown(f"**{role.value}**: {description}")

# After a successful add (or assignment) the form starts empty; after a refusal it keeps what was typed.
for key in ADD_KEYS if st.session_state.pop("user_added", False) else ():
    st.session_state.pop(key, None)
if st.session_state.pop("actions_assigned", False):
    st.session_state.pop("assign_refs", None)

try:
    with session_scope() as session:
        people = list_users(session, user=user)
        agencies = filter_choices(session, plan_id=frame.id).agencies
        actions = assignable_actions(session, user=user, plan_id=frame.id)
        why_not_clear_new = may_change_clearance(session, user=user)
except PlanError as err:
    st.error(md(err))
    st.stop()

st.dataframe(pd.DataFrame([{
    "Name": p["name"], "Email": p["email"], "Agency": p["agency"], "Role": p["role"],
    "Restricted items": "Cleared" if p["cleared_for_restricted"] else "Not cleared",
    "Signs in with": "Password" if p["local_password"] else "Organisation account",
    "Active": "Yes" if p["active"] else "Disabled",
    "Left on": p["left_on"].strftime("%d %b %Y") if p["left_on"] else "",
    "Last sign-in": p["last_signin_at"].strftime("%d %b %Y %H:%M") if p["last_signin_at"] else "Never",
} for p in people]), hide_index=True, width="stretch")

add, change, assign = st.tabs(["Add a user", "Change a user", "Assign actions"])
with add, st.form("add_user", clear_on_submit=False):
    name = st.text_input("Name", key="new_name")
    email = st.text_input("Email", key="new_email")
    agency = st.selectbox("Agency", [""] + agencies, format_func=lambda a: a or "None", key="new_agency")
    role = st.selectbox("Role", ROLES, index=ROLES.index("owner"), key="new_role")
    cleared = st.checkbox("Cleared to see restricted (police-sensitive) detail", key="new_cleared",
                          disabled=bool(why_not_clear_new), help=why_not_clear_new or None)
    password = st.text_input("Password (leave empty if they sign in with their organisation account)",
                             type="password", key="new_password")
    if st.form_submit_button("Add user"):
        try:
            with session_scope() as session:
                person = add_user(session, user=user, email=email, name=name, role=role, agency=agency or None,
                                  cleared_for_restricted=cleared, password=password or None)
        except PlanError as err:
            st.error(md(err))
        else:
            st.session_state["user_added"] = True
            flash_and_rerun(f"Added {md(person.name)} as {person.role}.")

with change:
    emails = [p["email"] for p in people]
    chosen = st.selectbox("User", emails, key="edit_email")
    current = next(p for p in people if p["email"] == chosen)
    with session_scope() as session:
        why_not_clear = may_change_clearance(session, user=user, email=chosen)
    with st.form("edit_user"):
        new_role = st.selectbox("Role", ROLES, index=ROLES.index(current["role"]), key="edit_role")
        new_cleared = st.checkbox("Cleared for restricted items", value=current["cleared_for_restricted"],
                                  key="edit_cleared", disabled=bool(why_not_clear), help=why_not_clear or None)
        if why_not_clear:
            st.caption(md(why_not_clear))
        new_active = st.checkbox("Active (may sign in)", value=current["active"], key="edit_active")
        new_left_on = st.date_input("Left their post on (empty: still in post)", value=current["left_on"],
                                    format="DD/MM/YYYY", key=f"edit_left_on_{chosen}")
        new_password = st.text_input("New password (optional)", type="password", key="edit_password")
        if st.form_submit_button("Save changes"):
            try:
                with session_scope() as session:
                    update_user(session, user=user, email=chosen, role=new_role,
                                cleared_for_restricted=None if why_not_clear else new_cleared, active=new_active,
                                left_on=new_left_on, still_here=new_left_on is None)
                    if new_password:
                        set_password(session, user=user, email=chosen, password=new_password,
                                     keep=this_browser_tokens())
            except PlanError as err:
                st.error(md(err))
            else:
                flash_and_rerun(f"Saved {md(chosen)}.")

with assign:
    st.caption("Name one person as the owner of several actions at once. Each chosen action's current owner is "
               "replaced. Only people with the owner or admin role can own actions, and only people cleared for "
               "restricted items can own restricted ones. If any action cannot be theirs, none is assigned.")
    with session_scope() as session:
        owners = owner_candidates(session, user=user)
    labels = {a["ref"]: f"{a['ref']} – {a['title']}" for a in actions}
    with st.form("assign_actions"):
        owner_email = st.selectbox("Person", list(owners), index=None, placeholder="Choose a person",
                                   format_func=lambda e: f"{owners.get(e, e)} ({e})", key="assign_person")
        refs = st.multiselect("Actions they will own (type a ref or words from the title)", list(labels),
                              format_func=lambda r: labels.get(r, r), key="assign_refs")
        if st.form_submit_button("Assign these actions"):
            try:
                if owner_email is None:
                    raise PlanError("Choose the person who will own the actions.")
                with session_scope() as session:
                    done = assign_owner_many(session, user=user, plan_id=frame.id, refs=refs, email=owner_email)
            except PlanError as err:
                st.error(md(err))
            else:
                st.session_state["actions_assigned"] = True
                flash_and_rerun(f"{md(owners[owner_email])} is now the owner of "
                                f"{plural(len(done), 'action')}: {', '.join(done)}.")
