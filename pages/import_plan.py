"""Import a plan (secretariat): upload a council's spreadsheet, correct what its columns mean,
see the dry run (what would be created or changed, each row's warnings and errors), then import."""

import hashlib

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.imports import FIELD_LABELS, ImportRejected, import_plan, read_columns
from plan.plans import list_plans
from ui.frame import current_user, flash_and_rerun, page_start
from ui.text import md

frame = page_start()
user = current_user()
st.title("Import a plan")
st.caption("Bring in the plan spreadsheet the partnership already keeps (.xlsx or .csv). Actions are matched by "
           "their ref: importing the same file again changes nothing. Nothing is written until you press Import, "
           "and then all rows are imported or none.")

upload = st.file_uploader("Plan spreadsheet (.xlsx or .csv)", type=["xlsx", "csv"], key="plan_import_file")
if upload is None:
    st.stop()
content, name = upload.getvalue(), upload.name
sheet = st.text_input("Sheet (leave blank for the first)", key="plan_import_sheet").strip() or None

with session_scope() as session:
    plans = list_plans(session)
NEW = "(a new plan)"
choices = [slug for slug, _ in plans] + [NEW]
names = dict(plans)
target = st.selectbox("Import into", choices, index=choices.index(frame.slug) if frame.slug in choices else 0,
                      format_func=lambda s: s if s == NEW else f"{names[s]} ({s})", key="plan_import_target")
slug = target
if target == NEW:
    slug = st.text_input("Short name for the new plan (lower-case letters, digits, hyphens)",
                         key="plan_import_slug").strip()
    if not slug:
        st.stop()

try:
    header_row, columns = read_columns(content, name, sheet=sheet)
except PlanError as err:
    st.error(md(err))
    st.stop()

st.subheader("What each column means")
st.caption(f"The headings are in row {header_row}. Correct any column the app read wrongly; a column that is "
           "no field is kept with each action.")
options = [None, *FIELD_LABELS]
mapping: dict[str, str | None] = {}
for column in columns:
    chosen = st.selectbox(f"{column.heading}" + (f" (period {column.period})" if column.period else ""), options,
                          index=options.index(column.field), key=f"plan_import_map_{column.index}",
                          format_func=lambda f: "Keep with the action (no field)" if f is None else FIELD_LABELS[f])
    mapping[column.heading] = chosen
year = None
if any(c.period and c.period.startswith("Q") for c in columns):
    year = st.number_input("Financial year the quarter columns are in (e.g. 2025 for 2025/26; 0: work it out from "
                           "the sheet's date)", min_value=0, max_value=2100, value=0, step=1,
                           key="plan_import_year") or None
skip_invalid = st.checkbox("Skip rows with errors (they are listed) and import the rest", key="plan_import_skip")

fingerprint = hashlib.sha256(content + repr((sheet, slug, sorted(mapping.items(), key=str), skip_invalid, year))
                             .encode()).hexdigest()


def run(dry_run: bool):  # noqa: ANN201
    with session_scope() as session:
        return import_plan(session, user=user, content=content, filename=name, sheet=sheet, plan_slug=slug,
                           mapping=mapping, dry_run=dry_run, skip_invalid=skip_invalid, year=year)


if st.button("Check the file (dry run)", key="plan_import_check"):
    try:
        st.session_state["plan_import_report"] = (fingerprint, run(True))
    except PlanError as err:
        st.error(md(err))

checked = st.session_state.get("plan_import_report")
if not checked or checked[0] != fingerprint:
    st.stop()
report = checked[1]
st.subheader("Dry run")
st.info(report.summary())
for note in report.notes:
    st.text(note)
st.dataframe(pd.DataFrame([{
    "Row": r.row, "Ref": r.ref, "Action": r.title, "Theme": r.theme,
    "What happens": {"create": "New", "update": "Changed", "unchanged": "Unchanged", "skipped": "Skipped"}.get(
        r.change, "Error"),
    "History added": r.history_added, "Errors": " ".join(r.errors), "Warnings": " ".join(r.warnings),
} for r in report.rows]), hide_index=True, width="stretch")
blocking = report.errors and not skip_invalid
if blocking:
    st.error(f"Rows with errors: {len(report.errors)}, so nothing can be imported: fix them in the file, or tick "
             "'Skip rows with errors'.")
elif report.skipped:
    st.warning("Rows to be skipped: " + ", ".join(f"{r.row} ({r.ref})" for r in report.skipped))
if st.button("Import", type="primary", disabled=bool(blocking), key="plan_import_go"):
    try:
        done = run(False)
    except ImportRejected as err:
        st.error(md(err))
    except PlanError as err:
        st.error(md(err))
    else:
        st.session_state.pop("plan_import_report", None)
        skipped = (" Skipped rows: " + ", ".join(f"{r.row} ({r.ref})" for r in done.skipped) + ".") \
            if done.skipped else ""
        flash_and_rerun(done.summary() + skipped)
