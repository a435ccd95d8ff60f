"""One update per form, every broken rule at once, safe evidence links, clearance on every write."""

from dataclasses import replace

import pytest
from sqlmodel import func, select

from models import Action, StatusUpdate
from plan.db import session_scope
from plan.errors import InvalidFields, InvalidInput, NotAllowed
from plan.updates import record_update


def _count(ref: str | None = None) -> int:
    with session_scope() as session:
        return int(session.exec(select(func.count()).select_from(StatusUpdate)).one())


def test_the_same_form_sent_twice_is_saved_once(seeded, people) -> None:
    owner = people["owner"]
    with session_scope() as session:
        version = session.exec(select(Action.version).where(Action.plan_id == seeded.id, Action.ref == "3.5")).one()
    for _ in range(3):  # a double click, then a network retry
        with session_scope() as session:
            update = record_update(session, user=owner, plan_id=seeded.id, ref="3.5", rag="amber",
                                   delivery_status="in_progress", commentary="Venue booked", expected_version=version,
                                   submission_key="form-3.5-abc")
            first_id = update.id
    assert _count() == 1
    with session_scope() as session:  # another form (a new key) is another update
        record_update(session, user=owner, plan_id=seeded.id, ref="3.5", rag="amber", delivery_status="in_progress",
                      commentary="Second week", submission_key="form-3.5-def")
    assert _count() == 2 and first_id is not None


def test_every_broken_rule_is_reported_at_once_by_field(seeded, people) -> None:
    with pytest.raises(InvalidFields) as caught, session_scope() as session:
        record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="blue",
                      delivery_status="in_progress", commentary="", evidence_url="")
    problems = caught.value.problems
    assert set(problems) == {"commentary", "delivery_status"}
    assert problems["commentary"].startswith("Commentary is required when the RAG is Blue")
    assert problems["delivery_status"].startswith("Blue means complete")
    with pytest.raises(InvalidFields) as caught, session_scope() as session:
        record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="green",
                      delivery_status="complete", commentary="Done", blockers="x" * 4001)
    assert set(caught.value.problems) == {"blockers", "evidence_url"}
    assert _count() == 0


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>1</script>", "file:///etc/passwd",
                                  "http://intranet/report", "www.southend.gov.uk/report", "https://", "https://a b"])
def test_evidence_links_are_https_web_addresses_only(seeded, people, link) -> None:
    with pytest.raises(InvalidFields) as caught, session_scope() as session:
        record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="blue",
                      delivery_status="complete", commentary="Done", evidence_url=link)
    assert caught.value.problems == {"evidence_url": (
        "The evidence link must be a web address starting with https:// (for example "
        "https://www.southend.gov.uk/report.pdf), with no spaces.")}
    assert _count() == 0


def test_control_characters_never_reach_the_database(seeded, people) -> None:
    with session_scope() as session:
        record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="amber",
                      delivery_status="in_progress", commentary="Venue\x00 booked\x1b[31m", blockers="none\u200b")
    with session_scope() as session:
        row = session.exec(select(StatusUpdate)).one()
    assert (row.commentary, row.blockers) == ("Venue booked[31m", "none")


def test_clearance_is_checked_on_every_write(seeded, people, admin) -> None:
    from plan.users import update_user

    # the secretariat (cleared) may update restricted 4.6; with clearance removed, it may not
    with session_scope() as session:
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="4.6", rag="amber",
                      delivery_status="in_progress", commentary="Operation planned")
    with session_scope() as session:
        update_user(session, user=admin, email=people["admin"].email, cleared_for_restricted=False)
    uncleared = replace(people["admin"], cleared_for_restricted=False)
    with pytest.raises(NotAllowed, match="only if cleared for restricted items"), session_scope() as session:
        record_update(session, user=uncleared, plan_id=seeded.id, ref="4.6", rag="red",
                      delivery_status="in_progress", commentary="Should not land")
    assert _count() == 1


