"""Import a plan (secretariat): upload a council's spreadsheet, see the table the app found and
the field each column went to, correct either (the header row, any column), see the dry run
(what would be created or changed, each row's warnings and errors), then import.

The corrections live in the session, keyed by the file, and are applied while the table is
looked for (plan.imports.reading.preview). A file whose title names another plan goes into a new
plan by default; with nothing to import there is no Import button; Import runs once per dry run."""

import hashlib
import logging

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.imports import FIELD_LABELS, ImportRejected, import_plan
from plan.imports.plan_import import suggest_target
from plan.imports.reading import preview
from plan.plans import list_plans
from ui.frame import current_user, flash_and_rerun, page_start
from ui.text import md

log = logging.getLogger(__name__)
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
file_key = hashlib.sha256(content).hexdigest()[:16]
sheet = st.text_input("Sheet (leave blank for the first)", key="plan_import_sheet").strip() or None
header_row = st.number_input("Row holding the column headings (0: let the app find it)", min_value=0,
                             max_value=100000, value=0, step=1, key="plan_import_header_row") or None
fixes: dict[str, str | None] = st.session_state.setdefault("plan_import_fixes", {}).setdefault(file_key, {})

try:
    found = preview(content, name, sheet=sheet, mapping=fixes, header_row=header_row)
except PlanError as err:
    st.error(md(err))
    st.stop()
except Exception:  # noqa: BLE001  a file no rule foresaw: said in words, never a traceback
    log.exception("plan import preview failed for %s", name)
    st.error("This file could not be read. Nothing was imported. Save it again as .xlsx (or .csv) and try again.")
    st.stop()

with session_scope() as session:
    plans = list_plans(session)
    suggested, new_slug = suggest_target(session, found.name, frame.slug)
NEW = "(a new plan)"
choices = [slug for slug, _ in plans] + [NEW]
names = dict(plans)
target = st.selectbox("Import into", choices, index=choices.index(suggested) if suggested in choices else len(plans),
                      format_func=lambda s: s if s == NEW else f"{names[s]} ({s})",
                      key=f"plan_import_target_{file_key}_{len(plans)}")
if found.name and suggested is None:
    st.caption(f"The file's title names '{found.name}', which is not a plan held here: it goes into a new plan "
               "unless you choose one.")
slug = target
if target == NEW:
    slug = st.text_input("Short name for the new plan (lower-case letters, digits, hyphens)", value=new_slug,
                         key=f"plan_import_slug_{file_key}_{len(plans)}").strip()
    if not slug:
        st.stop()

st.subheader("The table found")
st.caption(f"Sheet '{found.sheet}': the headings are in row {found.header_row}. Correct the row above if that is "
           "wrong, and any column the app read wrongly below; a column that is no field is kept with each action.")
options = [None, *FIELD_LABELS]


def _remember(heading: str, key: str) -> None:
    fixes[heading] = st.session_state[key]


for column in found.columns:
    key = f"plan_import_map_{column.index}"
    if key in st.session_state and st.session_state[key] != column.field and column.heading not in fixes:
        del st.session_state[key]  # another file or header row: start from what the app read
    how = f" (period {column.period})" if column.period else ""
    st.selectbox(f"Column {column.letter}: {md(column.heading)}{md(how)}", options, index=options.index(column.field),
                 key=key, on_change=_remember, args=(column.heading, key),
                 format_func=lambda f: "Keep with the action (no field)" if f is None else FIELD_LABELS[f],
                 help=f"Read as this because {column.how}." if column.how and column.how != "your choice" else None)
mapping = dict(fixes)
st.dataframe(pd.DataFrame([cells for _, cells in found.sample],
                          columns=[f"{c.letter}: {c.heading} → {c.described}" for c in found.columns],
                          index=[number for number, _ in found.sample]) if found.sample else pd.DataFrame(),
             width="stretch")
if not any(c.field == "title" for c in found.columns):
    st.error("No column is taken as the action: choose which column holds the actions (Action) above.")
    st.stop()

year = None
if any(c.period and c.period.startswith("Q") for c in found.columns):
    year = st.number_input("Financial year the quarter columns are in (e.g. 2025 for 2025/26; 0: work it out from "
                           "the sheet's date)", min_value=0, max_value=2100, value=0, step=1,
                           key="plan_import_year") or None
skip_invalid = st.checkbox("Skip rows with errors (they are listed) and import the rest", key="plan_import_skip")

fingerprint = hashlib.sha256(content + repr((sheet, slug, sorted(mapping.items(), key=str), skip_invalid, year,
                                             header_row)).encode()).hexdigest()


def run(dry_run: bool):  # noqa: ANN201
    with session_scope() as session:
        return import_plan(session, user=user, content=content, filename=name, sheet=sheet, plan_slug=slug,
                           mapping=mapping, dry_run=dry_run, skip_invalid=skip_invalid, year=year,
                           header_row=header_row)


def unforeseen() -> None:
    log.exception("plan import failed for %s", name)
    st.error("The import stopped on something the app did not expect. Nothing was imported. Please report it "
             "with the file.")


if st.button("Check the file (dry run)", key="plan_import_check"):
    try:
        st.session_state["plan_import_report"] = (fingerprint, run(True))
    except PlanError as err:
        st.error(md(err))
    except Exception:  # noqa: BLE001
        unforeseen()

checked = st.session_state.get("plan_import_report")
if not checked or checked[0] != fingerprint:
    st.stop()
report = checked[1]
st.subheader("Dry run")
st.info(report.summary())
st.caption(f"Sheet '{report.sheet}', headings in row {report.header_row}.")
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
    st.warning("Rows to be skipped: " + md(", ".join(f"{r.row} ({r.ref})" for r in report.skipped)))
if not blocking and report.nothing_to_import:
    st.success("Nothing to import: " + ("every row is skipped." if report.new_plan else
                                        "every action is as the plan already holds it."))
    st.stop()
if st.button("Import", type="primary", disabled=bool(blocking), key="plan_import_go"):
    if st.session_state.get("plan_import_done") == fingerprint:
        st.info("This file has been imported already: nothing more to do.")  # a second click, or a reload
        st.stop()
    try:
        done = run(False)
    except ImportRejected as err:
        st.error(md(err))
    except PlanError as err:
        st.error(md(err))
    except Exception:  # noqa: BLE001
        unforeseen()
    else:
        st.session_state["plan_import_done"] = fingerprint
        st.session_state.pop("plan_import_report", None)
        skipped = (" Skipped rows: " + ", ".join(f"{r.row} ({r.ref})" for r in done.skipped) + ".") \
            if done.skipped else ""
        flash_and_rerun(md(done.summary() + skipped))
