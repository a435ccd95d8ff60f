"""The board paper at scale against its floor: the whole plan's paper timed end to end (the
services' queries and the writing) against a bare openpyxl write-only dump of the very same
cells (values only: no styles, print settings, chart or text-as-text), the floor any openpyxl
writer has. bench/bench_board_paper.py prints this on its own; bench/run.py records it."""

from __future__ import annotations

import io
import time
from typing import Any

from bench.common import median


def measure(plan_id: int, repeat: int) -> dict[str, Any]:
    from openpyxl import Workbook, load_workbook

    from plan.db import session_scope
    from plan.exports import board_paper
    from plan.identity import Actor

    admin = Actor.system("bench")
    paper_times: list[float] = []
    stages: dict[str, float] = {}
    paper = None
    for _ in range(repeat):
        marks: list[tuple[float, str]] = []
        t0 = time.perf_counter()
        with session_scope() as session:
            paper = board_paper(session, user=admin, plan_id=plan_id,
                                progress=lambda f, words, marks=marks: marks.append((time.perf_counter(), words)))
        paper_times.append(time.perf_counter() - t0)
        if paper_times[-1] == min(paper_times):
            stages = {words: at - t0 for at, words in marks}
    assert paper is not None

    # The same cells, as values, per sheet: what a bare dump writes.
    book = load_workbook(io.BytesIO(paper.content))
    sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book}
    cells = sum(len(r) for rows in sheets.values() for r in rows)

    def bare() -> bytes:
        out = Workbook(write_only=True)
        for title, rows in sheets.items():
            ws = out.create_sheet(title)
            for row in rows:
                ws.append(row)
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()

    bare_times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - t0)
    paper_s, bare_s = median(paper_times), median(bare_times)
    reading = stages.get("Writing the cover and the exceptions", 0.0)
    return {"paper_s": paper_s, "best_paper_s": min(paper_times), "bare_s": bare_s, "best_bare_s": min(bare_times),
            "reading_s": reading, "rows": paper.rows, "cells": cells, "sheets": len(sheets),
            "mb": len(paper.content) / 1e6, "ratio": paper_s / bare_s}
