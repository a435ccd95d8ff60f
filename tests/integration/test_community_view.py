"""The public community page's data (plan.community), on SQLite and PostgreSQL.

Built against a plan that has everything the page must never say: a restricted action, people's
names (an owner assigned, update authors, commentary and blockers naming someone, a lead_owner
that is a person), commentary marked internal, a retired action, an invented example and demo
data (synthetic actions and demo history on the plan's own actions).
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from models import Action
from plan.actions import action_detail
from plan.audit import AuditFilter, list_events
from plan.community import community_path, community_view, community_view_on, set_community_view
from plan.db import session_scope
from plan.demo import add_demo
from plan.errors import NotAllowed
from plan.identity import Actor
from plan.updates import record_update
from tests.factories import PEOPLE
from ui.community_page import community_page, not_found_page

NOW = datetime.now(UTC).replace(microsecond=0)
EVIDENCE = "https://example.org/evidence/secret-file"

# Strings that are in the database and must not reach the public.
INTERNAL = "INTERNAL ONLY: the chief officer group was told first"
NAMED_IN_COMMENTARY = "Jane Marsh"
NAMED_IN_BLOCKER = "Inspector Bloggs"
LEAD_OWNER_PERSON = "Priya Patel"
RESTRICTED_WORDS = "Operation Nightjar"


def _update(admin: Actor, plan_id: int, ref: str, rag: str, status: str, at: datetime, **texts: str) -> None:
    with session_scope() as session:
        record_update(session, user=admin, plan_id=plan_id, ref=ref, rag=rag, delivery_status=status, at=at,
                      personal_data_confirmed=True, **texts)


def _action(ref: str, **values: object) -> str:
    """Set fields the way a later service would (retire, mark as example); returns the title."""
    with session_scope() as session:
        action = session.exec(select(Action).where(Action.ref == ref, Action.is_demo.is_(False))).one()
        for name, value in values.items():
            setattr(action, name, value)
        return action.title


@pytest.fixture
def full_plan(seeded, people):  # noqa: ANN001, ANN201
    """The seed plan with everything the community page must leave out. Returns (frame,
    forbidden strings, titles of left-out actions)."""
    admin = Actor(people["admin"].person_id, "Sam Secretariat", PEOPLE["admin"][0], people["admin"].role,
                  cleared_for_restricted=True)
    with session_scope() as session:  # demo first: synthetic actions, demo history on quiet actions
        add_demo(session, user=admin, plan_id=seeded.id, actions=20, today=NOW - timedelta(hours=2))
    # Prepare: 1.1 has demo history, then a real update: on track (the demo's states are not counted)
    _update(admin, seeded.id, "1.1", "green", "in_progress", NOW, commentary=INTERNAL)
    # Prevent: 2.1 completed, reopened, completed again (its date is the last completion)
    _update(admin, seeded.id, "2.1", "blue", "complete", NOW - timedelta(days=40), evidence_url=EVIDENCE,
            commentary="Done")
    _update(admin, seeded.id, "2.1", "green", "in_progress", NOW - timedelta(days=30), commentary="Reopened")
    _update(admin, seeded.id, "2.1", "blue", "complete", NOW - timedelta(days=3), evidence_url=EVIDENCE,
            commentary=f"Signed off by {NAMED_IN_COMMENTARY}")
    # Prevent: 2.5 is an invented example, complete: left out
    example_title = _action("2.5", is_example=True)
    _update(admin, seeded.id, "2.5", "blue", "complete", NOW, evidence_url=EVIDENCE, commentary="Example")
    # Protect: 3.5 owned by Olu Owner, who completes it; 3.1 on track; 3.2 at risk; 3.3 off track;
    # 3.4 complete then retired; 3.6 has a person as lead_owner and no update
    _update(people["owner"], seeded.id, "3.5", "blue", "complete", NOW - timedelta(days=1), evidence_url=EVIDENCE,
            commentary=f"{INTERNAL}. Thanks to {NAMED_IN_COMMENTARY}.")
    _update(admin, seeded.id, "3.1", "green", "in_progress", NOW, commentary="On plan")
    _update(admin, seeded.id, "3.2", "amber", "in_progress", NOW, commentary="Slipping",
            blockers=f"Waiting for {NAMED_IN_BLOCKER}", support_asked=f"Ask {NAMED_IN_BLOCKER} to sign")
    _update(admin, seeded.id, "3.3", "red", "in_progress", NOW, commentary=INTERNAL)
    _update(admin, seeded.id, "3.4", "blue", "complete", NOW, evidence_url=EVIDENCE, commentary="Done")
    retired_title = _action("3.4", retired_at=NOW, retired_reason=f"Merged, said {NAMED_IN_COMMENTARY}")
    _action("3.6", lead_owner=LEAD_OWNER_PERSON)
    # Pursue: 4.6 is restricted; completed, it still must not show or count
    restricted_title = _action("4.6", title=f"{RESTRICTED_WORDS}: joint disruption")
    _update(admin, seeded.id, "4.6", "blue", "complete", NOW, evidence_url=EVIDENCE, commentary=RESTRICTED_WORDS)
    with session_scope() as session:
        lead_owners = set(session.exec(select(Action.lead_owner).where(Action.plan_id == seeded.id)).all())
    forbidden = {INTERNAL, "INTERNAL", NAMED_IN_COMMENTARY, NAMED_IN_BLOCKER, LEAD_OWNER_PERSON, RESTRICTED_WORDS,
                 EVIDENCE, "Slipping", "Reopened", "Demo", "Synthetic action", "OFFICIAL-SENSITIVE",
                 "Sam Secretariat", "test secretariat"} | lead_owners | {name for _, name, _, _ in PEOPLE.values()} | {
                     email for email, _, _, _ in PEOPLE.values()}
    return seeded, forbidden - {""}, {restricted_title, retired_title, example_title}


def _switch_on(plan_id: int) -> None:
    with session_scope() as session:
        set_community_view(session, user=Actor.system(), plan_id=plan_id, on=True)


def test_off_by_default_and_unknown_plans_answer_the_same(seeded) -> None:  # noqa: ANN001
    with session_scope() as session:
        assert community_view_on(session, plan_id=seeded.id) is False
        assert community_view(session, seeded.slug) is None
        assert community_view(session, "no-such-plan") is None
        assert community_view(session, "x" * 500) is None
    _switch_on(seeded.id)
    with session_scope() as session:
        assert community_view(session, seeded.slug) is not None
        set_community_view(session, user=Actor.system(), plan_id=seeded.id, on=False)
    with session_scope() as session:
        assert community_view(session, seeded.slug) is None


def test_counts_by_theme_leave_out_what_is_not_published(full_plan) -> None:  # noqa: ANN001
    frame, _, _ = full_plan
    _switch_on(frame.id)
    with session_scope() as session:
        view = community_view(session, frame.slug, today=date(2026, 12, 1))
    assert view is not None
    assert [t.sentence for t in view.themes] == [
        "Prepare: 0 of 8 actions complete, 1 on track, 7 not yet assessed.",
        "Prevent: 1 of 4 actions complete, 3 not yet assessed.",
        "Protect: 1 of 5 actions complete, 1 on track, 1 at risk, 1 off track, 1 not yet assessed.",
        "Pursue: 0 of 5 actions complete, 5 not yet assessed.",
    ]
    assert view.total == 22
    assert [(a.ref, a.theme, a.completed_on) for a in view.completed] == [
        ("2.1", "Prevent", (NOW - timedelta(days=3)).date()),
        ("3.5", "Protect", (NOW - timedelta(days=1)).date()),
    ]
    assert all(a.lead_agency for a in view.completed)  # organisations, named as the plan's partners


def test_the_view_and_its_page_say_no_name_nothing_internal_nothing_restricted(full_plan) -> None:  # noqa: ANN001
    frame, forbidden, left_out_titles = full_plan
    _switch_on(frame.id)
    with session_scope() as session:  # the strings are there, for the signed-in and cleared
        detail = {ref: action_detail(session, user=Actor.system(), plan_id=frame.id, ref=ref)
                  for ref in ("3.5", "3.6", "4.6")}
        view = community_view(session, frame.slug)
    assert detail["3.5"]["owner"] == "Olu Owner" and INTERNAL in detail["3.5"]["updates"][0]["commentary"]
    assert detail["3.6"]["owner"] == LEAD_OWNER_PERSON and RESTRICTED_WORDS in detail["4.6"]["title"]
    assert view is not None
    page = " ".join(html.unescape(community_page(view)).split())  # as a reader sees it: one space
    for text in (repr(view), page):
        said = sorted(s for s in forbidden | left_out_titles if s.lower() in text.lower())
        assert said == []
    assert "2.1" in page and "Run See the Signs public awareness campaigns" in page
    assert "Some actions are not published here" in page
    assert "Detailed progress is reported to the partnership's boards" in page
    assert "Published for the public on" in page


def test_every_value_is_escaped(seeded) -> None:  # noqa: ANN001
    _action("2.1", title='<script>alert(1)</script><a href="/users">x</a>')
    _update(Actor.system(), seeded.id, "2.1", "blue", "complete", NOW, evidence_url=EVIDENCE, commentary="Done")
    _switch_on(seeded.id)
    with session_scope() as session:
        page = community_page(community_view(session, seeded.slug))  # type: ignore[arg-type]
    assert "<script" not in page
    assert "<a " not in page
    assert 'href="' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Page not found" in not_found_page() and "<a " not in not_found_page()


def test_only_admins_switch_it_and_each_switch_is_recorded(seeded, people) -> None:  # noqa: ANN001
    for role in ("chair", "owner", "contributor", "viewer"):
        with session_scope() as session, pytest.raises(NotAllowed, match="community page"):
            set_community_view(session, user=people[role], plan_id=seeded.id, on=True)
    with session_scope() as session:
        assert community_view(session, seeded.slug) is None
        set_community_view(session, user=people["admin"], plan_id=seeded.id, on=True)
        set_community_view(session, user=people["admin"], plan_id=seeded.id, on=True)  # no change: no event
    with session_scope() as session:
        set_community_view(session, user=people["admin"], plan_id=seeded.id, on=False)
    with session_scope() as session:
        events, total = list_events(session, user=people["admin"], filters=AuditFilter(event_prefix="plan.community"))
    assert total == 2
    off, on = events  # newest first
    assert (on["before"], on["after"]) == ('{"community_view": false}', '{"community_view": true}')
    assert (off["before"], off["after"]) == ('{"community_view": true}', '{"community_view": false}')
    assert on["what"] == "Public community page switched on or off" and "Sam Secretariat" in on["actor"]
    assert community_path(seeded.slug) in on["detail"]


def test_a_completed_action_whose_title_names_a_child_is_never_published(seeded, people) -> None:  # noqa: ANN001
    """Text that plan.personal_data flags is withheld from the public page, whatever let it be saved
    (a warning the writer confirmed, or a title saved before the check covered it)."""
    flagged = "Contact Jay Smith (DOB 03/04/2011) on 07700 900123 about the mentoring place"
    _action("2.2", title=flagged)
    admin = Actor(people["admin"].person_id, "Sam Secretariat", PEOPLE["admin"][0], people["admin"].role,
                  cleared_for_restricted=True)
    _update(admin, seeded.id, "2.2", "blue", "complete", NOW, evidence_url=EVIDENCE, commentary="Done")
    _switch_on(seeded.id)
    with session_scope() as session:
        view = community_view(session, seeded.slug, today=NOW.date())
    shown = {c.ref: c.title for c in view.completed}
    assert shown["2.2"] == "Title not shown here: it may name a person"
    assert flagged not in repr(view) and "Jay Smith" not in repr(view) and "07700" not in repr(view)
    assert shown.get("2.1") != "Title not shown here: it may name a person"  # other titles are as written
