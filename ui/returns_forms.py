"""The data returns page's parts: the figure form, the file upload and the returns tracker.

The rules are plan.measures'; this module keeps what the user typed across reruns and shows every
problem beside its field. A figure form is saved once however often it is sent: each opened form
has its own key (its widgets' keys end in it), a saved form is replaced by an empty one, and the
same figure sent again changes nothing (plan.measures.submit_value)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import InvalidFields, PlanError
from plan.identity import Actor
from plan.measures import RowsRejected, describe_figure, returns_tracker, submit_value, upload_returns
from plan.personal_data import PersonalDataWarning
from plan.plans import PlanFrame
from plan.text import plural
from ui.frame import flash_and_rerun
from ui.text import md

STATUS = {"received": "Received", "not_available": "Not yet available", "due": "Due", "late": "Late"}
FIELDS = ("period", "value", "provisional", "note", "confirm")
# the service's names for the fields (plan.measures.submit_value) -> this form's
SERVICE_FIELDS = {"period": "period", "value": "value", "note": "note", "personal_data_confirmed": "confirm"}
FIGURE_HELP = ("Write the figure (1,145 or 55%); <5, * or c for a suppressed small number; or "
               "not yet available.")


def status_words(period: dict[str, Any]) -> str:
    """A period's status as the contributor reads it: Received, Due, Late, Not yet available (late)."""
    words = STATUS[period["status"]]
    return f"{words} (late)" if period["status"] == "not_available" and period["late"] else words


def periods_table(measure: dict[str, Any]) -> None:
    """The periods a measure owes, newest first: due date, status and the figure in words."""
    st.dataframe(pd.DataFrame([{
        "Period": p["label"], "Due by": p["due_on"], "Status": status_words(p), "Figure": p["shown"] or "None yet",
    } for p in measure["periods"]]), hide_index=True, width="stretch",
        column_config={"Due by": st.column_config.DateColumn("Due by", format="DD MMM YYYY")})


def returns_form(frame: PlanFrame, user: Actor, measure: dict[str, Any]) -> None:
    """The form for one figure of `measure` (an owed_returns entry)."""
    ref = measure["ref"]
    periods = measure["periods"]
    if not periods:
        st.info(f"No period of {ref} has ended yet, so no figure is owed.")
        return
    token = st.session_state.setdefault(f"return_token_{ref}", uuid.uuid4().hex)
    errors: dict[str, str] = st.session_state.get(f"return_errors_{token}", {})
    key = {field: f"return_{field}_{token}" for field in FIELDS}
    labels = {p["period"]: p for p in periods}
    waiting = [p["period"] for p in periods if p["status"] != "received"]
    first = periods.index(labels[waiting[-1]]) if waiting else 0  # the oldest still owed
    if errors:
        st.error(f"Nothing was saved: {plural(len(errors), 'thing')} to fix, shown below.")
    with st.form(f"return_{ref}_{token}"):
        st.markdown(f"**Send a figure for {md(ref)}**")
        period = st.selectbox("Period", list(labels), index=first, key=key["period"],
                              format_func=lambda p: f"{labels[p]['label']} – {status_words(labels[p]).lower()}")
        _field_error(errors, "period")
        value = st.text_input("Figure", key=key["value"], max_chars=100, help=FIGURE_HELP)
        st.caption(FIGURE_HELP)
        _field_error(errors, "value")
        provisional = st.checkbox("Provisional: this figure may be revised", key=key["provisional"])
        note = st.text_area("Note (optional)", key=key["note"], max_chars=2000)
        _field_error(errors, "note")
        confirmed = st.checkbox("I have checked: the note holds no personal data", key=key["confirm"])
        _field_error(errors, "confirm")
        submitted = st.form_submit_button("Save figure", type="primary")
    if not submitted:
        return
    try:
        with session_scope() as session:
            saved = submit_value(session, user=user, plan_id=frame.id, measure_ref=ref, period=period, value=value,
                                 note=note, provisional=provisional, personal_data_confirmed=confirmed)
    except InvalidFields as err:
        st.session_state[f"return_errors_{token}"] = {SERVICE_FIELDS.get(f, "value"): m
                                                      for f, m in err.problems.items()}
        st.rerun()
    except PersonalDataWarning as err:
        st.session_state[f"return_errors_{token}"] = {"confirm": str(err)}
        st.rerun()
    except PlanError as err:
        st.error(md(str(err)))
    else:
        for name in [*key.values(), f"return_token_{ref}", f"return_errors_{token}"]:
            st.session_state.pop(name, None)
        done = "saved" if saved["changed"] else "already held, so nothing changed"
        flash_and_rerun(md(f"{ref} {saved['label']}: {saved['shown']} ({done})."))


def _field_error(errors: dict[str, str], field: str) -> None:
    if message := errors.get(field):
        st.error(md(message))


def _rejected(err: RowsRejected) -> None:
    count = len(err.problems)
    st.error(f"Nothing was saved: the file has {plural(count, 'row')} to fix. "
             "Fix them and check the file again.")
    st.dataframe(pd.DataFrame([{"Row": row, "What to fix": reason} for row, reason in err.problems]),
                 hide_index=True, width="stretch")


