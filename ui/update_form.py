"""The owner's update form, the bulk editor and the due-date request, shared by My actions.

The rules are plan/'s; this module keeps what the user typed across reruns, shows a conflict
with the update that beat them, and lets them apply their text again."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from plan.actions import action_detail
from plan.bulk import BulkRejected, bulk_update
from plan.db import session_scope
from plan.due_dates import request_revision
from plan.errors import InvalidFields, PlanError, StaleVersion
from plan.identity import Actor
from plan.personal_data import PersonalDataWarning
from plan.plans import PlanFrame
from plan.text import plural
from plan.updates import MAX_TEXT, record_update
from plan.vocab import RAG_LABELS, DeliveryStatus, Rag
from ui.frame import flash_and_rerun
from ui.text import md

RAGS = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.BLUE.value]
STATUSES = [s.value for s in DeliveryStatus]


FIELDS = ("rag", "status", "commentary", "blockers", "support", "evidence", "confirm")
# the service's names for the fields (plan/updates.py) -> this form's
SERVICE_FIELDS = {"rag": "rag", "delivery_status": "status", "commentary": "commentary", "blockers": "blockers",
                  "support_asked": "support", "evidence_url": "evidence"}


def update_form(frame: PlanFrame, user: Actor, row: dict[str, Any]) -> None:
    """One action's update form. Saved once however often it is sent: each opened form has a
    random key that goes with the save (plan/updates.py keeps one update per key), and a saved
    form is replaced by an empty one. The version checked is the one on screen when Save was
    pressed. Every problem shows beside its field, all at once, before anything is written."""
    ref = row["ref"]
    token = st.session_state.setdefault(f"form_token_{ref}", uuid.uuid4().hex)
    seen_key = f"seen_version_{ref}"
    seen_version = st.session_state.get(seen_key, row["version"])
    st.session_state[seen_key] = row["version"]  # what this run shows: checked if Save is pressed next
    errors: dict[str, str] = st.session_state.get(f"form_errors_{token}", {})
    key = {field: f"{field}_{ref}_{token}" for field in FIELDS}

    if row["returned_note"]:
        st.warning("The secretariat sent your last update back:")
        st.text(row["returned_note"])
    st.caption("Commentary is needed when the RAG changes or is Red or Amber. Blue means complete, and "
               "a complete action needs an evidence link (https://...).")
    if errors:
        st.error(f"Nothing was saved: {plural(len(errors), 'thing')} to fix, shown below.")
    with st.form(f"update_{ref}_{token}"):
        left, right = st.columns(2)
        current_rag = row["rag"] if row["rag"] in RAGS else None
        with left:
            rag = st.selectbox("RAG", RAGS, index=RAGS.index(current_rag) if current_rag else None,
                               placeholder="Choose a rating", format_func=lambda r: RAG_LABELS[Rag(r)], key=key["rag"])
            _field_error(errors, "rag")
        with right:
            status = st.selectbox("Delivery status", STATUSES, index=STATUSES.index(row["delivery_status"]),
                                  format_func=lambda s: DeliveryStatus(s).label, key=key["status"])
            _field_error(errors, "status")
        commentary = st.text_area("Progress commentary", max_chars=MAX_TEXT, key=key["commentary"])
        _field_error(errors, "commentary")
        blockers = st.text_area("Blockers", max_chars=MAX_TEXT, key=key["blockers"])
        _field_error(errors, "blockers")
        support = st.text_area("Support asked of the strategic group", max_chars=MAX_TEXT, key=key["support"])
        _field_error(errors, "support")
        evidence = st.text_input("Evidence link (https://...)", key=key["evidence"], max_chars=500)
        _field_error(errors, "evidence")
        confirmed = st.checkbox("I have checked: none of this is personal data", key=key["confirm"])
        _field_error(errors, "confirm")
        submitted = st.form_submit_button("Save update", type="primary")
    if not submitted:
        return
    try:
        with session_scope() as session:
            record_update(session, user=user, plan_id=frame.id, ref=ref, rag=rag or "", delivery_status=status,
                          commentary=commentary, blockers=blockers, support_asked=support, evidence_url=evidence,
                          expected_version=seen_version, personal_data_confirmed=confirmed, submission_key=token)
    except InvalidFields as err:
        st.session_state[f"form_errors_{token}"] = {SERVICE_FIELDS[f]: m for f, m in err.problems.items()}
        st.rerun()
    except PersonalDataWarning as err:
        st.session_state[f"form_errors_{token}"] = {"confirm": str(err)}
        st.rerun()
    except StaleVersion as err:
        st.session_state.pop(f"form_errors_{token}", None)
        st.error(str(err))
        with session_scope() as session:
            latest = action_detail(session, user=user, plan_id=frame.id, ref=ref)["updates"][0]
        st.markdown(f"**Their update** ({md(latest['author'])}, {latest['at']:%d %b %Y %H:%M}): "
                    f"{latest['rag_label']}, {latest['status_label']}.")
        st.text(latest["commentary"])
        st.info("Your text is still in the form. Read their update, change yours if needed, and press "
                "Save update again to apply it on top of theirs.")
    except PlanError as err:
        st.error(str(err))
    else:
        for name in [*key.values(), f"form_token_{ref}", f"form_errors_{token}"]:
            st.session_state.pop(name, None)
        flash_and_rerun(f"Update to {ref} saved: {RAG_LABELS[Rag(rag or 'not_assessed')]}, "
                        f"{DeliveryStatus(status).label}.")


def _field_error(errors: dict[str, str], field: str) -> None:
    if message := errors.get(field):
        st.error(message)


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
        column_config={"RAG": st.column_config.SelectboxColumn("RAG", options=RAGS,
                                                               format_func=lambda r: RAG_LABELS[Rag(r)]),
                       "Status": st.column_config.SelectboxColumn("Status", options=STATUSES,
                                                                  format_func=lambda v: DeliveryStatus(v).label),
                       "Evidence link": st.column_config.TextColumn("Evidence link (https://...)")})
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
        flash_and_rerun(f"Saved {plural(saved, 'update')}: {', '.join(changed)}.")


def due_date_request_form(frame: PlanFrame, user: Actor, rows: list[dict[str, Any]]) -> None:
    st.caption("The secretariat or a chair decides. The original (baseline) date is always kept.")
    titles = {r["ref"]: r["title"] for r in rows}
    dues = {r["ref"]: r["current_due_date"] for r in rows}
    with st.form("due_date_request", clear_on_submit=False):
        ref = st.selectbox("Action", list(titles), key="due_ref", format_func=lambda x: f"{x} – {titles[x]}")
        new_date = st.date_input("New due date", value=None, min_value=date.today(), format="DD/MM/YYYY",
                                 key="due_new_date")
        reason = st.text_area("Reason", key="due_reason", max_chars=2000)
        confirmed = st.checkbox("I have checked: none of this is personal data", key="due_confirm")
        if not st.form_submit_button("Ask for the new date"):
            return
    if new_date is None:
        st.error("Choose the new due date.")
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
        for name in ("due_new_date", "due_reason", "due_confirm"):
            st.session_state.pop(name, None)
        now = f" (now {dues[ref]:%d %b %Y})" if dues.get(ref) else ""
        flash_and_rerun(f"Asked to move {ref}{now} to {new_date:%d %b %Y}; the secretariat or a chair will decide.")
