"""Plan settings (secretariat): the plan's own settings, its themes, boards and what each rating
means, the public community page and the suggested-RAG rules. Every change is recorded."""

import pandas as pd
import streamlit as st

from plan.db import session_scope
from plan.maintenance import settings
from plan.periods import CYCLES
from plan.plans import PERSONAL_DATA_POLICIES
from plan.vocab import RAG_LABELS, Rag
from ui import provenance
from ui.chair_sections import suggestion_thresholds
from ui.community_switch import community_switch
from ui.frame import current_user, page_start
from ui.plan_settings_forms import beside, form_problem, key, save

frame = page_start()
user = current_user()
st.title("Plan settings")
with session_scope() as session:
    current = settings.plan_settings(session, plan_id=frame.id)
theme_names = [t["name"] for t in current.themes]
board_codes = [b["code"] for b in current.boards]

st.subheader("The plan")
provenance.render_plan(frame.id)  # which of these the plan chose rather than its source document
with st.form("plan_settings"):
    form_problem("plan")
    name = st.text_input("Name", value=current.name, key="setting_name")
    beside("plan", "name")
    organisation = st.text_input("Organisation", value=current.organisation, key="setting_organisation")
    beside("plan", "organisation")
    marking = st.text_input("Protective marking (shown on every page and export)", value=current.protective_marking,
                            key="setting_marking")
    beside("plan", "protective_marking")
    cycle = st.selectbox("Reporting cycle (how often owners report)", CYCLES,
                         index=CYCLES.index(current.reporting_cycle), format_func=str.capitalize,
                         key="setting_cycle")
    beside("plan", "reporting_cycle")
    # no min/max on the widgets: out of range Streamlit says why only in a tooltip; the service says it in words
    days = st.number_input("Days from opening an update round to its deadline (1 to 90)", step=1,
                           value=current.update_deadline_days, key="setting_deadline_days")
    beside("plan", "update_deadline_days")
    policy = st.radio(
        "When free text looks like personal data (NHS numbers, phone numbers, dates of birth, emails of "
        "non-users, vehicle registrations)", PERSONAL_DATA_POLICIES,
        index=PERSONAL_DATA_POLICIES.index(current.personal_data_policy),
        format_func={"warn": "Warn, and let the writer confirm", "refuse": "Refuse the text"}.get,
        key="setting_policy")
    beside("plan", "personal_data_policy")
    if st.form_submit_button("Save settings"):
        save("plan", lambda s: settings.update_settings(
            s, user=user, plan_id=frame.id, name=name, organisation=organisation, protective_marking=marking,
            reporting_cycle=cycle, update_deadline_days=int(days), personal_data_policy=policy), "Settings saved.")

st.subheader("Themes")
st.dataframe(pd.DataFrame([{"Place": i + 1, "Theme": t["name"], "Actions": t["actions"], "Objectives": t["objectives"],
                            "Description": t["description"]} for i, t in enumerate(current.themes)]),
             hide_index=True, width="stretch", key="settings_themes")
left, right = st.columns(2)
with left, st.form("theme_edit"):
    st.markdown("**Rename or move a theme**")
    form_problem("theme_edit")
    chosen = st.selectbox("Theme", theme_names, key=key("theme_edit", "theme"))
    new_name = st.text_input("New name (blank: keep it)", key=key("theme_edit", "new_name"))
    beside("theme_edit", "new_name")
    place = st.number_input(f"Move it to place (1 to {len(theme_names)}; blank: keep its place)", step=1, value=None,
                            key=key("theme_edit", "place"))
    beside("theme_edit", "to_position")
    if st.form_submit_button("Save the theme"):
        def _edit(s):  # noqa: ANN001, ANN202
            renamed = settings.edit_theme(s, user=user, plan_id=frame.id, name=chosen,
                                          new_name=new_name or chosen)
            if place is not None:
                settings.move_theme(s, user=user, plan_id=frame.id, name=renamed, to_position=int(place))
        save("theme_edit", _edit, "Theme saved.")
