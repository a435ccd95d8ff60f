"""Plan settings (secretariat): the protective marking and the personal-data policy."""

import streamlit as st

from plan.db import session_scope
from plan.errors import PlanError
from plan.plans import PERSONAL_DATA_POLICIES, update_settings
from ui.chair_sections import suggestion_thresholds
from ui.frame import current_user, flash_and_rerun, page_start

frame = page_start()
user = current_user()
st.title("Plan settings")

with st.form("plan_settings"):
    marking = st.text_input("Protective marking (shown on every page and export)", value=frame.protective_marking,
                            key="setting_marking")
    policy = st.radio(
        "When free text looks like personal data (NHS numbers, phone numbers, dates of birth, emails of "
        "non-users, vehicle registrations)", PERSONAL_DATA_POLICIES,
        index=PERSONAL_DATA_POLICIES.index(frame.personal_data_policy),
        format_func={"warn": "Warn, and let the writer confirm", "refuse": "Refuse the text"}.get,
        key="setting_policy")
    if st.form_submit_button("Save settings"):
        try:
            with session_scope() as session:
                update_settings(session, user=user, plan_id=frame.id, protective_marking=marking,
                                personal_data_policy=policy)
        except PlanError as err:
            st.error(str(err))
        else:
            flash_and_rerun("Settings saved.")

suggestion_thresholds(frame, user)  # the suggested-RAG rules (chair's view)
