"""Audit trail: every change, sign-in and export, newest first; filter and export to Excel."""

from datetime import date

import pandas as pd
import streamlit as st

from plan import audit
from plan.db import read_scope, session_scope
from plan.errors import PlanError
from ui import downloads
from ui.frame import current_user, page_start
from ui.text import md

EVENT_KINDS = {"All events": "", "Action changes": "action.", "Update rounds": "round.", "Due dates": "due_date.",
               "Users and roles": "user.", "Sign-ins": "signin.", "Plan and settings": "plan.",
               "Measure figures": "measure.", "Exports": "audit.export"}

frame = page_start()
user = current_user()
st.title("Audit trail")
st.caption("Appended only: nobody can change or delete an entry.")

first, second, third = st.columns(3)
kind = first.selectbox("Show", list(EVENT_KINDS), key="audit_kind")
actor_text = second.text_input("Who (name or email contains)", key="audit_actor")
key_text = third.text_input("About (action ref, email ...)", key="audit_key")
since = first.date_input("From", value=None, key="audit_since", format="DD/MM/YYYY")
until = second.date_input("To", value=None, key="audit_until", format="DD/MM/YYYY")
filters = audit.AuditFilter(event_prefix=EVENT_KINDS[kind], actor_text=actor_text, entity_key=key_text,
                            since=since if isinstance(since, date) else None,
                            until=until if isinstance(until, date) else None)

try:
    with session_scope() as session:
        rows, total = audit.list_events(session, user=user, filters=filters, limit=500)
except PlanError as err:
    st.error(md(err))
    st.stop()

st.markdown(f"**{total} events** match" + (" (the newest 500 are shown)." if total > 500 else "."))
if rows:
    st.dataframe(pd.DataFrame([{
        "When (UTC)": r["at"].strftime("%d %b %Y %H:%M:%S"), "Who": r["actor"], "Event": r["what"],
        "About": r["entity_key"], "Before": r["before"], "After": r["after"], "Detail": r["detail"],
        "Code": r["event"],
    } for r in rows]), hide_index=True, width="stretch",
        column_config={"Code": st.column_config.TextColumn(help="The event's code, as the Excel export gives it")})

if st.button("Prepare Excel export", key="audit_export"):
    try:
        with read_scope() as session:  # the audit event of the export is written on its own
            made = audit.export_audit(session, user=user, marking=frame.protective_marking, filters=filters,
                                      plan_id=frame.id, plan_name=frame.name)
            st.session_state["audit_workbook"] = (made.content, made.filename)
    except PlanError as err:
        st.error(md(err))
if prepared := st.session_state.get("audit_workbook"):
    workbook, filename = prepared
    downloads.offer("Download audit trail (Excel)", workbook, file_name=filename,
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="audit_download")
    st.caption(f"The workbook is marked {md(frame.protective_marking)} on every page.")
