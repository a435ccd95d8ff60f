"""One status update through the service (plan.updates.record_update: the owner's permission,
the version check against what the form was opened at, the history row and the audit event),
in its own transaction as the page makes it; many in a row, one at a time."""

from __future__ import annotations

import os
import random
import time
from typing import Any

from bench.common import median, p95
from bench.database import actor


def measure(facts: dict[str, Any], count: int) -> dict[str, Any]:
    from sqlmodel import select

    from models import Action
    from plan.db import session_scope
    from plan.updates import record_update

    owner = actor("owner")
    plan_id, refs = facts["plan_id"], facts["owner_refs"]
    rng = random.Random(42)
    times = []
    for number in range(count):
        ref = rng.choice(refs)
        with session_scope() as session:  # what the form holds: the version it was opened at
            version = session.exec(select(Action.version).where(Action.plan_id == plan_id, Action.ref == ref)).one()
        started = time.perf_counter()
        with session_scope() as session:
            record_update(session, user=owner, plan_id=plan_id, ref=ref, rag=rng.choice(["green", "amber"]),
                          delivery_status="in_progress", commentary=f"Bench update {number}: on track.",
                          expected_version=version, submission_key=f"bench-{os.getpid()}-{number}")
        times.append((time.perf_counter() - started) * 1000)
    return {"count": count, "p50_ms": median(times), "p95_ms": p95(times), "max_ms": max(times)}
