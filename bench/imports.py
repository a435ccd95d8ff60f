"""The plan spreadsheet import (plan.imports.import_plan, dry run and real) against
pandas.read_excel of the same file, the floor any reader of the file pays."""

from __future__ import annotations

import io
import time
from typing import Any

from bench.common import median, timed
from bench.spreadsheet import council_workbook


def measure(actions: int, repeat: int) -> dict[str, Any]:
    """In the stage's own database (a fresh one: each real import makes a new plan)."""
    import pandas as pd

    from plan.db import session_scope
    from plan.identity import Actor
    from plan.imports import import_plan
    from plan.setup import init

    init()
    content = council_workbook(actions)
    admin = Actor.system("bench")
    read = timed(lambda: pd.read_excel(io.BytesIO(content), header=None), repeat)
    reports: dict[str, Any] = {}

    def once(dry_run: bool, slug: str) -> float:
        started = time.perf_counter()
        with session_scope() as session:
            report = import_plan(session, user=admin, content=content, filename="council plan.xlsx",
                                 plan_slug=slug, dry_run=dry_run)
        reports["dry" if dry_run else "real"] = report
        return time.perf_counter() - started

    dry = [once(True, "bench-import") for _ in range(repeat)]
    real = [once(False, f"bench-import-{n}") for n in range(repeat)]
    report = reports["real"]
    read_s = median(read)
    return {"rows": actions, "kb": len(content) / 1024, "read_excel_s": read_s, "dry_run_s": median(dry),
            "import_s": median(real), "ratio": median(real) / read_s, "dry_run_ratio": median(dry) / read_s,
            "created": report.count("create"), "history_added": report.history_added,
            "errors": len(report.errors), "warnings": sum(len(r.warnings) for r in report.rows)}
