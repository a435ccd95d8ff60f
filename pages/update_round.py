"""Update round (secretariat; chairs read): open a round, see who owes, chase, send back, close."""

import math
from datetime import date
from urllib.parse import quote

import pandas as pd
import streamlit as st

from plan import mail, notify, rounds
from plan.db import read_scope, session_scope
from plan.errors import InvalidFields, PlanError
from plan.maintenance.settings import default_round_deadline, round_deadline_days
from plan.periods import period_short
from plan.permissions import allowed
from plan.text import plural
from ui import form_state, url_state
from ui.chair_sections import closed_round_snapshot
from ui.frame import current_user, flash_and_rerun, page_start
from ui.notices import email_about
from ui.session import secret, secret_section
from ui.text import md

NO_MAIL = ("E-mail is not set up for this app yet, so reminders cannot be sent from here. Ask your administrator "
           "to connect the app to the council's mail (SMTP) server: they will need the server's name and port, "
           "the address reminders should come from, and the account name and password if the server asks for "
           "them. Until then, chase these people another way.")

PAGE_SIZE = 100
RETURN_LIST = 300  # updates listed to send back; more: the ref is typed

frame = page_start()
user = current_user()
manage = allowed(user, "round.manage")
st.title("Update round")

with read_scope() as session:
    current = rounds.current_round(session, plan_id=frame.id)
    last = rounds.latest_round(session, plan_id=frame.id)
    suggested = rounds.suggested_period(session, plan_id=frame.id, cycle=frame.reporting_cycle)
    deadline_days = round_deadline_days(session, plan_id=frame.id)  # Plan settings: days to the deadline

closed_round_snapshot(frame, user)  # what each closed round froze (chair's view); above the stops below

if current is None:
    if last is not None:
        st.markdown(f"The last round ({period_short(last.period)}) closed on {last.closed_at:%d %b %Y}; "
                    "what it froze is what "
                    "its meeting sees.")
    if not manage:
        st.info("No round is open.")
        st.stop()
    with st.form("open_round"):
        period = st.text_input("Reporting period", value=suggested, key="round_period",
                               help="Offered: the period after the last round's. Write it like 2026-Q3.")
        deadline = st.date_input("Deadline for updates", value=default_round_deadline(deadline_days, date.today()),
                                 format="DD/MM/YYYY", key="round_deadline")
        if st.form_submit_button("Open the round", type="primary"):
            try:
                with session_scope() as session:
                    opened = rounds.open_round(session, user=user, plan_id=frame.id, period=period,
                                               deadline=deadline)
            except PlanError as err:
                st.error(md(err))
            else:
                flash_and_rerun(f"The round for {period_short(opened.period)} is open until "
                                f"{opened.deadline:%d %b %Y}.")
    st.stop()

st.markdown(f"The round for **{period_short(current.period)}** is open; "
            f"updates are due by **{current.deadline:%A %d %B %Y}**.")
with read_scope() as session:
    totals = rounds.round_totals(session, user=user, plan_id=frame.id, round_id=current.id)
st.metric("Updates in", f"{totals['submitted']} of {totals['owed']}",
          help="Each open action (not complete, closed or deferred) owes one update.")
st.progress(totals["submitted"] / totals["owed"] if totals["owed"] else 1.0)

