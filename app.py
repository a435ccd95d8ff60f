"""Action Plan Tracker: router and frame. Sets up the database, picks the plan, shows the
protective marking, and hands over to the page chosen in the navigation."""

import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.plans import list_plans
from plan.setup import ensure_ready
from ui.frame import current_plan, marking_banner

st.set_page_config(page_title="Action Plan Tracker", layout="wide")

try:
    ensure_ready()  # first start: migrate and load seed_actions.yaml into an empty database
    with session_scope() as session:
        plans = list_plans(session)
except PlanError as err:
    st.error(f"The plan could not be loaded: {err}")
    st.stop()

slugs = [slug for slug, _ in plans]
names = dict(plans)
if st.session_state.get("plan_slug") not in slugs:
    st.session_state["plan_slug"] = slugs[0]
if len(slugs) > 1:
    st.sidebar.selectbox("Plan", slugs, format_func=names.get, key="plan_slug")

frame = current_plan()
marking_banner(frame.protective_marking)
st.sidebar.markdown(f"**{frame.name}**  \n{frame.organisation}")
st.sidebar.caption(f"Protective marking: {frame.protective_marking}")

navigation = st.navigation([
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/actions.py", title="Actions"),
    st.Page("pages/action_detail.py", title="Action detail"),
])
navigation.run()
marking_banner(frame.protective_marking)
