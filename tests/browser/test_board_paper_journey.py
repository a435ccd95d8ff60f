"""The secretariat prepares and downloads the board paper for one board in a real browser; the
downloaded file is opened with openpyxl and checked."""

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

SHEETS = ["Summary", "Exceptions", "Prepare", "Prevent", "Protect", "Pursue", "Measures", "Changes", "Decisions"]


def test_the_secretariat_downloads_a_board_paper_for_one_board(browser, app_url, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url + "/board_paper?board=HWBB")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Board paper")).to_be_visible()
    expect(page.get_by_role("combobox", name="Board")).to_have_value("HWBB: Health and Wellbeing Board")  # from the URL
    page.get_by_role("button", name="Prepare board paper").click()
    link = page.get_by_role("button", name="Download OFFICIAL-SENSITIVE board-paper HWBB")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    name = download.value.suggested_filename  # the marking in the name the browser saves under
    assert name.startswith("OFFICIAL-SENSITIVE board-paper HWBB ") and name.endswith(".xlsx")
    saved = tmp_path / name
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book.sheetnames == SHEETS  # no restricted annex unless asked for
    summary = book["Summary"]
    assert summary["A1"].value == "OFFICIAL-SENSITIVE" and "(HWBB)" in summary["A3"].value
    assert summary.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    context.close()
