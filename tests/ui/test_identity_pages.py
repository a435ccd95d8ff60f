"""Sign-in, role-based navigation and the secretariat's pages, through AppTest."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models import SignInSession
from plan.db import session_scope
from plan.identity import Actor
from plan.signin import WRONG
from plan.users import add_user
from tests.ui.helpers import markdown_text, open_app

PASSWORD = "bright lanterns over the estuary"

ALL = {"pages/overview.py", "pages/actions.py", "pages/action_detail.py"}
BY_ROLE = {
    "admin": ALL | {"pages/my_actions.py", "pages/audit_trail.py", "pages/users.py", "pages/plan_settings.py",
                    "pages/update_round.py", "pages/due_dates.py"},
    "chair": ALL | {"pages/audit_trail.py", "pages/update_round.py", "pages/due_dates.py"},
    "owner": ALL | {"pages/my_actions.py"},
    "contributor": ALL,
    "viewer": ALL,
}
EVERY_PAGE = sorted(BY_ROLE["admin"])


def _sign_in(at, email: str, password: str):  # noqa: ANN001, ANN202
    at.text_input(key="signin_email").set_value(email)
    at.text_input(key="signin_password").set_value(password)
    at = next(b for b in at.button if b.label == "Sign in").click().run()
    if at.success and "You are signed in" in at.success[0].value:
        # a browser now goes to /api/session for its cookie and lands on the plan: the next run
        assert [b.label for b in at.get("link_button")] == ["Continue"]
        at.run()
    return at


def test_nobody_sees_the_plan_before_signing_in(seeded_sqlite) -> None:
    at = open_app()
    assert at.title[0].value == "Violence & Vulnerability Local Action Plan"
    assert not at.metric and not at.dataframe
    with pytest.raises(ValueError):
        at.switch_page("pages/actions.py").run()


def test_the_first_admin_can_be_created_on_an_embedded_install(seeded_sqlite) -> None:
    at = open_app()
    at.text_input(key="first_name").set_value("Ada Admin")
    at.text_input(key="first_email").set_value("ada@southend.gov.uk")
    at.text_input(key="first_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "Create admin account and sign in").click().run()
    # the new admin is signed in at once, not asked for the same email and password again
    assert at.success[0].value == ("Account created for ada@southend.gov.uk. You are signed in as Ada Admin. "
                                   "Opening the plan…")
    at.run()
    assert "Signed in as **Ada Admin** (admin)" in markdown_text(at)
    assert "There are no accounts yet" not in markdown_text(at) + " ".join(i.value for i in at.info)
    # with an account in place the offer is gone
    assert not [b for b in open_app().button if b.label.startswith("Create admin account")]


def test_wrong_password_and_unknown_email_read_the_same(people_sqlite) -> None:
    with session_scope() as session:
        add_user(session, user=Actor.system(), email="pw@southend.gov.uk", name="Pat", role="viewer",
                 password=PASSWORD)
    wrong = _sign_in(open_app(), "pw@southend.gov.uk", "nope nope nope")
    unknown = _sign_in(open_app(), "ghost@southend.gov.uk", "nope nope nope")
    assert wrong.error[0].value == unknown.error[0].value == WRONG
    at = _sign_in(open_app(), "pw@southend.gov.uk", PASSWORD)
    assert not at.error
    assert [m.label for m in at.metric] == ["Prepare", "Prevent", "Protect", "Pursue"]


@pytest.mark.parametrize("role", list(BY_ROLE))
def test_each_role_is_offered_only_its_pages(people_sqlite, role) -> None:
    for page in EVERY_PAGE:
        # a fresh session per page: after a page calls st.stop(), AppTest forgets the navigation
        at = open_app(user=people_sqlite[role], action_ref="1.1")
        if page in BY_ROLE[role]:
            at.switch_page(page).run()
            assert not at.exception, (role, page, [e.value for e in at.exception])
            assert "OFFICIAL-SENSITIVE" in markdown_text(at)
        else:
            with pytest.raises(ValueError):
                at.switch_page(page).run()


def test_the_secretariat_adds_a_user_and_it_is_audited(people_sqlite) -> None:
    at = open_app("pages/users.py", user=people_sqlite["admin"])
    at.text_input(key="new_name").set_value("Nina Nurse")
    at.text_input(key="new_email").set_value("nina@nhs.net")
    at.selectbox(key="new_agency").set_value("Essex Partnership University NHS Foundation Trust")
    at.selectbox(key="new_role").set_value("owner")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert at.success[0].value == "Added Nina Nurse as owner."
    table = at.dataframe[0].value
    assert table.loc[table["Email"] == "nina@nhs.net", "Signs in with"].iloc[0] == "Organisation account"
    at.text_input(key="new_email").set_value("not-an-email")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert "'not-an-email' is not an email address" in at.error[0].value.replace("\\", "")  # escaped Markdown
    at.switch_page("pages/audit_trail.py").run()
    log = at.dataframe[0].value
    assert (log.iloc[0]["Event"], log.iloc[0]["Code"]) == ("User added", "user.create")
    assert log.iloc[0]["About"] == "nina@nhs.net"
    assert log.iloc[0]["Who"] == "Sam Secretariat <secretariat@southend.gov.uk>"


def test_a_chair_exports_the_audit_trail(people_sqlite) -> None:
    at = open_app("pages/audit_trail.py", user=people_sqlite["chair"])
    at.selectbox(key="audit_kind").set_value("Users and roles").run()
    shown = at.dataframe[0].value
    assert set(shown["Event"]) == {"User added"} and set(shown["Code"]) == {"user.create"}
    at.button(key="audit_export").click().run()
    assert at.get("download_button")[0].label == "Download audit trail (Excel)"
    content, filename = at.session_state["audit_workbook"]
    assert filename.startswith("OFFICIAL-SENSITIVE audit-trail")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"
    assert sheet.max_row - 5 == len(shown)  # marking, title, the filter line, a blank, the header
    at.selectbox(key="audit_kind").set_value("Exports").run()
    assert at.dataframe[0].value.iloc[0]["Who"] == "Chris Chair <chair@southend.gov.uk>"


def test_changing_the_marking_shows_on_every_page(people_sqlite) -> None:
    at = open_app("pages/plan_settings.py", user=people_sqlite["admin"])
    at.text_input(key="setting_marking").set_value("official")
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert at.success[0].value == "Settings saved."
    at.switch_page("pages/actions.py").run()
    assert "OFFICIAL</div>" in markdown_text(at) and "OFFICIAL-SENSITIVE" not in markdown_text(at)


def test_sign_out_and_idle_time_out(people_sqlite) -> None:
    at = open_app(user=people_sqlite["viewer"])
    at.button(key="sign_out").click().run()
    assert "You are signed out." in [i.value for i in at.info] and not at.metric
    at.run()  # the browser has gone to /api/session/end and back: a new run
    assert "Sign in" in [b.label for b in at.button] and not at.metric
    # signed out means signed out: the same browser session is not signed in again on the next run
    at.run()
    assert "Sign in" in [b.label for b in at.button] and not at.metric
    at = open_app(user=people_sqlite["viewer"])
    with session_scope() as session:  # 31 minutes pass without a click
        session.execute(update(SignInSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    at.run()
    assert "You were signed out after a while without activity. Sign in again." in at.warning[0].value
    assert not at.metric


def test_a_disabled_account_is_signed_out_at_once(people_sqlite) -> None:
    from plan.users import update_user

    at = open_app(user=people_sqlite["viewer"])
    assert at.metric
    with session_scope() as session:
        update_user(session, user=people_sqlite["admin"], email="viewer@thurrock.gov.uk", active=False)
    at.run()
    assert "no longer active" in at.warning[0].value and not at.metric


def test_single_sign_on_maps_the_email_to_a_person(people_sqlite) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.ui.helpers import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
    at.user = {"is_logged_in": True, "email": "Chair@Southend.gov.uk", "name": "Chris Chair"}
    at.run()
    assert "Signed in as **Chris Chair** (chair)" in markdown_text(at)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"client_id": "id"}
    at.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at.run()
    assert "stranger@example.org, but that account has no access to this plan" in at.warning[0].value
