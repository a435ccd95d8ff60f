"""Finding actions: filters, RAG counts in SQL, restricted detail, and the detail view."""

from datetime import UTC, date, datetime

import pytest

from plan.actions import RESTRICTED_TITLE, ActionFilter, action_detail, list_actions, rag_counts
from plan.db import session_scope
from plan.errors import NotFound
from plan.identity import Actor
from plan.updates import record_update
from plan.vocab import Role

CLEARED = Actor(None, "Cleared chair", "chair@example.org", Role.CHAIR, cleared_for_restricted=True)


def _refs(plan_id: int, user: Actor, **filters) -> list[str]:
    with session_scope() as session:
        rows, total = list_actions(session, user=user, plan_id=plan_id, filters=ActionFilter(**filters),
                                   today=date(2026, 11, 28))
    assert total == len(rows)
    return [r["ref"] for r in rows]


def _update(plan_id: int, admin: Actor, ref: str, rag: str, status: str = "in_progress") -> None:
    with session_scope() as session:
        record_update(session, user=admin, plan_id=plan_id, ref=ref, rag=rag, delivery_status=status,
                      commentary=f"{rag} update", evidence_url="https://example.org/e" if rag == "blue" else "")


def test_all_actions_in_plan_order(seeded, reader) -> None:
    refs = _refs(seeded.id, reader)
    assert refs[:3] == ["1.1", "1.2", "1.3"] and refs[-1] == "4.6" and len(refs) == 25


def test_filters(seeded, reader) -> None:
    assert _refs(seeded.id, reader, themes=["Protect"]) == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
    assert _refs(seeded.id, reader, owner="Director of Public Health") == ["1.3", "2.5"]
    assert _refs(seeded.id, reader, agencies=["Thurrock Council"]) == ["4.5", "4.6"]
    assert _refs(seeded.id, reader, boards=["SAB"]) == ["1.1", "1.5", "1.6", "3.2", "3.4", "3.6"]
    assert _refs(seeded.id, reader, text="school nurses") == ["3.3"]
    assert _refs(seeded.id, reader, text="SEE THE SIGNS") == ["2.1"]
    assert _refs(seeded.id, reader, text="100%_") == []  # LIKE wildcards are taken literally
    assert _refs(seeded.id, reader, themes=["Pursue"], boards=["VVSG"]) == ["4.1", "4.5"]


def test_rag_and_overdue_filters(seeded, admin, reader) -> None:
    _update(seeded.id, admin, "2.3", "red")
    _update(seeded.id, admin, "1.4", "amber")
    assert _refs(seeded.id, reader, rags=["red", "amber"]) == ["1.4", "2.3"]
    # due 2026-12-31: overdue from 2027-01-01 unless finished
    with session_scope() as session:
        rows, _ = list_actions(session, user=reader, plan_id=seeded.id,
                               filters=ActionFilter(overdue_only=True), today=date(2027, 1, 1))
    assert [r["ref"] for r in rows] == ["1.4", "1.8", "2.3"]
    _update(seeded.id, admin, "1.8", "blue", "complete")
    with session_scope() as session:
        rows, _ = list_actions(session, user=reader, plan_id=seeded.id,
                               filters=ActionFilter(overdue_only=True), today=date(2027, 1, 1))
    assert [r["ref"] for r in rows] == ["1.4", "2.3"]


def test_restricted_actions_count_but_hide_their_detail(seeded, reader) -> None:
    with session_scope() as session:
        rows, _ = list_actions(session, user=reader, plan_id=seeded.id, filters=ActionFilter(themes=["Pursue"]))
    restricted = next(r for r in rows if r["ref"] == "4.6")
    assert restricted["title"] == RESTRICTED_TITLE and restricted["owner"] == "Restricted"
    assert restricted["lead_agency"] == "Essex Police"  # the agency and RAG still show
    # searching for restricted words finds nothing for an uncleared reader, the action for a cleared one
    assert _refs(seeded.id, reader, text="cross-border disruption") == []
    assert _refs(seeded.id, CLEARED, text="cross-border disruption") == ["4.6"]
    assert _refs(seeded.id, reader, owner="district commander") == ["4.1"]
    assert _refs(seeded.id, CLEARED, owner="district commander") == ["4.1", "4.6"]
    with session_scope() as session:
        hidden = action_detail(session, user=reader, plan_id=seeded.id, ref="4.6")
        shown = action_detail(session, user=CLEARED, plan_id=seeded.id, ref="4.6")
    assert hidden["title"] == RESTRICTED_TITLE and hidden["description"] == "" and not hidden["detail_visible"]
    assert shown["title"].startswith("Joint cross-border disruption")


def test_rag_counts_in_sql_by_theme_agency_and_board(seeded, admin) -> None:
    _update(seeded.id, admin, "4.6", "red")  # restricted: still counted
    _update(seeded.id, admin, "4.1", "green")
    with session_scope() as session:
        by_theme = rag_counts(session, plan_id=seeded.id, by="theme")
        by_agency = rag_counts(session, plan_id=seeded.id, by="agency")
        by_board = rag_counts(session, plan_id=seeded.id, by="board")
    pursue = {r["rag"]: r["count"] for r in by_theme if r["group"] == "Pursue"}
    assert pursue == {"red": 1, "green": 1, "not_assessed": 4}
    assert sum(r["count"] for r in by_theme) == 25
    police = {r["rag"]: r["count"] for r in by_agency if r["group"] == "Essex Police"}
    assert police == {"red": 1, "green": 1}
    csp = {r["rag"]: r["count"] for r in by_board if r["group"] == "CSP"}
    assert csp["red"] == 1 and csp["green"] == 1 and sum(csp.values()) == 14
    with session_scope() as session, pytest.raises(ValueError, match="use theme, agency or board"):
        rag_counts(session, plan_id=seeded.id, by="owner")


def test_detail_shows_partners_boards_measures_and_history_newest_first(seeded, admin, reader) -> None:
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded.id, ref="3.5", rag="amber", delivery_status="in_progress",
                      commentary="Data-sharing agreement drafted", at=datetime(2026, 9, 15, tzinfo=UTC))
        record_update(session, user=admin, plan_id=seeded.id, ref="3.5", rag="green", delivery_status="in_progress",
                      commentary="First return received", at=datetime(2026, 11, 2, tzinfo=UTC))
    with session_scope() as session:
        detail = action_detail(session, user=reader, plan_id=seeded.id, ref="3.5")
    assert detail["rag_label"] == "Green" and detail["status_label"] == "In progress"
    assert detail["partners"] == ["Essex Police", "Southend-on-Sea Borough Council"]
    assert detail["boards"] == ["HWBB: Health and Wellbeing Board", "CSP: Community Safety Partnership"]
    assert [m["ref"] for m in detail["measures"]] == ["M3.5"]
    assert [(u["period"], u["commentary"]) for u in detail["updates"]] == [
        ("2026-Q4", "First return received"), ("2026-Q3", "Data-sharing agreement drafted")]
    with session_scope() as session, pytest.raises(NotFound, match="There is no action '9.9'"):
        action_detail(session, user=reader, plan_id=seeded.id, ref="9.9")
