"""In a real browser: the secretariat uploads a council's plan spreadsheet, reads the dry run,
imports it, and finds the imported actions in the plan."""

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import serious_violations, settle

SAMPLE = Path("/work/shared/samples/example_council_plan.xlsx")


def test_the_secretariat_uploads_a_spreadsheet_sees_the_dry_run_and_imports_it(page, app_url) -> None:
    page.goto(app_url)
    sign_in(page, "admin")
    expect(page.get_by_role("link", name="Overview")).to_be_visible()
    more = page.get_by_role("button", name="View")  # the menu folds away pages after the tenth
    if more.count():
        more.first.click()
    page.get_by_role("link", name="Import a plan").click()
    expect(page.get_by_role("heading", name="Import a plan")).to_be_visible()
    main = page.get_by_test_id("stMain")
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    expect(main).to_contain_text("The headings are in row 4.")
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(main).to_contain_text("Would import into plan 'southend-vv': 10 new, 0 changed")
    expect(main).to_contain_text("Column 'Notes / risks' is no field of an action: kept with each action.")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    settle(page)
    found = serious_violations(page, "admin / Import a plan, dry run")
    assert not found, "\n".join(found)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(main).to_contain_text("Imported into plan 'southend-vv': 10 new, 0 changed")

    page.get_by_role("link", name="Actions", exact=True).click()
    search = page.get_by_label("Search ref, title or description")
    search.fill("cuckooed")
    search.press("Enter")
    expect(main).to_contain_text("1 action matches.")


def test_the_offline_returns_page_offers_a_return_to_download(page, app_url, tmp_path) -> None:
    page.goto(app_url)
    sign_in(page, "admin")
    expect(page.get_by_role("link", name="Overview")).to_be_visible()
    page.goto(f"{app_url}/offline_returns")
    expect(page.get_by_role("heading", name="Offline update returns")).to_be_visible()
    main = page.get_by_test_id("stMain")
    page.get_by_text("A lead agency", exact=True).click()
    page.get_by_role("button", name="Make the return").click()
    expect(page.get_by_role("button", name="Download the return")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the return").click()
    assert download.value.suggested_filename.startswith("OFFICIAL-SENSITIVE update return ")
    saved = tmp_path / "return.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book.sheetnames == ["Update return", "_return"] and book["Update return"]["A1"].value == "OFFICIAL-SENSITIVE"
    assert book["Update return"].protection.sheet and book["_return"].sheet_state == "veryHidden"
    settle(page)
    found = serious_violations(page, "admin / Offline returns")
    assert not found, "\n".join(found)
    expect(main).to_contain_text("Make a return")
