"""In a real browser: the secretariat uploads a council's plan spreadsheet, reads the dry run,
imports it, and finds the imported actions in the plan."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

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
    page.get_by_role("button", name="Import", exact=True).click()
    expect(main).to_contain_text("Imported into plan 'southend-vv': 10 new, 0 changed")

    page.get_by_role("link", name="Actions", exact=True).click()
    search = page.get_by_label("Search ref, title or description")
    search.fill("cuckooed")
    search.press("Enter")
    expect(main).to_contain_text("1 action matches.")
