"""Scale out: two app processes share one PostgreSQL (behind a proxy with sticky sessions, each
browser stays with one process). A save made through one is seen through the other at once: no
process serves a cached page from before another process wrote (ui/cache.py keys its caches on
the database's change stamp)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _need_browser, make_accounts, serve, sign_in


@pytest.fixture
def two_apps(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two app processes on one fresh PostgreSQL schema with the seed plan and the accounts."""
    _need_browser()
    env = {**os.environ, "PLAN_DATABASE_URL": postgres_url, "PLAN_TEST_FOLDER": str(tmp_path)}
    make_accounts(env)  # `python -m plan` sets the database up on first use
    with serve(tmp_path, env) as first, serve(tmp_path, env) as second:
        yield first, second


def _settle(tab) -> None:  # noqa: ANN001
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def test_an_update_through_one_process_is_seen_through_the_other_at_once(two_apps) -> None:  # noqa: ANN001
    app_a, app_b = two_apps
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Two browsers (separate cookie jars), each held by the proxy to its own process.
            owner = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            chair = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            for tab in (owner, chair):
                tab.set_default_timeout(30_000)

            # B: the chair opens the Overview; its RAG counts are now in B's cache.
            chair.goto(app_b)
            sign_in(chair, "chair")
            protect = chair.get_by_test_id("stMetric").filter(has_text="Protect")
            expect(protect).to_contain_text("6 actions")
            tile = chair.get_by_test_id("stColumn").filter(has=protect)
            expect(tile.first).not_to_contain_text("Amber")
            chair.reload()  # a second render of the same figures: from the cache
            _settle(chair)
            expect(chair.get_by_test_id("stMetric").filter(has_text="Protect")).to_contain_text("6 actions")

            # A: the owner saves an update to 3.5 (a Protect action).
            owner.goto(app_a)
            sign_in(owner, "owner")
            owner.get_by_role("link", name="My actions").click()
            expect(owner.get_by_role("heading", name="My actions")).to_be_visible()
            owner.get_by_label("RAG", exact=True).click()
            owner.get_by_role("option", name="Amber").click()
            owner.get_by_label("Delivery status").click()
            owner.get_by_role("option", name="In progress").click()
            owner.get_by_label("Progress commentary").fill("Saved through process A")
            owner.get_by_role("button", name="Save update").click()
            expect(owner.get_by_test_id("stMain")).to_contain_text("Update to 3.5 saved: Amber, In progress.")

            # B at once: the cached Overview recomputes (Protect now has an Amber) ...
            chair.reload()
            _settle(chair)
            protect = chair.get_by_test_id("stMetric").filter(has_text="Protect")
            expect(protect).to_contain_text("6 actions")
            tile = chair.get_by_test_id("stColumn").filter(has=protect)
            expect(tile.first).to_contain_text("Amber")
            # ... and the action's page shows the owner's words.
            chair.goto(app_b + "/action_detail?ref=3.5")
            expect(chair.get_by_test_id("stMain")).to_contain_text("Saved through process A")
        finally:
            browser.close()
