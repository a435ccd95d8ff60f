"""The Users page offers the clearance box only to someone who may tick it."""

from plan.db import session_scope
from plan.users import actor_for_email, add_user
from tests.ui.helpers import open_app

UNA = "una@southend.gov.uk"


def test_an_uncleared_admin_cannot_tick_their_own_clearance_box(people_sqlite) -> None:  # noqa: ANN001
    with session_scope() as session:
        add_user(session, user=people_sqlite["admin"], email=UNA, name="Una Uncleared", role="admin")
    with session_scope() as session:
        una = actor_for_email(session, UNA)
    at = open_app("pages/users.py", user=una)
    assert at.checkbox(key="new_cleared").disabled
    at.selectbox(key="edit_email").set_value(UNA).run()
    box = at.checkbox(key="edit_cleared")
    assert box.disabled and "Only an admin who is cleared" in box.help
    # Ticked anyway (a crafted widget state): the save leaves clearance as it was.
    at.session_state["edit_cleared"] = True
    next(b for b in at.button if b.label == "Save changes").click().run()
    with session_scope() as session:
        assert not actor_for_email(session, UNA).cleared_for_restricted
    # A cleared admin may clear Una, not themselves.
    at = open_app("pages/users.py", user=people_sqlite["admin"])
    assert not at.checkbox(key="new_cleared").disabled
    at.selectbox(key="edit_email").set_value(people_sqlite["admin"].email).run()
    assert at.checkbox(key="edit_cleared").disabled
    at.selectbox(key="edit_email").set_value(UNA).run()
    at.checkbox(key="edit_cleared").check()
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert at.success[0].value.startswith("Saved")
    with session_scope() as session:
        assert actor_for_email(session, UNA).cleared_for_restricted
