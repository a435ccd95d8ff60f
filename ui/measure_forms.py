"""The secretariat's measure forms: a definition (new or edited) and the spreadsheet import.

The rules are plan.measures'; this module keeps what was typed across reruns and shows every
problem beside its field at once. Each opened definition form has its own key (its widgets' keys
end in it); a saved form is replaced by a fresh one, and the version checked is the one the form
was opened on, so someone else's change in between is refused, not overwritten."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from plan.actions import MAX_SEARCH, find_for_pick, pick_titles
from plan.db import session_scope
from plan.errors import InvalidFields, PlanError, StaleVersion
from plan.identity import Actor
from plan.measures import RowsRejected, create_measure, import_measures, preview_measures, update_measure
from plan.measures import periods as P
from plan.measures.headings import HEADINGS, LABELS
from plan.measures.importer import MeasuresPreview
from plan.personal_data import asks_confirmation
from plan.plans import PlanFrame
from plan.text import plural
from ui.frame import flash_and_rerun
from ui.text import md

FIELDS = ("ref", "name", "definition", "unit", "kind", "cumulative_since", "baseline", "baseline_period", "target",
          "target_date", "target_text", "target_type", "target_per", "direction", "tolerance", "frequency",
          "source_agency", "contributor", "lag_days", "notes", "actions")
TARGET_TYPES = {"value": "A figure to reach (flat)", "trajectory": "A straight line from the baseline to the target",
                "none": "No numeric target (no evidence RAG)"}
TARGET_PER = {"period": "Each reporting period", "year": "A year (a count is scaled to its period)"}


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _initial(measure: dict[str, Any] | None) -> dict[str, Any]:
    """The form's starting values: the measure as it stands, or blanks for a new one."""
    if measure is None:
        return {"ref": "", "name": "", "definition": "", "unit": "count", "kind": "count", "cumulative_since": "",
                "baseline": "", "baseline_period": "", "target": "", "target_date": "", "target_text": "",
                "target_type": "none", "target_per": "period", "direction": None, "tolerance": "",
                "frequency": "quarterly", "source_agency": "", "contributor": "", "lag_days": "", "notes": "",
                "actions": []}
    return {"ref": measure["ref"], "name": measure["name"], "definition": measure["definition"],
            "unit": measure["unit"], "kind": measure["kind"], "cumulative_since": _day(measure["cumulative_since"]),
            "baseline": _number(measure["baseline"]), "baseline_period": measure["baseline_period"],
            "target": _number(measure["target"]), "target_date": _day(measure["target_date"]),
            "target_text": measure["target_text"], "target_type": measure["target_type"],
            "target_per": measure["target_per"], "direction": measure["direction"],
            "tolerance": _number(measure["tolerance"]), "frequency": measure["frequency"],
            "source_agency": measure["source_agency"], "contributor": measure["contributor_email"],
            "lag_days": "" if measure["lag_days"] is None else str(measure["lag_days"]), "notes": measure["notes"],
            "actions": list(measure["actions"])}


def _options(choices: list[str], current: str | None) -> list[str]:
    return choices + [current] if current and current not in choices else list(choices)


def _action_options(frame: PlanFrame, user: Actor, slot: str, linked: list[str], key: str) -> dict[str, str]:
    """ref -> title for the form's action list: the ~20 that the find box (above the form) matches
    and those already linked or picked, never every action of the plan."""
    found = st.text_input("Find actions to link", key=f"def_find_{slot}", max_chars=MAX_SEARCH,
                          placeholder="Type a ref or words from the title, then press Enter")
    picked = [r for r in st.session_state.get(key) or [] if r not in linked]
    try:
        with session_scope(read_only=True) as session:
            rows = find_for_pick(session, user=user, plan_id=frame.id, text=found)
            kept = pick_titles(session, user=user, plan_id=frame.id, refs=linked + picked)
    except PlanError as err:
        st.error(str(err))
        rows, kept = [], {}
    if found.strip() and not rows:
        st.caption(f"No action's ref or title holds every word of '{found.strip()}'.")
    return {**{r: kept.get(r, "") for r in linked + picked}, **dict(rows)}


