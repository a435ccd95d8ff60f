"""In a real browser: the secretariat uploads a council's plan spreadsheet, reads the dry run,
imports it, and finds the imported actions in the plan; a messy plan whose action column the app
cannot name is corrected on the page first."""

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import serious_violations, settle

expect.set_options(timeout=60_000)  # the shared machine is slow: wait for the app, never fail on load
SAMPLE = Path("/work/shared/samples/example_council_plan.xlsx")
SAMPLE_SLUG = "westhaven-serious-violence-exploitation"  # made from its title


def _choose(page, box: str, option: str) -> None:  # noqa: ANN001
    settle(page)  # a rerun in flight redraws the list under the click
    combobox = page.get_by_role("combobox", name=box, exact=True)
    combobox.click()
    combobox.fill(option)  # Streamlit's select box filters as you type
    page.get_by_role("option", name=option, exact=True).click()


def test_the_secretariat_corrects_a_messy_plan_on_the_page_and_imports_it(page, app_url, tmp_path) -> None:
    from tests.data.workbooks.build import JOURNEY

    messy = tmp_path / JOURNEY.name
    messy.write_bytes(JOURNEY.content())
    page.goto(app_url)
    sign_in(page, "admin")
    expect(page.get_by_role("link", name="Overview")).to_be_visible()
    page.goto(f"{app_url}/import_plan")
    expect(page.get_by_role("heading", name="Import a plan")).to_be_visible()
    main = page.get_by_test_id("stMain")
    page.locator("input[type=file]").set_input_files(str(messy))
    expect(main).to_contain_text("No column is taken as the action")
    expect(page.get_by_role("button", name="Check the file (dry run)")).to_have_count(0)
    _choose(page, "Column B: Piece of work", "Action")
    expect(main).not_to_contain_text("No column is taken as the action")
    expect(main).to_contain_text("B: Piece of work → Action")
    page.get_by_role("button", name="Check the file (dry run)").click()
    slug = "wexbridge-youth-violence-delivery-2025-26"
    expect(main).to_contain_text(f"Would import into new plan '{slug}': 3 new, 0 changed")
    expect(main).to_contain_text("'Ongoing' is recurring work")
    settle(page)
    found = serious_violations(page, "admin / Import a plan, corrected")
    assert not found, "\n".join(found)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(main).to_contain_text(f"Imported into new plan '{slug}': 3 new, 0 changed")

    page.goto(f"{app_url}/actions?plan={slug}")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Mentoring for young people excluded from school")
    expect(main).to_contain_text("Knife arches at the station on event days")


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
    expect(main).to_contain_text("the headings are in row 4.")
    expect(main).to_contain_text("which is not a plan held here: it goes into a new plan")  # Westhaven's, not ours
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(main).to_contain_text(f"Would import into new plan '{SAMPLE_SLUG}': 10 new, 0 changed")
    expect(main).to_contain_text("Column 'Notes / risks' is no field of an action: kept with each action.")
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()
    settle(page)
    found = serious_violations(page, "admin / Import a plan, dry run")
    assert not found, "\n".join(found)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(main).to_contain_text(f"Imported into new plan '{SAMPLE_SLUG}': 10 new, 0 changed")

    page.goto(f"{app_url}/actions?plan={SAMPLE_SLUG}")
    main = page.get_by_test_id("stMain")
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
