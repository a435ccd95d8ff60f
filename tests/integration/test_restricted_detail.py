"""Restricted (police-sensitive) detail reaches only cleared users on every screen that names an
action: Due dates, the Update round (still owed, by owner, reminders) and My actions, with
clearance taken from the Actor on every read, so removing it takes effect on the next page run.
Counts stay whole: a restricted action is counted, only its words are hidden."""

from datetime import date

import pytest

from plan import due_dates, rounds
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.identity import Actor
from plan.my_actions import my_actions
from plan.updates import record_update
from plan.users import actor_for_email, add_user, assign_owner, update_user

TODAY = date(2026, 11, 28)
REF = "4.6"  # restricted in the seed plan
TITLE = "Joint cross-border disruption of county lines with Thurrock and Essex partners"
RHEA = "rhea@essex.police.uk"  # a cleared owner of the restricted action
SECRET_REASON = "Operation Nightjar moved to the spring"
SECRET_NOTE = "Wait for the Nightjar debrief first"
SECRET_COMMENTARY = "Nightjar briefing held with Thurrock"


def _fresh(email: str) -> Actor:
    """The Actor as a page run builds it: read from the database now."""
    with session_scope() as session:
        actor = actor_for_email(session, email)
    assert actor is not None
    return actor


@pytest.fixture
def rhea(seeded, people) -> Actor:  # noqa: ANN001
    with session_scope() as session:
        add_user(session, user=people["admin"], email=RHEA, name="Rhea Ridley", role="owner",
                 agency="Essex Police", cleared_for_restricted=True)
        add_user(session, user=people["admin"], email="una@southend.gov.uk", name="Una Uncleared", role="admin",
                 cleared_for_restricted=False)
    with session_scope() as session:
        assign_owner(session, user=people["admin"], plan_id=seeded.id, ref=REF, email=RHEA)
    return _fresh(RHEA)


def _texts(rows: list[dict]) -> str:
    return repr(rows)


def test_due_dates_hide_restricted_requests_from_users_not_cleared(seeded, people, rhea) -> None:
    admin, chair = people["admin"], people["chair"]
    with session_scope() as session:
        due_dates.request_revision(session, user=rhea, plan_id=seeded.id, ref=REF, new_date="30/06/2027",
                                   reason=SECRET_REASON)
    with session_scope() as session:
        seen_by_chair = due_dates.requests(session, user=chair, plan_id=seeded.id)
        seen_by_admin = due_dates.requests(session, user=admin, plan_id=seeded.id)
    [masked], [whole] = seen_by_chair, seen_by_admin
    assert (whole["title"], whole["reason"], whole["by"]) == (TITLE, SECRET_REASON, "Rhea Ridley")
    assert masked["ref"] == REF and masked["to"] == date(2027, 6, 30)  # the request itself is counted and dated
    assert (masked["title"], masked["reason"], masked["by"]) == (RESTRICTED_TITLE, RESTRICTED_TEXT, RESTRICTED_TEXT)

    with session_scope() as session:
        due_dates.decide(session, user=admin, plan_id=seeded.id, request_id=whole["id"], approve=False,
                         note=SECRET_NOTE)
    with session_scope() as session:
        [decided] = due_dates.requests(session, user=chair, plan_id=seeded.id, pending_only=False)
        [decided_whole] = due_dates.requests(session, user=admin, plan_id=seeded.id, pending_only=False)
    assert decided_whole["note"] == SECRET_NOTE and decided_whole["decided_by"] == admin.name
    assert decided["decision"] == "declined"
    assert (decided["note"], decided["decided_by"], decided["by"]) == (RESTRICTED_TEXT,) * 3
    for secret in (TITLE, SECRET_REASON, SECRET_NOTE, "Rhea", "Ridley"):
        assert secret not in _texts([decided]) + _texts(seen_by_chair)
    # Deciding is for the cleared only (so nobody uncleared learns who decided); a cleared user is told who.
    with session_scope() as session, pytest.raises(NotAllowed) as refused:
        due_dates.decide(session, user=chair, plan_id=seeded.id, request_id=whole["id"], approve=True)
    assert str(refused.value).startswith(f"Action {REF} is restricted")
    with session_scope() as session, pytest.raises(InvalidInput, match=f"already declined by {admin.name}"):
        due_dates.decide(session, user=admin, plan_id=seeded.id, request_id=whole["id"], approve=True)


