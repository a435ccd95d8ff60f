"""Action detail: one action's fields, measures and its whole update history."""

import html

import pandas as pd
import streamlit as st

from plan.actions import action_detail
from plan.charts import measure_line, rag_timeline
from plan.db import session_scope
from plan.errors import NotFound, PlanError
from plan.permissions import allowed
from plan.updates import can_update
from plan.users import assign_owner, owners_and_delegates, set_delegate
from ui.frame import current_user, flash_and_rerun, page_start
from ui.rag import badge, legend, style_rag_column
from ui.update_form import update_form

frame = page_start()
user = current_user()

# A link can name the action (?ref=2.4); the Actions page hands it over in session state.
if "ref" in st.query_params and "action_ref" not in st.session_state:
    st.session_state["action_ref"] = st.query_params["ref"]
ref = st.text_input("Action ref", key="action_ref", placeholder="e.g. 2.4").strip()
if not ref:
    st.info("Enter an action's ref, or open one from the Actions page.")
    st.stop()
st.query_params["ref"] = ref

try:
    with session_scope() as session:
        action = action_detail(session, user=user, plan_id=frame.id, ref=ref)
except NotFound as err:
    st.error(f"{err} Check the ref on the Actions page.")
    st.stop()

st.title(f"{action['ref']} {action['title']}")
st.markdown(f"{badge(action['rag'])} &nbsp; **{action['status_label']}** &nbsp; · &nbsp; {html.escape(action['theme'])}"
            + (" &nbsp; · &nbsp; **Restricted**" if action["restricted"] else "")
            + (" &nbsp; · &nbsp; Demo data" if action["is_demo"] else ""),
            unsafe_allow_html=True)
legend(frame.rag_definitions)
if not action["detail_visible"]:
    st.warning("This action is restricted (police-sensitive). It counts in every total, but its detail "
               "is shown only to users cleared for restricted items.")

left, right = st.columns(2)
with left:
    st.markdown(f"**Owner:** {action['owner'] or 'Not yet assigned'}")
    st.markdown(f"**Lead agency:** {action['lead_agency'] or 'None given'}")
    st.markdown(f"**Partners:** {', '.join(action['partners']) or 'None'}")
    st.markdown(f"**Reports to:** {'; '.join(action['boards']) or 'No board'}")
    if action["objective"]:
        st.markdown(f"**Objective:** {action['objective']}")
with right:
    def day(value):
        return value.strftime("%d %b %Y") if value else "Not set"

    st.markdown(f"**Start:** {day(action['start_date'])}")
    st.markdown(f"**Due (current):** {day(action['current_due_date'])}")
    st.markdown(f"**Due (baseline):** {day(action['baseline_due_date'])}")
    if action["slipped_times"]:
        st.markdown(f"**Slipped:** moved {action['slipped_times']} time"
                    f"{'s' if action['slipped_times'] != 1 else ''}, {action['slipped_days']:+d} days from baseline")
if action["description"]:
    st.markdown(action["description"])
if action["source_text"]:
    st.caption("From the plan: " + action["source_text"])

with session_scope() as session:
    updatable = can_update(session, user=user, plan_id=frame.id, ref=action["ref"])
if updatable:
    with st.expander("Update this action"):
        update_form(frame, user, {**action, "returned_note": ""})

if allowed(user, "action.assign_owner"):
    with st.expander("Owner and delegates (secretariat)"):
        with session_scope() as session:
            people = owners_and_delegates(session, user=user, plan_id=frame.id, ref=action["ref"])
        st.caption(f"The plan names the owner as: {people['role'] or 'no role'}.")
        options = [""] + people["candidates"]
        chosen_owner = st.selectbox("Owner", options, index=options.index(people["owner"]),
                                    format_func=lambda e: e or "No named person (the role above)", key="assign_owner")
        chosen_delegates = st.multiselect("Delegates (may update for the owner)", people["candidates"],
                                          default=people["delegates"], key="assign_delegates")
        if st.button("Save owner and delegates", key="assign_save"):
            try:
                with session_scope() as session:
                    if chosen_owner != people["owner"]:
                        assign_owner(session, user=user, plan_id=frame.id, ref=action["ref"],
                                     email=chosen_owner or None)
                    for email in set(chosen_delegates) ^ set(people["delegates"]):
                        set_delegate(session, user=user, plan_id=frame.id, ref=action["ref"], email=email,
                                     named=email in chosen_delegates)
            except PlanError as err:
                st.error(str(err))
            else:
                flash_and_rerun(f"Owner and delegates of {action['ref']} saved.")

st.subheader("Measures")
if not action["measures"]:
    st.caption("No measures for this action.")
for measure in action["measures"]:
    with st.container(border=True):
        target = f"target {measure['target']:g}" if measure["target"] is not None else "no target set"
        baseline = f"baseline {measure['baseline']:g}" if measure["baseline"] is not None else "baseline to be set"
        st.markdown(f"**{measure['ref']} {measure['name']}** ({measure['unit']}; {baseline}; {target}; "
                    f"good is {measure['direction']}; {measure['frequency']}; from {measure['source'] or 'not given'})")
        if measure["values"]:
            st.plotly_chart(measure_line(measure), width="stretch", key=f"measure_{measure['ref']}")
        else:
            st.caption("No values submitted yet.")

st.subheader("Update history")
updates = action["updates"]
if not updates:
    st.caption("No updates yet: this action is not yet assessed.")
else:
    st.plotly_chart(rag_timeline(updates), width="stretch", key="rag_timeline")
    history = pd.DataFrame([{
        "When": u["at"].strftime("%d %b %Y %H:%M"), "Period": u["period"], "RAG": u["rag_label"],
        "Status": u["status_label"], "Commentary": u["commentary"], "Blockers": u["blockers"],
        "Support asked": u["support_asked"], "By": u["author"] + (" (demo)" if u["is_demo"] else ""),
    } for u in updates])
    st.dataframe(style_rag_column(history), hide_index=True, width="stretch")
