"""The chair's dashboard, on SQLite and PostgreSQL: the plan as at a past date against a hand-worked
example, every figure against a plain recomputation from the raw history, drill-downs, the
suggested RAG with the plan's thresholds, changes between dates, rounds, and the CLI's JSON."""

import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

import models
from plan import reports, rounds
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.cli import main as cli
from plan.db import session_scope
from plan.demo import add_demo
from plan.due_dates import decide, request_revision
from plan.errors import InvalidFields, InvalidInput, NotAllowed
from plan.updates import record_update

RAGS = ["red", "amber", "green", "blue", "not_assessed"]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def _update(session, admin, plan_id, ref, rag, at, status="in_progress", **texts) -> None:  # noqa: ANN001
    record_update(session, user=admin, plan_id=plan_id, ref=ref, rag=rag, delivery_status=status, at=at,
                  commentary=texts.pop("commentary", f"{rag} on {at:%d %b}"),
                  evidence_url="https://example.org/e" if status == "complete" else "", **texts)


def _counts(**given: int) -> dict[str, int]:
    counts = dict.fromkeys(RAGS, 0) | given
    counts["total"] = sum(given.values())
    return counts


@pytest.fixture
def history(seeded, admin):  # noqa: ANN001, ANN201
    """The hand-worked history (every action added today, so only these existed in the past):
    1.1 Green 10 Jul, Amber 20 Aug, Red 5 Oct; 1.2 Amber then Green at the same moment on 1 Sep
    (the later id wins); 2.1 Amber 15 Jul, Green 23:30 on 30 Sep; 3.5 Green ten past midnight on
    1 Oct; 4.6 (restricted) Red 1 Aug, asking for support."""
    at = lambda m, d, h=12, mi=0: datetime(2026, m, d, h, mi, tzinfo=UTC)  # noqa: E731
    with session_scope() as session:
        p = seeded.id
        _update(session, admin, p, "1.1", "green", at(7, 10))
        _update(session, admin, p, "2.1", "amber", at(7, 15))
        _update(session, admin, p, "4.6", "red", at(8, 1), support_asked="Ask of the group: an analyst for a month")
        _update(session, admin, p, "1.1", "amber", at(8, 20))
        _update(session, admin, p, "1.2", "amber", at(9, 1))
        _update(session, admin, p, "1.2", "green", at(9, 1))
        _update(session, admin, p, "2.1", "green", at(9, 30, 23, 30))
        _update(session, admin, p, "3.5", "green", at(10, 1, 0, 10))
        _update(session, admin, p, "1.1", "red", at(10, 5))
    return seeded


def test_the_plan_as_at_a_past_date_equals_the_hand_worked_example(history, admin, people) -> None:
    with session_scope() as session:
        sept = reports.summary_by_theme(session, user=people["viewer"], plan_id=history.id, as_of="2026-09-30")
        august = reports.summary_by_theme(session, user=admin, plan_id=history.id, as_of=date(2026, 8, 1))
        july = reports.summary_by_theme(session, user=admin, plan_id=history.id, as_of="2026-07-01")
        today = reports.summary_by_theme(session, user=admin, plan_id=history.id)
    assert sept == {"as_of": "2026-09-30", "by_theme": {
        "Prepare": _counts(amber=1, green=1), "Prevent": _counts(green=1), "Protect": _counts(),
        "Pursue": _counts(red=1)}, "total": _counts(red=1, amber=1, green=2)}
    assert august["by_theme"] == {"Prepare": _counts(green=1), "Prevent": _counts(amber=1), "Protect": _counts(),
                                  "Pursue": _counts(red=1)}
    assert july["total"] == _counts()  # nothing existed yet
    # today: all 25 actions exist (added today); those never updated are not assessed
    assert today["total"] == _counts(red=2, green=3, not_assessed=20)
    assert today["by_theme"]["Prepare"] == _counts(red=1, green=1, not_assessed=6)


