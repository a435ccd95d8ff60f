"""The plan as at today, read from the actions' current columns, equals the plan ranked from the
whole history (both databases): for the seeded plan with the demo history, a back-dated update,
a retired action and an action never updated. And a back-dated update goes into the history
without moving the action's current RAG, status or last update."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

import models
from plan.db import session_scope
from plan.demo import add_demo
from plan.maintenance.actions import retire_action
from plan.reports import asof, dashboard
from plan.reports.asof import counts_columns, state
from plan.updates import record_update


def _update(session, admin, plan_id, ref, rag, at, status="in_progress"):  # noqa: ANN001, ANN202
    return record_update(session, user=admin, plan_id=plan_id, ref=ref, rag=rag, delivery_status=status, at=at,
                         commentary=f"{rag} on {at:%d %b %H:%M}")


def _action(session, plan_id, ref):  # noqa: ANN001, ANN202
    return session.exec(select(models.Action).where(models.Action.plan_id == plan_id,
                                                    models.Action.ref == ref)).one()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_back_dated_update_is_history_and_leaves_the_current_rag(seeded, admin) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with session_scope() as session:
        _update(session, admin, seeded.id, "1.1", "amber", now - timedelta(days=10))
        _update(session, admin, seeded.id, "1.1", "green", now - timedelta(days=2))
    with session_scope() as session:
        _update(session, admin, seeded.id, "1.1", "red", now - timedelta(days=30))  # typed up late
    with session_scope() as session:
        action = _action(session, seeded.id, "1.1")
        assert (action.rag, action.delivery_status) == ("green", "in_progress")
        assert _aware(action.last_update_at) == now - timedelta(days=2)
        history = session.exec(select(models.StatusUpdate.rag).where(models.StatusUpdate.action_id == action.id)
                               .order_by(models.StatusUpdate.created_at)).all()
        assert history == ["red", "amber", "green"]  # appended, in date order
        month_ago = (now - timedelta(days=25)).date()
        rows, _ = dashboard.drill(session, user=admin, plan_id=seeded.id, as_of=month_ago, limit=500)
        assert {r["ref"]: r["rag"] for r in rows}["1.1"] == "red"  # as at then, the late entry counts
        rows, _ = dashboard.drill(session, user=admin, plan_id=seeded.id, limit=500)
        assert {r["ref"]: r["rag"] for r in rows}["1.1"] == "green"


def test_an_update_at_the_same_moment_as_the_latest_moves_the_action(seeded, admin) -> None:
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    with session_scope() as session:
        _update(session, admin, seeded.id, "1.2", "amber", at)
        _update(session, admin, seeded.id, "1.2", "green", at)  # same moment: the later id is the latest
    with session_scope() as session:
        assert _action(session, seeded.id, "1.2").rag == "green"


@pytest.fixture
def busy_plan(seeded, admin):  # noqa: ANN001, ANN201
    """The seeded plan with demo history and 40 synthetic actions up to now, a back-dated update,
    a retired action, and the rest of the seeded actions never updated."""
    now = datetime.now(UTC)
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=40, today=now - timedelta(minutes=5))
    with session_scope() as session:
        refs = session.exec(select(models.Action.ref).where(models.Action.plan_id == seeded.id,
                                                            models.Action.last_update_at.is_not(None))
                            .order_by(models.Action.id)).all()
        assert len(refs) > 3
        _update(session, admin, seeded.id, refs[0], "red", now - timedelta(days=400))  # back-dated
        _update(session, admin, seeded.id, refs[1], "amber", now - timedelta(minutes=1))
        retire_action(session, user=admin, plan_id=seeded.id, ref=refs[2], reason="merged into another")
        retire_action(session, user=admin, plan_id=seeded.id, ref=refs[3], reason="dropped by the board",
                      at=now - timedelta(days=20))
    return seeded


def _everything(session, user, plan_id):  # noqa: ANN001, ANN202
    s = state(session, plan_id=plan_id, day=asof.day_of(None))
    totals = dict(session.exec(s.select(*counts_columns(s))).one()._mapping)
    figures = {"totals": totals,
               "headline": dashboard.headline(session, user=user, plan_id=plan_id),
               "drill": dashboard.drill(session, user=user, plan_id=plan_id, limit=5000)}
    for by in ("theme", "agency", "board"):
        figures[by] = dashboard.summary(session, user=user, plan_id=plan_id, by=by)
    for flag in dashboard.FLAGS:
        figures[flag] = dashboard.drill(session, user=user, plan_id=plan_id, flag=flag, limit=5000)
    return figures


def test_as_at_today_from_the_current_columns_equals_the_history(busy_plan, admin, reader, monkeypatch) -> None:
    with session_scope() as session:
        fast = {who: _everything(session, user, busy_plan.id) for who, user in (("admin", admin), ("reader", reader))}
    monkeypatch.setattr(asof, "use_current_columns", lambda: False)
    with session_scope() as session:
        slow = {who: _everything(session, user, busy_plan.id) for who, user in (("admin", admin), ("reader", reader))}
    assert fast["admin"]["totals"]["total"] > 40
    assert fast["admin"]["drill"][1] == fast["admin"]["totals"]["total"]
    for who in slow:
        for key in slow[who]:
            assert fast[who][key] == slow[who][key], (who, key)


def test_the_retired_action_is_left_out_today_and_the_back_dated_update_does_not_show(busy_plan, admin) -> None:
    with session_scope() as session:
        gone = session.exec(select(models.Action.ref).where(models.Action.plan_id == busy_plan.id,
                                                            models.Action.retired_at.is_not(None))).all()
        assert len(gone) == 2
        rows, total = dashboard.drill(session, user=admin, plan_id=busy_plan.id, limit=5000)
        assert not set(gone) & {r["ref"] for r in rows}
        assert total == len(session.exec(select(models.Action.id).where(models.Action.plan_id == busy_plan.id,
                                                                        models.Action.retired_at.is_(None))).all())
        shown = {r["ref"]: r for r in rows}
        for ref, row in shown.items():
            action = _action(session, busy_plan.id, ref)
            if action.last_update_at is not None:
                assert row["rag"] == action.rag, ref


def test_an_update_dated_ahead_is_not_yet_in_today(busy_plan, admin, monkeypatch) -> None:
    with session_scope() as session:
        action = session.exec(select(models.Action).where(models.Action.plan_id == busy_plan.id,
                                                          models.Action.retired_at.is_(None),
                                                          models.Action.rag.in_(["red", "amber", "green"]))
                              .order_by(models.Action.id.desc())).first()
        ref, was = action.ref, action.rag
        other = "green" if was != "green" else "amber"
        _update(session, admin, busy_plan.id, ref, other, datetime.now(UTC) + timedelta(days=3))
    with session_scope() as session:
        assert _action(session, busy_plan.id, ref).rag == other  # the latest update, dated ahead
        rows, _ = dashboard.drill(session, user=admin, plan_id=busy_plan.id, limit=5000)
        assert {r["ref"]: r["rag"] for r in rows}[ref] == was  # as at today it has not happened yet
        later, _ = dashboard.drill(session, user=admin, plan_id=busy_plan.id, limit=5000,
                                   as_of=asof.day_of(None) + timedelta(days=4))
        assert {r["ref"]: r["rag"] for r in later}[ref] == other
        fast = _everything(session, admin, busy_plan.id)
        past = {d: dashboard.headline(session, user=admin, plan_id=busy_plan.id,
                                      as_of=asof.day_of(None) - timedelta(days=d)) for d in (1, 40, 100)}
    monkeypatch.setattr(asof, "use_current_columns", lambda: False)
    with session_scope() as session:
        assert _everything(session, admin, busy_plan.id) == fast
        assert past == {d: dashboard.headline(session, user=admin, plan_id=busy_plan.id,
                                              as_of=asof.day_of(None) - timedelta(days=d)) for d in (1, 40, 100)}


def _counted(session, plan_id, day, filters):  # noqa: ANN001, ANN202
    s = state(session, plan_id=plan_id, day=day, filters=filters, from_history=True)
    return asof.counts_of(session.exec(s.select(*counts_columns(s))).one())


def test_the_trend_in_one_statement_equals_counting_the_plan_at_each_period_end(busy_plan, admin) -> None:
    today = asof.day_of(None)
    days = [today - timedelta(days=n) for n in range(410, -1, -9)] + [today]  # the back-dated day too
    days += [today - timedelta(days=20), today - timedelta(days=21), today - timedelta(days=19)]  # a retirement
    with session_scope() as session:
        for filters in (None, asof.ReportFilter(include_demo=False), asof.ReportFilter(themes=["Prepare"])):
            got = asof.totals_at(session, plan_id=busy_plan.id, days=days, filters=filters)
            assert got == [_counted(session, busy_plan.id, day, filters) for day in days], filters
            trend = dashboard.rag_trend(session, user=admin, plan_id=busy_plan.id, filters=filters)
            assert len(trend) >= 2
            for row in trend:
                expected = _counted(session, busy_plan.id, row["as_of"], filters)
                assert {k: row[k] for k in expected} == expected, row["period"]
        assert len({tuple(t.values()) for t in got}) > 3  # the counts do move over the days


def test_the_dashboards_first_view_reads_the_plan_once_and_agrees_with_each_figure(busy_plan, admin, reader) -> None:
    """overview() gives the tiles and RAG by theme from one grouped reading: each must equal what
    its own query gives (today and a past day, with and without a filter, cleared or not)."""
    past = (datetime.now(UTC) - timedelta(days=30)).date()
    with session_scope() as session:
        for user in (admin, reader):
            for as_of in (None, past):
                for filters in (None, asof.ReportFilter(themes=["Protect", "Pursue"])):
                    both = dashboard.overview(session, user=user, plan_id=busy_plan.id, as_of=as_of, filters=filters)
                    assert both["by_theme"] == dashboard.summary(session, user=user, plan_id=busy_plan.id, by="theme",
                                                                 as_of=as_of, filters=filters)
                    s = state(session, plan_id=busy_plan.id, day=asof.day_of(as_of), filters=filters)
                    counted = session.exec(s.select(*counts_columns(s))).one()._mapping
                    head = both["headline"]
                    assert head["total"] > 0
                    for key in [*asof.RAGS, "total", "overdue"]:
                        assert head[key] == int(counted[key] or 0), (as_of, filters, key)


def test_sqlite_joins_each_subquery_of_the_plan_as_at_through_an_index(seeded_sqlite, admin) -> None:
    """The plan at the last meeting beside the plan today (the exceptions' query): SQLite builds no
    index on a subquery of window functions, and scanned one whole for each action it joined (with
    3,000 moved due dates in a plan of 10,000 actions the exceptions took 80 s). Each subquery is
    now grouped by action, which SQLite does index: the plan must show no subquery scanned per row."""
    from sqlalchemy import text

    from plan.due_dates import decide, request_revision
    from plan.identity import Actor
    from plan.reports.rows import select_rows

    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded_sqlite.id, actions=30)
    with session_scope() as session:
        refs = session.exec(select(models.Action.ref).where(models.Action.plan_id == seeded_sqlite.id)
                            .order_by(models.Action.id).limit(6)).all()
        for ref in refs:
            request = request_revision(session, user=admin, plan_id=seeded_sqlite.id, ref=ref,
                                       new_date=datetime.now(UTC).date() + timedelta(days=200), reason="Capacity")
            session.flush()
            decide(session, user=admin, plan_id=seeded_sqlite.id, request_id=request.id, approve=True)
    with session_scope() as session:
        today = asof.day_of(None)
        before = state(session, plan_id=seeded_sqlite.id, day=today - timedelta(days=40))
        after = state(session, plan_id=seeded_sqlite.id, day=today)
        query = select_rows(after, Actor.system("test"), before.rag.label("since_rag"), before=before)
        sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        steps = [row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)).all()]
        assert len(session.exec(after.select(models.Action.id).where(after.moves > 0)).all()) == len(refs)
    joined = [s for s in steps if s.startswith(("SCAN anon", "SEARCH anon")) and s.endswith("LEFT-JOIN")]
    assert len(joined) >= 3, steps  # the history ranked at the earlier day, both days' due dates, ...
    assert not [s for s in joined if s.startswith("SCAN")], joined
