"""My actions: the signed-in person's actions, what needs them first; update one, or many."""

import pandas as pd
import streamlit as st

from plan import notify
from plan.db import read_scope, session_scope
from plan.due_dates import my_requests
from plan.my_actions import my_actions
from plan.periods import period_short
from plan.rounds import current_round
from plan.text import plural
from plan.vocab import RAG_LABELS, RAG_ORDER, DeliveryStatus
from ui import url_state
from ui.chair_sections import your_follow_ups
from ui.frame import current_user, page_start
from ui.rag import legend, style_rag_column
from ui.update_form import bulk_editor, due_date_request_form, update_form

frame = page_start()
user = current_user()
st.title("My actions")

with read_scope() as session:
    rows = my_actions(session, user=user, plan_id=frame.id)
    open_round = current_round(session, plan_id=frame.id)

if open_round:
    owed = sum(1 for r in rows if r["owes"])
    st.info(f"The update round for {period_short(open_round.period)} is open until {open_round.deadline:%A %d %B %Y}. "
            + (f"You owe {plural(owed, 'update')}." if owed else "You are up to date."))
your_follow_ups(frame, user)  # asked of this person at meetings (chair's view)
if user.person_id is not None:  # their own choice: e-mails about their actions and follow-ups
    with read_scope() as session:
        emails_on = notify.wants_email(session, user=user)
    chosen = st.toggle("E-mail me when an action is assigned to me, an update is sent back, a due date is "
                       "decided or a follow-up falls due", value=emails_on, key="email_notifications")
    if chosen != emails_on:
        with session_scope() as session:
            notify.set_email_notifications(session, user=user, on=chosen)
        st.caption("Saved: e-mails " + ("on." if chosen else "off."))
if not rows:
    st.info("No actions are assigned to you yet. The plan secretariat assigns owners.")
    st.stop()
legend(frame.rag_definitions)

table = pd.DataFrame([{
    "RAG": r["rag_label"], "Ref": r["ref"], "Title": r["title"], "Status": r["status_label"],
    "Needs": "; ".join(part for part in (
        "Sent back: " + r["returned_note"] if r["returned_note"] else "",
        "Update due this round" if r["owes"] else "", "Overdue" if r["overdue"] else "") if part) or "",
    "Due": r["current_due_date"],
    "Last update": r["last_update_at"].strftime("%d %b %Y") if r["last_update_at"] else "None yet",
    "Last commentary": r["last_commentary"] or "",
} for r in rows])
st.dataframe(style_rag_column(table), hide_index=True, width="stretch",
             column_config={"RAG": st.column_config.TextColumn("RAG", width="small", pinned=True),
                            "Ref": st.column_config.TextColumn("Ref", width="small", pinned=True),
                            "Title": st.column_config.TextColumn("Title", width="large"),
                            "Due": st.column_config.DateColumn("Due", format="DD MMM YYYY")})

single, many, dates = st.tabs(["Update an action", "Update several at once", "Ask for a new due date"])
with single:
    titles = {r["ref"]: r["title"] for r in rows}
    url_state.seed("update_ref", "ref", choices=list(titles), default=rows[0]["ref"])
    ref = st.selectbox("Action", list(titles), key="update_ref", format_func=lambda x: f"{x} – {titles[x]}")
    url_state.publish({"ref": ("update_ref", ref)})
    update_form(frame, user, next(r for r in rows if r["ref"] == ref))
with many:
    bulk_editor(frame, user, rows)
with dates:
    due_date_request_form(frame, user, rows)
    with read_scope() as session:
        asked = my_requests(session, user=user, plan_id=frame.id)
    if asked:
        st.subheader("Your requests")
        st.dataframe(pd.DataFrame([{
            "Ref": r["ref"], "Title": r["title"], "From": r["from"], "To": r["to"],
            "Asked": r["at"].strftime("%d %b %Y"), "Decision": r["decision"].capitalize(),
            "Decided by": r["decided_by"], "Note from the decider": r["note"]} for r in asked]),
            hide_index=True, width="stretch",
            column_config={"From": st.column_config.DateColumn("From", format="DD MMM YYYY"),
                           "To": st.column_config.DateColumn("To", format="DD MMM YYYY")})

st.caption("Ratings: " + ", ".join(RAG_LABELS[r] for r in RAG_ORDER) + ". Statuses: "
           + ", ".join(s.label for s in DeliveryStatus) + ".")
