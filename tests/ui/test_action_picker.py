"""The action pickers search on the server: a find box, ~20 matches, the chosen ref in the URL,
and never the whole plan in the page."""

from sqlmodel import select

from models import Action
from plan.actions import PICK_LIMIT
from plan.db import session_scope
from plan.demo import add_demo
from tests.ui.helpers import open_app, unescaped


def _grow(plan_id: int, admin, actions: int) -> None:  # noqa: ANN001
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=plan_id, actions=actions)


def test_a_big_plan_sends_a_page_of_matches_not_every_action(seeded_sqlite, people_sqlite) -> None:
    _grow(seeded_sqlite.id, people_sqlite["admin"], 300)
    with session_scope() as session:
        assert len(session.exec(select(Action.ref).where(Action.plan_id == seeded_sqlite.id)).all()) > 300
    at = open_app("pages/action_detail.py", user=people_sqlite["admin"])
    assert len(at.selectbox(key="action_ref").options) == PICK_LIMIT
    assert any(f"first {PICK_LIMIT} that match" in c.value for c in at.caption)
    at.text_input(key="action_ref_find").input("Share A&E").run()
    assert [o.split(" – ")[0] for o in at.selectbox(key="action_ref").options] == ["3.5"]
    at.selectbox(key="action_ref").set_value("3.5").run()
    assert unescaped(at.title[0].value).startswith("3.5 Share A&E data")
    assert at.query_params["ref"] in ("3.5", ["3.5"])


def test_a_ref_from_the_url_is_shown_though_the_search_would_not_list_it(people_sqlite) -> None:
    at = open_app("pages/actions.py", user=people_sqlite["chair"])
    at.query_params["ref"] = "4.6"  # not among the first 20 in plan order
    at.switch_page("pages/action_detail.py").run()
    assert at.selectbox(key="action_ref").value == "4.6"
    assert unescaped(at.title[0].value).startswith("4.6 ")
    at.text_input(key="action_ref_find").input("train").run()  # another search keeps the open action
    picker = at.selectbox(key="action_ref")
    assert picker.value == "4.6" and picker.options[0].startswith("4.6 – ")
    assert "1.6 – Train partnership staff appropriately in violence, vulnerability and exploitation" in picker.options


def test_a_restricted_title_is_neither_shown_nor_searched_for_a_reader_not_cleared(people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["viewer"])
    at.text_input(key="action_ref_find").input("cross-border disruption").run()
    assert at.selectbox(key="action_ref").options == []
    assert "No action's ref or title holds every word of 'cross-border disruption'" in at.caption[0].value
    cleared = open_app("pages/action_detail.py", user=people_sqlite["admin"])
    cleared.text_input(key="action_ref_find").input("cross-border disruption").run()
    assert cleared.selectbox(key="action_ref").options == [
        "4.6 – Joint cross-border disruption of county lines with Thurrock and Essex partners"]


def test_every_word_must_match_and_the_exact_ref_comes_first(people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["admin"])
    at.text_input(key="action_ref_find").input("1.1").run()
    options = at.selectbox(key="action_ref").options
    assert options[0].startswith("1.1 – ")
    at.text_input(key="action_ref_find").input("county lines thurrock").run()
    assert [o.split(" – ")[0] for o in at.selectbox(key="action_ref").options] == ["4.6"]


def test_the_edit_page_finds_only_actions_in_the_plan_now(people_sqlite) -> None:
    from plan.maintenance.actions import retire_action

    with session_scope() as session:
        retire_action(session, user=people_sqlite["admin"], plan_id=1, ref="3.5", reason="Merged")
    at = open_app("pages/edit_plan.py", user=people_sqlite["admin"])
    at.text_input(key="edit_ref_find").input("3.5").run()
    assert not any(o.startswith("3.5 – ") for o in at.selectbox(key="edit_ref").options)
    at.text_input(key="add_after_find").input("3.4").run()
    assert at.selectbox(key="add_after").options[0].startswith("3.4 – ")
