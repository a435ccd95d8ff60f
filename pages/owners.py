"""Owners and agencies: the actions nobody is looking after (for the group), and for the
secretariat reassigning one action or all of a leaver's, marking a leaver, and the agencies."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.maintenance import owners
from plan.permissions import allowed
from plan.text import plural
from plan.users import list_users, owner_candidates, update_user
from plan.vocab import AgencyKind
from ui import plan_forms as forms
from ui.frame import current_user, flash_and_rerun, page_start
from ui.text import md

frame = page_start()
user = current_user()
st.title("Owners and agencies")

st.subheader("Unowned or orphaned actions")
st.caption("Actions in the plan now that nobody is looking after: no owner and no role named, the owner's account "
           "is disabled, or the owner has left. Complete and closed actions are left out.")
try:
    with session_scope() as session:
        orphans = owners.orphaned(session, user=user, plan_id=frame.id)
except PlanError as err:
    st.error(md(err))
    st.stop()
if not orphans:
    st.success("Every action in the plan has someone looking after it.")
else:
    st.dataframe(pd.DataFrame([{"Ref": r["ref"], "Action": r["title"], "Theme": r["theme"], "Owner": r["owner"],
                                "Why": r["reason"], "Status": r["status_label"], "Due": r["due"]} for r in orphans]),
                 hide_index=True, width="stretch", key="orphans",
                 column_config={"Due": st.column_config.DateColumn(format="DD MMM YYYY")})
if not allowed(user, "action.assign_owner"):
    st.stop()

with session_scope() as session:
    people = list_users(session, user=user)
    leavers = owners.leavers(session, user=user, plan_id=frame.id)
    agencies = owners.list_agencies(session)
    can_own = owner_candidates(session, user=user)


def who(email: str) -> str:
    return f"{can_own.get(email, email)} ({email})"


one, all_of, leaver, agency_tab = st.tabs(["Reassign an action", "Reassign all of a leaver's actions",
                                           "Mark someone as left", "Agencies"])
with one:
    refs = [r["ref"] for r in orphans]
    wanted = st.query_params.get("ref", "")
    with st.form("reassign_one"):
        ref = st.text_input("Action ref (e.g. 2.4a)", value=wanted or (refs[0] if refs else ""), key="reassign_ref")
        email = st.selectbox("New owner", list(can_own), index=None, placeholder="Choose a person", format_func=who,
                             key="reassign_to")
        if st.form_submit_button("Reassign the action"):
            try:
                if email is None:
                    raise PlanError("Choose the person who will own the action.")
                with session_scope() as session:
                    owners.reassign(session, user=user, plan_id=frame.id, ref=ref.strip(), email=email)
            except PlanError as err:
                st.error(md(err))
            else:
                st.query_params["ref"] = ref.strip()
                flash_and_rerun(f"{md(ref.strip())} is now owned by {md(can_own[email])}: it is on their My actions.")

with all_of:
    if leavers:
        st.caption("Still owning actions: " + "; ".join(
            f"{md(p['name'])} ({plural(p['actions'], 'action')}, "
            + (f"left on {p['left_on']:%d %b %Y}" if p["left_on"] else "account disabled") + ")" for p in leavers))
    holders = [p["email"] for p in people]
    names = {p["email"]: p["name"] for p in people}
    if leavers and not st.session_state.get("leaver_from"):  # offer the first leaver still owning actions
        st.session_state["leaver_from"] = leavers[0]["email"]
    source = st.selectbox("Whose actions", holders, index=None, placeholder="Choose a person",
                          format_func=lambda e: f"{names[e]} ({e})", key="leaver_from")
    if source:
        with session_scope() as session:
            theirs = owners.actions_of(session, user=user, plan_id=frame.id, email=source)
        st.caption(f"{md(names[source])} owns {plural(len(theirs), 'action')} in the plan now"
                   + (": " + ", ".join(md(a["ref"]) for a in theirs) if theirs else "."))
        with st.form("reassign_all"):
            target = st.selectbox("Give them all to", [e for e in can_own if e != source], index=None,
                                  placeholder="Choose a person", format_func=who, key="leaver_to")
            st.caption("All move, or none: if any cannot be theirs (a restricted action needs someone cleared), "
                       "nothing changes and every problem is listed.")
            if st.form_submit_button("Reassign all their actions", disabled=not theirs):
                try:
                    if target is None:
                        raise PlanError("Choose the person who will take the actions over.")
                    with session_scope() as session:
                        moved = owners.reassign_all(session, user=user, plan_id=frame.id, from_email=source,
                                                    to_email=target)
                except PlanError as err:
                    st.error(md(err))
                else:
                    flash_and_rerun(f"{plural(len(moved), 'action')} moved to "
                                    f"{md(can_own[target])}: {', '.join(moved)}.")

with leaver:
    with st.form("mark_left"):
        person = st.selectbox("Person", [p["email"] for p in people], index=None, placeholder="Choose a person",
                              format_func=lambda e: f"{names[e]} ({e})", key="left_person")
        left_on = st.date_input("Left their post on", value=None, format="DD/MM/YYYY", key="left_on")
        still_here = st.checkbox("Still in post (clear a date set by mistake)", key="left_still_here")
        if st.form_submit_button("Save"):
            try:
                if person is None:
                    raise PlanError("Choose the person.")
                if left_on is None and not still_here:
                    raise PlanError("Give the day they left, or tick 'Still in post'.")
                with session_scope() as session:
                    update_user(session, user=user, email=person, left_on=None if still_here else left_on,
                                still_here=still_here)
            except PlanError as err:
                st.error(md(err))
            else:
                flash_and_rerun(f"{md(names[person])}: " + ("still in post." if still_here else
                                                            f"left on {left_on:%d %b %Y}. Reassign their actions."))

with agency_tab:
    st.dataframe(pd.DataFrame([{"Agency": a["name"], "Kind": a["kind_label"], "People": a["people"],
                                "Leads actions": a["lead_of"]} for a in agencies]), hide_index=True, width="stretch",
                 key="agencies")
    kinds = [k.value for k in AgencyKind]
    st.subheader("Add an agency")
    forms.problems_banner("agency", ("name", "kind"))
    with st.form(f"agency_add_{forms.token('agency')}"):
        name = st.text_input("Name", key=f"agency_name_{forms.token('agency')}", max_chars=200)
        forms.field_error("agency", "name")
        kind = st.selectbox("Kind", kinds, format_func=lambda k: owners.KIND_LABELS[AgencyKind(k)],
                            key=f"agency_kind_{forms.token('agency')}")
        forms.field_error("agency", "kind")
        if st.form_submit_button("Add the agency"):
            def _add():
                with session_scope() as session:
                    return owners.add_agency(session, user=user, name=name, kind=kind)
            saved, added = forms.save("agency", _add)
            if saved:
                forms.reset("agency")
                flash_and_rerun(f"Agency {md(added)} added.")
    st.subheader("Rename an agency or change its kind")
    forms.problems_banner("agency_edit", ("name", "kind"))
    current = {a["name"]: a for a in agencies}
    chosen = st.selectbox("Agency", list(current), index=None, placeholder="Choose an agency", key="agency_chosen")
    if chosen:
        with st.form(f"agency_edit_{forms.token('agency_edit')}"):
            new_name = st.text_input("Name", value=chosen, max_chars=200,
                                     key=f"agency_new_name_{chosen}_{forms.token('agency_edit')}")
            forms.field_error("agency_edit", "name")
            new_kind = st.selectbox("Kind", kinds, index=kinds.index(current[chosen]["kind"])
                                    if current[chosen]["kind"] in kinds else 0,
                                    format_func=lambda k: owners.KIND_LABELS[AgencyKind(k)],
                                    key=f"agency_new_kind_{chosen}_{forms.token('agency_edit')}")
            forms.field_error("agency_edit", "kind")
            if st.form_submit_button("Save the agency"):
                def _edit():
                    with session_scope() as session:
                        return owners.edit_agency(session, user=user, name=chosen, new_name=new_name, kind=new_kind)
                if forms.save("agency_edit", _edit)[0]:
                    forms.reset("agency_edit")
                    st.session_state.pop("agency_chosen", None)
                    flash_and_rerun(f"Agency {md(new_name.strip())} saved.")