def definition_form(frame: PlanFrame, user: Actor, measure: dict[str, Any] | None, choices: dict[str, Any]) -> None:
    """Edit `measure`'s whole definition (None: define a new one). `choices` is
    definition_choices(session). The actions it serves are found on the server (a find box above
    the form), not offered all at once."""
    slot = measure["ref"] if measure else "new"
    token = st.session_state.setdefault(f"def_token_{slot}", uuid.uuid4().hex)
    version = st.session_state.setdefault(f"def_version_{token}", measure["version"] if measure else None)
    errors: dict[str, str] = st.session_state.get(f"def_errors_{token}", {})
    key = {field: f"def_{field}_{slot}_{token}" for field in FIELDS}
    start = _initial(measure)
    actions = _action_options(frame, user, slot, list(start["actions"]), key["actions"])

    def error(field: str) -> None:
        if message := errors.get(field):
            st.error(md(message))

    if errors:
        st.error(f"Nothing was saved: {plural(len(errors), 'thing')} to fix, shown below.")
    with st.form(f"definition_{slot}_{token}"):
        left, right = st.columns(2)
        with left:
            ref = st.text_input("Ref (a short code, e.g. M3.5)", value=start["ref"], max_chars=30, key=key["ref"])
            error("ref")
        with right:
            name = st.text_input("Name: what is measured", value=start["name"], max_chars=300, key=key["name"])
            error("name")
        definition = st.text_area("Definition: what is counted and how", value=start["definition"],
                                  max_chars=4000, key=key["definition"])
        error("definition")
        left, middle, right = st.columns(3)
        with left:
            units = _options(choices["units"], start["unit"])
            unit = st.selectbox("Unit", units, index=units.index(start["unit"]), accept_new_options=True,
                                help="count, %, a rate per 1,000 / 10,000 / 100,000, or what is counted (people)",
                                key=key["unit"])
            error("unit")
        with middle:
            kinds = choices["kinds"]
            kind = st.selectbox("Kind", list(kinds), index=list(kinds).index(start["kind"]), format_func=kinds.get,
                                key=key["kind"])
            error("kind")
        with right:
            since = st.text_input("Counted since (cumulative only, e.g. 01/04/2024)", value=start["cumulative_since"],
                                  key=key["cumulative_since"])
            error("cumulative_since")
        left, right = st.columns(2)
        with left:
            baseline = st.text_input("Baseline value", value=start["baseline"], key=key["baseline"])
            error("baseline")
        with right:
            baseline_period = st.text_input("Baseline period (e.g. 2023/24, Q1 24/25)",
                                            value=start["baseline_period"], key=key["baseline_period"])
            error("baseline_period")
        target_text = st.text_input("Target as written (e.g. 10% reduction, 800 by 31/03/2026, Monitor)",
                                    value=start["target_text"], max_chars=300, key=key["target_text"])
        error("target_text")
        left, middle, right = st.columns(3)
        with left:
            target = st.text_input("Target value (a number)", value=start["target"], key=key["target"])
            error("target")
        with middle:
            target_date = st.text_input("Target date (e.g. 31/03/2026)", value=start["target_date"],
                                        key=key["target_date"])
            error("target_date")
        with right:
            target_per = st.selectbox("The target is for", list(TARGET_PER), format_func=TARGET_PER.get,
                                      index=list(TARGET_PER).index(start["target_per"]), key=key["target_per"])
            error("target_per")
        target_type = st.selectbox("Target type", list(TARGET_TYPES), format_func=TARGET_TYPES.get,
                                   index=list(TARGET_TYPES).index(start["target_type"]), key=key["target_type"])
        error("target_type")
        left, middle, right = st.columns(3)
        with left:
            directions = choices["directions"]
            direction = st.selectbox("Direction of good", list(directions), format_func=directions.get,
                                     index=list(directions).index(start["direction"]) if start["direction"] else None,
                                     placeholder="Choose one", key=key["direction"])
            error("direction")
        with middle:
            tolerance = st.text_input("Tolerance (% of the target; Amber within it)", value=start["tolerance"],
                                      key=key["tolerance"])
            error("tolerance")
        with right:
            frequencies = choices["frequencies"]
            frequency = st.selectbox("Frequency", frequencies, index=frequencies.index(start["frequency"]),
                                     format_func=str.capitalize, key=key["frequency"])
            error("frequency")
        left, middle, right = st.columns(3)
        with left:
            agencies = ["", *_options(choices.get("agencies", []), start["source_agency"])]
            source = st.selectbox("Source agency", agencies, index=agencies.index(start["source_agency"]),
                                  format_func=lambda a: a or "None named", key=key["source_agency"])
            error("source_agency")
        with middle:
            contributor = st.text_input("Data contributor's email (optional)", value=start["contributor"],
                                        key=key["contributor"])
            error("contributor")
        with right:
            lag = st.text_input("Data lag (days after the period ends)", value=start["lag_days"], key=key["lag_days"])
            error("lag_days")
        notes = st.text_area("Notes", value=start["notes"], max_chars=4000, key=key["notes"])
        error("notes")
        linked = st.multiselect("Actions this measure serves (none: the plan as a whole)",
                                list(actions),
                                default=start["actions"], format_func=lambda r: f"{r} – {actions.get(r, '')}",
                                key=key["actions"])
        error("actions")
        confirm_key = f"def_personal_data_{slot}_{token}"
        confirmed = False
        if asks_confirmation(errors) or st.session_state.get(confirm_key):
            confirmed = st.checkbox(
                "No personal data", key=confirm_key,
                help="Tick after a personal-data warning, once you have checked the name, definition, target and "
                     "notes name no person: plans hold what partners do, not details of people.")
        submitted = st.form_submit_button("Save measure" if measure else "Add measure", type="primary")
    if not submitted:
        return
    fields = {"ref": ref, "name": name, "definition": definition, "unit": unit, "kind": kind,
              "cumulative_since": since, "baseline": baseline, "baseline_period": baseline_period,
              "target": target, "target_date": target_date, "target_text": target_text, "target_type": target_type,
              "target_per": target_per, "direction": direction, "tolerance": tolerance, "frequency": frequency,
              "source_agency": source, "contributor": contributor, "lag_days": lag, "notes": notes,
              "actions": linked, "personal_data_confirmed": confirmed}
    try:
        with session_scope() as session:
            if measure is None:
                saved = create_measure(session, user=user, plan_id=frame.id, fields=fields)
            else:
                saved = update_measure(session, user=user, plan_id=frame.id, ref=measure["ref"], changes=fields,
                                       expected_version=version)
    except InvalidFields as err:
        st.session_state[f"def_errors_{token}"] = {f if f in FIELDS else "ref": m for f, m in err.problems.items()}
        st.rerun()
    except StaleVersion as err:
        _forget(slot, token, key)
        st.error(md(str(err)) + " The form now shows the measure as it stands.")
    except PlanError as err:
        st.error(md(str(err)))
    else:
        _forget(slot, token, key)
        st.session_state.pop("measure_ref", None)  # show the measure just saved (its ref may have changed)
        st.session_state.pop("_kept_measure_ref", None)
        st.query_params["measure"] = saved["ref"]
        flash_and_rerun(md(f"Measure {saved['ref']} {'saved' if measure else 'added'}: {saved['name']}."))