def test_a_search_too_long_is_refused_with_a_clear_message(seeded, people) -> None:
    from plan.actions import ActionFilter, list_actions
    from plan.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Search is 100,000 characters; search with at most 200"), \
            session_scope() as session:
        list_actions(session, user=people["viewer"], plan_id=seeded.id, filters=ActionFilter(text="%_" * 50_000))
    with session_scope() as session:  # NUL and escape codes in a search are dropped, not sent to the database
        rows, total = list_actions(session, user=people["viewer"], plan_id=seeded.id,
                                   filters=ActionFilter(text="A&E\x00\x1b"))
    assert [r["ref"] for r in rows] == ["3.5"]


def test_who_owns_a_restricted_action_is_seen_and_changed_only_by_the_cleared(seeded, people) -> None:
    from plan.users import assign_owner, assign_owner_many, owners_and_delegates, set_delegate

    uncleared = replace(people["admin"], cleared_for_restricted=False)
    for call in (lambda s: owners_and_delegates(s, user=uncleared, plan_id=seeded.id, ref="4.6"),
                 lambda s: assign_owner(s, user=uncleared, plan_id=seeded.id, ref="4.6", email=people["admin"].email),
                 lambda s: set_delegate(s, user=uncleared, plan_id=seeded.id, ref="4.6", email=people["admin"].email)):
        with pytest.raises(NotAllowed, match="only someone cleared for restricted items"), session_scope() as session:
            call(session)
    with pytest.raises(InvalidInput, match="Action 4.6 is restricted"), session_scope() as session:
        assign_owner_many(session, user=uncleared, plan_id=seeded.id, refs=["3.5", "4.6"], email=people["admin"].email)
    with session_scope() as session:  # the cleared secretariat still can
        assert owners_and_delegates(session, user=people["admin"], plan_id=seeded.id, ref="4.6")["owner"] == ""


def test_a_password_with_the_persons_own_email_or_name_is_refused(seeded, people, admin) -> None:
    from plan.users import add_user, set_password

    with pytest.raises(InvalidInput), session_scope() as session:
        add_user(session, user=admin, email="pat.partner@essex.police.uk", name="Pat Partner", role="viewer",
                 password="pat.partner@essex.police.uk 2026")
    with pytest.raises(InvalidInput), session_scope() as session:
        set_password(session, user=admin, email=people["owner"].email, password="Olu Owner owner@nhs.net")


def test_a_password_reset_by_the_secretariat_ends_the_persons_sessions(seeded, people, admin) -> None:
    from plan import sessions
    from plan.users import set_password

    with session_scope() as session:
        started = sessions.start(session, actor=people["owner"])
    with session_scope() as session:
        set_password(session, user=people["admin"], email=people["owner"].email,
                     password="seven gulls over the mudflats")
    with session_scope() as session:
        assert sessions.resolve(session, token=started.token, idle_minutes=30).actor is None


def test_action_detail_shows_a_suggestion_only_when_it_warns(seeded, people) -> None:
    """An owner's Green 40 days overdue gets "Red suggested" with its reason; an owner's Red with
    nothing against it gets no suggestion (it only ever warns); a restricted action's reasons are
    its detail, not shown to a reader not cleared."""
    from datetime import date, timedelta

    from plan import reports
    from plan.maintenance.actions import edit_action

    with session_scope() as session:
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="1.1", rag="green",
                      delivery_status="in_progress", commentary="On track")
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="1.2", rag="red",
                      delivery_status="in_progress", commentary="Off track")
    with session_scope() as session:  # 40 days overdue, set in the plan editor
        edit_action(session, user=people["admin"], plan_id=seeded.id, ref="1.1",
                    changes={"start_date": date.today() - timedelta(days=200),
                             "current_due_date": date.today() - timedelta(days=40)})
    with session_scope() as session:
        found = reports.suggestion_for(session, user=people["chair"], plan_id=seeded.id, ref="1.1")
        assert found is not None and found.rag == "red" and found.sentence.startswith("Red suggested: 40 days overdue")
        assert reports.suggestion_for(session, user=people["chair"], plan_id=seeded.id, ref="1.2") is None
        assert reports.suggestion_for(session, user=people["chair"], plan_id=seeded.id, ref="NOPE") is None
