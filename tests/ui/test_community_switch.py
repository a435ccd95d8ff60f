"""The community page's switch (ui/community_switch.py) in AppTest: the toggle shows the database's
setting, writes only when moved, shows the public address while on, and a non-admin's move is
refused in words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from plan.community import community_view, community_view_on, set_community_view
from plan.db import session_scope
from plan.identity import Actor


def _switch_script() -> None:
    import streamlit as st

    from plan.db import session_scope
    from plan.identity import Actor
    from plan.plans import plan_frame
    from plan.vocab import Role
    from ui.community_switch import community_switch

    with session_scope() as session:
        frame = plan_frame(session)
    role = Role(st.session_state.get("role", "admin"))
    community_switch(frame, Actor(None, "Sam Secretariat", "secretariat@southend.gov.uk", role))


def _open(role: str = "admin") -> AppTest:
    at = AppTest.from_function(_switch_script, default_timeout=30)
    at.session_state["role"] = role
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_switching_on_shows_the_address_and_off_hides_the_page(seeded_sqlite) -> None:  # noqa: ANN001
    at = _open()
    toggle = at.toggle(key=f"community_view_{seeded_sqlite.id}")
    assert toggle.value is False and toggle.label == "Publish this plan's community page"
    assert not at.code
    toggle.set_value(True).run()
    assert not at.exception and not at.error
    with session_scope() as session:
        assert community_view_on(session, plan_id=seeded_sqlite.id)
        assert community_view(session, seeded_sqlite.slug) is not None
    assert at.code[0].value.endswith(f"/community/{seeded_sqlite.slug}")
    assert at.session_state["flash"].startswith("The community page is on")
    at.toggle(key=f"community_view_{seeded_sqlite.id}").set_value(False).run()
    with session_scope() as session:
        assert community_view(session, seeded_sqlite.slug) is None
    assert not at.code


def test_the_toggle_follows_the_database_and_does_not_write_by_itself(seeded_sqlite) -> None:  # noqa: ANN001
    at = _open()
    with session_scope() as session:  # another admin switches it on in another tab
        set_community_view(session, user=Actor.system(), plan_id=seeded_sqlite.id, on=True)
    at.run()
    assert at.toggle(key=f"community_view_{seeded_sqlite.id}").value is True
    with session_scope() as session:
        assert community_view_on(session, plan_id=seeded_sqlite.id)


def test_a_chair_moving_it_is_refused_in_words(seeded_sqlite) -> None:  # noqa: ANN001
    at = _open("chair")
    at.toggle(key=f"community_view_{seeded_sqlite.id}").set_value(True).run()
    assert "cannot switch the public community page on or off" in at.error[0].value
    assert at.toggle(key=f"community_view_{seeded_sqlite.id}").value is False
    with session_scope() as session:
        assert not community_view_on(session, plan_id=seeded_sqlite.id)
