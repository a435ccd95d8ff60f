"""A data contributor's journey in a real browser: sign in, see what their agency owes, send "<5"
for a period, and find it shown as suppressed (never 0) on the returns tracker and on the page of
the action the measure serves.

This module has its own database: the seed plan, the usual accounts, and a contributor from
Essex Police (which supplies M4.2, M4.3 and M4.4), added through the CLI as the secretariat would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _need_browser, make_accounts

CONTRIBUTOR = ("data@essex.police.uk", "Dana Data", "tide tables for the estuary")


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """This module's database: the seed plan, the usual accounts and an Essex Police contributor."""
    _need_browser()
    folder = tmp_path_factory.mktemp("measures_app")
    env = {**os.environ, "PLAN_DATABASE_URL": f"sqlite:///{folder / 'plan.db'}", "PLAN_TEST_FOLDER": str(folder)}
    make_accounts(env)
    email, name, password = CONTRIBUTOR
    subprocess.run([sys.executable, "-m", "plan", "user", "add", email, "--name", name, "--role", "contributor",
                    "--agency", "Essex Police"], input=password + "\n", text=True, cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return env


def _sign_in_as_contributor(tab) -> None:  # noqa: ANN001
    email, name, password = CONTRIBUTOR
    tab.get_by_label("Email").fill(email)
    tab.get_by_role("textbox", name="Password").fill(password)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    expect(tab.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {name}")


def _settle(tab) -> None:  # noqa: ANN001
    """Wait until the script run a click started is over (elements of the run before are removed then)."""
    try:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=1_500)
    except PlaywrightTimeout:
        pass  # it was over before we looked
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def test_a_contributor_sends_a_suppressed_figure_and_sees_it_as_suppressed(page, app_url) -> None:
    page.goto(app_url)
    _sign_in_as_contributor(page)
    main = page.get_by_test_id("stMain")
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="Data returns", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="My actions", exact=True)).to_have_count(0)  # not an owner

    navigation.get_by_role("link", name="Data returns", exact=True).click()
    expect(page.get_by_role("heading", name="Data returns")).to_be_visible()
    expect(main).to_contain_text("OFFICIAL-SENSITIVE")
    page.get_by_label("Measure", exact=True).click()
    page.get_by_role("option", name="M4.3 – Reports of drug dealing in public spaces").click()
    expect(main).to_contain_text("Send a figure for M4.3")
    _settle(page)  # the form for the measure chosen before is gone
    assert "measure=M4.3" in page.url  # the chosen measure is in the address

    expect(page.get_by_label("Period", exact=True)).to_be_visible()  # the oldest period still owed is chosen
    page.get_by_label("Figure", exact=True).fill("<5")
    page.get_by_role("button", name="Save figure").click()
    saved = re.compile(r"M4\.3 (\w{3} \d{4}): <5 \(suppressed\) \(saved\)\.")
    expect(main.get_by_role("status")).to_contain_text(saved)
    label = saved.search(main.get_by_role("status").inner_text()).group(1)  # e.g. "Jul 2026"
    expect(main.get_by_test_id("stDataFrame").filter(
        has_text=re.compile(rf"{label}[-0-9]*Received<5 \(suppressed\)"))).to_be_attached()

    page.get_by_role("tab", name="Returns tracker").click()
    expect(page.get_by_role("heading", name="Figures by measure")).to_be_visible()
    expect(main.get_by_test_id("stDataFrame").filter(has_text=f"{label}: <5 (suppressed)")).to_be_attached()

    detail = navigation.get_by_role("link", name="Action detail", exact=True).get_attribute("href")
    page.goto(f"{detail}?ref=4.3")
    expect(page.get_by_role("heading", name="4.3", exact=False).first).to_be_visible()
    expect(main).to_contain_text("M4.3 Reports of drug dealing in public spaces")
    expect(main).to_contain_text(f"Figures, newest first: {label}: <5 (suppressed)")
    expect(main).not_to_contain_text(f"{label}: 0")
