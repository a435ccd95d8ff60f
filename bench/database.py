"""The bench's databases: a temporary SQLite file, or a fresh PostgreSQL database made for the run
and dropped after it (never the `test` database the tests use), filled with a synthetic plan
through the demo generator, with the accounts a bench signs in as and an open update round."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bench.common import use_database

ADMIN = ("bench.secretariat@example.org", "Bench Secretariat", "harbour lights at low tide")
OWNER = ("bench.owner@example.org", "Bench Owner", "cockles from leigh on sea")
OWNED = 20  # actions the owner owns: an owner's workload, spread through the plan


def create_postgres(url: str, name: str) -> str:
    """A new, empty database `name` on the server of `url`; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(database_url_of(url))
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(database_url_of(url)), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def database_url_of(url: str) -> str:
    """`postgresql://` as plan.db reads it (psycopg 3)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def deepen_history(plan_id: int, per_action: int) -> int:
    """Older updates, so each action has about `per_action` in its history (the issue's region:
    250,000 updates for 10,000 actions; the demo generator gives at most four). Each is a copy of
    the action's latest update's words dated a week, two weeks... earlier, so whichever way a query
    picks "the latest" (highest id, or newest date) it reads the same words and RAG; only as-at
    views of past dates see the copies' words early. Bulk inserted. Returns how many."""
    from datetime import timedelta

    from sqlalchemy import func, insert
    from sqlmodel import select

    from models import Action, Plan, StatusUpdate
    from plan.db import session_scope
    from plan.periods import period_for

    with session_scope() as session:
        cycle = session.get(Plan, plan_id).reporting_cycle  # type: ignore[union-attr]
        latest = (select(StatusUpdate.action_id, func.max(StatusUpdate.id).label("id"),
                         func.count(StatusUpdate.id).label("n"))
                  .join(Action, Action.id == StatusUpdate.action_id)
                  .where(Action.plan_id == plan_id).group_by(StatusUpdate.action_id).subquery())
        rows = session.exec(select(StatusUpdate, latest.c.n).join(latest, latest.c.id == StatusUpdate.id)).all()
        batch: list[dict[str, Any]] = []
        added = 0
        for update, count in rows:
            for back in range(1, max(per_action - int(count), 0) + 1):
                at = update.created_at - timedelta(days=7 * back)
                batch.append({"action_id": update.action_id, "rag": update.rag,
                              "delivery_status": update.delivery_status, "commentary": update.commentary,
                              "blockers": update.blockers, "support_asked": update.support_asked,
                              "author_name": "bench history", "period": period_for(at.date(), cycle),
                              "created_at": at, "is_demo": update.is_demo})
            if len(batch) >= 5000:
                session.execute(insert(StatusUpdate), batch)
                added += len(batch)
                batch = []
        if batch:
            session.execute(insert(StatusUpdate), batch)
            added += len(batch)
    return added


def move_due_dates(plan_id: int, share: float = 0.3) -> int:
    """Approved due-date moves for `share` of the open actions, as a live plan has them (owners ask,
    the chair agrees; the demo generator makes none): one move each, a few with a second, decided
    over the past year, the action's current due date following the latest (as plan.due_dates.decide
    does). Bulk inserted. Returns how many moves."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, update
    from sqlmodel import select

    from models import Action, DueDateRequest
    from plan.db import session_scope

    now = datetime.now(UTC)
    with session_scope() as session:
        rows = session.exec(select(Action.id, Action.current_due_date).where(
            Action.plan_id == plan_id, Action.retired_at.is_(None)).order_by(Action.id)).all()
        step = max(round(1 / share), 1) if share > 0 else len(rows) + 1
        moves: list[dict[str, Any]] = []
        new_due: dict[int, date] = {}
        for k, (action_id, due) in enumerate(rows[::step]):
            due = due or date.today()
            for n in range(2 if k % 5 == 0 else 1):
                decided = now - timedelta(days=30 + (k * 7 + n * 90) % 330)
                moved_to = due + timedelta(days=90 * (n + 1))
                moves.append({"action_id": action_id, "from_date": due + timedelta(days=90 * n),
                              "requested_date": moved_to, "reason": "bench: partner capacity",
                              "requested_by": "bench owner", "requested_at": decided - timedelta(days=3),
                              "decision": "approved", "decided_by": "bench chair", "decided_at": decided,
                              "decision_note": ""})
                new_due[action_id] = moved_to
        for start in range(0, len(moves), 5000):
            session.execute(insert(DueDateRequest), moves[start:start + 5000])
        for action_id, due in new_due.items():
            session.execute(update(Action).where(Action.id == action_id).values(current_due_date=due))
    return len(moves)


def update_in_round(plan_id: int, admin: Any, share: float = 0.2) -> int:
    """Updates made in the open round for `share` of the actions that owe one (mid-round, as the
    chair usually looks), through the service, so each action's current columns follow."""
    from sqlmodel import select

    from models import Action
    from plan import rounds
    from plan.db import session_scope
    from plan.updates import record_update

    with session_scope() as session:
        refs = session.exec(select(Action.ref).where(Action.plan_id == plan_id, Action.retired_at.is_(None),
                                                     Action.delivery_status.not_in(rounds.NOT_OWING))
                            .order_by(Action.id)).all()
        step = max(round(1 / share), 1)
        chosen = list(refs[1::step])
        for k, ref in enumerate(chosen):
            record_update(session, user=admin, plan_id=plan_id, ref=ref, rag=("green", "amber", "red")[k % 3],
                          delivery_status="in_progress", commentary="bench: update in the round")
    return len(chosen)


