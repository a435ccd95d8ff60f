"""Edit the plan and Owners and agencies through AppTest: every problem beside its field before
anything is written, a mid-year action added, an action edited, retired and shown as retired,
the orphaned list for the group, a reassignment, a leaver's actions moved, agencies."""

from datetime import date

from plan.db import session_scope
from plan.maintenance import actions as editing
from plan.maintenance import owners
from plan.users import update_user
from tests.ui.helpers import markdown_text, open_app, unescaped


def _key(at, form: str, field: str) -> str:  # noqa: ANN001
    return f"{form}_{at.session_state[f'form_token_{form}']}_{field}"


def _button(at, label: str):  # noqa: ANN001, ANN202
    return next(b for b in at.button if b.label == label)


def _edit_page(user, ref: str | None = None):  # noqa: ANN001, ANN202
    at = open_app(None, user=user)
    if ref:
        at.query_params["ref"] = ref
    at.switch_page("pages/edit_plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_bad_new_action_shows_every_problem_beside_its_field_and_writes_nothing(people_sqlite) -> None:
    at = _edit_page(people_sqlite["admin"])
    at.selectbox(key="add_after").set_value("2.4").run()
    assert "The next free ref after 2.4 is 2.4a." in [unescaped(c.value) for c in at.caption]
    assert at.text_input(key=_key(at, "add", "ref")).value == "2.4a"
    at.text_input(key=_key(at, "add", "ref")).set_value("2.4")
    _button(at, "Add the action").click().run()
    errors = [unescaped(e.value) for e in at.error]
    assert errors[0] == "Nothing was saved: 3 things to fix, shown below."
    assert len(errors) == 4  # the count, then each problem once, beside its field
    assert any("Ref '2.4' is already used" in e for e in errors)
    assert "Give the action a title: what will be done, in a line." in errors
    assert "Choose the theme the action sits under." in errors
    assert at.text_input(key=_key(at, "add", "ref")).value == "2.4"  # what was typed is kept
    with session_scope() as session:
        assert editing.retired_refs(session, plan_id=1) == []
        assert editing.next_free_ref(session, plan_id=1, after="2.4") == "2.4a"  # nothing was added


def test_the_secretariat_adds_edits_and_retires_an_action(people_sqlite) -> None:
    admin = people_sqlite["admin"]
    at = _edit_page(admin)
    at.selectbox(key="add_after").set_value("2.4").run()
    at.text_input(key=_key(at, "add", "title")).set_value("Mid-year: a parents' evening on exploitation")
    at.selectbox(key=_key(at, "add", "theme")).set_value("Prevent")
    at.multiselect(key=_key(at, "add", "boards")).set_value(["CSP"])
    at.date_input(key=_key(at, "add", "baseline_due_date")).set_value(date(2027, 6, 30))
    _button(at, "Add the action").click().run()
    assert not at.exception and unescaped(at.success[0].value) == "2.4a added to the plan."
    assert at.query_params.get("ref") in ("2.4a", ["2.4a"]) and at.session_state["edit_ref"] == "2.4a"
    # edit it: the form holds what is stored
    assert at.text_input(key=_key(at, "edit", "title")).value == "Mid-year: a parents' evening on exploitation"
    at.text_input(key=_key(at, "edit", "title")).set_value("Parents' evenings on exploitation, one per locality")
    _button(at, "Save the action").click().run()
    assert unescaped(at.success[0].value) == "2.4a saved: title changed."
    # retire another, with a reason
    at.selectbox(key="edit_ref").set_value("2.2").run()
    _button(at, "Retire the action").click().run()
    assert "Say why the action is retired" in " ".join(e.value for e in at.error)
    at.text_area(key=f"retire_reason_{at.session_state['form_token_retire']}").set_value("Merged into 2.1")
    _button(at, "Retire the action").click().run()
    assert unescaped(at.success[0].value).startswith("2.2 is retired.")
    assert "2.2" not in at.selectbox(key="edit_ref").options
    # the Actions list leaves it out; its page says it is retired, when and why, and shows the edits
    at.switch_page("pages/actions.py").run()
    shown = at.dataframe[0].value
    assert "2.2" not in list(shown["Ref"]) and "2.4a" in list(shown["Ref"])
    at.query_params["ref"] = "2.2"
    at.switch_page("pages/action_detail.py").run()
    assert at.warning[0].value.startswith(f"Retired on {date.today():%d %b %Y}: this action is no longer in the plan")
    assert "Merged into 2.1" in [t.value for t in at.text]
    at.query_params["ref"] = "2.4a"
    at.switch_page("pages/action_detail.py").run()
    edits = next(d.value for d in at.dataframe if "Before" in d.value.columns)
    assert {"What": "Action edited", "Field": "Title", "Before": "Mid-year: a parents' evening on exploitation",
            "After": "Parents' evenings on exploitation, one per locality"}.items() <= \
        edits.iloc[0][["What", "Field", "Before", "After"]].to_dict().items()


def test_closing_and_moving_from_the_page(people_sqlite) -> None:
    at = _edit_page(people_sqlite["admin"], ref="1.3")
    assert at.session_state["edit_ref"] == "1.3"
    _button(at, "Close the action").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Say why the action is closed" in errors and "Choose the RAG the action closes with" in errors
    token = at.session_state["form_token_close"]
    at.selectbox(key=f"close_rag_{token}").set_value("amber")
    at.text_area(key=f"close_reason_{token}").set_value("Superseded by the county plan")
    _button(at, "Close the action").click().run()
    assert unescaped(at.success[0].value) == "1.3 is closed."
    at.selectbox(key=f"move_theme_{at.session_state['form_token_move']}").set_value("Protect")
    at.selectbox(key=f"move_objective_{at.session_state['form_token_move']}").set_value("3A")
    _button(at, "Move the action").click().run()
    assert unescaped(at.success[0].value) == "1.3 moved to Protect, objective 3A."


def test_only_the_secretariat_can_open_edit_the_plan(people_sqlite) -> None:
    at = open_app(None, user=people_sqlite["chair"])
    try:
        at.switch_page("pages/edit_plan.py").run()
    except ValueError:
        return  # not in the chair's menu at all
    assert at.error[0].value.startswith("Your role (chair) cannot open this page")


def test_the_group_sees_the_orphaned_list_with_restricted_detail_masked(people_sqlite) -> None:
    admin = people_sqlite["admin"]
    with session_scope() as session:
        update_user(session, user=admin, email=people_sqlite["owner"].email, cleared_for_restricted=True)
        owners.reassign(session, user=admin, plan_id=1, ref="4.6", email=people_sqlite["owner"].email)
        update_user(session, user=admin, email=people_sqlite["owner"].email, left_on=date.today())
    for role in ("viewer", "owner", "chair"):
        at = open_app("pages/owners.py", user=people_sqlite[role])
        table = at.dataframe[0].value
        assert list(table["Ref"]) == ["3.5", "4.6"], role
        if role != "owner":  # the owner was cleared above, to own 4.6
            assert table.iloc[1]["Action"].startswith("Restricted action") and table.iloc[1]["Owner"] == "Restricted"
        assert not at.tabs  # reassigning is for the secretariat
    at = open_app("pages/owners.py", user=admin)
    assert at.dataframe[0].value.iloc[1]["Owner"] == "Olu Owner"
    # all of the leaver's actions to the secretariat (cleared), at once
    assert at.selectbox(key="leaver_from").value == people_sqlite["owner"].email
    at.selectbox(key="leaver_to").set_value(admin.email)
    _button(at, "Reassign all their actions").click().run()
    assert unescaped(at.success[0].value) == "2 actions moved to Sam Secretariat: 3.5, 4.6."
    assert "Every action in the plan has someone looking after it." in [s.value for s in at.success]


def test_reassign_one_action_and_the_new_owner_sees_it(people_sqlite) -> None:
    at = open_app("pages/owners.py", user=people_sqlite["admin"])
    at.text_input(key="reassign_ref").set_value("1.1")
    at.selectbox(key="reassign_to").set_value(people_sqlite["owner"].email)
    _button(at, "Reassign the action").click().run()
    assert "1.1 is now owned by Olu Owner" in unescaped(at.success[0].value)
    mine = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    assert set(mine.dataframe[0].value["Ref"]) == {"1.1", "3.5"}


def test_agencies_are_added_with_a_clear_refusal_for_a_duplicate(people_sqlite) -> None:
    at = open_app("pages/owners.py", user=people_sqlite["admin"])
    at.text_input(key=f"agency_name_{at.session_state['form_token_agency']}").set_value("essex police")
    _button(at, "Add the agency").click().run()
    shown = [unescaped(e.value) for e in at.error]
    assert shown == ["Nothing was saved: 1 thing to fix, shown below.",
                     "There is already an agency called 'Essex Police'; use it, or give this one another name."]
    at.text_input(key=f"agency_name_{at.session_state['form_token_agency']}").set_value("Southend Youth Trust")
    at.selectbox(key=f"agency_kind_{at.session_state['form_token_agency']}").set_value("voluntary")
    _button(at, "Add the agency").click().run()
    assert unescaped(at.success[0].value) == "Agency Southend Youth Trust added."
    agencies = next(d.value for d in at.dataframe if "Agency" in d.value.columns)
    assert "Southend Youth Trust" in list(agencies["Agency"])
    assert markdown_text(at) is not None


def test_a_refusal_quoting_what_was_typed_shows_it_as_text(people_sqlite) -> None:
    """A problem can quote the user's words (here a ref already used): never rendered as Markdown."""
    at = _edit_page(people_sqlite["admin"])
    at.text_input(key=_key(at, "add", "ref")).set_value("![x](http://host/beacon.png)")
    _button(at, "Add the action").click().run()
    problems = [e.value for e in at.error]
    assert any("beacon" in p for p in problems)
    assert not any("![x](http://host" in p for p in problems)  # escaped: shown as typed, not an image
