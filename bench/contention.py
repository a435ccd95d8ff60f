"""Concurrent readers: one user's page queries (the Actions list's first page, plan.actions
list_actions, and My actions, plan.my_actions) timed alone and then while another session loads
the heaviest pages in a loop: Update round with a round open (every owing action) and the
Dashboard (the plan as at a date, trends, exceptions), one after the other. The loader is a
separate process running that page's script through AppTest, so what the reader waits for is the
database (locks, I/O), not this process's interpreter lock; in one Streamlit server both would
add up."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, median, p95
from bench.database import actor

HEAVY_PAGES = ("pages/update_round.py", "pages/dashboard.py")


def _reader(plan_id: int, samples: int, pause: float) -> dict[str, list[float]]:
    """Wall and CPU milliseconds of each query, in the kind of session its page opens: a read
    scope where plan.db has one (a plain BEGIN on SQLite), else a session_scope."""
    from plan import db
    from plan.actions import list_actions
    from plan.my_actions import my_actions

    scope = getattr(db, "read_scope", db.session_scope)
    owner = actor("owner")
    times: dict[str, list[float]] = {"actions_list": [], "my_actions": [], "actions_list_cpu": [],
                                     "my_actions_cpu": []}
    for _ in range(samples):
        for name, call in (("actions_list", lambda s: list_actions(s, user=owner, plan_id=plan_id)),
                           ("my_actions", lambda s: my_actions(s, user=owner, plan_id=plan_id))):
            started, cpu = time.perf_counter(), time.thread_time()
            with scope() as session:
                rows = call(session)
            times[name].append((time.perf_counter() - started) * 1000)
            times[f"{name}_cpu"].append((time.thread_time() - cpu) * 1000)
            assert rows, f"{name} found nothing: the bench owner should own actions"
        time.sleep(pause)
    return times


def _figures(times: dict[str, list[float]]) -> dict[str, Any]:
    """Per query and both together; `cpu` is this thread's own work, the rest of the wall time
    is waiting (for a lock, the disk, or a CPU on a busy machine)."""
    wall = {name: values for name, values in times.items() if not name.endswith("_cpu")}
    both = [t for values in wall.values() for t in values]
    cpu = [t for name, values in times.items() if name.endswith("_cpu") for t in values]
    return {**{f"{name}_p50_ms": median(values) for name, values in wall.items()},
            **{f"{name}_p95_ms": p95(values) for name, values in wall.items()},
            "p50_ms": median(both), "p95_ms": p95(both), "cpu_p50_ms": median(cpu), "cpu_p95_ms": p95(cpu)}


def measure(facts: dict[str, Any], samples: int, url: str, facts_file: str) -> dict[str, Any]:
    _reader(facts["plan_id"], 2, 0)  # warm
    alone = _figures(_reader(facts["plan_id"], samples, 0.02))
    folder = Path(tempfile.mkdtemp())
    stop, ready = folder / "stop", folder / "ready"
    loader = subprocess.Popen([sys.executable, str(ROOT / "bench" / "run.py"), "--stage", "load", "--url", url,
                               "--facts", facts_file, "--stop-file", str(stop), "--ready-file", str(ready)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 900
        while not ready.exists():
            if loader.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the loader did not start: " + (loader.stdout.read() if loader.stdout else ""))
            time.sleep(0.2)
        contended = _figures(_reader(facts["plan_id"], samples, 0.02))
    finally:
        stop.touch()
        output, _ = loader.communicate(timeout=900)
    loads = [float(line.split()[1]) for line in output.splitlines() if line.startswith("LOADED ")]
    return {"heavy_pages": HEAVY_PAGES, "samples": samples, "alone": alone, "contended": contended,
            "heavy_page_runs": len(loads), "heavy_page_s": median(loads)}


def load_loop(stop_file: str, ready_file: str) -> None:
    """The other session: the heavy page's script, run again and again until told to stop. Its
    data caches are cleared before each run, as owners' saves during a round keep invalidating
    them (with no cache this changes nothing)."""
    from bench.pages import open_signed_in
    from ui import cache as page_cache

    admin = actor("admin")
    pages = [open_signed_in(page, admin) for page in HEAVY_PAGES]
    Path(ready_file).touch()
    while not Path(stop_file).exists():
        for at in pages:
            page_cache.clear()
            started = time.perf_counter()
            at.run()
            print(f"LOADED {time.perf_counter() - started:.4f}", flush=True)
