"""Action detail: one action's fields, measures and its whole update history."""


import pandas as pd
import streamlit as st

from plan import meetings, notify, reports
from plan.actions import action_detail
from plan.charts import rag_timeline
from plan.db import read_scope, session_scope
from plan.errors import NotFound, PlanError
from plan.exports import action_history
from plan.maintenance.actions import plan_edits
from plan.measures import measures_for_action
from plan.periods import period_short
from plan.permissions import allowed
from plan.text import plural
from plan.updates import can_update
from plan.users import assign_owner, owners_and_delegates, set_delegate
from ui import downloads, finding_links
from ui.action_picker import known_title, pick_action
from ui.frame import current_user, flash_and_rerun, page_start
from ui.measure_view import measure_panel
from ui.notices import email_about
from ui.provenance import render as provenance_marks
from ui.rag import badge, legend
from ui.text import md
from ui.update_form import update_form

frame = page_start()
user = current_user()

wanted = st.query_params.get("ref", "")
wanted_title = known_title(frame.id, user, wanted)
if wanted_title is not None and st.session_state.get("_shown_ref") != wanted:
    st.session_state["action_ref"] = wanted  # arrived by a link, a list or the back button
ref = pick_action(frame.id, user, key="action_ref", label="Action")
if wanted and wanted_title is None:
    st.error(f"There is no action '{md(wanted)}' in this plan. Find one above.")
if not ref:
    st.info("Find an action above, or open one from the Actions or My actions page.")
    st.stop()
st.query_params["ref"] = st.session_state["_shown_ref"] = ref

try:
    with session_scope() as session:
        action = action_detail(session, user=user, plan_id=frame.id, ref=ref)
except NotFound as err:
    st.error(f"{md(err)} Check the ref on the Actions page.")
    st.stop()

st.title(f"{md(action['ref'])} {md(action['title'])}")
provenance_marks(frame.id, action["ref"])  # what the plan chose, not its source; examples
st.markdown(f"{badge(action['rag'])} &nbsp; **{md(action['status_label'])}** &nbsp; · &nbsp; "
            f"{md(action['theme'])}"
            + (" &nbsp; · &nbsp; **Restricted**" if action["restricted"] else "")
            + (" &nbsp; · &nbsp; Demo data" if action["is_demo"] else ""),
            unsafe_allow_html=True)

with session_scope() as session:  # the rules' suggestion, only ever a warning beside the owner's RAG
    suggestion = reports.suggestion_for(session, user=user, plan_id=frame.id, ref=action["ref"])
if suggestion is not None:
    st.warning(md(f"Suggested RAG: {suggestion.label}. {suggestion.sentence}"))

# Meetings and decisions (chair's view): the RAG agreed at a meeting beside the owner's, never instead of it
try:
    with session_scope() as session:
        met = meetings.for_action(session, user=user, plan_id=frame.id, ref=action["ref"])
except PlanError:
    met = {"agreed": None, "decisions": [], "follow_ups": []}
if met["agreed"] or met["decisions"] or met["follow_ups"]:
    with st.expander("Meetings and decisions", expanded=True):
        if agreed := met["agreed"]:
            st.markdown(f"Owner's RAG: {badge(action['rag'])} &nbsp; · &nbsp; Agreed at the meeting of "
                        f"{agreed['held_on']:%d %b %Y}: {badge(agreed['rag'])}", unsafe_allow_html=True)
        if met["decisions"]:
            st.dataframe(pd.DataFrame([{"Held on": d["held_on"], "Owner's RAG": d["proposed_label"] or "",
                                        "Agreed RAG": d["agreed_label"] or "", "Decision": d["decision"] or "",
                                        "Challenge": d["challenge"] or "", "Response": d["response"] or "",
                                        "Meeting": d["meeting_title"] or "Meeting"} for d in met["decisions"]]),
                         hide_index=True, width="stretch", key="action_decisions",
                         column_config={"Held on": st.column_config.DateColumn(format="DD MMM YYYY")})
        if met["follow_ups"]:
            st.caption("Follow-ups")
            st.dataframe(pd.DataFrame([{"What": f["text"], "Who": f["owner"], "Due": f["due"],
                                        "Done": "Done" if f["done"] else ("Overdue" if f["overdue"] else "Open")}
                                       for f in met["follow_ups"]]), hide_index=True, width="stretch",
                         key="action_follow_ups")
if action["retired_at"]:
    st.warning(f"Retired on {action['retired_at']:%d %b %Y}: this action is no longer in the plan. It keeps its "
               "history, and stays in past meetings and in anything read as at an earlier date.")
    st.caption("Why it was retired")
    st.text(action["retired_reason"])
legend(frame.rag_definitions)
if not action["detail_visible"]:
    st.warning("This action is restricted (police-sensitive). It counts in every total, but its detail "
               "is shown only to users cleared for restricted items.")

