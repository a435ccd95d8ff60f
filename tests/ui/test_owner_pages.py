"""My actions, Update round and Due dates through AppTest."""

from datetime import date, timedelta

import pandas as pd

from plan import rounds
from plan.db import session_scope
from plan.due_dates import request_revision
from plan.updates import record_update
from tests.ui.helpers import form_key, markdown_text, open_app


def _save(at):  # noqa: ANN001, ANN202
    return next(b for b in at.button if b.label == "Save update").click().run()


def test_an_owner_updates_their_action_and_the_overview_moves(people_sqlite) -> None:
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    assert list(at.dataframe[0].value["Ref"]) == ["3.5"]
    at.selectbox(key=form_key(at, "rag", "3.5")).set_value("red")
    at.selectbox(key=form_key(at, "status", "3.5")).set_value("in_progress")
    at = _save(at)
    assert at.error[0].value == "Nothing was saved: 1 thing to fix, shown below."
    assert "Commentary is required when the RAG is Red" in at.error[1].value
    at.text_area(key=form_key(at, "commentary", "3.5")).set_value("No data-sharing agreement with the hospital yet")
    at.text_area(key=form_key(at, "support", "3.5")).set_value(
        "Ask: the chair to raise it with the trust's Caldicott Guardian")
    at = _save(at)
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value == "Update to 3.5 saved: Red, In progress."
    assert at.dataframe[0].value.iloc[0]["RAG"] == "Red"
    at.switch_page("pages/overview.py").run()
    table = at.dataframe[0].value
    assert table.loc[table["Theme"] == "Protect", "Red"].iloc[0] == 1


def test_a_conflicting_save_is_refused_and_keeps_the_text(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])  # the owner opens the form
    with session_scope() as session:  # meanwhile the secretariat updates the same action
        record_update(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="3.5", rag="amber",
                      delivery_status="in_progress", commentary="Secretariat: chased the trust")
    at.selectbox(key=form_key(at, "rag", "3.5")).set_value("green")
    at.selectbox(key=form_key(at, "status", "3.5")).set_value("in_progress")
    at.text_area(key=form_key(at, "commentary", "3.5")).set_value("Owner: agreement signed today")
    at = _save(at)
    assert "was updated by someone else after you opened it" in at.error[0].value
    assert "Secretariat: chased the trust" in [t.value for t in at.text]
    assert at.text_area(key=form_key(at, "commentary", "3.5")).value == "Owner: agreement signed today"
    at = _save(at)  # applies on top of theirs
    assert at.success[0].value == "Update to 3.5 saved: Green, In progress."


def test_personal_data_must_be_confirmed(people_sqlite) -> None:
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    at.selectbox(key=form_key(at, "rag", "3.5")).set_value("amber")
    at.text_area(key=form_key(at, "commentary", "3.5")).set_value("Spoke to the mother on 07700 900123")
    at = _save(at)
    assert "This may be personal data: Commentary: a phone number (07700 900123)" in at.error[1].value
    assert not at.success


def test_bulk_editor_saves_all_or_nothing(seeded_sqlite, people_sqlite) -> None:
    with session_scope() as session:
        from plan.users import assign_owner

        assign_owner(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="2.1", email="owner@nhs.net")
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    # AppTest cannot type into st.data_editor: seed its edit state by row position, as the browser sends it
    at.session_state["bulk_editor"] = {"edited_rows": {0: {"RAG": "red"}, 1: {"RAG": "green", "Commentary": "Live"}},
                                       "added_rows": [], "deleted_rows": []}
    at.button(key="bulk_save").click().run()
    assert at.error[0].value == "Nothing was saved. Fix these rows and save again:"
    problems = at.dataframe[-1].value
    assert list(problems["Ref"]) == ["2.1"] and "Commentary is required" in problems.iloc[0]["What to fix"]
    assert set(at.dataframe[0].value["RAG"]) == {"Not yet assessed"}
    at.session_state["bulk_editor"] = {"edited_rows": {0: {"RAG": "red", "Commentary": "Campaign paused"},
                                                       1: {"RAG": "green", "Commentary": "Live"}},
                                       "added_rows": [], "deleted_rows": []}
    at.button(key="bulk_save").click().run()
    assert at.success[0].value == "Saved 2 updates: 2.1, 3.5."
    assert list(at.dataframe[0].value["RAG"]) == ["Red", "Green"]


