"""The gate and the frame around every page: who is signed in (checked again on every run, by
the page itself), the plan being shown, and the protective marking.

Each page's first line is `frame = page_start()`. The gate does not trust that app.py's router
ran: a page drawn any other way still shows nothing but the sign-in form to someone not signed
in, and refuses a role the page is not for (ui/navigation.py says which). Elements that app.py
draws around `navigation.run()` are not shown on non-default pages in Streamlit 1.67, so the
frame is drawn here too.
"""

from __future__ import annotations

import html
import sys

import streamlit as st

from plan.db import read_scope
from plan.identity import Actor
from plan.permissions import allowed
from plan.plans import PlanFrame, list_plans, plan_frame
from ui import navigation, sign_in_form, style
from ui.cache import cached
from ui.session import end, signed_in_user
from ui.text import md


def page_start() -> PlanFrame:
    """Check who may see the calling page (else show sign-in or a refusal and stop), draw the
    marking banner and the sidebar, and return the plan shown."""
    style.apply()
    spec = navigation.spec_for(sys._getframe(1).f_code.co_filename)  # noqa: SLF001  the calling page
    user = signed_in_user()
    st.session_state.pop("actor", None)
    frame = _plan_and_marking()
    if user is None:
        sign_in_form.render(frame)
        st.stop()
    if spec is None or (spec.operation and not allowed(user, spec.operation)):
        st.error(f"Your role ({user.role.value}) cannot open this page. Choose another page from the menu.")
        st.stop()
    st.session_state["actor"] = user  # for this run only: resolved again on the next
    if message := st.session_state.pop("flash", None):
        st.success(message)
    _sidebar(frame, user)
    return frame


def sign_in_page() -> None:
    """The page shown in place of every page until someone signs in."""
    style.apply()
    user = signed_in_user()
    frame = _plan_and_marking()
    if user is not None:  # signed in meanwhile (another tab): the router shows the real page next run
        st.rerun()
    sign_in_form.render(frame)


def _plan_and_marking() -> PlanFrame:
    """The plan shown: the URL's ?plan= (a link, a bookmark, the back button), else the one chosen
    in this browser session, else the first. With several plans the sidebar offers the choice,
    and the choice is written to the URL so a reload or a shared link shows the same plan."""
    plans = cached(list_plans)  # the plan frame changes only with an audited write: the stamp moves
    if not plans:  # not kept empty: a plan loaded without a stamp change would otherwise stay unseen
        with read_scope() as session:
            plans = list_plans(session)
    slugs = [slug for slug, _ in plans]
    if not slugs:
        return current_plan()  # says that no plan has been loaded yet
    wanted = st.query_params.get("plan")
    if wanted not in slugs:
        wanted = st.session_state.get("plan_slug")
    st.session_state["plan_slug"] = wanted if wanted in slugs else slugs[0]
    if len(slugs) > 1:
        names = dict(plans)
        st.sidebar.selectbox("Plan", slugs, format_func=names.get, key="plan_slug", on_change=_plan_chosen)
        if st.query_params.get("plan") != st.session_state["plan_slug"]:
            st.query_params["plan"] = st.session_state["plan_slug"]
    frame = current_plan()
    marking_banner(frame.protective_marking)
    return frame


def _plan_chosen() -> None:
    """Runs before the rerun: the URL follows the sidebar's choice (else the old ?plan= would win)."""
    st.query_params["plan"] = st.session_state["plan_slug"]


def _sidebar(frame: PlanFrame, actor: Actor) -> None:
    st.sidebar.markdown(f"**{md(frame.name)}**  \n{md(frame.organisation)}")
    st.sidebar.caption(f"Protective marking: {md(frame.protective_marking)}")
    st.sidebar.markdown(f"Signed in as **{md(actor.name)}** ({actor.role.value})"
                        + (", cleared for restricted items" if actor.cleared_for_restricted else ""))
    if st.sidebar.button("Sign out", key="sign_out"):
        end(actor)
        st.info("You are signed out.")
        st.stop()  # not st.rerun(): a rerun still holds the old cookie and would send the browser elsewhere


def flash_and_rerun(message: str) -> None:
    """Show `message` at the top of the page after a rerun, so what was just saved is on screen."""
    st.session_state["flash"] = message
    st.rerun()


def current_plan() -> PlanFrame:
    """The plan shown, kept while the database's change stamp stands (every change to a plan, its
    themes or RAG meanings is an audited write); "no plan" (NotFound) is never kept."""
    return cached(plan_frame, slug=st.session_state.get("plan_slug"))


def current_user() -> Actor:
    """The signed-in user as this run's gate resolved them (page_start() runs first)."""
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
