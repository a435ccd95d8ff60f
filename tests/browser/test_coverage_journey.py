"""The Serious Violence Duty in a real browser: the secretariat records a needs-assessment finding
and links two actions to it; a chair opens Coverage and sees the gap list shrink as they are
linked; the chair downloads the annual review and it prints with nothing over anything."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests import printing
from tests.browser.conftest import download, sign_in

expect.set_options(timeout=60_000)  # two cores shared by many: the Coverage page takes seconds under load


def _settle(tab) -> None:  # noqa: ANN001
    try:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=1_500)
    except PlaywrightTimeout:
        pass
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def test_a_finding_is_recorded_linked_and_the_chairs_gap_list_shrinks(browser, app_url, tmp_path: Path) -> None:
    secretariat = browser.new_context(viewport={"width": 1400, "height": 1000})
    admin = secretariat.new_page()
    admin.set_default_timeout(60_000)
    admin.goto(app_url + "/coverage")
    sign_in(admin, "admin")
    expect(admin.get_by_role("heading", name="Gaps: 0 findings no action answers")).to_be_visible()
    record = admin.get_by_role("tabpanel", name="Record a finding")
    record.get_by_label("Ref", exact=True).fill("F6")
    record.get_by_label("Title: what the assessment found, in a line").fill("Robbery of young people near schools")
    record.get_by_label("What the evidence says").fill("Police data 2025/26: robbery of under-18s up by a third.")
    record.get_by_role("button", name="Record the finding").click()
    _settle(admin)
    expect(admin.get_by_text("Finding F6 recorded. Now say which actions answer it.")).to_be_visible()
    expect(admin.get_by_role("heading", name="Gaps: 1 finding no action answers")).to_be_visible()
    expect(admin).to_have_url(re.compile(r"finding=F6"))

    committee = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    chair = committee.new_page()
    chair.set_default_timeout(60_000)
    chair.goto(app_url + "/coverage")
    sign_in(chair, "chair")
    expect(chair.get_by_role("heading", name="Gaps: 1 finding no action answers")).to_be_visible()
    expect(chair.get_by_test_id("stMain")).to_contain_text("Robbery of young people near schools")
    expect(chair.get_by_role("tab", name="Record a finding")).to_have_count(0)  # the chair reads, never records

    admin.get_by_role("tab", name="Link actions to a finding").click()
    link = admin.get_by_role("tabpanel", name="Link actions to a finding")
    for ref in ("2.1", "2.2"):
        link.get_by_role("combobox", name="Actions that answer it").click()
        admin.get_by_role("option", name=re.compile(rf"^{re.escape(ref)} –")).first.click()
    admin.keyboard.press("Escape")
    link.get_by_role("button", name="Save the links").click()
    _settle(admin)
    expect(admin.get_by_text("Finding F6 is answered by 2 actions.")).to_be_visible()

    chair.reload()
    _settle(chair)
    expect(chair.get_by_role("heading", name="Gaps: 0 findings no action answers")).to_be_visible()
    expect(chair.get_by_text("Every finding is answered by at least one action.")).to_be_visible()

    chair.get_by_role("button", name="Prepare the annual review").click()
    saved = download(chair, re.compile(r"^Download the annual review \(Excel\)$"), tmp_path)
    assert saved.name.startswith("OFFICIAL-SENSITIVE annual review") and saved.suffix == ".xlsx"
    book = load_workbook(saved)
    assert book.sheetnames == ["Review", "Findings", "Core measures", "Actions", "Gaps"]
    rows = [[c.value for c in row] for row in book["Findings"].iter_rows()]
    assert [r[3] for r in rows if r[0] == "F6"] == ["2.1", "2.2"]
    if printing.available() is None:  # printed as a clerk prints it: nothing over anything
        printed = printing.print_workbook(saved.read_bytes(), tmp_path, "printed.xlsx")
        assert printed.overprinted() == []
        assert "Robbery of young people near schools" in printed.text
    secretariat.close()
    committee.close()
