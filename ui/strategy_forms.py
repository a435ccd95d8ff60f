"""The secretariat's forms on the Coverage page: record a finding, say which actions answer a
finding, a new version of the definition, the needs assessment, the review date. Each form has a
token (ui/form_state.py): a second click on an old form writes nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from plan import strategy
from plan.db import session_scope
from plan.identity import Actor
from plan.maintenance.actions import active_action_choices
from plan.plans import PlanFrame
from plan.text import plural
from ui import plan_forms as forms
from ui.frame import flash_and_rerun
from ui.text import md


def _finding_form(frame: PlanFrame, user: Actor) -> None:
    forms.problems_banner("finding", ("ref", "title", "evidence", "source", "theme", "priority"))
    key = f"finding_{forms.token('finding')}"
    with st.form(key):
        values: dict[str, Any] = {"ref": st.text_input("Ref", key=f"{key}_ref", max_chars=30,
                                                       help="A short label the plan will use, e.g. F6.")}
        forms.field_error("finding", "ref")
        values["title"] = st.text_input("Title: what the assessment found, in a line", key=f"{key}_title",
                                        max_chars=300)
        forms.field_error("finding", "title")
        values["evidence"] = st.text_area("What the evidence says", key=f"{key}_evidence", max_chars=5000)
        forms.field_error("finding", "evidence")
        values["quoted"] = st.checkbox("These are the source's own words (a quotation)", key=f"{key}_quoted")
        values["source"] = st.text_input("Source (document, section, data set)", key=f"{key}_source", max_chars=300)
        values["theme"] = st.text_input("Theme", key=f"{key}_theme", max_chars=100)
        values["priority"] = st.selectbox("Priority", strategy.PRIORITIES, index=1, key=f"{key}_priority")
        sent = st.form_submit_button("Record the finding", type="primary")
    if sent:
        def _add() -> dict[str, Any]:
            with session_scope() as session:
                return strategy.add_finding(session, user=user, plan_id=frame.id, fields=values,
                                            submission_key=forms.token("finding"))
        saved, made = forms.save("finding", _add)
        if saved:
            forms.reset("finding")
            st.query_params["finding"] = made["ref"]
            flash_and_rerun(f"Finding {md(made['ref'])} recorded. Now say which actions answer it.")


def _link_form(frame: PlanFrame, user: Actor, findings: list[dict[str, Any]]) -> None:
    if not findings:
        st.info("Record a finding first.")
        return
    refs = [f["ref"] for f in findings]
    titles = {f["ref"]: f["title"] for f in findings}
    wanted = st.query_params.get("finding")
    if wanted in refs and st.session_state.get("_link_shown") != wanted:
        st.session_state["link_finding"] = st.session_state["_link_shown"] = wanted
    ref = st.selectbox("Finding", refs, key="link_finding", format_func=lambda r: f"{r} – {titles[r]}")
    if ref and st.query_params.get("finding") != ref:
        st.query_params["finding"] = st.session_state["_link_shown"] = ref
    with session_scope() as session:
        actions = dict(active_action_choices(session, user=user, plan_id=frame.id))
    current = next(f["actions"] for f in findings if f["ref"] == ref)
    forms.problems_banner("link", ("actions",))
    key = f"link_{ref}_{forms.token('link')}"
    with st.form(key):
        chosen = st.multiselect("Actions that answer it", list(actions), default=[a for a in current if a in actions],
                                format_func=lambda r: f"{r} – {actions[r]}", key=f"{key}_actions")
        forms.field_error("link", "actions")
        sent = st.form_submit_button("Save the links", type="primary")
    if sent:
        def _link() -> dict[str, Any]:
            with session_scope() as session:
                return strategy.set_finding_actions(session, user=user, plan_id=frame.id, ref=ref, action_refs=chosen)
        saved, _ = forms.save("link", _link)
        if saved:
            forms.reset("link")
            flash_and_rerun(f"Finding {md(ref)} is answered by {plural(len(chosen), 'action')}.")


def _definition_form(frame: PlanFrame, user: Actor) -> None:
    forms.problems_banner("definition", ("text", "agreed_on"))
    key = f"definition_{forms.token('definition')}"
    with st.form(key):
        text = st.text_area("The definition, as the partnership agreed it", key=f"{key}_text", max_chars=5000)
        forms.field_error("definition", "text")
        agreed = st.date_input("Agreed on", value=None, key=f"{key}_agreed", format="DD/MM/YYYY")
        forms.field_error("definition", "agreed_on")
        note = st.text_input("Why it changed (optional)", key=f"{key}_note", max_chars=2000)
        sent = st.form_submit_button("Record this version")
    if sent:
        def _record() -> dict[str, Any]:
            with session_scope() as session:
                return strategy.record_definition(session, user=user, plan_id=frame.id, text=text,
                                                  agreed_on=agreed, note=note)
        saved, made = forms.save("definition", _record)
        if saved:
            forms.reset("definition")
            flash_and_rerun(f"Version {made['version']} of the definition recorded; earlier versions are kept.")


def _review_date_form(frame: PlanFrame, user: Actor, current: date | None) -> None:
    key = f"review_{forms.token('review')}"
    with st.form(key):
        day = st.date_input("The yearly review falls due on", value=current, key=f"{key}_day", format="DD/MM/YYYY")
        sent = st.form_submit_button("Save the review date")
    if sent:
        def _set() -> dict[str, Any]:
            with session_scope() as session:
                return strategy.set_review_date(session, user=user, plan_id=frame.id, day=day)
        saved, _ = forms.save("review", _set)
        if saved:
            forms.reset("review")
            flash_and_rerun("Review date saved: the app reminds chairs and the secretariat two months before.")


def _core_form(frame: PlanFrame, user: Actor) -> None:
    with session_scope() as session:
        templates = strategy.core_measures(session, plan_id=frame.id)
    st.caption("The Home Office's serious violence outcome measures. Switched on, each is a measure of the plan: "
               "its figures come in as data returns. Switched off, it keeps its figures and is no longer asked for.")
    key = f"core_{forms.token('core')}"
    with st.form(key):
        wanted = {t["key"]: st.checkbox(f"{t['ref']}: {t['name']}"
                                        + (f" ({plural(t['figures'], 'figure')})" if t["figures"] else ""),
                                        value=t["state"] == "on", key=f"{key}_{t['key']}") for t in templates}
        sent = st.form_submit_button("Save the core measures")
    if sent:
        changed = [t for t in templates if wanted[t["key"]] != (t["state"] == "on")]

        def _switch() -> int:
            with session_scope() as session:
                for t in changed:
                    strategy.switch_core_measure(session, user=user, plan_id=frame.id, key=t["key"],
                                                 on=wanted[t["key"]])
            return len(changed)
        saved, count = forms.save("core", _switch)
        if saved:
            forms.reset("core")
            flash_and_rerun(f"{plural(count, 'core measure')} switched on or off.")


def render(frame: PlanFrame, user: Actor, findings: list[dict[str, Any]], review_due: date | None) -> None:
    """The secretariat's part of the page."""
    st.header("Secretariat: findings, links, definition, core measures")
    record, link, definition, core, review = st.tabs(["Record a finding", "Link actions to a finding",
                                                      "Definition of serious violence", "Core measures",
                                                      "Review date"])
    with core:
        _core_form(frame, user)
    with record:
        _finding_form(frame, user)
    with link:
        _link_form(frame, user, findings)
    with definition:
        _definition_form(frame, user)
    with review:
        _review_date_form(frame, user, review_due)
