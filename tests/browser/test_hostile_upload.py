"""In a real browser against a real server: the secretariat uploads hostile workbooks (the corner
cell that once aborted the server process, 2 M cells that took 77 s and 897 MB), each is refused
in words, and another user, signed in on another browser, keeps using the app throughout."""

from pathlib import Path

from playwright.sync_api import expect

from tests import hostile
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in


def _owner_sees_their_actions(browser, app_url: str):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    sign_in(tab, "owner")
    return tab


def test_a_hostile_upload_is_refused_and_other_users_carry_on(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=90_000)  # two cores shared by many: be patient with the server
    corner = tmp_path / "corner.xlsx"
    corner.write_bytes(hostile.corner(tmp_path))
    cells = tmp_path / "cells.xlsx"
    cells.write_bytes(hostile.many_cells(tmp_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            admin = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            admin.set_default_timeout(90_000)
            admin.goto(f"{app_url}")
            sign_in(admin, "admin")
            admin.goto(f"{app_url}/import_plan")
            expect(admin.get_by_role("heading", name="Import a plan")).to_be_visible()
            main = admin.get_by_test_id("stMain")

            admin.locator("input[type=file]").set_input_files(str(cells))
            owner = _owner_sees_their_actions(browser, app_url)  # while the 2 M cells are being refused
            expect(main).to_contain_text("has 2,100,010 cells; the most we read is 500,000: delete unused rows or "
                                         "columns, or split the sheet.")

            admin.locator("input[type=file]").set_input_files(str(corner))
            expect(main).to_contain_text("has a cell at XFD1048576 (row 1,048,576, column 16,384); the most we read "
                                         "is 100,000 rows and 1,000 columns")
            assert "Traceback" not in main.inner_text()

            owner.reload()  # the same server process, still up, still serving
            expect(owner.get_by_test_id("stSidebar")).to_contain_text("Signed in as Olu Owner")
            owner.goto(f"{app_url}/my_actions")
            expect(owner.get_by_test_id("stMain")).to_contain_text("3.5")
        finally:
            browser.close()
            expect.set_options(timeout=5_000)  # Playwright's default, for the tests after this one
