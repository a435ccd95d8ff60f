"""Everyday gaps (issue 21, item 7) as a user meets them on the pages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest


def test_a_filter_with_two_values_comes_back_after_sign_in(tmp_path: Path) -> None:
    """/actions?rag=red&rag=amber: the way back after signing in keeps both values, not the last."""
    script = tmp_path / "where.py"
    script.write_text("import streamlit as st\nfrom ui.session import current_path\nst.text(current_path())\n")
    at = AppTest.from_file(str(script), default_timeout=30)
    at.query_params["rag"] = ["red", "amber"]
    at.query_params["theme"] = "Prevent"
    at.run()
    assert not at.exception
    assert at.text[0].value == "/?rag=red&rag=amber&theme=Prevent"


def test_the_actions_list_an_actions_history_and_a_meetings_invite_are_offered(seeded_sqlite, people_sqlite) -> None:
    from datetime import date

    from plan import meetings
    from plan.db import session_scope
    from tests.ui.helpers import open_app

    admin = people_sqlite["admin"]
    at = open_app("pages/actions.py", user=admin)
    at.button(key="actions_export_prepare").click().run()
    assert not at.exception and not at.error
    assert [d.proto.label for d in at.get("download_button")][-1].startswith("Download ")
    assert "actions" in at.get("download_button")[-1].proto.label

    at = open_app("pages/action_detail.py", user=admin)
    at.query_params["ref"] = "3.5"
    at.run()
    at.button(key="history_export_prepare").click().run()
    assert not at.exception and not at.error
    assert "action 3.5 history" in at.get("download_button")[-1].proto.label

    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=seeded_sqlite.id, held_on=date.today(),
                                       round_id=None)
    at = open_app("pages/meetings.py", user=admin)
    at.query_params["meeting"] = str(made["id"])
    at.run()
    at.button(key="invite_prepare").click().run()
    assert not at.exception and not at.error
    assert at.get("download_button")[-1].proto.label.endswith(".ics")


def test_a_person_switches_their_e_mails_off_on_my_actions(seeded_sqlite, people_sqlite) -> None:
    from plan import notify
    from plan.db import session_scope
    from tests.ui.helpers import open_app

    owner = people_sqlite["owner"]
    at = open_app("pages/my_actions.py", user=owner)
    toggle = at.toggle(key="email_notifications")
    assert toggle.value is True
    toggle.set_value(False).run()
    assert not at.exception
    with session_scope() as session:
        assert notify.wants_email(session, user=owner) is False
