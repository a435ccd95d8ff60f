"""On an action's page: which of its fields the plan chose rather than its source document said,
an "Example" label on invented examples, and the action of last year's plan it carries forward.
In words (not colour), every value escaped."""

from __future__ import annotations

import html
from urllib.parse import quote

import streamlit as st

from plan.db import session_scope
from plan.errors import NotFound
from plan.provenance import PLAN_CHOICE, action_provenance, plan_provenance


def render(plan_id: int, ref: str) -> None:
    """Draw the marks for action `ref`; nothing when it has none."""
    try:
        with session_scope() as session:
            marks = action_provenance(session, plan_id=plan_id, ref=ref)
    except NotFound:
        return
    if marks.is_example:
        st.markdown(
            '<p role="note" aria-label="Example action" style="border:2px solid #1f1f1f;padding:4px 8px;'
            'display:inline-block;font-weight:700">Example: an invented illustration, not a commitment of the '
            "source document.</p>",
            unsafe_allow_html=True,
        )
    if marks.carried_from:
        slug, name, earlier = marks.carried_from
        link = f"/action_detail?plan={quote(slug)}&ref={quote(earlier)}"
        st.markdown(
            f'<p role="note">Carried forward from <a href="{html.escape(link)}" target="_self">{html.escape(name)}, '
            f"action {html.escape(earlier)}</a>: its history until then is there.</p>",
            unsafe_allow_html=True,
        )
    if marks.fields:
        fields = ", ".join(html.escape(name) for name in marks.fields)
        st.markdown(
            f'<p role="note" aria-label="Fields {html.escape(PLAN_CHOICE)}">'
            f"<strong>{html.escape(PLAN_CHOICE.capitalize())}:</strong> {fields}.</p>",
            unsafe_allow_html=True,
        )


def render_plan(plan_id: int) -> None:
    """The plan-level things the plan chose rather than its source document said, if any."""
    try:
        with session_scope() as session:
            marks = plan_provenance(session, plan_id=plan_id)
    except NotFound:
        return
    if marks.fields:
        st.markdown(
            f'<p role="note" aria-label="Plan settings {html.escape(PLAN_CHOICE)}">'
            f"<strong>{html.escape(PLAN_CHOICE.capitalize())}:</strong> "
            f"{html.escape(', '.join(marks.fields))}.</p>",
            unsafe_allow_html=True,
        )
