"""Action Plan Tracker: the router. Sets up the database on first start, signs the user in,
and offers only the pages their role may use (ui/navigation.py lists them). Each page checks
again for itself and draws the frame (marking, plan)."""

import logging
import uuid

import streamlit as st

from plan.errors import PlanError
from plan.permissions import allowed
from plan.setup import ensure_ready
from ui import closed_sessions, navigation
from ui.frame import sign_in_page
from ui.session import signed_in_user

st.set_page_config(page_title="Action Plan Tracker", layout="wide", initial_sidebar_state="auto")
closed_sessions.install()  # once per server: a closed tab's session is shut down, not kept for ever

try:
    ensure_ready()  # first start: migrate and load seed_actions.yaml into an empty database
except PlanError as err:
    st.error(f"The plan could not be loaded: {err}")
    st.stop()


def _sign_in_at(spec: navigation.PageSpec) -> st.Page:
    """Until someone signs in, every page's URL shows the sign-in form (and comes back after)."""
    if spec.url_path == "home":
        return st.Page(navigation.SIGN_IN, title="Sign in", default=True, url_path="home")

    def sign_in() -> None:
        sign_in_page()

    return st.Page(sign_in, title="Sign in", url_path=spec.url_path)


user = signed_in_user()
if user is None:
    pages = [_sign_in_at(spec) for spec in navigation.PAGES]
    page = st.navigation(pages, position="hidden")
else:
    # One flat menu in the sections' order, always expanded (no page hidden under "View more").
    # Streamlit's sectioned menu puts headings inside its list, which axe-core reports as broken
    # list markup for screen readers, so the sections only order the pages.
    pages = [st.Page(spec.file, title=spec.title, url_path=spec.url_path, default=spec.url_path == "home")
             for spec in navigation.menu_for(lambda operation: allowed(user, operation))]
    page = st.navigation(pages, expanded=True)

try:
    page.run()
except Exception:  # noqa: BLE001  st.stop and st.rerun are not Exceptions: they pass through
    reference = uuid.uuid4().hex[:8]
    logging.getLogger("plan").exception("page failed (reference %s)", reference)
    st.error("Something went wrong on this page, and nothing more was saved. Try again; if it happens again, "
             f"tell the plan secretariat, quoting reference {reference}.")
