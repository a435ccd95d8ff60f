"""Import of a 10,000-row plan workbook (plan.imports.import_plan, dry run and real, through the
one upload reader plan/workbooks) against pandas.read_excel of the same file, in the same run.
Target: the import within 3x of read_excel.

    PLAN_DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python -m bench.import_vs_pandas [rows] [repeat]
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if "PLAN_DATABASE_URL" not in os.environ:
        os.environ["PLAN_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    import pandas as pd

    from bench.common import median, timed
    from bench.spreadsheet import council_workbook
    from plan.db import session_scope
    from plan.identity import Actor
    from plan.imports import import_plan
    from plan.setup import init
    from plan.workbooks import read_sheet

    init()
    content = council_workbook(rows)
    admin = Actor.system("bench")
    read_excel = median(timed(lambda: pd.read_excel(io.BytesIO(content), header=None, engine="openpyxl"), repeat))
    reader = median(timed(lambda: read_sheet(content, "plan.xlsx"), repeat))

    def once(dry_run: bool, slug: str) -> float:
        started = time.perf_counter()
        with session_scope() as session:
            import_plan(session, user=admin, content=content, filename="plan.xlsx", plan_slug=slug, dry_run=dry_run)
        return time.perf_counter() - started

    dry = median([once(True, "bench-vs-pandas") for _ in range(repeat)])
    real = median([once(False, f"bench-vs-pandas-{n}") for n in range(repeat)])
    print(f"{rows:,} rows, {len(content) / 1024:,.0f} KB")
    print(f"pandas.read_excel (openpyxl)  {read_excel:6.2f} s")
    print(f"plan.workbooks.read_sheet     {reader:6.2f} s   ratio {reader / read_excel:.2f}x")
    print(f"import_plan dry run           {dry:6.2f} s   ratio {dry / read_excel:.2f}x")
    print(f"import_plan                   {real:6.2f} s   ratio {real / read_excel:.2f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