def test_the_secretariat_runs_a_round(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    at.text_input(key="round_period").set_value("2026-Q4")
    at.date_input(key="round_deadline").set_value(date.today() + timedelta(days=10))
    next(b for b in at.button if b.label == "Open the round").click().run()
    assert at.success[0].value.startswith("The round for Q3 2026/27 is open until")
    assert at.metric[0].value == "0 of 25"
    with session_scope() as session:
        record_update(session, user=people_sqlite["owner"], plan_id=seeded_sqlite.id, ref="3.5", rag="green",
                      delivery_status="in_progress", commentary="Data flowing")
    at.run()
    assert at.metric[0].value == "1 of 25"
    by_agency = at.dataframe[0].value
    hospital = by_agency[by_agency["Lead agency"] == "Southend University Hospital NHS Foundation Trust"].iloc[0]
    assert (hospital["Owed"], hospital["In"], hospital["% in"]) == (1, 1, 100)
    at.button(key="chase_preview").click().run()
    assert "**0 reminders** would be sent." in markdown_text(at)  # the only named owner is up to date
    assert "24 actions owe an update with no person named" in at.warning[0].value
    at.checkbox(key="close_confirm").check().run()
    at.button(key="close_round").click().run()
    assert at.success[0].value == "The Q3 2026/27 round is closed: 1 of 25 updates were in, 24 still owed."


def test_the_round_offers_the_deadline_the_plan_settings_give(seeded_sqlite, people_sqlite) -> None:
    from plan.maintenance.settings import update_settings

    with session_scope() as session:
        update_settings(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, update_deadline_days=21)
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    assert at.date_input(key="round_deadline").value == date.today() + timedelta(days=21)


def test_a_chair_sees_the_round_but_cannot_run_it(seeded_sqlite, people_sqlite) -> None:
    with session_scope() as session:
        rounds.open_round(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, period="2026-Q4",
                          deadline=date.today() + timedelta(days=5))
    at = open_app("pages/update_round.py", user=people_sqlite["chair"])
    assert at.metric[0].value == "0 of 25"
    assert not [b for b in at.button if b.label in ("Preview reminders", "Close the round")]


def test_a_chair_approves_a_due_date_request(seeded_sqlite, people_sqlite) -> None:
    with session_scope() as session:
        request_revision(session, user=people_sqlite["owner"], plan_id=seeded_sqlite.id, ref="3.5",
                         new_date="28/02/2027", reason="Trust's IG board meets in February")
    at = open_app("pages/due_dates.py", user=people_sqlite["chair"])
    assert "Reason: Trust's IG board meets in February" in [t.value for t in at.text]
    next(b for b in at.button if b.label == "Approve 3.5").click().run()
    assert at.success[0].value == "Approved the request for 3.5."
    assert [m.value for m in at.metric] == ["1", "1", "28"]
    decided = at.dataframe[0].value
    assert isinstance(decided, pd.DataFrame) and decided.iloc[0]["Decision"] == "approved"
    at.switch_page("pages/action_detail.py")
    at.session_state["action_ref"] = "3.5"
    at.run()
    assert "**Due date moved 1 time:** 28 days later than the baseline" in markdown_text(at)


def test_the_secretariat_names_an_owner_and_a_delegate(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["admin"], action_ref="2.1")
    at.selectbox(key="assign_owner").set_value("owner@nhs.net")
    at.multiselect(key="assign_delegates").set_value(["secretariat@southend.gov.uk"])
    at.button(key="assign_save").click().run()
    assert at.success[0].value == "Owner and delegates of 2.1 saved."
    assert "**Owner:** Olu Owner" in markdown_text(at)
    owner_view = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    assert list(owner_view.dataframe[0].value["Ref"]) == ["2.1", "3.5"]


def test_reminders_are_sent_from_the_round_page(seeded_sqlite, people_sqlite, smtp_server) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.ui.helpers import ROOT, signed_in

    inbox, settings = smtp_server
    with session_scope() as session:
        rounds.open_round(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, period="2026-Q4",
                          deadline=date.today() + timedelta(days=5))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["smtp"] = {"host": settings.host, "port": settings.port, "sender": settings.sender, "starttls": False}
    signed_in(at, people_sqlite["admin"])
    at.run()
    at.switch_page("pages/update_round.py").run()
    at.button(key="chase_preview").click().run()
    assert "**1 reminder** would be sent." in markdown_text(at)
    at.button(key="chase_send").click().run()
    assert at.success[0].value == "Sent 1 reminder."
    assert [m["To"] for m in inbox.messages] == ["owner@nhs.net"]
    at.switch_page("pages/audit_trail.py").run()
    assert at.dataframe[0].value.iloc[0]["Event"] == "Reminders sent"


def test_the_secretariat_updates_any_action_from_its_page(people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["admin"], action_ref="2.1")
    assert "Update this action" in [e.label for e in at.expander]
    at.selectbox(key=form_key(at, "rag", "2.1")).set_value("amber")
    at.selectbox(key=form_key(at, "status", "2.1")).set_value("in_progress")
    at.text_area(key=form_key(at, "commentary", "2.1")).set_value("Owner emailed: campaign artwork delayed by a week")
    at = _save(at)
    assert at.success[0].value == "Update to 2.1 saved: Amber, In progress."
    assert "Owner emailed: campaign artwork delayed by a week" in [t.value for t in at.text]
    viewer = open_app("pages/action_detail.py", user=people_sqlite["viewer"], action_ref="2.1")
    assert "Update this action" not in [e.label for e in viewer.expander]


def test_an_overdue_action_says_so_on_its_page_and_a_date_brought_forward_is_not_a_slip(seeded_sqlite,
                                                                                        people_sqlite) -> None:
    from plan.maintenance.actions import edit_action

    earlier = date.today() - timedelta(days=12)
    with session_scope() as session:
        edit_action(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="2.1",
                    changes={"start_date": earlier - timedelta(days=60), "current_due_date": earlier})
        baseline = editing_values(session, people_sqlite["admin"], seeded_sqlite.id, "2.1")["baseline_due_date"]
    at = open_app("pages/action_detail.py", user=people_sqlite["chair"], action_ref="2.1")
    text = markdown_text(at)
    assert "**Overdue:** 12 days past its current due date" in text
    assert f"**Due date moved 1 time:** {(baseline - earlier).days} days earlier than the baseline" in text
    other = open_app("pages/action_detail.py", user=people_sqlite["chair"], action_ref="3.5")
    assert "Overdue" not in markdown_text(other)


def editing_values(session, user, plan_id, ref):  # noqa: ANN001, ANN201
    from plan.maintenance.actions import action_values

    return action_values(session, user=user, plan_id=plan_id, ref=ref)