def test_update_round_hides_who_owes_a_restricted_action(seeded, people, rhea) -> None:
    admin, chair = people["admin"], people["chair"]
    una = _fresh("una@southend.gov.uk")
    with session_scope() as session:
        current = rounds.open_round(session, user=admin, plan_id=seeded.id, period="2026-Q4",
                                    deadline=date(2026, 12, 12), today=TODAY)
    with session_scope() as session:
        owed_chair = rounds.owing(session, user=chair, plan_id=seeded.id, round_id=current.id)
        owed_admin = rounds.owing(session, user=admin, plan_id=seeded.id, round_id=current.id)
        by_owner_chair = rounds.completeness(session, user=chair, plan_id=seeded.id, round_id=current.id, by="owner")
        by_owner_admin = rounds.completeness(session, user=admin, plan_id=seeded.id, round_id=current.id, by="owner")
        by_agency_chair = rounds.completeness(session, user=chair, plan_id=seeded.id, round_id=current.id)
    # Still owed: the row is there (counts whole), its words are not.
    assert len(owed_chair) == len(owed_admin) == 25
    whole = next(r for r in owed_admin if r["ref"] == REF)
    assert (whole["title"], whole["owner"], whole["email"]) == (TITLE, "Rhea Ridley", RHEA)
    masked = next(r for r in owed_chair if r["ref"] == REF)
    assert (masked["title"], masked["owner"], masked["email"]) == (RESTRICTED_TITLE, RESTRICTED_TEXT,
                                                                   RESTRICTED_TEXT)
    assert masked["agency"] == "Essex Police"  # the lead agency is shown for every action
    assert not any(secret in _texts(owed_chair) for secret in (TITLE, "Rhea", RHEA))
    # By owner: the restricted action is counted under "Restricted", never under its owner's name.
    owners_chair = {r["group"]: r for r in by_owner_chair}
    assert "Rhea Ridley" in {r["group"] for r in by_owner_admin}
    assert "Rhea Ridley" not in owners_chair and owners_chair[RESTRICTED_TEXT]["owed"] == 1
    assert sum(r["owed"] for r in by_owner_chair) == sum(r["owed"] for r in by_owner_admin) == 25
    assert sum(r["owed"] for r in by_agency_chair) == 25

    # Reminders: a cleared secretariat member sees who is chased for 4.6; an uncleared one does not.
    with session_scope() as session:
        cleared_messages, _ = rounds.chasers(session, user=admin, plan_id=seeded.id)
        una_messages, una_unnamed = rounds.chasers(session, user=una, plan_id=seeded.id)
        withheld = rounds.withheld_chasers(session, user=una, plan_id=seeded.id)
        assert rounds.withheld_chasers(session, user=admin, plan_id=seeded.id) == []
    assert (RHEA, [REF]) in [(m.email, m.refs) for m in cleared_messages]
    assert RHEA not in [m.email for m in una_messages]
    assert not any(REF in m.refs or "Rhea" in m.body for m in una_messages)
    assert REF not in una_unnamed and withheld == [REF]
    # Everyone else is chased the same.
    assert [(m.email, m.refs) for m in una_messages] == [(m.email, m.refs) for m in cleared_messages
                                                         if m.email != RHEA]

    # What a closed round froze carries no words, only ratings, statuses and dates.
    with session_scope() as session:
        rounds.close_round(session, user=admin, plan_id=seeded.id)
    with session_scope() as session:
        frozen = rounds.frozen(session, user=chair, round_id=current.id)
    assert len(frozen) == 25
    assert all(set(row) == {"rag", "delivery_status", "due", "update_id", "updated_in_round"}
               for row in frozen.values())


def _updated_and_sent_back(seeded, admin, rhea) -> None:  # noqa: ANN001
    """A round open, the restricted action updated by its cleared owner and sent back with a note."""
    with session_scope() as session:
        rounds.open_round(session, user=admin, plan_id=seeded.id, period="2026-Q4", deadline=date(2026, 12, 12),
                          today=TODAY)
    with session_scope() as session:
        record_update(session, user=rhea, plan_id=seeded.id, ref=REF, rag="amber", delivery_status="in_progress",
                      commentary=SECRET_COMMENTARY)
    with session_scope() as session:
        rounds.return_update(session, user=admin, plan_id=seeded.id, ref=REF, note=SECRET_NOTE)


def test_an_owner_who_loses_clearance_no_longer_sees_the_detail(seeded, people, rhea) -> None:
    admin = people["admin"]
    _updated_and_sent_back(seeded, admin, rhea)
    with session_scope() as session:
        [row] = my_actions(session, user=_fresh(RHEA), plan_id=seeded.id, today=TODAY)
    assert (row["title"], row["last_commentary"], row["returned_note"]) == (TITLE, SECRET_COMMENTARY, SECRET_NOTE)

    with session_scope() as session:
        update_user(session, user=admin, email=RHEA, cleared_for_restricted=False)
    with session_scope() as session:
        [row] = my_actions(session, user=_fresh(RHEA), plan_id=seeded.id, today=TODAY)
    # Still listed (it is still theirs, and its rating shows), but its words are gone.
    assert row["ref"] == REF and row["rag_label"] == "Amber" and row["owes"] is True
    assert (row["title"], row["last_commentary"], row["returned_note"]) == (RESTRICTED_TITLE, RESTRICTED_TEXT,
                                                                            RESTRICTED_TEXT)
    assert not any(secret in repr(row) for secret in (TITLE, SECRET_COMMENTARY, SECRET_NOTE))


def test_a_restricted_actions_sent_back_note_is_masked_on_its_page(seeded, people, rhea) -> None:
    from plan.actions import action_detail

    admin = people["admin"]
    _updated_and_sent_back(seeded, admin, rhea)
    with session_scope() as session:
        cleared = action_detail(session, user=admin, plan_id=seeded.id, ref=REF)
        viewer = action_detail(session, user=people["viewer"], plan_id=seeded.id, ref=REF)
    assert cleared["updates"][0]["returned"]["note"] == SECRET_NOTE
    assert viewer["updates"][0]["returned"] == {"by": RESTRICTED_TEXT, "at": cleared["updates"][0]["returned"]["at"],
                                                "note": RESTRICTED_TEXT}
    assert SECRET_NOTE not in repr(viewer)
