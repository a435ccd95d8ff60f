"""Data returns: the figures a contributor's agency owes and sending them (one at a time or a file),
and the returns tracker (who has sent what, what is late) for contributors, chairs and the secretariat."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.measures import owed_returns
from plan.permissions import allowed
from ui import url_state
from ui.frame import current_user, page_start
from ui.returns_forms import periods_table, returns_form, returns_upload, tracker_view

frame = page_start()
user = current_user()
st.title("Data returns")

if not allowed(user, "measure.submit_own_agency"):
    st.caption("Which agencies have sent figures for which period, and what is late.")
    tracker_view(frame, user)
    st.stop()

with session_scope() as session:
    owed = owed_returns(session, user=user, plan_id=frame.id)

send, upload, tracker = st.tabs(["Figures owed", "Upload a file", "Returns tracker"])
with send:
    if not owed:
        st.info("Your agency supplies no measures in this plan yet. The plan secretariat names each measure's "
                "source agency and data contributor.")
    else:
        st.caption("A period is owed once it has ended; its figure is due the measure's data lag after that. "
                   "Late means past its due date with no figure.")
        st.dataframe(pd.DataFrame([{
            "Ref": m["ref"], "Measure": m["name"], "How often": m["frequency"].capitalize(),
            "Due (days after the period)": m["lag_days"], "Owed": m["owed"], "Late": m["late"],
        } for m in owed]), hide_index=True, width="stretch")
        names = {m["ref"]: m["name"] for m in owed}
        url_state.seed("returns_measure", "measure", choices=list(names), default=list(names)[0])
        ref = st.selectbox("Measure", list(names), key="returns_measure", format_func=lambda r: f"{r} – {names[r]}")
        url_state.publish({"measure": ("returns_measure", ref)})
        measure = next(m for m in owed if m["ref"] == ref)
        periods_table(measure)
        returns_form(frame, user, measure)
with upload:
    returns_upload(frame, user, {m["ref"]: m["unit"] for m in owed})
with tracker:
    tracker_view(frame, user)
