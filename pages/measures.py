"""Measures: every measure with its latest figure, evidence RAG and direction of travel; one
measure's chart, figures and history. The secretariat edits definitions, adds measures and
imports spreadsheets; chairs and contributors read."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.measures import definition_choices, list_measures, measure_history
from plan.permissions import allowed
from ui import url_state
from ui.finding_links import measure_findings_form
from ui.frame import current_user, page_start
from ui.measure_forms import definition_form, import_form
from ui.measure_view import measure_panel, rag_word, travel
from ui.rag import style_rag_column
from ui.text import md

frame = page_start()
user = current_user()
st.title("Measures")
may_define = allowed(user, "measure.define")

with session_scope() as session:
    measures = list_measures(session, user=user, plan_id=frame.id)
    choices = definition_choices(session) if may_define else {}

if not measures:
    st.info("This plan has no measures yet." + (" Add one or import a spreadsheet below." if may_define else ""))
else:
    st.caption("Evidence RAG is worked out from each measure's latest figure against its target and tolerance "
               "(suppressed and not-yet-available periods are skipped, never read as zero). Contextual measures "
               "and targets in words only have no RAG.")
    table = pd.DataFrame([{
        "Evidence RAG": rag_word(m), "Ref": m["ref"], "Measure": m["name"],
        "Latest return": f"{m['values'][-1]['label']}: {m['values'][-1]['shown']}" if m["values"] else "None yet",
        "Latest figure used": f"{m['latest']['shown']} ({m['latest']['label']})" if m["latest"] else "None yet",
        "Direction of travel": travel(m).removeprefix("Direction of travel: "),
        "Target": m["target_text"] or "None", "Source": m["source_agency"] or m["source_text"] or "None named",
        "Actions": ", ".join(m["actions"]) or "The plan as a whole", "Why this RAG": m["evidence"]["reason"],
    } for m in measures])
    st.dataframe(style_rag_column(table, "Evidence RAG"), hide_index=True, width="stretch",
                 column_config={"Evidence RAG": st.column_config.TextColumn("Evidence RAG", pinned=True),
                                "Ref": st.column_config.TextColumn("Ref", width="small", pinned=True),
                                "Measure": st.column_config.TextColumn("Measure", width="large")})

    names = {m["ref"]: m["name"] for m in measures}
    url_state.seed("measure_ref", "measure", choices=list(names), default=list(names)[0])
    ref = st.selectbox("Measure", list(names), key="measure_ref", format_func=lambda r: f"{r} – {names[r]}")
    url_state.publish({"measure": ("measure_ref", ref)})
    measure = next(m for m in measures if m["ref"] == ref)
    st.subheader(f"{md(measure['ref'])} {md(measure['name'])}")
    measure_panel(measure, key="measures", title=False)
    if measure["definition"]:
        st.caption("Definition")
        st.text(measure["definition"])
    if measure["notes"]:
        st.caption("Notes")
        st.text(measure["notes"])
    st.markdown("**Serves:** " + md(", ".join(measure["actions"]) or "the plan as a whole"))
    measure_findings_form(frame, user, ref)
    with st.expander("Every figure received, revisions included"):
        with session_scope() as session:
            history = measure_history(session, user=user, plan_id=frame.id, ref=ref)
        if not history:
            st.caption("No figures received yet.")
        else:
            st.dataframe(pd.DataFrame([{
                "Period": h["label"], "Figure": h["shown"], "Current": "Yes" if h["current"] else "No (revised)",
                "Sent by": h["submitted_by"], "Sent on": h["submitted_at"], "How": h["source"], "Note": h["note"],
            } for h in history]), hide_index=True, width="stretch",
                column_config={"Sent on": st.column_config.DatetimeColumn("Sent on", format="DD MMM YYYY HH:mm")})
    if may_define:
        with st.expander(f"Edit the definition of {md(measure['ref'])}"):
            definition_form(frame, user, measure, choices)

if may_define:
    with st.expander("Add a measure"):
        definition_form(frame, user, None, choices)
if allowed(user, "measure.import"):
    with st.expander("Import measures from a spreadsheet"):
        import_form(frame, user)
if not may_define:
    st.caption("Only the plan secretariat can change measures' definitions or import them.")
