"""Action Plan Tracker: the router. Sets up the database on first start and hands over to the
page chosen in the navigation; each page draws the frame (marking, plan) itself."""

import streamlit as st

from plan.errors import PlanError
from plan.setup import ensure_ready

st.set_page_config(page_title="Action Plan Tracker", layout="wide")

try:
    ensure_ready()  # first start: migrate and load seed_actions.yaml into an empty database
except PlanError as err:
    st.error(f"The plan could not be loaded: {err}")
    st.stop()

navigation = st.navigation([
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/actions.py", title="Actions"),
    st.Page("pages/action_detail.py", title="Action detail"),
])
navigation.run()
