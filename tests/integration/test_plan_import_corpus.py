"""The corpus of plan workbooks in the shapes councils publish (tests/data/workbooks): each
imports as published, no edits and no flags, on SQLite and PostgreSQL; what is stored is checked
against the sheet action by action, field by field; every interpretation is a warning in the dry
run; importing it again changes nothing. Then the journey's file, which needs one correction,
through the CLI's --mapping; and what the dry run refuses so the write never has to."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import models
from models import Action, ActionPartner, Agency, Plan, Theme
from plan.cli import main as cli
from plan.db import session_scope
from plan.identity import Actor
from plan.imports import import_plan
from tests.data.workbooks.build import JOURNEY, PUBLISHED, Shape


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _import(content: bytes, filename: str, **extra):  # noqa: ANN003, ANN202
    with session_scope() as session:
        return import_plan(session, user=Actor.system("test secretariat"), content=content, filename=filename,
                           **extra)


def _stored(slug: str) -> tuple[Plan, list[str], dict[str, dict]]:
    with session_scope() as session:
        plan = session.exec(select(Plan).where(Plan.slug == slug)).scalar_one()
        session.expunge(plan)
        themes = {t.id: t.name for t in session.exec(select(Theme).where(Theme.plan_id == plan.id)
                                                     .order_by(Theme.position)).scalars()}
        agencies = dict(session.exec(select(Agency.id, Agency.name)).all())
        actions = {}
        for a in session.exec(select(Action).where(Action.plan_id == plan.id)).scalars():
            partners = session.exec(select(ActionPartner.agency_id).where(ActionPartner.action_id == a.id)).scalars()
            actions[a.ref] = {
                "ref": a.ref, "title": a.title, "theme": themes[a.theme_id], "owner": a.lead_owner,
                "agency": agencies.get(a.lead_agency_id), "partners": frozenset(agencies[p] for p in partners),
                "named": a.named_partners, "start": a.start_date, "due": a.current_due_date,
                "frequency": a.reporting_frequency, "rag": a.rag, "status": a.delivery_status,
                "baseline": a.baseline_due_date,
            }
        return plan, list(themes.values()), actions


def _slug(shape: Shape) -> str:
    return shape.name.removesuffix(".xlsx").replace("_", "-")[:60]


@pytest.mark.parametrize("shape", PUBLISHED, ids=[s.name for s in PUBLISHED])
def test_each_published_shape_imports_as_published(seeded, shape: Shape) -> None:
    content, slug = shape.content(), _slug(shape)
    before = _counts()
    dry = _import(content, shape.name, plan_slug=slug, dry_run=True)
    assert _counts() == before, "a dry run writes nothing"
    assert not dry.errors, [(r.row, r.errors) for r in dry.errors]
    assert dry.count("create") == len(shape.actions) and dry.sheet == "Action plan"
    by_ref = {r.ref: r for r in dry.rows}
    for expected in shape.actions:  # every reading that is not a plain value is said
        if expected.frequency:
            assert any("recurring" in w for w in by_ref[expected.ref].warnings), expected.ref

    report = _import(content, shape.name, plan_slug=slug)
    assert report.applied and report.count("create") == len(shape.actions)
    plan, themes, actions = _stored(slug)
    assert plan.name == shape.plan_name
    assert plan.protective_marking == (shape.marking or "OFFICIAL-SENSITIVE")
    assert themes == shape.themes and "General" not in themes
    assert sorted(actions) == sorted(e.ref for e in shape.actions)
    for expected in shape.actions:
        held = actions[expected.ref]
        wanted = {"ref": expected.ref, "title": expected.title, "theme": expected.theme, "owner": expected.owner,
                  "agency": expected.agency, "partners": expected.partners, "named": expected.named,
                  "start": expected.start, "due": expected.due, "frequency": expected.frequency,
                  "rag": expected.rag, "status": expected.status, "baseline": expected.due}
        assert held == wanted, expected.ref
        if expected.frequency:
            assert held["due"] is None, "a recurring action has no due date, so it is never overdue"

    before = _counts()
    again = _import(content, shape.name, plan_slug=slug)
    assert _counts() == before, "re-importing the same file changes nothing"
    assert again.count("unchanged") == len(shape.actions) and again.nothing_to_import


def test_the_colour_only_rag_is_matched_to_the_key_and_said(seeded) -> None:
    from tests.data.workbooks.build import VAWG

    dry = _import(VAWG.content(), VAWG.name, plan_slug="vawg", dry_run=True)
    by_ref = {r.ref: r for r in dry.rows}
    assert any("RAG Blue read from the cell's colour (column E, the key's Blue)" in w for w in by_ref["3"].warnings)
    assert any("matched to the key under the table" in n for n in dry.notes)
    assert any("'LBW / Met' names organisations: lead agency LBW, partners Met" in w for w in by_ref["3"].warnings)
    assert any("the key, not actions" in n for n in dry.notes)


def test_a_heading_the_app_cannot_know_gives_one_message_and_the_mapping_fixes_it(seeded, capsys,
                                                                                    tmp_path) -> None:
    path = tmp_path / JOURNEY.name
    path.write_bytes(JOURNEY.content())
    assert cli(["import", str(path), "--plan", "youth", "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert err.count("No column of the table") == 1 and "'Piece of work' (B)" in err
    assert "The action has no words" not in err
    before = _counts()
    assert cli(["import", str(path), "--plan", "youth", "--mapping", "Piece of work=title"]) == 0
    out = capsys.readouterr().out
    assert "B 'Piece of work' -> Action" in out and "Imported into new plan 'youth': 3 new" in out
    assert _counts() != before
    _, themes, actions = _stored("youth")
    assert themes == JOURNEY.themes and actions["Y2"]["frequency"] == "ongoing"
    # the header row given by hand, with the mapping, finds the same table
    assert cli(["import", str(path), "--plan", "youth", "--mapping", "Piece of work=title", "--header-row", "4",
                "--dry-run"]) == 0
    assert "3 unchanged" in capsys.readouterr().out


def _book(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_dry_run_refuses_what_the_database_would(seeded) -> None:
    long_ref = "PREVENTION-WORKSTREAM-ACTION-001-A"  # 34 characters: ref is varchar(30)
    rows = [["Ref", "Action", "Lead officer", "Due"], ["Theme A"],
            [long_ref, "Too long a ref", "Officer", "Mar-26"],
            ["A.1", "Fine", "x" * 250, "Mar-26"],
            ["A.1", "Twice", "Officer", "Mar-26"]]
    before = _counts()
    dry = _import(_book(rows), "long.xlsx", plan_slug="long", dry_run=True)
    errors = {r.row: " ".join(r.errors) for r in dry.errors}
    assert "34 characters: the most is 30" in errors[3] and "used twice" in errors[5]
    assert 4 not in errors, "a long lead is cut to what the database holds, not refused"
    report = _import(_book(rows), "long.xlsx", plan_slug="long", skip_invalid=True)
    assert report.applied and report.count("create") == 1
    _, _, actions = _stored("long")
    assert len(actions["A.1"]["owner"]) == 200
    assert _counts()["action"] == before["action"] + 1


def test_nothing_to_import_makes_no_plan(seeded) -> None:
    rows = [["Ref", "Action", "Due"], ["1", "", "purple"]]
    before = _counts()
    dry = _import(_book(rows), "empty.xlsx", plan_slug="empty", dry_run=True, skip_invalid=True)
    assert dry.nothing_to_import
    with pytest.raises(Exception, match="Nothing to import"):
        _import(_book(rows), "empty.xlsx", plan_slug="empty", skip_invalid=True)
    assert _counts() == before, "no empty plan"


def test_generated_refs_stay_short_and_stable(seeded) -> None:
    rows = [["Ref", "Action", "Lead officer"], ["Theme"], ["R5", "First", "Officer"]] + [
        [None, f"Added {n}", "Officer"] for n in range(24)]
    first = _import(_book(rows), "refs.xlsx", plan_slug="refs", dry_run=True)
    refs = [r.ref for r in first.rows]
    assert refs[:3] == ["R5", "R5-1", "R5-2"] and max(len(r) for r in refs) <= 5
    again = _import(_book(rows), "refs.xlsx", plan_slug="refs", dry_run=True)
    assert [r.ref for r in again.rows] == refs
    report = _import(_book(rows), "refs.xlsx", plan_slug="refs")
    assert report.applied and report.count("create") == 25
