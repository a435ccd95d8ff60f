"""The annual review: the definition, each finding with its actions' RAG at the start and end of
the year, the core measures with small numbers suppressed, what was completed, carried forward or
retired, and the gaps; through the one export path (marked, audited); from the CLI; printed by
LibreOffice with nothing over anything; and the review date's reminder."""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from models import Action, AuditEvent
from plan import measures, strategy
from plan.cli import main as cli
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.updates import record_update
from tests import printing

TODAY = date(2026, 12, 7)


@pytest.fixture
def reviewed_year(seeded, people):  # noqa: ANN001, ANN201
    admin = people["admin"]
    with session_scope() as session:
        strategy.record_definition(session, user=admin, plan_id=seeded.id, agreed_on=date(2026, 4, 20),
                                   text="Serious violence: public place violence, knife crime and exploitation.")
        strategy.add_finding(session, user=admin, plan_id=seeded.id, fields={"ref": "F6", "title": "Robbery"})
        record_update(session, user=admin, plan_id=seeded.id, ref="1.3", rag="red", delivery_status="in_progress",
                      commentary="Public Health has no analyst yet.", at=datetime(2026, 3, 15, tzinfo=UTC))
        record_update(session, user=admin, plan_id=seeded.id, ref="1.3", rag="green", delivery_status="in_progress",
                      commentary="Drugs market profile drafted.", at=datetime(2026, 10, 1, tzinfo=UTC))
        record_update(session, user=admin, plan_id=seeded.id, ref="1.7", rag="blue", delivery_status="complete",
                      commentary="All frontline staff trained.", evidence_url="https://example.org/training",
                      at=datetime(2026, 11, 1, tzinfo=UTC))
        session.exec(select(Action).where(Action.ref == "2.5")).one().retired_at = datetime(2026, 9, 1, tzinfo=UTC)
        strategy.switch_core_measure(session, user=admin, plan_id=seeded.id, key="police_knife_under25", on=True)
        measures.submit_value(session, user=admin, plan_id=seeded.id, measure_ref="SV-KNIFE-U25", period="2026-Q2",
                              value="41")
        measures.submit_value(session, user=admin, plan_id=seeded.id, measure_ref="SV-KNIFE-U25", period="2026-Q3",
                              value="3")
    return seeded


def _rows(content: bytes, sheet: str) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for row in book[sheet].iter_rows()]


def test_the_review_workbook_holds_the_year(reviewed_year, people) -> None:
    with session_scope() as session:
        made = strategy.review_export(session, user=people["chair"], plan_id=reviewed_year.id, year=2026,
                                      today=TODAY)
    book = load_workbook(io.BytesIO(made.content))
    assert book.sheetnames == ["Review", "Findings", "Core measures", "Actions", "Gaps"]
    assert made.filename.startswith("OFFICIAL-SENSITIVE annual review 2026-27")
    review = [v for row in _rows(made.content, "Review") for v in row if v is not None]
    assert review[0] == "OFFICIAL-SENSITIVE" and "Serious Violence Duty: annual review 2026/27" in review
    assert "Serious violence: public place violence, knife crime and exploitation." in review
    findings = _rows(made.content, "Findings")
    f1 = next(r for r in findings if r[0] == "F1" and r[3] == "1.3")
    assert f1[5:8] == ["Red", "Green", "Better"]
    f4 = next(r for r in findings if r[0] == "F4")
    assert f4[3] == "1.7" and f4[7] == "First assessed" and f4[8] == "Complete"
    assert next(r for r in findings if r[0] == "F6")[4] == "No action: a gap"
    assert not any(r[3] == "2.5" for r in findings)  # retired in the year: not answering any more
    core = next(r for r in _rows(made.content, "Core measures") if r[0] == "SV-KNIFE-U25")
    assert core[2:4] == ["41", "<5"] and core[-2] == "Better"  # 3 is a small number: suppressed
    outcomes = {r[0]: r[2] for r in _rows(made.content, "Actions") if r[0]}
    assert outcomes["1.7"] == "Completed in the year" and outcomes["1.3"] == "Carried forward"
    assert outcomes["2.5"].startswith("Retired 01 Sep 2026")
    gaps = [r for r in _rows(made.content, "Gaps") if r[0] == "F6" or (r[1] or "").startswith("Fire and rescue")]
    assert len(gaps) == 2
    assert "4.6" in [r[0] for r in _rows(made.content, "Gaps")]
    assert next(r for r in _rows(made.content, "Gaps") if r[0] == "4.6")[1] == "Restricted"  # chair not cleared
    with session_scope() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.event == "export.review")).one()
        assert "6 findings, 1 gaps, 1 core measures" in event.detail
        with pytest.raises(NotAllowed):
            strategy.review_export(session, user=people["owner"], plan_id=reviewed_year.id, year=2026, today=TODAY)
        with pytest.raises(InvalidInput, match="has not started"):
            strategy.review_export(session, user=people["chair"], plan_id=reviewed_year.id, year=2027, today=TODAY)


def test_export_review_from_the_command_line(reviewed_year, tmp_path: Path, capsys) -> None:
    out = tmp_path / "review.xlsx"
    assert cli(["export", "review", "--year", "2026", "--out", str(out)]) == 0
    assert "Wrote the annual review 2026/27" in capsys.readouterr().out
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert load_workbook(out).sheetnames[0] == "Review"
    assert cli(["export", "review", "--year", "2026", "--out", str(tmp_path / "review.pdf")]) == 1


def test_the_review_date_and_its_reminder(seeded, people) -> None:
    with session_scope() as session:
        assert strategy.review_reminder(session, plan_id=seeded.id, today=TODAY) is None
        strategy.set_review_date(session, user=people["admin"], plan_id=seeded.id, day="31/01/2027")
        assert strategy.review_reminder(session, plan_id=seeded.id, today=date(2026, 11, 1)) is None
        soon = strategy.review_reminder(session, plan_id=seeded.id, today=TODAY)
        assert soon["days"] == 55 and "due on 31 January 2027, in 55 days" in soon["text"]
        late = strategy.review_reminder(session, plan_id=seeded.id, today=date(2027, 2, 2))
        assert late["overdue"] and "2 days ago" in late["text"]
        with pytest.raises(NotAllowed):
            strategy.set_review_date(session, user=people["chair"], plan_id=seeded.id, day=TODAY)


@pytest.mark.skipif(bool(printing.available()) and os.environ.get("PLAN_REQUIRE_PRINT") != "1",
                    reason=f"printing cannot be checked here: {printing.available()}")
def test_the_review_prints_with_nothing_over_anything(reviewed_year, people, database, tmp_path: Path) -> None:
    if not database.startswith("sqlite"):
        pytest.skip("printing is the same on both databases")
    with session_scope() as session:
        made = strategy.review_export(session, user=people["admin"], plan_id=reviewed_year.id, year=2026,
                                      today=TODAY)
    printed = printing.print_workbook(made.content, tmp_path, "review.xlsx")
    assert printed.pages
    over = printed.overprinted()
    assert over == [], [f"page {a.page}: {a.text!r} over {b.text!r}" for a, b in over[:10]]
    for number, text in enumerate(printed.texts, start=1):
        assert " ".join(text.split()).count("OFFICIAL-SENSITIVE") >= 2, number
    assert printed.page_of("Serious Violence Duty: annual review 2026/27")
    assert printed.page_of("No action: a gap")
