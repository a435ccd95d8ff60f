"""The needs-assessment findings an action answers, on Action detail and in the plan editor: shown
to everyone who may read the action; the secretariat changes them here (plan.strategy)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from plan import strategy
from plan.db import session_scope
from plan.errors import PlanError
from plan.identity import Actor
from plan.permissions import allowed
from plan.plans import PlanFrame
from plan.text import plural
from ui import plan_forms as forms
from ui.frame import flash_and_rerun
from ui.text import md


def render(frame: PlanFrame, user: Actor, action: dict[str, Any], *, key: str) -> None:
    """`action`: ref, retired_at, detail_visible (a restricted action's links only for the cleared)."""
    if not action.get("detail_visible", True):
        return
    try:
        with session_scope() as session:
            linked = strategy.findings_for_action(session, user=user, plan_id=frame.id, action_ref=action["ref"])
            choices = dict(strategy.finding_choices(session, plan_id=frame.id))
    except PlanError:
        return
    if linked:
        for f in linked:
            quoted = " (quoted from the source)" if f["quoted"] else ""
            st.markdown(f"- **{md(f['ref'])}** {md(f['title'])}{quoted}, priority {md(f['priority'])}")
    else:
        st.caption("This action answers no finding of the needs assessment yet.")
    if not allowed(user, "strategy.edit") or action.get("retired_at") or not choices:
        return
    name = f"findings_{key}"
    form = f"{name}_{action['ref']}_{forms.token(name)}"
    with st.form(form):
        chosen = st.multiselect("Findings this action answers", list(choices),
                                default=[f["ref"] for f in linked if f["ref"] in choices],
                                format_func=lambda r: f"{r} – {choices[r]}", key=f"{form}_refs")
        forms.field_error(name, "findings")
        sent = st.form_submit_button("Save the findings")
    if sent:
        def _save() -> dict[str, Any]:
            with session_scope() as session:
                return strategy.set_action_findings(session, user=user, plan_id=frame.id, action_ref=action["ref"],
                                                    finding_refs=chosen)
        saved, _ = forms.save(name, _save)
        if saved:
            forms.reset(name)
            flash_and_rerun(f"{md(action['ref'])} now answers {plural(len(chosen), 'finding')}.")


def measure_findings_form(frame: PlanFrame, user: Actor, measure_ref: str) -> None:
    """The findings a measure evidences (the Measures page): listed for every reader, changed by
    the secretariat. A measure serving only restricted actions shows its links to the cleared."""
    try:
        with session_scope() as session:
            linked = strategy.findings_of_measure(session, plan_id=frame.id, measure_ref=measure_ref)
            choices = dict(strategy.finding_choices(session, plan_id=frame.id))
    except PlanError:
        return
    if not choices:
        return
    words = "; ".join(f"{r} {choices.get(r, '')}".strip() for r in linked) or "none yet"
    st.markdown("**Evidences the findings:** " + md(words))
    if not allowed(user, "strategy.edit"):
        return
    name = "measure_findings"
    form = f"{name}_{measure_ref}_{forms.token(name)}"
    with st.form(form):
        chosen = st.multiselect("Findings this measure evidences", list(choices),
                                default=[r for r in linked if r in choices],
                                format_func=lambda r: f"{r} – {choices[r]}", key=f"{form}_refs")
        forms.field_error(name, "findings")
        sent = st.form_submit_button("Save the measure's findings")
    if sent:
        def _save() -> dict[str, Any]:
            with session_scope() as session:
                return strategy.set_measure_findings(session, user=user, plan_id=frame.id, measure_ref=measure_ref,
                                                     finding_refs=chosen)
        saved, _ = forms.save(name, _save)
        if saved:
            forms.reset(name)
            flash_and_rerun(f"{md(measure_ref)} now evidences {plural(len(chosen), 'finding')}.")