def _what_happens(row: dict[str, Any], unit_of: dict[str, str]) -> str:
    if not row["changed"]:
        return "Already held: nothing changes"
    before = row["previous"]
    if before is None:
        return "New figure"
    was = describe_figure(before["state"], before["value"], before["raw"], before["provisional"],
                          unit_of.get(row["ref"], "count"))
    return f"Revision (was {was})"


def returns_upload(frame: PlanFrame, user: Actor, units: dict[str, str]) -> None:
    """Upload a CSV/XLSX of figures: checked first (a dry run shows what would be written), then
    saved all or nothing. `units`: measure ref -> unit, to word a revised figure."""
    st.caption("A CSV or Excel (.xlsx) file with a header row naming the columns measure, period and value "
               "(and, if you like, provisional and note), then one row per figure. Periods may be written as "
               "your agency writes them (Q2 2026/27, Jul-26, 2026-Q3). Everything is checked first: if any row "
               "is wrong, nothing is saved and each bad row is listed with what to fix.")
    upload = st.file_uploader("File of figures (CSV or .xlsx)", type=["csv", "xlsx"], key="returns_file")
    confirmed = st.checkbox("I have checked: the notes in the file hold no personal data", key="returns_file_confirm")
    if upload is None:
        return
    content = upload.getvalue()
    digest = hashlib.sha256(content + upload.name.encode() + bytes([confirmed])).hexdigest()
    if st.button("Check the file", key="returns_file_check"):
        st.session_state.pop("returns_file_checked", None)
        try:
            with session_scope() as session:
                result = upload_returns(session, user=user, plan_id=frame.id, content=content, filename=upload.name,
                                        dry_run=True, personal_data_confirmed=confirmed)
        except RowsRejected as err:
            _rejected(err)
        except PlanError as err:
            st.error(md(str(err)))
        else:
            st.session_state["returns_file_checked"] = {"digest": digest, "result": result}
    checked = st.session_state.get("returns_file_checked")
    if not checked or checked["digest"] != digest:
        return
    result = checked["result"]
    st.success(f"The file is ready: {plural(result['added'], 'figure')} to save, "
               f"{result['unchanged']} already held. Nothing has been saved yet.")
    st.dataframe(pd.DataFrame([{
        "Measure": r["ref"], "Period": r["label"], "Figure": r["shown"], "What happens": _what_happens(r, units),
    } for r in result["rows"]]), hide_index=True, width="stretch")
    if not result["added"] or not st.button("Save these figures", type="primary", key="returns_file_save"):
        return
    try:
        with session_scope() as session:
            saved = upload_returns(session, user=user, plan_id=frame.id, content=content, filename=upload.name,
                                   personal_data_confirmed=confirmed)
    except RowsRejected as err:
        _rejected(err)
    except PlanError as err:
        st.error(md(str(err)))
    else:
        st.session_state.pop("returns_file_checked", None)
        flash_and_rerun(md(f"Saved {plural(saved['added'], 'figure')} from {upload.name}."))


def _period_words(period: dict[str, Any]) -> str:
    shown = period["shown"] if period["status"] in ("received", "not_available") else ""
    status = status_words(period).lower()
    if period["status"] == "received":
        return f"{period['label']}: {shown}"
    if period["status"] == "not_available":
        return f"{period['label']}: {shown}" + ("; late" if period["late"] else "")
    return f"{period['label']}: {status}"


def tracker_view(frame: PlanFrame, user: Actor) -> None:
    """Which agencies have sent figures for which period, what is late, and each measure's figures."""
    with session_scope() as session:
        tracker = returns_tracker(session, user=user, plan_id=frame.id)
    if not tracker["periods"] or not tracker["agencies"]:
        st.info("No figures are owed yet: no reporting period with a measure has ended.")
        return
    st.caption("For each agency and reporting period: how many figures were expected (the measures' periods "
               "that have ended), how many are in, and how many are late: past their due date (the data lag "
               "after the period ends) with no figure. 'Not yet available' is an answer, but the figure is "
               "still owed.")
    labels = dict(zip(tracker["periods"], tracker["labels"], strict=True))
    st.dataframe(pd.DataFrame([{"Agency": a["agency"], **{labels[p]: a["cells"][p]["status"] for p in labels}}
                               for a in tracker["agencies"]]), hide_index=True, width="stretch")
    st.subheader("Late figures")
    if not tracker["late"]:
        st.caption("Nothing is late.")
    else:
        st.dataframe(pd.DataFrame([{
            "Ref": r["ref"], "Measure": r["name"], "Agency": r["agency"], "Period": r["label"], "Due by": r["due_on"],
            "Days late": r["days_late"], "Sent": "Not yet available" if r["not_available"] else "Nothing",
        } for r in tracker["late"]]), hide_index=True, width="stretch",
            column_config={"Due by": st.column_config.DateColumn("Due by", format="DD MMM YYYY")})
    st.subheader("Figures by measure")
    st.dataframe(pd.DataFrame([{
        "Ref": m["ref"], "Measure": m["name"], "Agency": m["agency"],
        **{labels[p]: "; ".join(_period_words(x) for x in m["cells"][p]) or "nothing owed" for p in labels},
    } for m in tracker["measures"]]), hide_index=True, width="stretch")