def _forget(slot: str, token: str, key: dict[str, str]) -> None:
    for name in [*key.values(), f"def_token_{slot}", f"def_errors_{token}", f"def_version_{token}",
                 f"def_personal_data_{slot}_{token}"]:
        st.session_state.pop(name, None)


def _rejected(err: RowsRejected) -> None:
    count = len(err.problems)
    st.error(f"Nothing was imported: the spreadsheet has {plural(count, 'row')} to fix. "
             "Fix them and check the file again.")
    st.dataframe(pd.DataFrame([{"Row": row, "What to fix": reason} for row, reason in err.problems]),
                 hide_index=True, width="stretch")


CHANGE = {"new": "New measure", "changed": "Definition or figures change", "unchanged": "Unchanged"}


def _columns_found(found: MeasuresPreview, fixes: dict[str, str | None]) -> None:
    """The table found, one choice per column: what the app read it as, for the user to correct."""
    st.caption(f"Sheet '{found.sheet}': the headings are in row {found.header_row}. Correct the row above if that "
               "is wrong, and any column the app read wrongly below.")

    def remember(heading: str, key: str) -> None:
        fixes[heading] = st.session_state[key]

    for column in found.columns:
        options: list[str | None] = [None, *HEADINGS] + (["figure"] if column.period else [])
        key = f"import_map_{column.index}"
        if key in st.session_state and st.session_state[key] != column.field and column.heading not in fixes:
            del st.session_state[key]  # another file or header row: start from what the app read
        shown = column.field if column.field in options else None
        period = P.from_label(column.period).display if column.period else ""
        st.selectbox(f"Column {column.letter}: {md(column.heading)}", options, index=options.index(shown), key=key,
                     on_change=remember, args=(column.heading, key),
                     format_func=lambda f, period=period: ("Not used (ignored)" if f is None else
                                                           f"Figures for {period}" if f == "figure" else LABELS[f]),
                     help=f"Read as this because {column.how}." if column.how and column.how != "your choice"
                     else None)
    st.dataframe(pd.DataFrame([cells for _, cells in found.sample],
                              columns=[f"{c.letter}: {c.heading}" for c in found.columns],
                              index=[number for number, _ in found.sample]) if found.sample else pd.DataFrame(),
                 width="stretch")


