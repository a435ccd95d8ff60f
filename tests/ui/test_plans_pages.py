"""Plan settings' forms, the Plans page, switching plans (in the URL), and the action page's marks
of what the plan chose and of examples, in AppTest."""

from __future__ import annotations

from sqlmodel import select

from models import Plan
from plan.db import session_scope
from plan.maintenance import plans as plan_service
from plan.plans import plan_frame
from tests.ui.helpers import markdown_text, open_app, unescaped


def _key(at, form: str, field: str) -> str:  # noqa: ANN001
    return f"{form}_{field}_{at.session_state[f'form_token_{form}']}"


def _click(at, label: str):  # noqa: ANN001, ANN202
    return next(b for b in at.button if b.label == label).click().run()


def _errors(at) -> str:  # noqa: ANN001
    return "\n".join(unescaped(e.value) for e in at.error)


def test_the_secretariat_renames_a_theme_adds_a_board_and_sets_the_deadline(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/plan_settings.py", user=people_sqlite["admin"])
    assert "Set by the plan, not the source document:</strong> Protective marking, Reporting cycle" in (
        markdown_text(at))
    # a name already taken is refused beside the field, and nothing changes
    at.selectbox(key=_key(at, "theme_edit", "theme")).set_value("Prevent")
    at.text_input(key=_key(at, "theme_edit", "new_name")).set_value("pursue")
    _click(at, "Save the theme")
    assert "There is already a theme 'pursue'" in _errors(at), _errors(at)
    at.text_input(key=_key(at, "theme_edit", "new_name")).set_value("Prevention")
    _click(at, "Save the theme")
    assert at.success[0].value == "Theme saved."
    assert "Prevention" in list(at.dataframe[0].value["Theme"])
    # a theme with actions cannot be removed, and the page says so
    at.selectbox(key=_key(at, "theme_remove", "theme")).set_value("Pursue")
    _click(at, "Remove the theme")
    assert "has 6 action(s) and 2 objective(s) under it" in _errors(at)
    # a board with an empty name: the problem sits beside the name
    at.text_input(key=_key(at, "board_add", "code")).set_value("YSP")
    _click(at, "Add the board")
    assert "Give the board's name" in _errors(at)
    at.text_input(key=_key(at, "board_add", "name")).set_value("Youth Safety Panel")
    _click(at, "Add the board")
    assert at.success[0].value == "Board added."
    at.selectbox(key=_key(at, "theme_edit", "theme")).set_value("Pursue")
    at.number_input(key=_key(at, "theme_edit", "place")).set_value(1)
    _click(at, "Save the theme")
    assert list(at.dataframe[0].value["Theme"]) == ["Pursue", "Prepare", "Prevention", "Protect"]
    # out of range: said beside the field in words (not only in a widget tooltip), nothing saved
    at.selectbox(key=_key(at, "theme_edit", "theme")).set_value("Protect")
    at.number_input(key=_key(at, "theme_edit", "place")).set_value(9)
    _click(at, "Save the theme")
    assert "Give a place from 1 to 4." in _errors(at)
    at.number_input(key="setting_deadline_days").set_value(0)
    _click(at, "Save settings")
    assert "give the days from opening an update round to its deadline as a whole number from 1 to 90" in _errors(at)
    with session_scope() as session:
        assert session.get(Plan, seeded_sqlite.id).update_deadline_days == 14
    at.number_input(key="setting_deadline_days").set_value(21)
    at.selectbox(key="setting_cycle").set_value("monthly")
    _click(at, "Save settings")
    assert at.success[0].value == "Settings saved."
    with session_scope() as session:
        plan = session.get(Plan, seeded_sqlite.id)
        assert (plan.update_deadline_days, plan.reporting_cycle) == (21, "monthly")
        assert [n for n, _ in plan_frame(session).themes] == ["Pursue", "Prepare", "Prevention", "Protect"]
    # the rating's meaning
    at.selectbox(key="settings_rag").set_value("amber").run()
    at.text_area(key=_key(at, "rag", "meaning_amber")).set_value("")
    _click(at, "Save the rating's meaning")
    assert "Say what Amber means" in _errors(at)
    # the community switch and the suggested-RAG rules are on the page too
    assert "Public community page" in [h.value for h in at.subheader]
    assert "Suggested RAG" in [h.value for h in at.subheader]


def test_the_plans_page_creates_a_plan_and_the_sidebar_switches_to_it_in_the_url(seeded_sqlite,
                                                                                   people_sqlite) -> None:
    at = open_app("pages/plans.py", user=people_sqlite["admin"])
    assert list(at.dataframe[0].value["Short name"]) == ["southend-vv"]
    at.text_input(key=_key(at, "plan_new", "slug")).set_value("southend-vv")
    _click(at, "Create the plan")
    assert "There is already a plan 'southend-vv'" in _errors(at)
    assert "Give the plan's name" in _errors(at)
    at.text_input(key=_key(at, "plan_new", "slug")).set_value("essex-vv")
    at.text_input(key=_key(at, "plan_new", "name")).set_value("Essex V&V plan")
    at.text_input(key=_key(at, "plan_new", "organisation")).set_value("Essex County Council")
    at.text_input(key=_key(at, "plan_new", "marking")).set_value("official")
    _click(at, "Create the plan")
    assert at.success[0].value.startswith("Plan 'essex-vv' created.")
    assert list(at.dataframe[0].value["Short name"]) == ["southend-vv", "essex-vv"]
    # two plans: the sidebar offers them, and the choice is in the URL
    at.sidebar.selectbox(key="plan_slug").set_value("essex-vv").run()
    assert at.query_params["plan"] in ("essex-vv", ["essex-vv"])
    assert "OFFICIAL</div>" in markdown_text(at)
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="plan_slug").value == "essex-vv"


