"""Offline update returns (secretariat): make a workbook of one owner's or agency's actions to
fill in away from the app, then upload it completed, see each row (ok, stale, problems) and apply."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.returns import ReturnRejected, apply_return, read_return, return_choices, return_workbook
from ui.downloads import offer
from ui.frame import current_user, flash_and_rerun, page_start
from ui.text import md

frame = page_start()
user = current_user()
st.title("Offline update returns")
make, apply = st.tabs(["Make a return", "Apply a completed return"])

with make:
    st.caption("A workbook of the open actions of one owner (as owner or delegate) or one lead agency. Only the "
               "shaded cells can be typed in: RAG and status from lists, commentary, blockers, support asked and "
               "an evidence link. It remembers each action's state, so an update made since is noticed.")
    with session_scope() as session:
        owners, agencies = return_choices(session, user=user, plan_id=frame.id)
    kind = st.radio("For", ["An owner", "A lead agency"], horizontal=True, key="return_for")
    names = dict(owners)
    if kind == "An owner":
        chosen = st.selectbox("Owner", list(names), format_func=lambda e: f"{names[e]} <{e}>", key="return_owner")
        who = {"owner_email": chosen}
    else:
        chosen = st.selectbox("Lead agency", agencies, key="return_agency")
        who = {"agency": chosen}
    if chosen and st.button("Make the return", key="return_make"):
        try:
            with session_scope() as session:
                made = return_workbook(session, user=user, plan_id=frame.id, **who)
        except PlanError as err:
            st.error(md(err))
        else:
            st.session_state["return_made"] = (made.content, made.filename, made.mime)
    if made := st.session_state.get("return_made"):
        # served only to this signed-in browser session (server.py checks the cookie)
        offer("Download the return", made[0], file_name=made[1], mime=made[2], key="return_download")

with apply:
    upload = st.file_uploader("Completed return (.xlsx)", type=["xlsx"], key="return_file")
    if upload is not None:
        content, name = upload.getvalue(), upload.name
        try:
            with session_scope() as session:
                report = read_return(session, user=user, content=content, filename=name)
        except PlanError as err:
            st.error(md(err))
            st.stop()
        st.info(md(report.summary()))  # the workbook's words (agency, owner, refs) are anyone's
        st.dataframe(pd.DataFrame([{
            "Row": r.row, "Ref": r.ref, "Action": r.title, "State": r.state.capitalize(),
            "Problems": " ".join(r.problems), "Updated since the return was made": r.newer_update,
        } for r in report.rows]), hide_index=True, width="stretch")
        stale = report.rows_in("stale")
        confirm = False
        if stale:
            st.warning("These actions were updated after the return was made: "
                       + md(", ".join(r.ref for r in stale)) + ". Read the newer updates above before applying.")
            confirm = st.checkbox("Apply these updates on top of the newer ones", key="return_confirm_stale")
        problems = report.rows_in("problem")
        if problems:
            st.error("Nothing can be applied until these rows are fixed in the return: "
                     + md(", ".join(r.ref for r in problems)) + ".")
        if st.button("Apply", type="primary", disabled=bool(problems) or (bool(stale) and not confirm),
                     key="return_apply"):
            try:
                with session_scope() as session:
                    done = apply_return(session, user=user, content=content, filename=name, confirm_stale=confirm)
            except (ReturnRejected, PlanError) as err:
                st.error(md(err))
            else:
                flash_and_rerun(md(done.summary()))
