"""The admin's switch for the plan's public community page (called from Plan settings).

The toggle writes only when the admin moves it (on_change), never because the widget's state and
the database disagree: another admin may have switched it in another tab, and the next run shows
the database's setting again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from plan.community import community_path, community_view_on, set_community_view
from plan.db import session_scope
from plan.errors import PlanError
from plan.identity import Actor
from plan.plans import PlanFrame

WHAT_IT_SHOWS = (
    "Anyone with the address can read it, without signing in. It shows the plan's name and vision, "
    "progress by theme in plain words, and the completed actions (ref, title, theme, lead organisation, "
    "when completed). It never shows people's names, restricted actions, commentary, blockers or asks, "
    "retired actions, examples or demo data, and it links to nothing in this app."
)


def public_url(slug: str) -> str:
    """The page's full address as this browser reaches the app, or its path if that is unknown."""
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001  no browser behind this run (AppTest): the path alone
        parts = urlsplit("")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return origin + community_path(slug)


def _switched(plan_id: int, user: Actor, key: str) -> None:
    wanted = bool(st.session_state.get(key))
    try:
        with session_scope() as session:
            set_community_view(session, user=user, plan_id=plan_id, on=wanted)
    except PlanError as err:
        st.session_state[f"{key}_error"] = str(err)
    else:
        st.session_state["flash"] = ("The community page is on: anyone with its address can read it."
                                     if wanted else "The community page is off: its address now says 'Page not found'.")


def community_switch(frame: PlanFrame, user: Actor) -> None:
    """'Public community page': a toggle (admins), and the public address while it is on."""
    key = f"community_view_{frame.id}"
    st.subheader("Public community page")
    st.caption(WHAT_IT_SHOWS)
    with session_scope() as session:
        on = community_view_on(session, plan_id=frame.id)
    st.session_state[key] = on  # the database's setting, whatever this tab last showed
    st.toggle("Publish this plan's community page", key=key, on_change=_switched, args=(frame.id, user, key))
    if error := st.session_state.pop(f"{key}_error", None):
        st.error(error)
    if on:
        st.write("The page is on. Its address:")
        st.code(public_url(frame.slug), language=None)
    else:
        st.write("The page is off: its address says 'Page not found', as for a plan that does not exist.")
