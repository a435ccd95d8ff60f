"""No lost updates: two people editing one action, and many threads at once, on both databases."""

import random
import threading

import pytest
from sqlalchemy import select

import models
from plan.actions import action_detail
from plan.db import session_scope
from plan.errors import StaleVersion
from plan.updates import record_update


def _version(plan_id: int, admin, ref: str) -> int:  # noqa: ANN001
    with session_scope() as session:
        return action_detail(session, user=admin, plan_id=plan_id, ref=ref)["version"]


def test_two_people_open_the_same_action_and_the_second_save_is_refused(seeded, people) -> None:
    admin, owner = people["admin"], people["owner"]
    seen_by_both = _version(seeded.id, admin, "3.5")  # both open the form
    with session_scope() as session:
        record_update(session, user=owner, plan_id=seeded.id, ref="3.5", rag="amber", delivery_status="in_progress",
                      commentary="Owner: data-sharing agreement delayed", expected_version=seen_by_both)
    with session_scope() as session, pytest.raises(StaleVersion, match="updated by someone else after you opened"):
        record_update(session, user=admin, plan_id=seeded.id, ref="3.5", rag="green", delivery_status="in_progress",
                      commentary="Secretariat: on track", expected_version=seen_by_both)
    with session_scope() as session:
        detail = action_detail(session, user=admin, plan_id=seeded.id, ref="3.5")
    assert [u["commentary"] for u in detail["updates"]] == ["Owner: data-sharing agreement delayed"]
    assert detail["rag"] == "amber"
    # the second person reads the first update and applies theirs on top
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded.id, ref="3.5", rag="green", delivery_status="in_progress",
                      commentary="Secretariat: on track", expected_version=detail["version"])
    with session_scope() as session:
        detail = action_detail(session, user=admin, plan_id=seeded.id, ref="3.5")
    assert [u["commentary"] for u in detail["updates"]] == ["Secretariat: on track",
                                                            "Owner: data-sharing agreement delayed"]


def test_many_threads_updating_same_and_different_actions_lose_nothing(seeded, people) -> None:
    """8 threads x 12 updates over 3 actions, each read-then-write with the version it read; a
    refused write is re-read and retried. Every accepted update must be in the history."""
    admin = people["admin"]
    refs = ["1.1", "2.1", "3.1"]
    accepted: list[str] = []
    refused = 0
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        nonlocal refused
        rng = random.Random(n)
        for i in range(12):
            ref = rng.choice(refs)
            text = f"thread {n} update {i} on {ref}"
            for _attempt in range(50):
                try:
                    version = _version(seeded.id, admin, ref)
                    with session_scope() as session:
                        record_update(session, user=admin, plan_id=seeded.id, ref=ref, delivery_status="in_progress",
                                      rag=rng.choice(["green", "amber"]), commentary=text, expected_version=version)
                    with lock:
                        accepted.append(text)
                    break
                except StaleVersion:
                    with lock:
                        refused += 1
                except BaseException as err:  # noqa: BLE001
                    errors.append(err)
                    return

    _run_threads(worker, 8)
    assert errors == []
    assert len(accepted) == 96
    assert sorted(_history_of(refs)) == sorted(accepted)  # none vanished, none doubled
    print(f"96 updates accepted, {refused} stale attempts refused and retried")


def test_updates_without_a_version_queue_and_all_land(seeded, people) -> None:
    """8 threads append 5 updates each to one action without naming a version (the path demo data
    and bulk loads take): the action's row lock makes them queue; all 40 are kept."""
    admin = people["admin"]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for i in range(5):
            try:
                with session_scope() as session:
                    record_update(session, user=admin, plan_id=seeded.id, ref="2.1", delivery_status="in_progress",
                                  rag=["green", "amber"][i % 2], commentary=f"thread {n} update {i}")
            except BaseException as err:  # noqa: BLE001  any refusal is a lost update
                errors.append(err)

    _run_threads(worker, 8)
    assert errors == []
    assert sorted(_history_of(["2.1"])) == sorted(f"thread {n} update {i}" for n in range(8) for i in range(5))


def _run_threads(worker, count: int) -> None:  # noqa: ANN001
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _history_of(refs: list[str]) -> list[str]:
    """The commentaries stored for these actions, after checking that each action's version moved
    once per update and that its current RAG is its latest update's."""
    with session_scope() as session:
        chosen = select(models.Action).where(models.Action.ref.in_(refs))
        stored: list[str] = []
        for action in session.execute(chosen).scalars():
            history = session.execute(select(models.StatusUpdate).where(models.StatusUpdate.action_id == action.id)
                                      .order_by(models.StatusUpdate.id)).scalars().all()
            assert action.version == len(history) + 1, action.ref
            assert action.rag == history[-1].rag, action.ref
            stored += [u.commentary for u in history]
    return stored
