"""What a user never sees: database errors, user text rendered as Markdown, the tables' own CSV export."""

import tomllib

from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from plan.db import session_scope
from plan.due_dates import request_revision
from tests.ui.helpers import ROOT, markdown_text, open_app, signed_in

HOSTILE = "![x](http://203.0.113.9/beacon.png) [Re-enter your password](http://203.0.113.9/login) :red[alarm]"


def test_a_database_error_shows_a_plain_message_without_sql_or_paths(people_sqlite, monkeypatch) -> None:
    import plan.actions

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError('SELECT action.title FROM action WHERE lower(action.title) LIKE ?', {},
                               Exception("/work/main/data/plan.db: disk I/O error"))

    monkeypatch.setattr(plan.actions, "list_actions", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at, people_sqlite["viewer"])
    at.run()
    at.switch_page("pages/actions.py").run()
    shown = " ".join([e.value for e in at.error] + [e.value for e in at.exception] + [markdown_text(at)])
    # app.py's router says it in plain words; a page run on its own (AppTest switches pages that way)
    # gets Streamlit's redacted message, as client.showErrorDetails = "none" asks. Neither leaks.
    assert ("Something went wrong on this page, and nothing more was saved." in shown
            or "The original error message is redacted" in shown)
    for leak in ("SELECT", "action.title", "/work/main", "plan.db", "OperationalError"):
        assert leak not in shown


def test_user_text_is_never_rendered_as_markdown(seeded_sqlite, people_sqlite) -> None:
    """A person's name in the sidebar and a due-date reason on the pages show as typed."""
    with session_scope() as session:
        request_revision(session, user=people_sqlite["owner"], plan_id=seeded_sqlite.id, ref="3.5",
                         new_date="31/12/2027", reason=HOSTILE, personal_data_confirmed=True)
    for page in ("pages/overview.py", "pages/actions.py", "pages/due_dates.py", "pages/action_detail.py"):
        at = open_app(page, user=people_sqlite["admin"], action_ref="3.5")
        markdown = markdown_text(at) + " ".join(c.value for c in at.caption) + " ".join(t.value for t in at.title)
        assert "](http" not in markdown, page  # a link or image in Markdown would render (and call out)
        assert ":red[" not in markdown, page


def test_the_tables_own_csv_download_and_error_details_are_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    assert config["client"]["showErrorDetails"] == "none"