def import_form(frame: PlanFrame, user: Actor) -> None:
    """Upload a performance report, see the table found and correct any column, check what the
    import would do (a dry run), then import."""
    st.caption("The performance report as the partnership keeps it: a header row naming the measure (Indicator, "
               "Measure, Code, Baseline, Target, Status...) and one column per period (Q1 24/25, Apr-Jun 2024, "
               "Q2 performance (30 September 2025), or Q1 with the year in the title), one row per measure. Check "
               "it first: nothing is saved until you press Import, and if any row is wrong nothing is saved and "
               "each bad row is named.")
    upload = st.file_uploader("Measures spreadsheet (.xlsx or .csv)", type=["xlsx", "csv"], key="import_file")
    sheet = st.text_input("Sheet (leave blank for the first sheet)", key="import_sheet", max_chars=100).strip()
    if upload is None:
        return
    confirmed = st.checkbox("No personal data", key="import_personal_data",
                            help="Tick after a personal-data warning, once you have checked the measures' names, "
                                 "definitions, targets and notes name no person.")
    content = upload.getvalue()
    header_row = st.number_input("Row holding the column headings (0: let the app find it)", min_value=0,
                                 max_value=100000, value=0, step=1, key="import_header_row") or None
    file_key = hashlib.sha256(content).hexdigest()[:16]
    fixes: dict[str, str | None] = st.session_state.setdefault("import_fixes", {}).setdefault(file_key, {})
    try:
        found = preview_measures(content, upload.name, sheet=sheet or None, mapping=fixes,
                                 header_row=int(header_row) if header_row else None)
    except PlanError as err:
        st.error(md(str(err)) + md(" Give the row holding the headings above."))
        return
    _columns_found(found, fixes)
    mapping = dict(fixes)
    digest = hashlib.sha256(content + upload.name.encode() + sheet.encode()
                            + repr((sorted(mapping.items(), key=str), header_row, confirmed)).encode()).hexdigest()
    if st.button("Check the file", key="import_check"):
        st.session_state.pop("import_checked", None)
        try:
            with session_scope() as session:
                report = import_measures(session, user=user, plan_id=frame.id, content=content,
                                         filename=upload.name, sheet=sheet or None, dry_run=True,
                                         mapping=mapping or None, header_row=int(header_row) if header_row else None,
                                         personal_data_confirmed=confirmed)
        except RowsRejected as err:
            _rejected(err)
        except PlanError as err:
            st.error(md(str(err)))
        else:
            st.session_state["import_checked"] = {"digest": digest, "report": report, "mapping": mapping,
                                                  "header_row": int(header_row) if header_row else None}
    checked = st.session_state.get("import_checked")
    if not checked or checked["digest"] != digest:
        return
    report = checked["report"]
    st.success(f"Checked, nothing saved yet: {report['new']} new, {report['changed']} changed, "
               f"{report['unchanged']} unchanged; {plural(report['values_added'], 'figure')} to add "
               f"({report['revisions']} of them revisions). Header found on row {report['header_row']}.")
    st.dataframe(pd.DataFrame([{
        "Row": r["row"], "Ref": r["ref"], "Measure": r["name"], "What happens": CHANGE[r["change"]],
        "Fields changed": ", ".join(r["changed_fields"]), "Figures to add": r["values_added"],
        "Actions": ", ".join(r["actions"]),
    } for r in report["measures"]]), hide_index=True, width="stretch")
    if report["warnings"]:
        st.warning(f"{plural(len(report['warnings']), 'warning')}: read them "
                   "before importing.")
        st.dataframe(pd.DataFrame({"Warning": report["warnings"]}), hide_index=True, width="stretch")
    if not st.button("Import", type="primary", key="import_save"):
        return
    try:
        with session_scope() as session:
            done = import_measures(session, user=user, plan_id=frame.id, content=content, filename=upload.name,
                                   sheet=sheet or None, mapping=checked["mapping"] or None,
                                   header_row=checked["header_row"], personal_data_confirmed=confirmed)
    except RowsRejected as err:
        _rejected(err)
    except PlanError as err:
        st.error(md(str(err)))
    else:
        st.session_state.pop("import_checked", None)
        flash_and_rerun(md(f"Imported {upload.name}: {done['new']} new, {done['changed']} changed, "
                           f"{done['unchanged']} unchanged; {plural(done['values_added'], 'figure')} added."))