def test_next_years_plan_and_the_plan_file_from_the_plans_page(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/plans.py", user=people_sqlite["admin"])
    at.text_input(key=_key(at, "plan_refresh", "slug")).set_value("southend-vv-2027")
    at.text_input(key=_key(at, "plan_refresh", "name")).set_value("Violence & Vulnerability Local Action Plan")
    _click(at, "Make next year's plan")
    assert "is last year's name too" in _errors(at)
    at.text_input(key=_key(at, "plan_refresh", "name")).set_value("V&V Local Action Plan 2027-28")
    _click(at, "Make next year's plan")
    assert at.success[0].value == "Plan 'southend-vv-2027' made from 'southend-vv'."
    table = at.dataframe[0].value
    assert table.iloc[1]["Refreshed from"] == "southend-vv" and table.iloc[1]["Actions"] == 25
    at.button(key="plans_prepare_yaml").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Download OFFICIAL-SENSITIVE plan southend-vv") and label.endswith(".yaml")
               for label in labels), labels
    with session_scope() as session:
        assert [r["slug"] for r in plan_service.list_plan_rows(session, user=people_sqlite["admin"])] == [
            "southend-vv", "southend-vv-2027"]
        assert session.exec(select(Plan).where(Plan.slug == "southend-vv-2027")).one().refreshed_from_id
    # next year's action says what it carries forward, with a link to last year's
    at.sidebar.selectbox(key="plan_slug").set_value("southend-vv-2027").run()
    at.query_params["ref"] = "3.5"
    at.switch_page("pages/action_detail.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = markdown_text(at)
    assert ('Carried forward from <a href="/action_detail?plan=southend-vv&amp;ref=3.5" target="_self">'
            "Violence &amp; Vulnerability Local Action Plan, action 3.5</a>") in text


def test_the_action_page_says_what_the_plan_chose_and_labels_the_example(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/actions.py", user=people_sqlite["admin"])
    at.query_params["ref"] = "4.6"
    at.switch_page("pages/action_detail.py").run()
    text = markdown_text(at)
    assert "Example: an invented illustration" in text
    assert "Set by the plan, not the source document:</strong> Theme, Objective, Title, Description" in text
    at.selectbox(key="action_ref").set_value("3.1").run()
    text = markdown_text(at)
    assert "Example:" not in text
    assert "Objective, Owner, Lead agency" in text and "Theme," not in text.split("source document:")[1][:60]


def test_a_plan_file_is_checked_then_loaded_from_the_plans_page(seeded_sqlite, people_sqlite) -> None:
    from plan.setup import SEED_FILE

    good = SEED_FILE.read_bytes()
    broken = good.replace(b'  - ref: "2.3"\n    theme: Prevent', b'  - ref: "2.3"\n    theme: Prevension', 1)
    at = open_app("pages/plans.py", user=people_sqlite["admin"])
    at.file_uploader(key="plans_upload").upload("thurrock.yaml", broken, "application/yaml").run()
    at.text_input(key="plans_upload_slug").set_value("thurrock-vv")
    at.button(key="plans_check").click().run()
    problems = _errors(at)
    assert "thurrock.yaml line" in problems and "action 2.3.theme: 'Prevension' is not one of the plan's themes" \
        in problems, problems
    assert not [b for b in at.button if b.label.startswith("Load it as")]
    at.file_uploader(key="plans_upload").clear().upload("thurrock.yaml", good, "application/yaml").run()
    at.button(key="plans_check").click().run()
    assert "The file is good: plan 'thurrock-vv'" in unescaped(at.success[0].value)
    with session_scope() as session:  # the check wrote nothing
        assert session.exec(select(Plan).where(Plan.slug == "thurrock-vv")).first() is None
    _click(at, "Load it as plan 'thurrock-vv'")
    assert at.success[0].value == "Plan 'thurrock-vv' loaded."
    assert list(at.dataframe[0].value["Short name"]) == ["southend-vv", "thurrock-vv"]


def test_next_years_plan_can_leave_the_findings_behind(seeded_sqlite, people_sqlite) -> None:
    from models import Finding

    def findings(slug: str) -> int:
        with session_scope() as session:
            plan = session.exec(select(Plan).where(Plan.slug == slug)).one()
            return len(session.exec(select(Finding).where(Finding.plan_id == plan.id)).all())

    at = open_app("pages/plans.py", user=people_sqlite["admin"])
    carry = next(c for c in at.checkbox if c.label.startswith("Carry the needs-assessment findings forward"))
    assert carry.value is True  # carried by default
    for slug, name, keep in (("southend-vv-2027", "V&V Local Action Plan 2027-28", True),
                             ("southend-vv-new-sna", "V&V Local Action Plan (new needs assessment)", False)):
        at.text_input(key=_key(at, "plan_refresh", "slug")).set_value(slug)
        at.text_input(key=_key(at, "plan_refresh", "name")).set_value(name)
        next(c for c in at.checkbox if c.label.startswith("Carry the needs-assessment")).set_value(keep)
        _click(at, "Make next year's plan")
        assert at.success[0].value == f"Plan '{slug}' made from 'southend-vv'.", _errors(at)
    assert (findings("southend-vv"), findings("southend-vv-2027"), findings("southend-vv-new-sna")) == (5, 5, 0)
