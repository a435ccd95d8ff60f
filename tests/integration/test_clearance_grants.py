"""Clearance for restricted items is granted (or removed) only by a cleared admin or the command
line, never by a person for themselves, and every grant is in the audit trail."""

import pytest

from plan import audit
from plan.db import session_scope
from plan.errors import NotAllowed
from plan.identity import Actor
from plan.users import actor_for_email, add_user, may_change_clearance, update_user

UNA = "una@southend.gov.uk"  # an admin who is not cleared


@pytest.fixture
def una(seeded, people) -> Actor:  # noqa: ANN001
    with session_scope() as session:
        add_user(session, user=people["admin"], email=UNA, name="Una Uncleared", role="admin")
    with session_scope() as session:
        actor = actor_for_email(session, UNA)
    assert actor is not None and not actor.cleared_for_restricted
    return actor


def _cleared(email: str) -> bool:
    with session_scope() as session:
        actor = actor_for_email(session, email)
    assert actor is not None
    return actor.cleared_for_restricted


def test_an_uncleared_admin_cannot_clear_themselves(una) -> None:  # noqa: ANN001
    with session_scope() as session, pytest.raises(NotAllowed, match="Only an admin who is cleared"):
        update_user(session, user=una, email=UNA, cleared_for_restricted=True)
    assert not _cleared(UNA)
    with session_scope() as session:
        assert "Only an admin who is cleared" in may_change_clearance(session, user=una, email=UNA)


def test_an_uncleared_admin_cannot_clear_anyone_else(una, people) -> None:  # noqa: ANN001
    with session_scope() as session, pytest.raises(NotAllowed, match="Only an admin who is cleared"):
        update_user(session, user=una, email="chair@southend.gov.uk", cleared_for_restricted=True)
    with session_scope() as session, pytest.raises(NotAllowed, match="Only an admin who is cleared"):
        add_user(session, user=una, email="new@southend.gov.uk", name="New Person", role="owner",
                 cleared_for_restricted=True)
    with session_scope() as session, pytest.raises(NotAllowed, match="Only an admin who is cleared"):
        # nor take clearance away from someone who has it
        update_user(session, user=una, email=people["admin"].email, cleared_for_restricted=False)
    assert not _cleared("chair@southend.gov.uk") and _cleared(people["admin"].email)
    # Other changes need no clearance, and the clearance box left as it is is not a change.
    with session_scope() as session:
        update_user(session, user=una, email="chair@southend.gov.uk", name="Chris Chairman",
                    cleared_for_restricted=False)
        add_user(session, user=una, email="new@southend.gov.uk", name="New Person", role="owner")


def test_a_stale_actor_does_not_carry_clearance_the_database_took_away(una, people) -> None:  # noqa: ANN001
    admin = people["admin"]
    with session_scope() as session:  # Sam's clearance is removed, but Sam's page still holds the old Actor
        update_user(session, user=Actor.system("command line"), email=admin.email, cleared_for_restricted=False)
    with session_scope() as session, pytest.raises(NotAllowed, match="Only an admin who is cleared"):
        update_user(session, user=admin, email=UNA, cleared_for_restricted=True)


def test_a_cleared_admin_cannot_change_their_own_clearance_either(people) -> None:  # noqa: ANN001
    admin = people["admin"]
    with session_scope() as session, pytest.raises(NotAllowed, match="your own clearance"):
        update_user(session, user=admin, email=admin.email, cleared_for_restricted=False)


def test_a_cleared_admin_or_the_command_line_grants_it_and_the_grant_is_audited(una, people) -> None:  # noqa: ANN001
    with session_scope() as session:
        update_user(session, user=people["admin"], email=UNA, cleared_for_restricted=True)
    assert _cleared(UNA)
    with session_scope() as session:
        update_user(session, user=Actor.system("command line"), email="chair@southend.gov.uk",
                    cleared_for_restricted=True)
    assert _cleared("chair@southend.gov.uk")
    with session_scope() as session:
        events, _ = audit.list_events(session, user=people["admin"], filters=audit.AuditFilter(event_prefix="user."))
    grants = [(e["entity_key"], e["actor"], e["after"]) for e in events if e["event"] == "user.role_change"]
    assert ("chair@southend.gov.uk", "command line", '{"cleared_for_restricted": true}') in grants
    assert (UNA, f"{people['admin'].name} <{people['admin'].email}>", '{"cleared_for_restricted": true}') in grants
