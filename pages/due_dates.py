"""Due dates (secretariat and chairs): decide owners' requests; see how far the plan has slipped."""

import pandas as pd
import streamlit as st

from plan import due_dates, notify
from plan.db import session_scope
from plan.errors import PlanError
from plan.text import plural
from ui.frame import current_user, flash_and_rerun, page_start
from ui.notices import email_about
from ui.text import md

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


def day(value) -> str:  # noqa: ANN001
    return f"{value:%d %b %Y}" if value else "not set"


def decide(request: dict, approve: bool, note: str, confirmed: bool = False) -> None:
    try:
        with session_scope() as session:
            due_dates.decide(session, user=user, plan_id=frame.id, request_id=request["id"], approve=approve,
                             note=note, personal_data_confirmed=confirmed)
    except PlanError as err:
        st.error(md(err))
    else:
        told = email_about(user, frame.id, lambda s: notify.due_date_decided(s, plan_id=frame.id,
                                                                             request_id=request["id"]))
        flash_and_rerun(f"{'Approved' if approve else 'Declined'} the request for {request['ref']}.{told}")


st.subheader(f"Waiting for a decision ({len(pending)})")
if not pending:
    st.caption("No requests are waiting.")
for request in pending:
    ref, was, wanted, baseline = request["ref"], request["from"], request["to"], request["baseline"]
    with st.container(border=True):
        # What people typed (title, reason, who asked) is escaped or plain text, never Markdown.
        st.markdown(f"**{md(ref)} {md(request['title'])}**")
        moved = f" ({plural(abs((wanted - was).days), 'day')} {'later' if wanted > was else 'earlier'})" if was else ""
        st.text(f"Asks to move the due date from {day(was)} to {day(wanted)}{moved}; baseline {day(baseline)}. "
                f"Asked by {request['by']} on {day(request['at'])}.")
        st.text(f"Reason: {request['reason']}")
        approve, decline = st.columns(2)
        with approve:
            st.caption(f"Approve: {md(ref)} becomes due on {day(wanted)}. The baseline stays {day(baseline)}, "
                       "so the slip is counted against it.")
            if st.button(f"Approve {ref}", key=f"approve_{request['id']}", type="primary"):
                decide(request, True, "")
        with decline:
            st.caption(f"Decline: {md(ref)} stays due on {day(was)}. Your reason is kept with the decision.")
            reason = st.text_input(f"Reason for declining {ref} (required)", key=f"note_{request['id']}")
            confirmed = st.checkbox("I have checked: the reason holds no personal data",
                                    key=f"note_confirm_{request['id']}")
            if st.button(f"Decline {ref}", key=f"decline_{request['id']}", type="secondary"):
                decide(request, False, reason, confirmed)

if decided:
    st.subheader("Decided")
    st.dataframe(pd.DataFrame([{"Ref": r["ref"], "From": r["from"], "To": r["to"], "Decision": r["decision"],
                                "By": r["decided_by"], "Note": r["note"], "Reason": r["reason"]} for r in decided]),
                 hide_index=True, width="stretch")
