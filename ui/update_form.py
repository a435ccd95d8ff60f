"""The owner's update form, the bulk editor and the due-date request, shared by My actions.

The rules are plan/'s; this module keeps what the user typed across reruns, shows a conflict
with the update that beat them, and lets them apply their text again."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan.actions import action_detail
from plan.bulk import BulkRejected, bulk_update
from plan.db import session_scope
from plan.due_dates import request_revision
from plan.errors import PlanError, StaleVersion
from plan.identity import Actor
from plan.personal_data import PersonalDataWarning
from plan.plans import PlanFrame
from plan.updates import MAX_TEXT, record_update
from plan.vocab import RAG_LABELS, DeliveryStatus, Rag
from ui.frame import flash_and_rerun

RAGS = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.BLUE.value]
STATUSES = [s.value for s in DeliveryStatus]


def update_form(frame: PlanFrame, user: Actor, row: dict[str, Any]) -> None:
    ref = row["ref"]
    # The version the user saw when they opened this action: kept across reruns until saved.
    version_key = f"seen_version_{ref}"
    st.session_state.setdefault(version_key, row["version"])
    if row["returned_note"]:
        st.warning(f"The secretariat sent your last update back: {row['returned_note']}")
    st.caption("Commentary is needed when the RAG changes or is Red or Amber. Blue means complete, and "
               "a complete action needs an evidence link.")
    with st.form(f"update_{ref}"):
        left, right = st.columns(2)
        current_rag = row["rag"] if row["rag"] in RAGS else Rag.GREEN.value
        rag = left.selectbox("RAG", RAGS, index=RAGS.index(current_rag), format_func=lambda r: RAG_LABELS[Rag(r)],
                             key=f"rag_{ref}")
        status = right.selectbox("Delivery status", STATUSES, index=STATUSES.index(row["delivery_status"]),
                                 format_func=lambda s: DeliveryStatus(s).label, key=f"status_{ref}")
        commentary = st.text_area("Progress commentary", max_chars=MAX_TEXT, key=f"commentary_{ref}")
        blockers = st.text_area("Blockers", max_chars=MAX_TEXT, key=f"blockers_{ref}")
        support = st.text_area("Support asked of the strategic group", max_chars=MAX_TEXT, key=f"support_{ref}")
        evidence = st.text_input("Evidence link", key=f"evidence_{ref}")
        confirmed = st.checkbox("I have checked: none of this is personal data", key=f"confirm_{ref}")
        submitted = st.form_submit_button("Save update", type="primary")
    if not submitted:
        return
    try:
        with session_scope() as session:
            record_update(session, user=user, plan_id=frame.id, ref=ref, rag=rag, delivery_status=status,
                          commentary=commentary, blockers=blockers, support_asked=support, evidence_url=evidence,
                          expected_version=st.session_state[version_key], personal_data_confirmed=confirmed)
    except StaleVersion as err:
        st.error(str(err))
        with session_scope() as session:
            latest = action_detail(session, user=user, plan_id=frame.id, ref=ref)["updates"][0]
        st.markdown(f"**Their update** ({latest['author']}, {latest['at']:%d %b %Y %H:%M}): "
                    f"{latest['rag_label']}, {latest['status_label']}. {latest['commentary']}")
        st.info("Your text is still in the form. Read their update, change yours if needed, and press "
                "Save update again to apply it on top of theirs.")
        # the next save is checked against the version that includes their update
        st.session_state[version_key] = row["version"]
    except PersonalDataWarning as err:
        st.warning(str(err))
    except PlanError as err:
        st.error(str(err))
    else:
        for key in (version_key, f"commentary_{ref}", f"blockers_{ref}", f"support_{ref}", f"evidence_{ref}",
                    f"confirm_{ref}"):
            st.session_state.pop(key, None)
        flash_and_rerun(f"Update to {ref} saved: {RAG_LABELS[Rag(rag)]}, {DeliveryStatus(status).label}.")


def bulk_editor(frame: PlanFrame, user: Actor, rows: list[dict[str, Any]]) -> None:
    st.caption("Edit the rows you want to update, then save. Every row is checked first: if any row is "
               "wrong, nothing is saved and the rows to fix are listed. Rows left unchanged are not saved.")
    base = pd.DataFrame([{
        "Ref": r["ref"], "Title": r["title"], "RAG": r["rag"] if r["rag"] in RAGS else None,
        "Status": r["delivery_status"], "Commentary": "", "Blockers": "", "Support asked": "",
        "Evidence link": "",
    } for r in rows]).set_index("Ref")
    edited = st.data_editor(
        base, key="bulk_editor", width="stretch", disabled=["Title"], num_rows="fixed",
        column_config={"RAG": st.column_config.SelectboxColumn("RAG", options=RAGS),
                       "Status": st.column_config.SelectboxColumn("Status", options=STATUSES)})
    if not st.button("Save all changed rows", key="bulk_save"):
        return
    versions = {r["ref"]: r["version"] for r in rows}
    changed = [ref for ref in edited.index if not edited.loc[ref].equals(base.loc[ref])]
    if not changed:
        st.info("No rows were changed.")
        return
    payload = [{"ref": ref, "rag": edited.loc[ref, "RAG"] or "", "delivery_status": edited.loc[ref, "Status"],
                "commentary": edited.loc[ref, "Commentary"], "blockers": edited.loc[ref, "Blockers"],
                "support_asked": edited.loc[ref, "Support asked"], "evidence_url": edited.loc[ref, "Evidence link"],
                "expected_version": versions[ref]} for ref in changed]
    try:
        with session_scope() as session:
            saved = bulk_update(session, user=user, plan_id=frame.id, rows=payload)
    except BulkRejected as err:
        st.error("Nothing was saved. Fix these rows and save again:")
        st.dataframe(pd.DataFrame([{"Ref": p.ref, "What to fix": p.message} for p in err.problems]),
                     hide_index=True, width="stretch")
    else:
        st.session_state.pop("bulk_editor", None)
        flash_and_rerun(f"Saved {saved} update{'s' if saved != 1 else ''}: {', '.join(changed)}.")


def due_date_request_form(frame: PlanFrame, user: Actor, rows: list[dict[str, Any]]) -> None:
    st.caption("The secretariat or a chair decides. The original (baseline) date is always kept.")
    with st.form("due_date_request"):
        ref = st.selectbox("Action", [r["ref"] for r in rows], key="due_ref")
        new_date = st.text_input("New due date (DD/MM/YYYY)", key="due_new_date")
        reason = st.text_area("Reason", key="due_reason")
        confirmed = st.checkbox("I have checked: none of this is personal data", key="due_confirm")
        if not st.form_submit_button("Ask for the new date"):
            return
    try:
        with session_scope() as session:
            request_revision(session, user=user, plan_id=frame.id, ref=ref, new_date=new_date, reason=reason,
                             personal_data_confirmed=confirmed)
    except PersonalDataWarning as err:
        st.warning(str(err))
    except PlanError as err:
        st.error(str(err))
    else:
        flash_and_rerun(f"Asked to move {ref} to {new_date}; the secretariat will decide.")