# One view at a time (kept in the URL), one page of rows at a time: a plan of 10,000 actions
# owes thousands of updates, and only what is on screen is read and sent to the browser.
views = {"agency": "By agency", "owner": "By owner", "owed": f"Still owed ({totals['outstanding']})"}
url_state.seed("round_view", "view", choices=list(views), default="agency")
view = st.radio("Show", list(views), format_func=views.get, horizontal=True, key="round_view")
url_state.seed("round_page", "page", convert=int, default=1)
page = max(1, int(st.session_state.get("round_page") or 1))
columns = {"group": None, "owed": "Owed", "submitted": "In", "outstanding": "Outstanding", "percent": "% in"}
with read_scope() as session:
    if view == "owed":
        total = totals["outstanding"]
    else:
        total = rounds.completeness_groups(session, user=user, plan_id=frame.id, round_id=current.id, by=view)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page, pages)
    if view == "owed":
        owed = rounds.owing(session, user=user, plan_id=frame.id, round_id=current.id, limit=PAGE_SIZE,
                            offset=(page - 1) * PAGE_SIZE)
    else:
        groups = rounds.completeness(session, user=user, plan_id=frame.id, round_id=current.id, by=view,
                                     limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
if view == "owed":
    st.dataframe(pd.DataFrame([{"Ref": r["ref"], "Title": r["title"], "Owner": r["owner"],
                                "Email": r["email"] or "No named person", "Lead agency": r["agency"],
                                "Sent back": "Yes" if r["returned"] else ""} for r in owed]),
                 hide_index=True, width="stretch")
else:
    heading = {"agency": "Lead agency", "owner": "Owner"}[view]
    st.dataframe(pd.DataFrame(groups).rename(columns={**columns, "group": heading}), hide_index=True)
if pages > 1:
    st.session_state["round_page"] = page
    st.number_input(f"Page (of {pages}, {PAGE_SIZE} rows a page)", min_value=1, max_value=pages, step=1,
                    key="round_page")
url_state.publish({"view": ("round_view", view if view != "agency" else None),
                   "page": ("round_page", page if page > 1 else None)})
if not manage:
    st.stop()

st.subheader("Chase owners who owe")
st.caption("Reminders go to the people named on each action (its owner and delegates).")
if st.button("Preview reminders", key="chase_preview"):
    try:
        with session_scope() as session:
            messages, unnamed = rounds.chasers(session, user=user, plan_id=frame.id,
                                               app_url=str(secret("app", "url", "")))
            withheld = rounds.withheld_chasers(session, user=user, plan_id=frame.id)
            by_ref = {r["ref"]: r for r in rounds.owing(session, user=user, plan_id=frame.id, round_id=current.id,
                                                        refs=unnamed)}
        st.session_state["chase_messages"] = messages
        st.session_state["chase_unnamed"] = [
            {"Ref": ref, "Title": by_ref[ref]["title"] if ref in by_ref else "",
             "Owner the plan names": by_ref[ref]["owner"] if ref in by_ref else "",
             "Name an owner": f"/action_detail?ref={quote(ref)}"} for ref in unnamed]
        st.session_state["chase_withheld"] = withheld
    except PlanError as err:
        st.error(md(err))
messages = st.session_state.get("chase_messages")
if messages is not None:
    if unnamed_rows := st.session_state.get("chase_unnamed"):
        count = len(unnamed_rows)
        st.warning(f"**{count} {'action owes' if count == 1 else 'actions owe'} an update with no person named**, "
                   f"so no reminder can reach {'it' if count == 1 else 'them'}. Name an owner on each action's page, "
                   "or assign several at once on the Users page; until then, chase them another way.")
        st.dataframe(pd.DataFrame(unnamed_rows), hide_index=True, width="stretch",
                     column_config={"Name an owner": st.column_config.LinkColumn(display_text="Open the action")})
        if allowed(user, "user.manage"):
            st.page_link("pages/users.py", label="Assign owners to several actions at once (Users page)")
    if withheld := st.session_state.get("chase_withheld"):
        st.info(f"{plural(len(withheld), 'restricted action')} "
                f"({', '.join(withheld)}) also owe an update: a colleague cleared for restricted items chases them.")
    st.markdown(f"**{plural(len(messages), 'reminder')}** would be sent.")
    for message in messages:
        with st.expander(f"To {md(message.name)} ({md(message.email)}): "
                         f"{plural(len(message.refs), 'action')}"):
            st.text(f"Subject: {message.subject}\n\n{message.body}")
    try:
        settings = mail.SmtpSettings.from_mapping(secret_section("smtp"))
    except (PlanError, ValueError, TypeError):
        settings = None
        if messages:
            st.warning(NO_MAIL)
    if messages and st.button("Send these reminders", key="chase_send", type="primary", disabled=settings is None):
        assert settings is not None
        with session_scope() as session:
            sent, failed = rounds.chase_round(session, user=user, plan_id=frame.id, settings=settings,
                                              messages=messages)
        st.session_state.pop("chase_messages", None)
        st.session_state["chase_failed"] = failed
        flash_and_rerun(f"Sent {plural(len(sent), 'reminder')}."
                        + (f" {len(failed)} could not be sent: see below." if failed else ""))
if failed := st.session_state.pop("chase_failed", None):
    st.error("Not sent: " + "; ".join(md(f) for f in failed))

st.subheader("Send an update back")
if done := st.session_state.pop("return_done", None):
    st.success(done)
with read_scope() as session:  # a list to choose from while it is short; past that, the ref is typed
    returnable = rounds.returnable(session, user=user, plan_id=frame.id, round_id=current.id, limit=RETURN_LIST + 1)
if not returnable:
    st.caption("No update is waiting to be sent back: none has come in during this round yet, or each one that "
               "came in has been sent back to its owner (see 'Sent back' in the still-owed view).")
else:
    labels = {r["ref"]: f"{r['ref']} – {r['title']}" for r in returnable}
    with st.form("return_update"):
        if len(returnable) <= RETURN_LIST:
            ref = st.selectbox("Action updated in this round (type to search)", list(labels), index=None,
                               format_func=lambda r: labels.get(r, r), placeholder="Choose an action",
                               key="return_ref")
        else:  # thousands of options would be sent to the browser on every run of the page
            ref = st.text_input(f"Ref of the action (more than {RETURN_LIST} updates came in this round, too many "
                                "to list)", key="return_ref_typed", max_chars=30,
                                placeholder="e.g. 2.4, as on the Actions page").strip() or None
        form_state.show("return", "ref")
        note = st.text_area("What the owner should add or change", key="return_note")
        form_state.show("return", "note")
        confirmed = st.checkbox("I have checked: none of this is personal data", key="return_confirm")
        if st.form_submit_button("Send back to the owner"):
            try:
                with session_scope() as session:
                    rounds.return_update(session, user=user, plan_id=frame.id, ref=ref or "", note=note,
                                         personal_data_confirmed=confirmed)
            except InvalidFields as err:  # every problem at once, each beside its field
                form_state.keep("return", err.problems)
                st.rerun()
            except PlanError as err:
                form_state.forget_problems("return")
                st.error(md(err))
            else:  # said here, by the form, where the secretariat is looking (the page's top is out of view)
                form_state.forget_problems("return")
                told = email_about(user, frame.id, lambda s: notify.update_returned(s, plan_id=frame.id, ref=ref or ""))
                st.session_state["return_done"] = f"The update on {ref} was sent back to its owner.{told}"
                st.rerun()

st.subheader("Close the round")
st.caption("Closing freezes every action as it stands now: what was submitted by then is what the meeting sees.")
outstanding, due = totals["outstanding"], totals["owed"]
if outstanding:
    st.warning(f"**{outstanding} of {plural(due, 'update')} {'is' if outstanding == 1 else 'are'} still owed.** "
               "If you close the round now, the actions that "
               f"still owe go to the meeting as they stand, with no update for {period_short(current.period)}.",
               icon=":material/warning:")
    confirm_label = (f"I want to close the {period_short(current.period)} round with "
                     f"{outstanding} of {plural(due, 'update')} still owed")
else:
    st.success(f"All {plural(due, 'update')} are in." if due != 1 else "The 1 update owed is in.")
    confirm_label = f"I want to close the {period_short(current.period)} round"
if st.checkbox(confirm_label, key="close_confirm"):
    if st.button("Close the round", key="close_round", type="primary"):
        try:
            with session_scope() as session:  # one transaction: the message counts what was frozen
                final = rounds.round_totals(session, user=user, plan_id=frame.id, round_id=current.id)
                rounds.close_round(session, user=user, plan_id=frame.id)
        except PlanError as err:
            st.error(md(err))
        else:
            flash_and_rerun(f"The {period_short(current.period)} round is closed: {final['submitted']} of "
                            f"{plural(final['owed'], 'update')} were in, {final['outstanding']} still owed.")
