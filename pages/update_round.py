"""Update round (secretariat; chairs read): open a round, see who owes, chase, send back, close."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from plan import mail, rounds
from plan.db import session_scope
from plan.errors import PlanError
from plan.periods import period_for
from plan.permissions import allowed
from ui.frame import current_user, flash_and_rerun, page_start
from ui.session import secret, secret_section

frame = page_start()
user = current_user()
manage = allowed(user, "round.manage")
st.title("Update round")

with session_scope() as session:
    current = rounds.current_round(session, plan_id=frame.id)
    last = rounds.latest_round(session, plan_id=frame.id)

if current is None:
    if last is not None:
        st.markdown(f"The last round ({last.period}) closed on {last.closed_at:%d %b %Y}; what it froze is what "
                    "its meeting sees.")
    if not manage:
        st.info("No round is open.")
        st.stop()
    with st.form("open_round"):
        period = st.text_input("Reporting period", value=period_for(date.today(), frame.reporting_cycle),
                               key="round_period")
        deadline = st.date_input("Deadline for updates", value=date.today() + timedelta(days=14),
                                 format="DD/MM/YYYY", key="round_deadline")
        if st.form_submit_button("Open the round", type="primary"):
            try:
                with session_scope() as session:
                    opened = rounds.open_round(session, user=user, plan_id=frame.id, period=period,
                                               deadline=deadline)
            except PlanError as err:
                st.error(str(err))
            else:
                flash_and_rerun(f"The round for {opened.period} is open until {opened.deadline:%d %b %Y}.")
    st.stop()

st.markdown(f"The round for **{current.period}** is open; updates are due by **{current.deadline:%A %d %B %Y}**.")
with session_scope() as session:
    by_agency = rounds.completeness(session, user=user, plan_id=frame.id, round_id=current.id, by="agency")
    by_owner = rounds.completeness(session, user=user, plan_id=frame.id, round_id=current.id, by="owner")
    owed = rounds.owing(session, user=user, plan_id=frame.id, round_id=current.id)
total = sum(r["owed"] for r in by_agency)
done = sum(r["submitted"] for r in by_agency)
st.metric("Updates in", f"{done} of {total}", help="Open actions (not complete, closed or deferred) owe an update.")
st.progress(done / total if total else 1.0)

agency_tab, owner_tab, owing_tab = st.tabs(["By agency", "By owner", f"Still owed ({len(owed)})"])
columns = {"group": None, "owed": "Owed", "submitted": "In", "outstanding": "Outstanding", "percent": "% in"}
with agency_tab:
    st.dataframe(pd.DataFrame(by_agency).rename(columns={**columns, "group": "Lead agency"}), hide_index=True)
with owner_tab:
    st.dataframe(pd.DataFrame(by_owner).rename(columns={**columns, "group": "Owner"}), hide_index=True)
with owing_tab:
    st.dataframe(pd.DataFrame([{"Ref": r["ref"], "Title": r["title"], "Owner": r["owner"],
                                "Email": r["email"] or "No named person", "Lead agency": r["agency"],
                                "Sent back": "Yes" if r["returned"] else ""} for r in owed]),
                 hide_index=True, width="stretch")
if not manage:
    st.stop()

st.subheader("Chase owners who owe")
if st.button("Preview reminders", key="chase_preview"):
    try:
        with session_scope() as session:
            messages, unnamed = rounds.chasers(session, user=user, plan_id=frame.id,
                                               app_url=str(secret("app", "url", "")))
        st.session_state["chase_messages"] = messages
        st.session_state["chase_unnamed"] = unnamed
    except PlanError as err:
        st.error(str(err))
messages = st.session_state.get("chase_messages")
if messages is not None:
    if unnamed := st.session_state.get("chase_unnamed"):
        st.warning(f"No named person to e-mail for: {', '.join(unnamed)}. Assign owners, or chase by other means.")
    st.markdown(f"**{len(messages)} reminder{'s' if len(messages) != 1 else ''}** would be sent.")
    for message in messages:
        with st.expander(f"To {message.name} <{message.email}>: {len(message.refs)} actions"):
            st.text(f"Subject: {message.subject}\n\n{message.body}")
    if messages and st.button("Send these reminders", key="chase_send", type="primary"):
        try:
            settings = mail.SmtpSettings.from_mapping(secret_section("smtp"))
        except PlanError as err:
            st.error(str(err))
        else:
            sent, failed = mail.send(settings, [(m.email, m.subject, m.body) for m in messages])
            with session_scope() as session:
                rounds.record_chase(session, user=user, plan_id=frame.id,
                                    sent=[m for m in messages if m.email in sent], failed=failed)
            st.session_state.pop("chase_messages", None)
            if failed:
                st.error("Not sent: " + "; ".join(failed))
            flash_and_rerun(f"Sent {len(sent)} reminder{'s' if len(sent) != 1 else ''}."
                            + (f" {len(failed)} failed." if failed else ""))

st.subheader("Send an update back")
with st.form("return_update"):
    ref = st.text_input("Action ref", key="return_ref")
    note = st.text_area("What the owner should add or change", key="return_note")
    confirmed = st.checkbox("I have checked: none of this is personal data", key="return_confirm")
    if st.form_submit_button("Send back to the owner"):
        try:
            with session_scope() as session:
                rounds.return_update(session, user=user, plan_id=frame.id, ref=ref.strip(), note=note,
                                     personal_data_confirmed=confirmed)
        except PlanError as err:
            st.error(str(err))
        else:
            flash_and_rerun(f"The update on {ref.strip()} was sent back to its owner.")

st.subheader("Close the round")
st.caption("Closing freezes every action as it stands now: what was submitted by then is what the meeting sees.")
if st.checkbox(f"I want to close the {current.period} round", key="close_confirm"):
    if st.button("Close the round", key="close_round", type="primary"):
        try:
            with session_scope() as session:
                counts = rounds.close_round(session, user=user, plan_id=frame.id)
        except PlanError as err:
            st.error(str(err))
        else:
            flash_and_rerun(f"The {current.period} round is closed: {counts['updated']} of {counts['actions']} "
                            "actions were updated in it.")