def build(url: str, actions: int, *, history: int = 0, owned: int = OWNED) -> dict[str, Any]:
    """Migrate and seed `url`, grow the plan to `actions` actions with demo history (and the
    chair's view demo: closed rounds, a past meeting), deepen each action's history to about
    `history` updates, add the secretariat and an owner with passwords, give the owner `owned`
    actions and open an update round. Returns what stages need."""
    use_database(url)
    from sqlalchemy import func, text
    from sqlmodel import select

    from models import Action, StatusUpdate
    from plan import rounds
    from plan.db import get_engine, session_scope
    from plan.demo import add_demo
    from plan.identity import Actor
    from plan.plans import plan_frame
    from plan.setup import init
    from plan.users import actor_for, add_user, assign_owner_many

    init()
    system = Actor.system("bench")
    with session_scope() as session:
        frame = plan_frame(session)
        plan_id = frame.id
        seeded = session.exec(select(func.count()).select_from(Action).where(Action.plan_id == plan_id)).one()
        people = {}
        for role, (email, name, password) in (("admin", ADMIN), ("owner", OWNER)):
            people[role] = actor_for(add_user(session, user=system, email=email, name=name, role=role,
                                              cleared_for_restricted=True, password=password))
    admin = people["admin"]
    with session_scope() as session:
        added = add_demo(session, user=admin, plan_id=plan_id, actions=max(actions - int(seeded), 0))
    if history:
        added["older_updates"] = deepen_history(plan_id, history)
    added["due_date_moves"] = move_due_dates(plan_id)
    with session_scope() as session:
        refs = session.exec(select(Action.ref).where(Action.plan_id == plan_id, Action.retired_at.is_(None),
                                                     Action.delivery_status.not_in(rounds.NOT_OWING))
                            .order_by(Action.ref_sort)).all()
        step = max(len(refs) // owned, 1)
        mine = list(refs[::step][:owned])
        assign_owner_many(session, user=admin, plan_id=plan_id, refs=mine, email=OWNER[0])
    with session_scope() as session:
        period = rounds.suggested_period(session, plan_id=plan_id, cycle=frame.reporting_cycle)
        opened = rounds.open_round(session, user=admin, plan_id=plan_id, period=period,
                                   deadline=date.today() + timedelta(days=14))
    added["updates_in_round"] = update_in_round(plan_id, admin)
    if get_engine().dialect.name == "postgresql":
        # Fresh bulk-loaded tables have no planner statistics until autovacuum reaches them; a
        # live database has them. Without this PostgreSQL picks nested loops over 10,000 rows.
        with get_engine().connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    with session_scope() as session:
        total = session.exec(select(func.count()).select_from(Action).where(Action.plan_id == plan_id)).one()
        updates = session.exec(select(func.count()).select_from(StatusUpdate)).one()
    return {"url": url, "plan_id": plan_id, "actions": int(total), "updates": int(updates),
            "added": added, "owner_refs": mine, "round": opened.period,
            "admin": {"email": ADMIN[0], "name": ADMIN[1], "password": ADMIN[2], "person_id": admin.person_id},
            "owner": {"email": OWNER[0], "name": OWNER[1], "password": OWNER[2],
                      "person_id": people["owner"].person_id}}


def actor(role: str) -> Any:
    """The bench's admin or owner as the app sees them (read afresh from the database)."""
    from plan.db import session_scope
    from plan.users import actor_for_email

    with session_scope() as session:
        found = actor_for_email(session, (ADMIN if role == "admin" else OWNER)[0])
    assert found is not None
    return found
