"""Due dates (secretariat and chairs): decide owners' requests; see how far the plan has slipped."""

import pandas as pd
import streamlit as st

from plan import due_dates
from plan.db import session_scope
from plan.errors import PlanError
from ui.frame import current_user, flash_and_rerun, page_start

frame = page_start()
user = current_user()
st.title("Due dates")

with session_scope() as session:
    slip = due_dates.plan_slippage(session, plan_id=frame.id)
    pending = due_dates.requests(session, user=user, plan_id=frame.id)
    decided = [r for r in due_dates.requests(session, user=user, plan_id=frame.id, pending_only=False)
               if r["decision"] != "pending"]

first, second, third = st.columns(3)
first.metric("Actions whose due date moved", slip["actions_moved"])
second.metric("Approved revisions", slip["revisions"])
third.metric("Days slipped from baseline", slip["days_slipped"])

st.subheader(f"Waiting for a decision ({len(pending)})")
if not pending:
    st.caption("No requests are waiting.")
for request in pending:
    with st.container(border=True):
        moved = (request["to"] - request["from"]).days if request["from"] else 0
        st.markdown(f"**{request['ref']} {request['title']}**  \nFrom {request['from']:%d %b %Y} to "
                    f"**{request['to']:%d %b %Y}** ({moved:+d} days; baseline {request['baseline']:%d %b %Y}). "
                    f"Asked by {request['by']} on {request['at']:%d %b %Y}.")
        st.markdown(f"Reason: {request['reason']}")
        note = st.text_input("Note to the owner (needed to decline)", key=f"note_{request['id']}")
        approve, decline = st.columns(2)
        for column, label, verdict in ((approve, "Approve", True), (decline, "Decline", False)):
            if column.button(label, key=f"{label.lower()}_{request['id']}"):
                try:
                    with session_scope() as session:
                        due_dates.decide(session, user=user, plan_id=frame.id, request_id=request["id"],
                                         approve=verdict, note=note)
                except PlanError as err:
                    st.error(str(err))
                else:
                    flash_and_rerun(f"{label}d the request for {request['ref']}.")

if decided:
    st.subheader("Decided")
    st.dataframe(pd.DataFrame([{"Ref": r["ref"], "From": r["from"], "To": r["to"], "Decision": r["decision"],
                                "By": r["decided_by"], "Note": r["note"], "Reason": r["reason"]} for r in decided]),
                 hide_index=True, width="stretch")
