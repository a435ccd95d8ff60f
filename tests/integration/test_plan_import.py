"""Importing a plan from a council's spreadsheet, on both databases: the sample workbook, a messy
one built here, a broken one writing nothing, re-import changing nothing, skipping bad rows, a
new plan from a new slug, and the round trip (export the seed plan, import it into an empty
database, the same plan)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import models
from models import Action, ActionPartner, Agency, Plan, StatusUpdate, Theme
from plan import migrate
from plan.cli import main as cli
from plan.db import session_scope
from plan.identity import Actor
from plan.imports import ImportRejected, import_plan
from plan.imports.export import plan_workbook
from plan.plans import plan_frame

SAMPLE = Path("/work/shared/samples/example_council_plan.xlsx")


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _import(content: bytes, filename: str = "plan.xlsx", **extra):  # noqa: ANN003, ANN202
    with session_scope() as session:
        return import_plan(session, user=Actor.system("test secretariat"), content=content, filename=filename,
                           **extra)


def _book(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Delivery plan"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MESSY = [
    ["OFFICIAL-SENSITIVE"],
    ["Southend V&V delivery tracker – as at 14/10/2025"],
    [],
    ["Ref", "Action", "Lead Officer", "Lead Agency", "Due", "RAG (Q1)", "Update (Q1)", "RAG (Q2)", "Update (Q2)",
     "Budget code"],
    ["PREVENT: stopping it starting"],
    ["9.1", "Run =SUM(A1) summer\ndiversion programme", "Youth Service Manager\nCommunity Safety Team",
     "Southend-on-Sea Borough Council", "Mar-26", "Amber/Green", "Venues booked.", "amber", "Two venues lost.\n"
     "Looking for others.", "CS-101"],
    ["9.2", "Mentoring for young people at risk", "", "New Charity Ltd", "Q3 2025", "A", "Recruiting mentors.",
     "In progress (amber)", "Six mentors trained.", None],
    ["PURSUE"],
    ["9.3", "Joint patrols in the town centre", "Neighbourhood Inspector", "Essex Police", 46112, "G",
     "Patrols weekly.", "Complete", "All patrols done.", "POL-7"],
    ["9.4", "Review of closure orders", "ASB Team", "Southend-on-Sea Borough Council", "TBC", None, None, "R",
     "Court delays.", None],
]


def test_the_sample_workbook_imports_with_a_clear_report(seeded) -> None:
    content = SAMPLE.read_bytes()
    before = _counts()
    dry = _import(content, SAMPLE.name, plan_slug="westhaven", dry_run=True)
    assert _counts() == before, "a dry run writes nothing"
    assert dry.new_plan and dry.count("create") == 10 and dry.history_added == 18
    by_ref = {r.ref: r for r in dry.rows}
    assert any("A/G" in w for w in by_ref["P2"].warnings)
    assert any("TBC" in w for w in by_ref["P2"].warnings)
    assert any("Excel date" in w for w in by_ref["P3"].warnings)
    assert any("No lead officer" in w for w in by_ref["P3"].warnings)
    assert any("No ref given" in w for w in by_ref["T2-1"].warnings)
    assert any("Key:" in note for note in dry.notes)
    assert any("2025/26" in note for note in dry.notes), "periods without a year are said to be read as one"

    report = _import(content, SAMPLE.name, plan_slug="westhaven")
    assert report.applied
    with session_scope() as session:
        plan = session.exec(select(Plan).where(Plan.slug == "westhaven")).scalar_one()
        assert plan.protective_marking == "OFFICIAL-SENSITIVE"
        assert plan.name.startswith("Westhaven Serious Violence")
        themes = [t.name for t in session.exec(select(Theme).where(Theme.plan_id == plan.id)
                                               .order_by(Theme.position)).scalars()]
        assert themes == ["Prepare", "Prevention", "Protection", "Pursue"]
        p2 = session.exec(select(Action).where(Action.plan_id == plan.id, Action.ref == "P2")).scalar_one()
        assert p2.rag == "amber" and p2.current_due_date is None and p2.start_date == date(2024, 6, 1)
        history = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == p2.id)
                               .order_by(StatusUpdate.created_at)).scalars().all()
        assert [h.author_name for h in history] == ["import", "import"]
        assert [h.created_at.date() for h in history] == [date(2025, 6, 30), date(2025, 9, 30)]
        assert [h.period for h in history] == ["2025-Q2", "2025-Q3"]  # the app's own period labels
        assert all(h.round_id is None for h in history)
        assert history[1].commentary == "Two academy trusts still to sign.\nChased 03/10."
        assert not any(h.is_demo for h in history)
        assert json.loads(p2.extra) == {"Notes / risks": "Delay limits school data"}
        # the seed plan is untouched
        assert session.exec(select(func.count()).select_from(Action)
                            .where(Action.plan_id == seeded.id)).scalar_one() > 10


def test_a_messy_sheet_imports_into_the_existing_plan(seeded) -> None:
    content = _book(MESSY)
    report = _import(content, "tracker.xlsx")  # the only plan
    assert report.plan_slug == seeded.slug and not report.new_plan
    assert report.count("create") == 4
    assert [c.described for c in report.columns][-1] == "kept with the action"
    rows = {r.ref: r for r in report.rows}
    assert any("Amber/Green" in w for w in rows["9.1"].warnings)
    assert any("Q3 2025" in w for w in rows["9.2"].warnings)
    assert any("complete in the sheet: recorded as Blue and complete" in w for w in rows["9.3"].warnings)
    with session_scope() as session:
        actions = {a.ref: a for a in session.exec(select(Action).where(Action.plan_id == seeded.id,
                                                                       Action.ref.in_(["9.1", "9.2", "9.3", "9.4"])))
                   .scalars()}
        themes = {t.id: t.name for t in session.exec(select(Theme)).scalars()}
        assert themes[actions["9.1"].theme_id] == "Prevent" and themes[actions["9.3"].theme_id] == "Pursue"
        assert actions["9.1"].title == "Run =SUM(A1) summer diversion programme"  # multi-line made one line
        # two named in one cell, one per line: the first leads, the other is a named partner
        assert actions["9.1"].lead_owner == "Youth Service Manager"
        assert actions["9.1"].named_partners == "Community Safety Team"
        assert (actions["9.3"].rag, actions["9.3"].delivery_status) == ("blue", "complete")  # Complete
        assert actions["9.1"].current_due_date == date(2026, 3, 31)
        assert actions["9.2"].lead_owner == "" and actions["9.2"].current_due_date == date(2025, 12, 31)
        assert actions["9.3"].current_due_date == date(2026, 3, 31)  # 46112 as an Excel date
        assert actions["9.4"].rag == "red" and actions["9.4"].current_due_date is None
        assert session.exec(select(Agency).where(Agency.name == "New Charity Ltd")).scalar_one()
        assert json.loads(actions["9.1"].extra) == {"Budget code": "CS-101"}  # an unmapped column is kept
        assert actions["9.2"].extra is None
        updates = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == actions["9.1"].id)
                               .order_by(StatusUpdate.created_at)).scalars().all()
        assert [u.rag for u in updates] == ["amber", "amber"]
        assert updates[1].commentary == "Two venues lost.\nLooking for others."

    numbers = [list(r) for r in MESSY]
    numbers[5][0], numbers[6][0] = 9.5, 10.0  # refs typed as numbers
    dry = _import(_book(numbers), "numbers.xlsx", dry_run=True)
    assert [r.ref for r in dry.rows][:2] == ["9.5", "10"]
    assert any("trailing zero" in w for w in dry.rows[0].warnings)

    before = _counts()
    again = _import(content, "tracker.xlsx")
    assert _counts() == before, "re-importing the same file changes nothing"
    assert again.count("unchanged") == 4 and again.history_added == 0


def test_a_broken_sheet_writes_nothing_and_names_each_row(seeded) -> None:
    rows = [list(r) for r in MESSY]
    rows[6][5] = "purple"  # 9.2's RAG
    rows[9][4] = "31/02/2026"  # 9.4's due date
    rows[8][0] = "9.1"  # 9.3 reuses a ref
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        _import(_book(rows), "broken.xlsx")
    assert _counts() == before
    message = str(caught.value)
    assert "row 7 (9.2)" in message and "purple" in message
    assert "row 10 (9.4)" in message and "not a real date" in message
    assert "used twice" in message


def test_skip_invalid_imports_the_rest_and_lists_skipped_rows(seeded, capsys, tmp_path) -> None:
    rows = [list(r) for r in MESSY]
    rows[6][5] = "purple"
    content = _book(rows)
    tmp = tmp_path / "skip_invalid.xlsx"
    tmp.write_bytes(content)
    assert cli(["import", str(tmp), "--dry-run"]) == 1
    assert cli(["import", str(tmp)]) == 1
    assert cli(["import", str(tmp), "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "Skipped rows: 7 (9.2)" in out
    with session_scope() as session:
        refs = set(session.exec(select(Action.ref).where(Action.plan_id == seeded.id,
                                                         Action.ref.in_(["9.1", "9.2", "9.3", "9.4"]))).scalars())
    assert refs == {"9.1", "9.3", "9.4"}


def test_several_plans_need_a_choice(seeded) -> None:
    _import(_book(MESSY), "tracker.xlsx", plan_slug="second-plan")
    from plan.errors import InvalidInput

    with pytest.raises(InvalidInput, match="several plans"):
        _import(_book(MESSY), "tracker.xlsx")
    with session_scope() as session:
        assert plan_frame(session, "second-plan").themes == [("Prevent", "stopping it starting"), ("Pursue", "")]


def test_a_corrected_mapping_is_used(seeded) -> None:
    report = _import(_book(MESSY), "tracker.xlsx", mapping={"Budget code": "description"}, dry_run=True)
    assert [c.described for c in report.columns if c.heading == "Budget code"] == ["Description"]
    _import(_book(MESSY), "tracker.xlsx", mapping={"Budget code": "description"})
    with session_scope() as session:
        action = session.exec(select(Action).where(Action.plan_id == seeded.id, Action.ref == "9.3")).scalar_one()
        assert action.description == "POL-7"


def test_round_trip_export_then_import_into_an_empty_database(seeded, request, tmp_path) -> None:
    with session_scope() as session:
        content = plan_workbook(session, user=Actor.system("test secretariat"), plan_id=seeded.id).content
        original = _snapshot(session, seeded.slug)
    # an empty database on the same backend
    if request.node.callspec.params["database"] == "sqlite":
        request.getfixturevalue("monkeypatch").setenv("PLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        request.getfixturevalue("postgres_schemas")()
    from plan.db import reset_engines

    reset_engines()
    migrate.upgrade()
    report = _import(content, "export.xlsx", plan_slug=seeded.slug)
    assert report.new_plan and not report.errors
    with session_scope() as session:
        assert _snapshot(session, seeded.slug) == original


def _snapshot(session, slug: str) -> dict:  # noqa: ANN001
    plan = session.exec(select(Plan).where(Plan.slug == slug)).scalar_one()
    themes = {t.id: t.name for t in session.exec(select(Theme).where(Theme.plan_id == plan.id)).scalars()}
    agencies = {a.id: a.name for a in session.exec(select(Agency)).scalars()}
    actions = {}
    for a in session.exec(select(Action).where(Action.plan_id == plan.id)).scalars():
        partners = sorted(agencies[p] for p in session.exec(select(ActionPartner.agency_id)
                                                             .where(ActionPartner.action_id == a.id)).scalars())
        actions[a.ref] = (themes[a.theme_id], a.title, a.description, a.lead_owner,
                          agencies.get(a.lead_agency_id), partners, a.start_date, a.current_due_date, a.rag,
                          a.delivery_status)
    return {"name": plan.name, "marking": plan.protective_marking, "themes": sorted(themes.values()),
            "actions": actions}


def test_a_csv_with_owner_emails_assigns_accounts_and_keeps_roles(seeded, people) -> None:
    from tests.factories import PEOPLE

    owner = PEOPLE["owner"][0]
    text = ("Ref,Action,Lead Officer,Theme,Target Date,RAG,Progress Update\n"
            f"8.1,Screen every A&E attendance,{owner.upper()},Protect,31/03/2027,G,Screening live.\n"
            "8.2,Train reception staff,Safeguarding Lead,protect,Q4 2026/27,Amber/Green,\"Two sessions held.\n"
            "Third booked.\"\n"
            "8.3,Publish the protocol,nobody@example.org,Protect,TBC,,\n")
    text = text.replace("Target Date,RAG,Progress Update", "Target Date,Status,Progress Update")  # RAG words
    report = _import(text.encode(), "plan.csv")
    assert report.count("create") == 3
    assert any("nobody@example.org" in w for w in report.rows[2].warnings)
    assert any("role, a group or a name" in note for note in report.notes)
    assert any("is a rating: taken as the RAG" in w for w in report.rows[0].warnings)
    with session_scope() as session:
        actions = {a.ref: a for a in session.exec(select(Action).where(Action.plan_id == seeded.id,
                                                                       Action.ref.in_(["8.1", "8.2", "8.3"])))
                   .scalars()}
        assert actions["8.1"].owner_person_id == people["owner"].person_id
        assert actions["8.2"].owner_person_id is None and actions["8.2"].lead_owner == "Safeguarding Lead"
        assert actions["8.2"].rag == "amber" and actions["8.2"].current_due_date == date(2027, 3, 31)
        assert actions["8.3"].owner_person_id is None and actions["8.3"].rag == "not_assessed"
        latest = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == actions["8.2"].id)).scalar_one()
        assert latest.commentary == "Two sessions held.\nThird booked." and latest.author_name == "import"
    before = _counts()
    assert _import(text.encode(), "plan.csv").count("unchanged") == 3
    assert _counts() == before


def test_an_uncleared_secretary_cannot_change_a_restricted_action_by_import(seeded) -> None:
    from dataclasses import replace

    uncleared = replace(Actor.system("uncleared secretariat"), cleared_for_restricted=False)
    with session_scope() as session:
        title = session.exec(select(Action.title).where(Action.plan_id == seeded.id, Action.ref == "4.6")).scalar_one()
    before = _counts()
    for words, reason in (("Something else", "only someone cleared may change it"),
                          (title, "only if cleared for restricted items")):  # its history alone
        text = f'Ref,Action,Theme,RAG,Progress Update\n4.6,"{words}",Pursue,R,Stalled.\n'
        with pytest.raises(ImportRejected, match=reason), session_scope() as session:
            import_plan(session, user=uncleared, content=text.encode(), filename="plan.csv")
    assert _counts() == before


def test_re_importing_a_changed_sheet_updates_the_words_and_not_the_dates(seeded) -> None:
    _import(_book(MESSY), "tracker.xlsx")
    rows = [list(r) for r in MESSY]
    rows[5][1], rows[5][2], rows[5][4] = "Run a summer diversion programme", "Head of Youth Services", "Jun-26"
    rows[6][8] = "Eight mentors trained."  # a different Q2 update for 9.2
    report = _import(_book(rows), "tracker.xlsx")
    changed = {r.ref: r for r in report.rows}
    assert changed["9.1"].change == "update"
    assert sorted(changed["9.1"].changed_fields) == ["lead_owner", "named_partners", "title"]
    assert any("differs from the plan's" in w for w in changed["9.1"].warnings)
    assert changed["9.2"].history_added == 0 and any("older than the action's latest update" in w
                                                     for w in changed["9.2"].warnings)
    assert changed["9.3"].change == changed["9.4"].change == "unchanged"
    with session_scope() as session:
        action = session.exec(select(Action).where(Action.plan_id == seeded.id, Action.ref == "9.1")).scalar_one()
        assert (action.title, action.lead_owner) == ("Run a summer diversion programme", "Head of Youth Services")
        assert action.current_due_date == action.baseline_due_date == date(2026, 3, 31)
        event = session.exec(select(models.AuditEvent).where(models.AuditEvent.event == "action.import",
                                                             models.AuditEvent.entity_key == "9.1")
                             .order_by(models.AuditEvent.id.desc())).scalars().first()
        assert "Head of Youth Services" in event.after and "Community Safety Team" in event.before


def test_history_imported_while_a_round_is_open_is_not_counted_in_the_round(seeded) -> None:
    from plan.rounds import open_round

    with session_scope() as session:
        open_round(session, user=Actor.system("test secretariat"), plan_id=seeded.id, period="2026-Q4",
                   deadline=date(2026, 12, 31))
    text = ("Ref,Action,Theme,RAG (Q1 2025/26),Update (Q1 2025/26),RAG,Progress Update\n"
            "8.1,Screen every attendance,Protect,A,Started late.,G,Caught up.\n")
    _import(text.encode(), "plan.csv")
    with session_scope() as session:
        updates = session.exec(select(StatusUpdate).join(Action).where(Action.ref == "8.1")
                               .order_by(StatusUpdate.created_at)).scalars().all()
    assert [(u.period, u.round_id is None) for u in updates] == [("2025-Q2", True), ("2026-Q4", False)]


def test_a_finding_column_links_each_action_to_the_findings_it_answers(seeded) -> None:
    """The seed plan holds findings F1-F5 (its HWBB key issues): a "Finding" column sets exactly the
    findings each imported action answers; an unknown finding is the row's error in the dry run and
    nothing is written."""
    from plan import strategy

    rows = [["Ref", "Action", "Theme", "Finding"],
            ["9.5", "Market stall outreach on county lines", "Prevent", "F1, f2"],
            ["9.6", "Joint A&E data review", "Protect", ""]]
    report = _import(_book(rows), "findings.xlsx", plan_slug=seeded.slug)
    assert report.applied and report.count("create") == 2
    admin = Actor.system("test secretariat")
    with session_scope() as session:
        answered = {ref: [f["ref"] for f in strategy.findings_for_action(session, user=admin, plan_id=seeded.id,
                                                                         action_ref=ref)] for ref in ("9.5", "9.6")}
    assert answered == {"9.5": ["F1", "F2"], "9.6": []}

    before = _counts()
    bad = [["Ref", "Action", "Theme", "Finding"], ["9.7", "Something new", "Prevent", "F1, F99"]]
    dry = _import(_book(bad), "findings.xlsx", plan_slug=seeded.slug, dry_run=True)
    assert [e for r in dry.rows for e in r.errors] == [
        "Finding F99 is not a finding of this plan: record it on the Coverage page first, or correct the ref "
        "(e.g. F1)."]
    with pytest.raises(ImportRejected):
        _import(_book(bad), "findings.xlsx", plan_slug=seeded.slug)
    assert _counts() == before


def test_a_title_that_looks_like_personal_data_is_warned_in_the_dry_run_and_refused_by_policy(seeded) -> None:
    rows = [["Ref", "Action", "Theme"],
            ["9.8", "Contact Jay Smith (DOB 03/04/2011) about a mentoring place", "Prevent"]]
    dry = _import(_book(rows), "people.xlsx", plan_slug=seeded.slug, dry_run=True)
    assert any(w.startswith("Title may hold personal data") for w in dry.rows[0].warnings), dry.rows[0].warnings
    with session_scope() as session:
        session.get(Plan, seeded.id).personal_data_policy = "refuse"
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        _import(_book(rows), "people.xlsx", plan_slug=seeded.slug)
    assert any("which this plan does not hold" in e for e in caught.value.report.rows[0].errors)
    assert _counts() == before
