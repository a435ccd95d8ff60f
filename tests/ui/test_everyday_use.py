"""The journeys owners and chairs repeat every quarter (issue: everyday use), through AppTest."""

from sqlmodel import func, select

from models import StatusUpdate
from plan.db import session_scope
from plan.updates import record_update
from tests.ui.helpers import form_key, open_app, unescaped


def _save(at):  # noqa: ANN001, ANN202
    return next(b for b in at.button if b.label == "Save update").click().run()


def _updates() -> int:
    with session_scope() as session:
        return int(session.exec(select(func.count()).select_from(StatusUpdate)).one())


def test_a_saved_form_is_cleared_and_pressing_save_again_records_nothing(people_sqlite) -> None:
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    first_token = at.session_state["form_token_3.5"]
    at.selectbox(key=form_key(at, "rag", "3.5")).set_value("amber")
    at.selectbox(key=form_key(at, "status", "3.5")).set_value("in_progress")
    at.text_area(key=form_key(at, "commentary", "3.5")).set_value("Venue booked for the training")
    at.checkbox(key=form_key(at, "confirm", "3.5")).check()
    at = _save(at)
    assert at.success[0].value == "Update to 3.5 saved: Amber, In progress."
    # a new, empty form: the commentary and the personal-data tick are gone
    assert at.session_state["form_token_3.5"] != first_token
    assert at.text_area(key=form_key(at, "commentary", "3.5")).value == ""
    assert at.checkbox(key=form_key(at, "confirm", "3.5")).value is False
    at = _save(at)  # pressing Save again on the empty form saves nothing (Amber needs commentary)
    assert _updates() == 1


def test_the_same_form_sent_twice_is_one_update(seeded_sqlite, people_sqlite) -> None:
    """A double click or a retry sends the same form (its key) again: the service keeps one."""
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    token = at.session_state["form_token_3.5"]
    for _ in range(2):
        with session_scope() as session:
            record_update(session, user=people_sqlite["owner"], plan_id=seeded_sqlite.id, ref="3.5", rag="amber",
                          delivery_status="in_progress", commentary="Sent twice", submission_key=token)
    assert _updates() == 1


def test_every_problem_shows_beside_its_field_at_once_and_nothing_is_written(people_sqlite) -> None:
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    at.selectbox(key=form_key(at, "rag", "3.5")).set_value("blue")
    at.selectbox(key=form_key(at, "status", "3.5")).set_value("in_progress")
    at.text_input(key=form_key(at, "evidence", "3.5")).set_value("javascript:alert(1)")
    at = _save(at)
    messages = [e.value for e in at.error]
    assert messages[0] == "Nothing was saved: 3 things to fix, shown below."
    assert any(m.startswith("Blue means complete") for m in messages)
    assert any(m.startswith("Commentary is required when the RAG is Blue") for m in messages)
    assert any(m.startswith("The evidence link must be a web address starting with https://") for m in messages)
    assert _updates() == 0
    # the typed values are still there to fix
    assert at.text_input(key=form_key(at, "evidence", "3.5")).value == "javascript:alert(1)"


def test_after_a_conflict_and_reopening_the_next_save_goes_through(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    with session_scope() as session:  # the secretariat updates while the owner's form is open
        record_update(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="3.5", rag="amber",
                      delivery_status="in_progress", commentary="Secretariat: chased the trust")
    at.switch_page("pages/action_detail.py").run()  # the owner re-opens the action and sees the newer update
    at.switch_page("pages/my_actions.py").run()
    at.selectbox(key=form_key(at, "rag", "3.5")).set_value("green")
    at.selectbox(key=form_key(at, "status", "3.5")).set_value("in_progress")
    at.text_area(key=form_key(at, "commentary", "3.5")).set_value("Agreement signed")
    at = _save(at)
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value == "Update to 3.5 saved: Green, In progress."


def test_action_detail_offers_a_searchable_pick_of_ref_and_title(people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["viewer"])
    picker = at.selectbox(key="action_ref")
    assert picker.value is None
    assert len(picker.options) == 20  # a page of the plan, not all 48 actions
    at.text_input(key="action_ref_find").input("A&E").run()
    assert at.selectbox(key="action_ref").options == [
        "3.5 – Share A&E data on violence-related attendances to understand the impact on health services"]
    at.text_input(key="action_ref_find").input("4.6").run()
    assert at.selectbox(key="action_ref").options[0] == "4.6 – Restricted action: detail shown only to cleared users"
    at.text_input(key="action_ref_find").input("3.5").run()
    at.selectbox(key="action_ref").set_value("3.5").run()
    assert unescaped(at.title[0].value).startswith("3.5 Share A&E data")
    assert at.query_params["ref"] in ("3.5", ["3.5"])


def test_filters_live_in_the_url_and_come_back(people_sqlite) -> None:
    at = open_app("pages/actions.py", user=people_sqlite["chair"])
    at.multiselect(key="filter_themes").set_value(["Pursue"]).run()
    at.multiselect(key="filter_rags").set_value(["red", "amber", "not_assessed"]).run()
    assert at.query_params["theme"] in ("Pursue", ["Pursue"])
    assert list(at.query_params["rag"]) == ["red", "amber", "not_assessed"]
    assert set(at.dataframe[0].value["Theme"]) == {"Pursue"}
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/actions.py").run()  # back from the menu: the same filters
    assert at.multiselect(key="filter_themes").value == ["Pursue"]
    assert set(at.dataframe[0].value["Theme"]) == {"Pursue"}
    fresh = open_app(user=people_sqlite["chair"])  # a new browser session opening a shared link
    fresh.query_params["theme"] = ["Protect"]
    fresh.query_params["q"] = "A&E"
    fresh.switch_page("pages/actions.py").run()
    assert fresh.multiselect(key="filter_themes").value == ["Protect"]
    assert list(fresh.dataframe[0].value["Ref"]) == ["3.5"]


def test_an_owner_sees_the_decision_on_their_due_date_request(seeded_sqlite, people_sqlite) -> None:
    from plan.due_dates import decide, request_revision, requests

    with session_scope() as session:
        request_revision(session, user=people_sqlite["owner"], plan_id=seeded_sqlite.id, ref="3.5",
                         new_date="31/12/2027", reason="The trust's data team moved to a new system")
    with session_scope() as session:
        pending = requests(session, user=people_sqlite["chair"], plan_id=seeded_sqlite.id)
        decide(session, user=people_sqlite["chair"], plan_id=seeded_sqlite.id, request_id=pending[0]["id"],
               approve=False, note="Keep the date: the chair will raise it with the trust")
    at = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    mine = at.dataframe[-1].value
    assert list(mine["Decision"]) == ["Declined"]
    assert list(mine["Note from the decider"]) == ["Keep the date: the chair will raise it with the trust"]


def test_the_cards_view_shows_commentary_in_full_and_stays_in_the_url(seeded_sqlite, people_sqlite, admin) -> None:
    long_text = ("The trust's information governance board meets on 14 January; until it signs the agreement no "
                 "A&E data can flow, so the first quarterly return will be late.")
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded_sqlite.id, ref="3.5", rag="amber",
                      delivery_status="in_progress", commentary=long_text, support_asked="Chair to write to the CEO")
    at = open_app("pages/actions.py", user=people_sqlite["chair"])
    at.radio(key="actions_view").set_value("Cards").run()
    assert at.query_params["view"] in ("Cards", ["Cards"])
    texts = [t.value for t in at.text]
    assert long_text in texts and "Chair to write to the CEO" in texts
