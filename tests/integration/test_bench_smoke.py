"""bench/run.py runs end to end on a tiny plan and writes every figure the issue names.
A smoke test: it checks the keys and that each stage ran, never a time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("dashboard_scaling", "dashboard_overhead", "export_ratio", "import_ratio", "update_p50_ms", "update_p95_ms",
        "peak_rss_mb", "contended_read_p95_ms", "payload_kb", "N", "database", "machine", "git_commit", "timestamp")


def test_bench_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "--actions", "50", "--repeat", "1",
                           "--no-browser", "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert [key for key in KEYS if key not in figures] == []
    assert [name for name, stage in figures["stages"].items() if "error" in stage] == []
    measured = ("dashboard_scaling", "dashboard_overhead", "export_ratio", "import_ratio", "update_p95_ms",
                "contended_read_p95_ms", "peak_rss_mb")
    assert [key for key in measured if not isinstance(figures[key], float) or figures[key] <= 0] == []
    assert figures["N"] == 50
    assert figures["payload_kb"] is None and "not measured" in figures["payload_note"]
    assert "dashboard_scaling" in done.stdout  # the printed table
