"""The secretariat prepares and downloads the board paper for one board in a real browser, then
the same paper as a PDF; the downloaded workbook is printed with LibreOffice (as a clerk prints it)
and the PDF read back. (The restricted annex, a file of its own for cleared users: the page's AppTest.)"""

import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests import printing
from tests.browser.conftest import download, sign_in


def test_the_secretariat_downloads_a_board_paper_for_one_board(browser, app_url, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url + "/board_paper?board=HWBB")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Board paper")).to_be_visible()
    expect(page.get_by_role("combobox", name="Board")).to_have_value("HWBB: Health and Wellbeing Board")  # from the URL
    page.get_by_role("button", name="Prepare board paper").click()
    saved = download(page, "Download OFFICIAL-SENSITIVE board-paper HWBB", tmp_path)
    assert saved.name.startswith("OFFICIAL-SENSITIVE board-paper HWBB ") and saved.suffix == ".xlsx"
    book = load_workbook(saved)
    assert book.sheetnames[:2] == ["Cover", "Exceptions"] and "Restricted annex" not in book.sheetnames
    cover = book["Cover"]
    assert cover["A1"].value == "OFFICIAL-SENSITIVE" and cover.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    if printing.available() is None:  # printed as a clerk prints it: nothing over anything
        printed = printing.print_workbook(saved.read_bytes(), tmp_path, "printed.xlsx")
        assert printed.overprinted() == [] and "For: the Health and Wellbeing Board (HWBB)" in printed.text

        page.get_by_text("PDF (the same pages, for an agenda pack)").click()
        expect(page.get_by_role("button", name=re.compile(r"^Download .*\.xlsx$"))).to_have_count(0)
        page.get_by_role("button", name="Prepare board paper").click()
        pdf = download(page, re.compile(r"^Download OFFICIAL-SENSITIVE board-paper HWBB .*\.pdf$"), tmp_path)
        assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
        read = printing.read_pdf(pdf)
        assert all("OFFICIAL-SENSITIVE" in text for text in read.texts)
    expect(page.get_by_role("button", name="Prepare the restricted annex")).to_have_count(0)  # not cleared
    context.close()