def test_the_cli_gives_the_same_numbers_as_json(history, capsys) -> None:
    assert cli(["report", "summary", "--as-of", "2026-09-30", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-09-30"
    assert out["by_theme"]["Prepare"] == _counts(amber=1, green=1)
    assert out["by_theme"]["Pursue"] == {"red": 1, "amber": 0, "green": 0, "blue": 0, "not_assessed": 0, "total": 1}
    assert cli(["report", "changes", "--since", "2026-08-01", "--until", "2026-09-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"ref": "1.1", "from_rag": "green", "to_rag": "amber"},
        {"ref": "1.2", "from_rag": "not_assessed", "to_rag": "green"},
        {"ref": "2.1", "from_rag": "amber", "to_rag": "green"}]
    assert cli(["report", "exceptions", "--as-of", "2026-10-10", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["ref"] for r in rows] == ["1.1", "4.6"]  # Red first, in plan order
    assert rows[0]["rag"] == "red"
    assert rows[0]["reasons"] == ["Red: the owner says it is off track."]
    assert rows[1]["reasons"] == ["Red: the owner says it is off track.", "The owner asks the group for support."]
    assert cli(["report", "summary"]) == 0
    assert "Prepare" in capsys.readouterr().out
    assert cli(["report", "changes", "--since", "2026-10-01", "--until", "2026-09-01"]) == 1
    assert "give the earlier date first" in capsys.readouterr().err


def test_changes_between_two_dates(history, admin, people) -> None:
    with session_scope() as session:
        found = reports.changes(session, user=people["chair"], plan_id=history.id, since="2026-09-01",
                                until="2026-10-31")
    assert [(t["ref"], t["from_rag"], t["to_rag"], t["direction"]) for t in found["transitions"]] == [
        ("1.1", "amber", "red", "worse"), ("2.1", "amber", "green", "better"),
        ("3.5", "not_assessed", "green", "first_assessed")]
    assert {(f["from_rag"], f["to_rag"]): f["count"] for f in found["flows"]} == {
        ("amber", "red"): 1, ("amber", "green"): 1, ("new", "green"): 1, ("green", "green"): 1,
        ("red", "red"): 1}  # the 20 others were added today: they did not exist on 31 Oct
    # 3.5 was added after 1 Sep: it was not "not yet assessed" then, it was not in the plan
    assert {f["from_label"] for f in found["flows"] if f["from_rag"] == "new"} == {"Not in the plan"}
    assert [r["ref"] for r in found["newly_red"]] == ["1.1"]
    assert [r["ref"] for r in found["new_actions"]] == ["3.5"]
    # open actions that existed on 1 Sep and had no update after it: 1.2 (1 Sep) and 4.6 (1 Aug)
    assert [r["ref"] for r in found["updates_not_made"]] == ["1.2", "4.6"]
    restricted = next(r for r in found["updates_not_made"] if r["ref"] == "4.6")
    assert restricted["title"] == RESTRICTED_TITLE and restricted["owner"] == RESTRICTED_TEXT
    assert found["completed"] == found["retired"] == found["due_dates_moved"] == []
    assert found["counts"] == {"better": 1, "worse": 1, "same": 2, "first_assessed": 1}
    with session_scope() as session:  # up to today, all 25 exist: 20 new since 1 Sep (never assessed)
        today = reports.changes(session, user=people["chair"], plan_id=history.id, since="2026-09-01")
    assert len(today["new_actions"]) == 21 and today["counts"]["same"] == 22


def test_due_dates_and_overdue_follow_the_history(history, admin, people) -> None:
    """A due date moved today is the old date on any earlier day; overdue is counted as at the day."""
    today = date.today()
    with session_scope() as session:
        request_revision(session, user=admin, plan_id=history.id, ref="1.2", new_date=today - timedelta(days=40),
                         reason="Agreed at the working group")
    with session_scope() as session:
        pending = session.execute(select(models.DueDateRequest.id)).scalars().one()
        decide(session, user=people["chair"], plan_id=history.id, request_id=pending, approve=True)
    with session_scope() as session:
        now = reports.headline(session, user=admin, plan_id=history.id)
        before = reports.headline(session, user=admin, plan_id=history.id, as_of=today - timedelta(days=1))
        rows, total = reports.drill(session, user=admin, plan_id=history.id, flag="overdue")
        moved = reports.changes(session, user=admin, plan_id=history.id, since=today - timedelta(days=1))
    assert (now["overdue"], before["overdue"]) == (1, 0)
    assert total == 1 and rows[0]["ref"] == "1.2"
    assert rows[0]["days_overdue"] == 40 and rows[0]["due_moves"] == 1
    assert rows[0]["due"] == today - timedelta(days=40) and rows[0]["baseline_due"] == date(2027, 1, 31)
    assert rows[0]["suggested_rag"] == "red"
    assert rows[0]["suggested_reason"].startswith("Red suggested: 40 days overdue")
    assert [(m["ref"], m["from"], m["to"]) for m in moved["due_dates_moved"]] == [
        ("1.2", date(2027, 1, 31), today - timedelta(days=40))]
    assert now["due_by_now"] == 1 and now["due_complete"] == 0 and now["completion_percent"] == 0


def test_restricted_actions_count_but_their_detail_is_masked(history, people) -> None:
    with session_scope() as session:
        viewer_rows, viewer_total = reports.drill(session, user=people["viewer"], plan_id=history.id,
                                                  group_by="theme", group="Pursue", rag="red", as_of="2026-09-30")
        admin_rows, _ = reports.drill(session, user=people["admin"], plan_id=history.id, group_by="theme",
                                      group="Pursue", rag="red", as_of="2026-09-30")
        exceptions = reports.exceptions(session, user=people["chair"], plan_id=history.id, as_of="2026-09-30")
    assert viewer_total == 1
    row = viewer_rows[0]
    assert (row["ref"], row["rag"], row["title"], row["owner"]) == ("4.6", "red", RESTRICTED_TITLE, RESTRICTED_TEXT)
    assert row["commentary"] == RESTRICTED_TEXT and row["support_asked"] == RESTRICTED_TEXT
    assert admin_rows[0]["support_asked"] == "Ask of the group: an analyst for a month"
    assert admin_rows[0]["title"] != RESTRICTED_TITLE
    masked = next(r for r in exceptions if r["ref"] == "4.6")
    assert masked["title"] == RESTRICTED_TITLE and "support_asked" in masked["codes"]


def test_the_plans_thresholds_change_suggestions_and_are_the_secretariats(history, admin, people) -> None:
    with session_scope() as session, pytest.raises(NotAllowed, match="change the plan's settings"):
        reports.update_suggestion_settings(session, user=people["chair"], plan_id=history.id, stale_days=10)
    with session_scope() as session, pytest.raises(InvalidFields) as wrong:
        reports.update_suggestion_settings(session, user=admin, plan_id=history.id, stale_days=0,
                                           red_overdue_days="many")
    assert set(wrong.value.problems) == {"stale_days", "red_overdue_days"}
    with session_scope() as session, pytest.raises(InvalidInput, match="Unknown setting colour"):
        reports.update_suggestion_settings(session, user=admin, plan_id=history.id, colour=3)
    with session_scope() as session:
        assert reports.suggestion_settings(session, plan_id=history.id) == reports.Thresholds()
        before = reports.exceptions(session, user=admin, plan_id=history.id, as_of="2026-10-10")
        reports.update_suggestion_settings(session, user=admin, plan_id=history.id, stale_days="30")
    with session_scope() as session:
        after = reports.exceptions(session, user=admin, plan_id=history.id, as_of="2026-10-10")
        event = session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()
    assert [r["ref"] for r in before] == ["1.1", "4.6"]
    # 4.6 has had no update since 1 Aug (70 days): stale under 30 days, and its owner's Red is not better
    assert [r["ref"] for r in after] == ["1.1", "4.6", "1.2"]
    assert next(r for r in after if r["ref"] == "1.2")["reasons"] == [
        "No update for 39 days.", "The owner says Green; Amber suggested: no update for 39 days."]
    assert "No update for 70 days." in next(r for r in after if r["ref"] == "4.6")["reasons"]
    assert event.event == "plan.suggestion_settings"
    assert json.loads(event.before) == {"stale_days": 90} and json.loads(event.after) == {"stale_days": 30}


def test_measure_evidence_plugs_into_the_suggestion(history, admin) -> None:
    with session_scope() as session:
        action_id = session.execute(select(models.Action.id).where(models.Action.ref == "2.1")).scalar_one()
        found = reports.suggestions(session, user=admin, plan_id=history.id, as_of="2026-10-10",
                                    evidence={action_id: ("red", "Its measure is 25% below target.")})
        rows = reports.exceptions(session, user=admin, plan_id=history.id, as_of="2026-10-10",
                                  evidence={action_id: ("red", "Its measure is 25% below target.")})
    assert found[action_id].rag == "red"
    assert found[action_id].sentence == "Red suggested: its measure is 25% below target."
    row = next(r for r in rows if r["ref"] == "2.1")
    assert row["codes"] == ["optimistic"]
    assert row["reasons"] == ["The owner says Green; Red suggested: its measure is 25% below target."]


def test_a_closed_round_can_be_opened_and_read(history, admin, people) -> None:
    with session_scope() as session:
        rounds.open_round(session, user=admin, plan_id=history.id, period="2026-Q4",
                          deadline=date.today() + timedelta(days=7))
    with session_scope() as session:
        record_update(session, user=admin, plan_id=history.id, ref="4.6", rag="amber", delivery_status="in_progress",
                      commentary="Operation update: restricted words")
        assert reports.headline(session, user=admin, plan_id=history.id)["not_updated_this_round"] == 24
        rounds.close_round(session, user=admin, plan_id=history.id)
    with session_scope() as session:
        closed = reports.closed_rounds(session, user=people["chair"], plan_id=history.id)
        snapshot = reports.round_snapshot(session, user=people["chair"], plan_id=history.id,
                                          round_id=closed[0]["round_id"])
        trend = reports.round_trend(session, user=people["chair"], plan_id=history.id)
        with pytest.raises(NotAllowed):
            reports.round_snapshot(session, user=people["viewer"], plan_id=history.id, round_id=closed[0]["round_id"])
    assert [c["period"] for c in closed] == ["2026-Q4"]
    assert snapshot["total"] == snapshot["matching"] == 25 and snapshot["summary"]["Pursue"]["amber"] == 1
    row = next(r for r in snapshot["rows"] if r["ref"] == "4.6")
    assert (row["rag"], row["updated_in_round"], row["commentary"]) == ("amber", True, RESTRICTED_TEXT)
    with session_scope() as session:  # the drill-down from the trend: the round's Red actions
        red = reports.round_snapshot(session, user=people["chair"], plan_id=history.id,
                                     round_id=closed[0]["round_id"], rag="red")
    assert [r["ref"] for r in red["rows"]] == ["1.1"] and red["matching"] == 1 and red["total"] == 25
    assert trend == [{"round_id": closed[0]["round_id"], "period": "2026-Q4", "period_words": "Q3 2026/27",
                      "closed_at": closed[0]["closed_at"],
                      **_counts(red=1, amber=1, green=3, not_assessed=20), "updated": 1}]


# --- the demo plan against a plain recomputation from the raw history ------------------------

def _raw() -> tuple[list, list, dict]:
    with session_scope() as session:
        actions = session.execute(select(models.Action.id, models.Action.created_at, models.Theme.name,
                                         models.Agency.name)
                                  .join(models.Theme, models.Theme.id == models.Action.theme_id)
                                  .join(models.Agency, models.Agency.id == models.Action.lead_agency_id,
                                        isouter=True)).all()
        updates = session.execute(select(models.StatusUpdate.action_id, models.StatusUpdate.created_at,
                                         models.StatusUpdate.id, models.StatusUpdate.rag)).all()
        boards = defaultdict(list)
        for action_id, code in session.execute(select(models.ActionBoard.action_id, models.Board.code)
                                               .join(models.Board, models.Board.id == models.ActionBoard.board_id)):
            boards[action_id].append(code)
    return actions, updates, boards


def _by_hand(day: date, by: str) -> dict[str, dict[str, int]]:
    """RAG counts as at the end of `day`, from the raw rows with plain Python."""
    actions, updates, boards = _raw()
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    latest: dict[int, tuple] = {}
    for action_id, at, update_id, rag in updates:
        if at < end and (action_id not in latest or (at, update_id) > latest[action_id][:2]):
            latest[action_id] = (at, update_id, rag)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys([*RAGS, "total"], 0))
    for action_id, created, theme, agency in actions:
        if created >= end and action_id not in latest:
            continue  # did not exist yet
        rag = latest[action_id][2] if action_id in latest else "not_assessed"
        groups = {"theme": [theme], "agency": [agency or "No lead agency"], "board": boards[action_id]}[by]
        for group in groups:
            counts[group][rag] += 1
            counts[group]["total"] += 1
    return dict(counts)


def test_the_dashboard_equals_the_raw_history_for_the_demo_plan(seeded, admin, people) -> None:
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=60, today=NOW)
    days = [date(2026, 7, 31), date(2026, 9, 30), date(2026, 10, 15), NOW.date()]
    with session_scope() as session:
        trend = reports.rag_trend(session, user=people["viewer"], plan_id=seeded.id, as_of=NOW.date())
        found = {(day, by): {r["group"]: {k: r[k] for k in [*RAGS, "total"]}
                             for r in reports.summary(session, user=people["viewer"], plan_id=seeded.id, by=by,
                                                      as_of=day)}
                 for day in days for by in ("theme", "agency", "board")}
    assert [(t["period"], t["as_of"]) for t in trend] == [("2026-Q3", date(2026, 9, 30)),
                                                          ("2026-Q4", NOW.date())]
    for row in trend:
        by_theme = _by_hand(row["as_of"], "theme")
        assert {k: row[k] for k in [*RAGS, "total"]} == {
            k: sum(c[k] for c in by_theme.values()) for k in [*RAGS, "total"]}, row["period"]
    for (day, by), counts in found.items():
        expected = _by_hand(day, by)
        assert {g: c for g, c in counts.items() if c["total"]} == expected, (day, by)
    assert found[(NOW.date(), "theme")]["Pursue"]["total"] > 6  # synthetic actions are in it
    assert sum(c["total"] for c in found[(date(2026, 9, 30), "theme")].values()) < 85  # Q4 starters were not


def test_direction_of_travel_equals_the_raw_history(seeded, admin, people) -> None:
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=30, today=NOW)
    since = date(2026, 9, 30)
    with session_scope() as session:
        travel = reports.direction_of_travel(session, user=people["viewer"], plan_id=seeded.id, since=since,
                                             as_of=NOW.date())
        ids = dict(session.execute(select(models.Action.ref, models.Action.id)).all())
    actions, updates, _ = _raw()

    def rag_at(action_id: int, day: date) -> str:
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        mine = sorted((at, uid, rag) for a, at, uid, rag in updates if a == action_id and at < end)
        return mine[-1][2] if mine else "not_assessed"

    moved = {ref: (rag_at(i, since), rag_at(i, NOW.date())) for ref, i in ids.items()
             if rag_at(i, since) != rag_at(i, NOW.date())}
    assert {a["ref"]: (a["from_rag"], a["to_rag"]) for a in travel["actions"]} == moved
    assert sum(f["count"] for f in travel["flows"]) == len(actions)
    worse = sum(1 for a, b in moved.values() if a != "not_assessed" and
                ["red", "amber", "green", "blue"].index(b) < ["red", "amber", "green", "blue"].index(a))
    assert travel["counts"]["worse"] == worse > 0


def test_plans_side_by_side(history, admin) -> None:
    from plan.seed import load_seed, read_seed
    from plan.setup import SEED_FILE

    county = read_seed(SEED_FILE)
    county.slug, county.name = "essex-vv", "Essex V&V plan"
    with session_scope() as session:
        load_seed(session, user=admin, seed=county)
    with session_scope() as session:
        side = reports.across_plans(session, user=admin, as_of="2026-09-30")
        with pytest.raises(InvalidInput, match="There is no plan thurrock"):
            reports.across_plans(session, user=admin, slugs=["essex-vv", "thurrock"])
    assert [p["slug"] for p in side["plans"]] == ["southend-vv", "essex-vv"]
    assert side["themes"] == ["Prepare", "Prevent", "Protect", "Pursue"]
    cells = {(r["slug"], r["theme"]): r["total"] for r in side["rows"]}
    assert cells[("southend-vv", "Prepare")] == 2 and cells[("essex-vv", "Prepare")] == 0


def test_the_changes_flows_equal_direction_of_travel(seeded, admin, people) -> None:
    """changes() counts its flows in the same read as its lists (a count per RAG pair): they must
    equal direction_of_travel's own aggregate, filtered or not, and its transitions its actions."""
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=40, today=NOW)
    for since, filters in ((date(2026, 9, 30), None), (date(2026, 7, 31), reports.ReportFilter(themes=["Protect"])),
                           (date(2026, 10, 15), reports.ReportFilter(boards=["CSP"]))):
        with session_scope() as session:
            changed = reports.changes(session, user=people["viewer"], plan_id=seeded.id, since=since,
                                      until=NOW.date(), filters=filters)
            travel = reports.direction_of_travel(session, user=people["viewer"], plan_id=seeded.id, since=since,
                                                 as_of=NOW.date(), filters=filters)
        assert changed["flows"] == travel["flows"], since
        assert changed["counts"] == travel["counts"], since
        assert sum(f["count"] for f in changed["flows"]) > len(changed["transitions"]) > 0, since
        assert [(t["ref"], t["from_rag"], t["to_rag"]) for t in changed["transitions"]] == [
            (a["ref"], a["from_rag"], a["to_rag"]) for a in travel["actions"]], since


def test_the_plan_and_its_exceptions_from_one_read(history, admin, people) -> None:
    """The board paper's one read gives what drill (every action, plan order) and exceptions give."""
    for user in (admin, people["viewer"]):
        for day, since in ((date(2026, 10, 10), None), (NOW.date(), date(2026, 9, 1))):
            with session_scope() as session:
                every, found = reports.plan_and_exceptions(session, user=user, plan_id=history.id, as_of=day,
                                                           since=since)
                drilled, total = reports.drill(session, user=user, plan_id=history.id, as_of=day, limit=1_000)
                expected = reports.exceptions(session, user=user, plan_id=history.id, as_of=day, since=since)
            assert found == expected and len(found) >= 2, day
            assert [r["ref"] for r in every] == [r["ref"] for r in drilled] and len(every) == total, day
            plain = [{k: v for k, v in r.items() if k not in ("codes", "reasons")} for r in every]
            assert plain == drilled, day
            assert all(any(r is e for r in every) for e in found)  # the same row in both lists
