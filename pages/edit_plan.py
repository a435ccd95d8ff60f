"""Edit the plan (secretariat): add a mid-year action, edit one, move it, close or retire it, and
the objectives. The action being changed is in the URL (?ref=)."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.maintenance import actions as editing
from plan.vocab import RAG_LABELS, Rag
from ui import finding_links
from ui import plan_forms as forms
from ui.action_picker import known_title, pick_action
from ui.frame import current_user, flash_and_rerun, page_start
from ui.text import md

frame = page_start()
user = current_user()
st.title("Edit the plan")
st.caption("Every change is recorded (who, when, before and after) and shown on the action's page. Retire an "
           "action that leaves the plan; close one that ends without being completed. Nothing is deleted.")

with session_scope() as session:
    choices = editing.edit_choices(session, plan_id=frame.id)
if "_edit_next" in st.session_state:  # after an add or a retirement: the action to show next
    st.session_state["edit_ref"] = st.session_state.pop("_edit_next")
    st.session_state["_edit_shown"] = st.session_state["edit_ref"]
wanted = st.query_params.get("ref", "")
wanted_title = known_title(frame.id, user, wanted, include_retired=False)
if wanted_title is not None and st.session_state.get("_edit_shown") != wanted:
    st.session_state["edit_ref"] = wanted
ref = pick_action(frame.id, user, key="edit_ref", label="Action to change", include_retired=False,
                  placeholder="Choose the action to change")
if wanted and wanted_title is None:
    st.error(f"'{md(wanted)}' is not an action in the plan now (retired actions cannot be changed). Find one above.")
if ref:
    st.query_params["ref"] = st.session_state["_edit_shown"] = ref
elif "ref" in st.query_params and wanted_title is not None:
    del st.query_params["ref"]

edit, findings, move, close, add, objectives = st.tabs(["Edit the action", "Findings", "Move", "Close or retire",
                                                        "Add an action", "Objectives"])
values, refusal = None, ""
if ref:
    try:
        with session_scope() as session:
            values = editing.action_values(session, user=user, plan_id=frame.id, ref=ref)
    except Exception as err:  # noqa: BLE001  a restricted action for someone not cleared: say so in each tab
        refusal = str(err)
with edit:
    if values is None:
        st.info(refusal if ref else "Choose the action to change above.")
    else:
        forms.problems_banner("edit")
        # the version on screen when the form was opened: a change made meanwhile is not overwritten
        seen = st.session_state.setdefault(f"edit_seen_{ref}_{forms.token('edit')}", values["version"])
        with st.form(f"edit_{ref}_{forms.token('edit')}"):
            given = forms.action_fields("edit", choices, values, with_ref=False)
            sent = st.form_submit_button("Save the action", type="primary")
        if sent:
            def _edit():
                with session_scope() as session:
                    return editing.edit_action(session, user=user, plan_id=frame.id, ref=ref, changes=given,
                                               expected_version=seen)
            saved, changed = forms.save("edit", _edit)
            if saved:
                forms.reset("edit")
                flash_and_rerun(f"{md(ref)} saved: " + (", ".join(editing.LABELS[k].lower() for k in changed)
                                                    + " changed." if changed else "nothing had changed."))

with move:
    if values is not None:
        st.caption(f"{md(ref)} is under {md(values['theme'])}" + (f", objective {md(values['objective'])}."
                                                                   if values["objective"] else "."))
        forms.problems_banner("move", ("theme", "objective"))
        with st.form(f"move_{ref}_{forms.token('move')}"):
            theme = st.selectbox("Move to theme", choices["themes"], index=choices["themes"].index(values["theme"]),
                                 key=f"move_theme_{forms.token('move')}")
            forms.field_error("move", "theme")
            under = [""] + [o["ref"] for o in choices["objectives"]]
            words = {o["ref"]: f"{o['ref']} – {o['title']} ({o['theme']})" for o in choices["objectives"]}
            objective = st.selectbox("Objective (under that theme)", under, format_func=lambda r: words.get(r, "None"),
                                     index=under.index(values["objective"]) if values["objective"] in under else 0,
                                     key=f"move_objective_{forms.token('move')}")
            forms.field_error("move", "objective")
            moved = st.form_submit_button("Move the action")
        if moved:
            def _move():
                with session_scope() as session:
                    return editing.move_action(session, user=user, plan_id=frame.id, ref=ref, theme=theme,
                                               objective=objective)
            if forms.save("move", _move)[0]:
                forms.reset("move")
                flash_and_rerun(f"{md(ref)} moved to {md(theme)}"
                                + (f", objective {md(objective)}." if objective else "."))

with close:
    if values is not None:
        if values["delivery_status"] != "closed":
            st.subheader("Close the action")
            st.caption("Closing ends it without completing it; the reason becomes its last update.")
            forms.problems_banner("close", ("rag", "reason"))
            with st.form(f"close_{ref}_{forms.token('close')}"):
                rags = ["red", "amber", "green"]
                rag = st.selectbox("RAG it closes with", rags, format_func=lambda r: RAG_LABELS[Rag(r)],
                                   index=rags.index(values["rag"]) if values["rag"] in rags else None,
                                   placeholder="Choose a rating", key=f"close_rag_{forms.token('close')}")
                forms.field_error("close", "rag")
                reason = st.text_area("Why it is closed", key=f"close_reason_{forms.token('close')}", max_chars=2000)
                forms.field_error("close", "reason")
                confirmed = st.checkbox("I have checked: none of this is personal data",
                                        key=f"close_confirm_{forms.token('close')}")
                closing = st.form_submit_button("Close the action")
            if closing:
                def _close():
                    with session_scope() as session:
                        editing.close_action(session, user=user, plan_id=frame.id, ref=ref, reason=reason,
                                             rag=rag or "", submission_key=forms.token("close"),
                                             personal_data_confirmed=confirmed)
                if forms.save("close", _close)[0]:
                    forms.reset("close")
                    flash_and_rerun(f"{md(ref)} is closed.")
        st.subheader("Retire the action")
        st.caption("Retiring takes it out of the plan from today: it leaves the lists, counts and new papers, but "
                   "keeps its history and stays in past meetings and in anything read as at an earlier date.")
        forms.problems_banner("retire", ("reason",))
        with st.form(f"retire_{ref}_{forms.token('retire')}"):
            why = st.text_area("Why it is retired", key=f"retire_reason_{forms.token('retire')}", max_chars=2000)
            forms.field_error("retire", "reason")
            retiring = st.form_submit_button("Retire the action")
        if retiring:
            def _retire():
                with session_scope() as session:
                    editing.retire_action(session, user=user, plan_id=frame.id, ref=ref, reason=why)
            if forms.save("retire", _retire)[0]:
                forms.reset("retire")
                st.session_state["_edit_next"] = None
                del st.query_params["ref"]
                flash_and_rerun(f"{md(ref)} is retired. Its page keeps its history and says why.")

with add:
    after = pick_action(frame.id, user, key="add_after", label="It follows action", include_retired=False,
                        placeholder="Choose the action it follows")
    suggested = ""
    if after:
        with session_scope() as session:
            suggested = editing.next_free_ref(session, plan_id=frame.id, after=after)
        st.caption(f"The next free ref after {md(after)} is {md(suggested)}.")
        if st.session_state.get("_add_suggested") != suggested:  # a new choice: offer its ref in the form
            st.session_state["_add_suggested"] = st.session_state[f"add_{forms.token('add')}_ref"] = suggested
    forms.problems_banner("add")
    with st.form(f"add_{forms.token('add')}"):
        new = forms.action_fields("add", choices, {"ref": suggested}, with_ref=True)
        adding = st.form_submit_button("Add the action", type="primary")
    if adding:
        def _add():
            with session_scope() as session:
                return editing.add_action(session, user=user, plan_id=frame.id, values=new,
                                          submission_key=forms.token("add"))
        saved, added = forms.save("add", _add)
        if saved:
            forms.reset("add")
            st.session_state.pop("add_after", None)
            st.session_state.pop("_add_suggested", None)
            st.session_state["_edit_next"], st.query_params["ref"] = added, added
            flash_and_rerun(f"{md(added)} added to the plan.")

with findings:  # the needs-assessment findings the action answers (Serious Violence Duty)
    if values is None:
        st.info(refusal if ref else "Choose the action above.")
    else:
        finding_links.render(frame, user, {"ref": ref, "retired_at": values["retired_at"]}, key="editor")

with objectives:
    st.dataframe(pd.DataFrame([{"Ref": o["ref"], "Objective": o["title"], "Theme": o["theme"]}
                               for o in choices["objectives"]]), hide_index=True, width="stretch")
    st.subheader("Add an objective")
    forms.problems_banner("objective", ("ref", "theme", "title"))
    with st.form(f"objective_{forms.token('objective')}"):
        o_ref = st.text_input("Ref", key=f"objective_ref_{forms.token('objective')}", max_chars=30)
        forms.field_error("objective", "ref")
        o_theme = st.selectbox("Theme", choices["themes"], key=f"objective_theme_{forms.token('objective')}")
        forms.field_error("objective", "theme")
        o_title = st.text_input("Title", key=f"objective_title_{forms.token('objective')}", max_chars=300)
        forms.field_error("objective", "title")
        if st.form_submit_button("Add the objective"):
            def _objective():
                with session_scope() as session:
                    return editing.add_objective(session, user=user, plan_id=frame.id, ref=o_ref, theme=o_theme,
                                                 title=o_title)
            if forms.save("objective", _objective)[0]:
                forms.reset("objective")
                flash_and_rerun(f"Objective {md(o_ref.strip())} added.")
    if choices["objectives"]:
        st.subheader("Change an objective")
        forms.problems_banner("objective_edit", ("title", "theme"))
        known = {o["ref"]: o for o in choices["objectives"]}
        chosen = st.selectbox("Objective", list(known), key="objective_chosen",
                              format_func=lambda r: f"{r} – {known[r]['title']}")
        with st.form(f"objective_edit_{chosen}_{forms.token('objective_edit')}"):
            e_title = st.text_input("Title", value=known[chosen]["title"], max_chars=300,
                                    key=f"objective_edit_title_{chosen}_{forms.token('objective_edit')}")
            forms.field_error("objective_edit", "title")
            e_theme = st.selectbox("Theme", choices["themes"], index=choices["themes"].index(known[chosen]["theme"]),
                                   key=f"objective_edit_theme_{chosen}_{forms.token('objective_edit')}")
            forms.field_error("objective_edit", "theme")
            if st.form_submit_button("Save the objective"):
                def _objective_edit():
                    with session_scope() as session:
                        return editing.edit_objective(session, user=user, plan_id=frame.id, ref=chosen,
                                                      title=e_title, theme=e_theme)
                if forms.save("objective_edit", _objective_edit)[0]:
                    forms.reset("objective_edit")
                    flash_and_rerun(f"Objective {md(chosen)} saved.")
