"""Who is signed in to this browser session: local sign-in or single sign-on (OIDC), with an
idle time-out. The role always comes from our database, never from the browser."""

from __future__ import annotations

import time

import streamlit as st

from plan import settings
from plan.db import session_scope
from plan.identity import Actor
from plan.signin import sign_in_with_organisation, sign_out
from plan.users import actor_for_email


def secret(section: str, key: str, default: object = None) -> object:
    """A value from .streamlit/secrets.toml, or the default when there is no such file or key."""
    try:
        return st.secrets.get(section, {}).get(key, default)
    except Exception:  # noqa: BLE001  no secrets.toml at all raises
        return default


def secret_section(section: str) -> dict:
    """A whole section of secrets.toml as a plain dict ({} when absent)."""
    try:
        return dict(st.secrets.get(section, {}))
    except Exception:  # noqa: BLE001
        return {}


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001
        return False


def signed_in_user() -> Actor | None:
    """The Actor for this session, refreshed from the database on every run (a changed role or a
    disabled account takes effect at once); None when nobody is signed in."""
    actor = st.session_state.get("actor")
    if actor is None and sso_configured() and st.user.get("is_logged_in", False):
        with session_scope() as session:
            outcome = sign_in_with_organisation(session, email=str(st.user.get("email", "")))
        if outcome.actor is None:
            st.session_state["signin_message"] = outcome.message
            return None
        actor = outcome.actor
    if not isinstance(actor, Actor):
        return None
    limit = settings.idle_minutes(secret("app", "idle_minutes"))
    last = st.session_state.get("last_active", time.time())
    if time.time() - last > limit * 60:
        end_session(actor, f"signed out after {limit} minutes without activity")
        st.session_state["signin_message"] = f"You were signed out after {limit} minutes without activity."
        return None
    with session_scope() as session:
        fresh = actor_for_email(session, actor.email)
    if fresh is None:
        end_session(actor, "account disabled or removed")
        st.session_state["signin_message"] = "Your account is no longer active. Ask the plan secretariat."
        return None
    st.session_state["actor"] = fresh
    st.session_state["last_active"] = time.time()
    return fresh


def start_session(actor: Actor) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_active"] = time.time()
    st.session_state.pop("signin_message", None)


def end_session(actor: Actor, reason: str = "signed out") -> None:
    with session_scope() as session:
        sign_out(session, user=actor, reason=reason)
    for key in ("actor", "last_active"):
        st.session_state.pop(key, None)
    if sso_configured() and st.user.get("is_logged_in", False):
        st.logout()
