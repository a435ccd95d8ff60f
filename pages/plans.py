"""Plans (secretariat): the plans in this deployment; a new one from scratch or from a plan file
(checked first, every problem named by line and field); next year's plan; a plan as a plan file."""

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.maintenance import plans
from plan.maintenance.yaml_export import export_yaml
from plan.periods import CYCLES
from plan.plans import plan_frame
from plan.text import plural
from ui import downloads
from ui.frame import current_user, page_start
from ui.plan_settings_forms import beside, form_problem, key, save
from ui.text import md

frame = page_start()
user = current_user()
st.title("Plans")
with session_scope() as session:
    rows = plans.list_plan_rows(session, user=user)
st.caption(f"You are looking at '{frame.name}'. With more than one plan, choose which one in the menu's 'Plan' box; "
           "its short name is in the page's address (?plan=...).")
st.dataframe(pd.DataFrame([{"Short name": r["slug"], "Name": r["name"], "Organisation": r["organisation"],
                            "Marking": r["marking"], "Starts": r["start_date"], "Actions": r["actions"],
                            "Open": r["open"], "Refreshed from": r["refreshed_from"]} for r in rows]),
             hide_index=True, width="stretch", key="plans_list",
             column_config={"Starts": st.column_config.DateColumn(format="DD MMM YYYY")})
slugs = [r["slug"] for r in rows]

st.subheader("A new plan from scratch")
with st.form("plan_new"):
    form_problem("plan_new")
    slug = st.text_input("Short name (lower-case letters, digits and hyphens, e.g. essex-vv)",
                         key=key("plan_new", "slug"))
    beside("plan_new", "slug")
    name = st.text_input("Name", key=key("plan_new", "name"))
    beside("plan_new", "name")
    organisation = st.text_input("Organisation", key=key("plan_new", "organisation"))
    beside("plan_new", "organisation")
    marking = st.text_input("Protective marking", value="OFFICIAL-SENSITIVE", key=key("plan_new", "marking"))
    beside("plan_new", "protective_marking")
    cycle = st.selectbox("Reporting cycle", CYCLES, index=CYCLES.index("quarterly"), format_func=str.capitalize,
                         key=key("plan_new", "cycle"))
    beside("plan_new", "reporting_cycle")
    starts = st.date_input("Starts on", value=None, format="DD/MM/YYYY", key=key("plan_new", "start"))
    themes = st.text_area("Themes, one a line, in order", value="Prepare\nPrevent\nProtect\nPursue",
                          key=key("plan_new", "themes"), height=120)
    beside("plan_new", "themes")
    if st.form_submit_button("Create the plan"):
        save("plan_new", lambda s: plans.create_plan(
            s, user=user, slug=slug, name=name, organisation=organisation, protective_marking=marking,
            reporting_cycle=cycle, start_date=starts, themes=themes.splitlines()),
            f"Plan '{slug.strip()}' created. Choose it in the menu's 'Plan' box to fill it in.")

st.subheader("A new plan from a plan file")
st.caption("A YAML file in the format of seed_actions.yaml (or one downloaded below). It is checked first; "
           "nothing is loaded until the check passes.")
upload = st.file_uploader("Plan file (.yaml)", type=["yaml", "yml"], key="plans_upload")
as_slug = st.text_input("Load it as (short name; blank: the file's own)", key="plans_upload_slug")
if upload is not None:
    content = upload.getvalue()
    fingerprint = hashlib.sha256(content + as_slug.encode()).hexdigest()
    if st.button("Check the file", key="plans_check"):
        try:
            with session_scope() as session:
                _, summary = plans.check_plan_file(session, text=content.decode("utf-8"), source=upload.name,
                                                   slug=as_slug.strip() or None)
        except UnicodeDecodeError:
            st.session_state["plans_checked"] = (fingerprint, f"{upload.name} is not UTF-8 text; save it as UTF-8.")
        except PlanError as err:
            st.session_state["plans_checked"] = (fingerprint, str(err))
        else:
            st.session_state["plans_checked"] = (fingerprint, summary)
    checked = st.session_state.get("plans_checked")
    if checked and checked[0] == fingerprint:
        if isinstance(checked[1], str):
            st.error(md(checked[1]))
        else:
            found = checked[1]
            st.success(md(f"The file is good: plan '{found.slug}' ({found.name}), {plural(found.themes, 'theme')}, "
                          f"{plural(found.objectives, 'objective')}, {plural(found.actions, 'action')}, "
                          f"{plural(found.measures, 'measure')}."))
            if st.button(f"Load it as plan '{found.slug}'", key="plans_load"):
                st.session_state.pop("plans_checked", None)
                save("plans_load", lambda s: plans.load_plan_file(
                    s, user=user, text=content.decode("utf-8"), source=upload.name, slug=as_slug.strip() or None),
                    f"Plan '{found.slug}' loaded.")
    form_problem("plans_load")

st.subheader("Next year's plan")
st.caption("The same themes, boards, rating meanings, objectives and settings; the actions still open carried "
           "forward (linked to last year's); completed and closed ones stay behind. Last year's plan and its "
           "history are not changed.")
with st.form("plan_refresh"):
    form_problem("plan_refresh")
    source = st.selectbox("Last year's plan", slugs, index=slugs.index(frame.slug) if frame.slug in slugs else 0,
                          key=key("plan_refresh", "from"))
    new_slug = st.text_input("Next year's short name", key=key("plan_refresh", "slug"))
    beside("plan_refresh", "slug")
    new_name = st.text_input("Next year's name", key=key("plan_refresh", "name"))
    beside("plan_refresh", "name")
    start = st.date_input("Starts on", value=date.today(), format="DD/MM/YYYY", key=key("plan_refresh", "start"))
    beside("plan_refresh", "start_date")
    carry = st.checkbox("Carry the needs-assessment findings forward, with their links to the open actions", value=True,
                        key=key("plan_refresh", "carry_findings"),
                        help="Untick when next year's plan answers a new strategic needs assessment: its findings "
                             "are then recorded afresh.")
    if st.form_submit_button("Make next year's plan"):
        def _refresh(s):  # noqa: ANN001, ANN202
            return plans.refresh_plan(s, user=user, plan_id=plan_frame(s, source).id, new_slug=new_slug,
                                      new_name=new_name, start_date=start, carry_findings=carry)
        save("plan_refresh", _refresh, f"Plan '{new_slug.strip()}' made from '{source}'.")

st.subheader("This plan as a plan file")
st.caption("Every action in full, restricted ones too: handle the file at the plan's marking.")
if st.button("Prepare the plan file", key="plans_prepare_yaml"):
    try:
        with session_scope() as session:
            made = export_yaml(session, user=user, plan_id=frame.id)
    except PlanError as err:
        st.error(md(err))
    else:
        st.session_state["plans_yaml"] = (frame.slug, made.content, made.filename, made.mime)
prepared = st.session_state.get("plans_yaml")
if prepared and prepared[0] == frame.slug:
    downloads.offer(f"Download {prepared[2]}", prepared[1], file_name=prepared[2], mime=prepared[3],
                    key="plans_download_yaml")
