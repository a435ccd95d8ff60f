"""Action Plan Tracker: the router. Sets up the database on first start, signs the user in,
and offers only the pages their role may use; each page draws the frame (marking, plan)."""

import streamlit as st

from plan.errors import PlanError
from plan.permissions import allowed
from plan.setup import ensure_ready
from ui.session import signed_in_user

st.set_page_config(page_title="Action Plan Tracker", layout="wide")

try:
    ensure_ready()  # first start: migrate and load seed_actions.yaml into an empty database
except PlanError as err:
    st.error(f"The plan could not be loaded: {err}")
    st.stop()

# Sign-in and Overview share a path, so signing in lands on the Overview.
user = signed_in_user()
if user is None:
    pages = [st.Page("pages/sign_in.py", title="Sign in", default=True, url_path="home")]
else:
    pages = [
        st.Page("pages/overview.py", title="Overview", default=True, url_path="home"),
        st.Page("pages/actions.py", title="Actions"),
        st.Page("pages/action_detail.py", title="Action detail"),
    ]
    if allowed(user, "action.update_own"):
        pages.insert(1, st.Page("pages/my_actions.py", title="My actions"))
    if allowed(user, "round.view"):
        pages.append(st.Page("pages/update_round.py", title="Update round"))
    if allowed(user, "due_date.decide"):
        pages.append(st.Page("pages/due_dates.py", title="Due dates"))
    if allowed(user, "audit.view"):
        pages.append(st.Page("pages/audit_trail.py", title="Audit trail"))
    if allowed(user, "user.manage"):
        pages.append(st.Page("pages/users.py", title="Users"))
    if allowed(user, "plan.settings"):
        pages.append(st.Page("pages/plan_settings.py", title="Plan settings"))
st.navigation(pages).run()