left, right = st.columns(2)
with left:
    st.markdown(f"**Owner:** {md(action['owner'] or 'Not yet assigned')}")
    st.markdown(f"**Lead agency:** {md(action['lead_agency'] or 'None given')}")
    st.markdown(f"**Partners:** {md(', '.join(action['partners']) or 'None')}")
    st.markdown(f"**Reports to:** {md('; '.join(action['boards']) or 'No board')}")
    if action["objective"]:
        st.markdown(f"**Objective:** {md(action['objective'])}")
with right:
    def day(value):
        return value.strftime("%d %b %Y") if value else "Not set"

    st.markdown(f"**Start:** {day(action['start_date'])}")
    st.markdown(f"**Due (current):** {day(action['current_due_date'])}")
    st.markdown(f"**Due (baseline):** {day(action['baseline_due_date'])}")
    if action["slipped_times"]:
        days, times = action["slipped_days"], action["slipped_times"]
        moved = f"moved {plural(times, 'time')}"
        st.markdown(f"**Due date {moved}:** " + (f"{plural(days, 'day')} later than the baseline" if days > 0 else
                                                 f"{plural(-days, 'day')} earlier than the baseline" if days < 0 else
                                                 "back on the baseline"))
    if action["days_overdue"]:
        st.markdown(f"**Overdue:** {plural(action['days_overdue'], 'day')} "
                    "past its current due date")
if action["description"]:
    st.text(action["description"])
if action["source_text"]:
    st.caption("From the plan: " + md(action["source_text"]))

with session_scope() as session:
    updatable = can_update(session, user=user, plan_id=frame.id, ref=action["ref"]) and not action["retired_at"]
if updatable:
    with st.expander("Update this action"):
        update_form(frame, user, {**action, "returned_note": ""})

if allowed(user, "plan.edit") and not action["retired_at"] and action["detail_visible"]:
    st.page_link("pages/edit_plan.py", label="Edit, move, close or retire this action",
                 query_params={"ref": action["ref"]})

if allowed(user, "action.assign_owner") and not action["retired_at"]:
    with st.expander("Owner and delegates (secretariat)"):
        with session_scope() as session:
            people = owners_and_delegates(session, user=user, plan_id=frame.id, ref=action["ref"])
        st.caption(f"The plan names the owner as: {md(people['role'] or 'no role')}.")
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
                st.error(md(err))
            else:
                told = (email_about(user, frame.id,
                                    lambda s: notify.owner_assigned(s, plan_id=frame.id, ref=action["ref"]))
                        if chosen_owner and chosen_owner != people["owner"] else "")
                flash_and_rerun(f"Owner and delegates of {action['ref']} saved.{told}")

st.subheader("Needs-assessment findings it answers")
finding_links.render(frame, user, action, key="detail")

st.subheader("Measures")
if not action["detail_visible"]:
    st.caption("The measures of a restricted action are shown only to users cleared for restricted items.")
else:
    with session_scope() as session:
        measures = measures_for_action(session, user=user, plan_id=frame.id, action_ref=action["ref"])
    if not measures:
        st.caption("No measures for this action.")
    for measure in measures:
        with st.container(border=True):
            measure_panel(measure, key="action")

with session_scope() as session:
    edits = plan_edits(session, user=user, plan_id=frame.id, ref=action["ref"])
if edits:
    st.subheader("Changes to the plan")
    st.caption("Who changed this action in the plan, when, and what: each field before and after.")
    st.dataframe(pd.DataFrame([{"When (UTC)": e["at"].strftime("%d %b %Y %H:%M"), "Who": e["who"], "What": e["what"],
                                "Field": c["field"], "Before": c["before"], "After": c["after"]}
                               for e in edits for c in (e["changes"] or [{"field": "", "before": "", "after": ""}])]),
                 hide_index=True, width="stretch", key="plan_edits")

st.subheader("Update history")
updates = action["updates"]


def _export_history():  # noqa: ANN202
    with read_scope() as session:
        return action_history(session, user=user, plan_id=frame.id, ref=ref)


downloads.prepared("Prepare this action's history in Excel", key="history_export", wanted=ref, make=_export_history)
if not updates:
    st.caption("No updates yet: this action is not yet assessed.")
else:
    st.plotly_chart(rag_timeline(updates), width="stretch", key="rag_timeline")
    st.caption(f"{plural(len(updates), 'update')}, newest first.")
    for u in updates:
        with st.container(border=True):
            st.markdown(f"{badge(u['rag'])} &nbsp; **{md(u['status_label'])}** &nbsp; · &nbsp; "
                        f"{u['at']:%d %b %Y %H:%M} &nbsp; · &nbsp; "
                        f"{md(period_short(u['period'] or ''))} &nbsp; · &nbsp; "
                        f"by {md(u['author'])}" + (" (demo)" if u["is_demo"] else ""),
                        unsafe_allow_html=True)
            for label, key in (("Commentary", "commentary"), ("Blockers", "blockers"),
                               ("Support asked", "support_asked")):
                if u[key]:
                    st.caption(label)
                    st.text(u[key])
            if back := u.get("returned"):
                st.warning(f"Sent back to the owner by {md(back['by'])} on {back['at']:%d %b %Y}: "
                           f"{md(back['note'])}", icon=":material/undo:")
