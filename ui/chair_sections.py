"""The chair's view's sections on shared pages: an owner's follow-ups (My actions), the suggested-RAG
thresholds (Plan settings) and a closed round's snapshot (Update round). Widgets in, a service call,
render; the rules are plan.reports' and plan.meetings'."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan import meetings, reports
from plan.db import session_scope
from plan.errors import InvalidFields, PlanError
from plan.identity import Actor
from plan.periods import period_short
from plan.personal_data import PersonalDataWarning
from plan.plans import PlanFrame
from plan.reports.rules import EXCEPTION_SETTINGS, LIMITS, WORDS
from plan.text import plural
from plan.vocab import RAG_LABELS, RAG_ORDER
from ui import url_state
from ui.frame import flash_and_rerun
from ui.rag import style_rag_column
from ui.text import md


def your_follow_ups(frame: PlanFrame, user: Actor) -> None:
    """The follow-ups meetings asked of this person, each markable as done."""
    with session_scope() as session:
        mine = meetings.my_follow_ups(session, user=user, plan_id=frame.id)
    if not mine:
        return
    st.subheader("Your follow-ups")
    st.caption("Asked of you at support-and-challenge meetings.")
    for f in mine:
        with st.container(border=True):
            st.text(f"{f['ref'] + ': ' if f['ref'] else ''}{f['text']}")
            st.caption(f"From the meeting of {f['held_on']:%d %b %Y}; due {f['due']:%d %b %Y}"
                       + (" (overdue)" if f["overdue"] else ""))
            note = st.text_input("Note (optional)", key=f"follow_up_note_{f['id']}")
            if st.button("Mark done", key=f"follow_up_done_{f['id']}"):
                try:
                    with session_scope() as session:
                        meetings.complete_follow_up(session, user=user, plan_id=frame.id, follow_up_id=f["id"],
                                                    note=note)
                except PersonalDataWarning as err:
                    st.warning(md(err))
                except PlanError as err:
                    st.error(md(err))
                else:
                    flash_and_rerun("Follow-up marked done.")


def suggestion_thresholds(frame: PlanFrame, user: Actor) -> None:
    """The thresholds behind the suggested RAG, and the rules that put an action on the exceptions
    list; every problem shown beside its field."""
    with session_scope() as session:
        current = reports.suggestion_settings(session, plan_id=frame.id)
    names = type(current).names()
    _rules_form(frame, user, current, "thresholds", "Suggested RAG",
                "Beside each owner's RAG the app suggests one from these rules and says why. A suggestion only "
                "warns: it is never a better RAG than the owner's own.",
                [n for n in names if n not in EXCEPTION_SETTINGS], "Save the suggested-RAG rules",
                "Suggested-RAG rules saved.")
    _rules_form(frame, user, current, "exception_rules", "What makes an action an exception",
                "The exceptions list (Dashboard, meetings' agendas, the board paper) holds the actions any of these "
                "rules picks out; each row says which rule put it there.",
                list(EXCEPTION_SETTINGS), "Save the exceptions rules", "Exceptions rules saved.")


def _rules_form(frame: PlanFrame, user: Actor, current: Any, key: str, heading: str, caption: str,
                names: list[str], button: str, saved_words: str) -> None:
    st.subheader(heading)
    st.caption(caption)
    errors: dict[str, str] = st.session_state.get(f"{key}_errors", {})
    values: dict[str, object] = {}
    with st.form(key):
        for name in names:
            value = getattr(current, name)
            if isinstance(value, bool):
                values[name] = st.checkbox(WORDS[name], value=value, key=f"threshold_{name}")
            else:
                low, high = LIMITS[name]
                values[name] = st.number_input(WORDS[name], value=int(value), step=1, min_value=low, max_value=high,
                                               key=f"threshold_{name}")
            if name in errors:
                st.error(errors[name])
        saved = st.form_submit_button(button, key=f"{key}_save")
    if saved:
        try:
            with session_scope() as session:
                reports.update_suggestion_settings(session, user=user, plan_id=frame.id,
                                                   **{n: (int(v) if not isinstance(v, bool) else v)
                                                      for n, v in values.items()})
        except InvalidFields as err:
            st.session_state[f"{key}_errors"] = dict(err.problems)
            st.rerun()
        except PlanError as err:
            st.error(md(err))
        else:
            st.session_state.pop(f"{key}_errors", None)
            flash_and_rerun(saved_words)


def closed_round_snapshot(frame: PlanFrame, user: Actor) -> None:
    """Open what a closed round froze: its counts by theme and its actions, filtered by RAG and theme."""
    try:
        with session_scope() as session:
            closed = reports.closed_rounds(session, user=user, plan_id=frame.id)
    except PlanError:
        return
    if not closed:
        return
    names = {r["round_id"]: f"{period_short(r['period'])} (closed {r['closed_at']:%d %b %Y})" for r in closed}
    linked = "round" in st.query_params  # /update_round?round=ID opens that round's snapshot
    url_state.seed("snapshot_round", "round", choices=list(names), convert=int, default=next(iter(names)))
    # Read and sent only when opened (up to 500 rows of a plan of 10,000 actions).
    with (section := st.expander("Closed rounds: what each froze", expanded=linked, key="snapshot_open",
                                 on_change="rerun")):
        if not section.open:
            return
        round_id = st.selectbox("Round", list(names), format_func=names.get, key="snapshot_round")
        if linked or round_id != next(iter(names)):
            url_state.publish({"round": ("snapshot_round", round_id)})
        left, right = st.columns(2)
        rags = [r.value for r in RAG_ORDER]
        rag = left.selectbox("RAG", ["", *rags], format_func=lambda r: RAG_LABELS[r] if r else "Any RAG",
                             key="snapshot_rag")
        theme = right.selectbox("Theme", ["", *[t for t, _ in frame.themes]], key="snapshot_theme",
                                format_func=lambda t: t or "Any theme")
        try:
            with session_scope() as session:
                snap = reports.round_snapshot(session, user=user, plan_id=frame.id, round_id=round_id,
                                              rag=rag or None, theme=theme or None)
        except PlanError as err:
            st.error(md(err))
            return
        st.caption(f"Closed by {snap['closed_by']}. {snap['matching']} of {plural(snap['total'], 'action')} shown.")
        if snap["rows"]:
            table = pd.DataFrame([{"RAG": r["rag_label"], "Ref": r["ref"], "Title": r["title"], "Theme": r["theme"],
                                   "Owner": r["owner"] or "", "Status": r["status_label"], "Due": r["due"],
                                   "Updated in the round": "Yes" if r["updated_in_round"] else "No",
                                   "Commentary": r["commentary"] or ""} for r in snap["rows"]])
            st.dataframe(style_rag_column(table), hide_index=True, width="stretch", key="snapshot_table")