with right, st.form("theme_add"):
    st.markdown("**Add a theme**")
    form_problem("theme_add")
    added = st.text_input("Name", key=key("theme_add", "name"))
    beside("theme_add", "name")
    about = st.text_area("Description (optional)", key=key("theme_add", "description"), height=80)
    if st.form_submit_button("Add the theme"):
        save("theme_add", lambda s: settings.add_theme(s, user=user, plan_id=frame.id, name=added, description=about),
             "Theme added.")
with st.form("theme_remove"):
    st.markdown("**Remove a theme** (only one with no actions or objectives under it)")
    form_problem("theme_remove")
    gone = st.selectbox("Theme to remove", theme_names, key=key("theme_remove", "theme"))
    if st.form_submit_button("Remove the theme"):
        save("theme_remove", lambda s: settings.remove_theme(s, user=user, plan_id=frame.id, name=gone),
             "Theme removed.")

st.subheader("Boards")
st.dataframe(pd.DataFrame([{"Code": b["code"], "Board": b["name"], "Actions reporting to it": b["actions"]}
                           for b in current.boards]), hide_index=True, width="stretch", key="settings_boards")
left, right = st.columns(2)
with left, st.form("board_edit"):
    st.markdown("**Rename a board or change its code**")
    form_problem("board_edit")
    code = st.selectbox("Board", board_codes, key=key("board_edit", "board"))
    new_code = st.text_input("New code (blank: keep it)", key=key("board_edit", "code"))
    beside("board_edit", "code")
    new_board_name = st.text_input("New name (blank: keep it)", key=key("board_edit", "name"))
    beside("board_edit", "name")
    if st.form_submit_button("Save the board"):
        names = {b["code"]: b["name"] for b in current.boards}
        save("board_edit", lambda s: settings.edit_board(s, user=user, plan_id=frame.id, code=code,
                                                         new_code=new_code or code,
                                                         new_name=new_board_name or names.get(code, "")),
             "Board saved.")
with right, st.form("board_add"):
    st.markdown("**Add a board**")
    form_problem("board_add")
    add_code = st.text_input("Code (e.g. HWBB)", key=key("board_add", "code"))
    beside("board_add", "code")
    add_name = st.text_input("Name", key=key("board_add", "name"))
    beside("board_add", "name")
    if st.form_submit_button("Add the board"):
        save("board_add", lambda s: settings.add_board(s, user=user, plan_id=frame.id, code=add_code, name=add_name),
             "Board added.")

st.subheader("What each rating means")
st.dataframe(pd.DataFrame([{"Rating": RAG_LABELS[Rag(d["rag"])], "Label in this plan": d["label"],
                            "Meaning": d["meaning"]} for d in current.rag_definitions]),
             hide_index=True, width="stretch", key="settings_rags")
rag = st.selectbox("Rating to change", [d["rag"] for d in current.rag_definitions],
                   format_func=lambda r: RAG_LABELS[Rag(r)], key="settings_rag")
shown = next(d for d in current.rag_definitions if d["rag"] == rag)
with st.form("rag_definition"):
    form_problem("rag")
    label = st.text_input("Label", value=shown["label"], key=key("rag", f"label_{rag}"))
    beside("rag", "label")
    meaning = st.text_area("Meaning", value=shown["meaning"], key=key("rag", f"meaning_{rag}"), height=80)
    beside("rag", "meaning")
    if st.form_submit_button("Save the rating's meaning"):
        save("rag", lambda s: settings.set_rag_definition(s, user=user, plan_id=frame.id, rag=rag, label=label,
                                                          meaning=meaning), "Rating's meaning saved.")

community_switch(frame, user)  # the public community page: off unless switched on
suggestion_thresholds(frame, user)  # the suggested-RAG rules (chair's view)
