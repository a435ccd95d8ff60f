"""The main journeys in a real browser: open the plan, find an action, read its detail.

Assertions use Playwright's `expect`, which waits until the page shows the text (no sleeps).
"""

from playwright.sync_api import expect


def test_a_newcomer_sees_the_plan_under_the_four_ps_and_opens_an_action(page, app_url) -> None:
    page.goto(app_url)
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("heading", name="Violence & Vulnerability Local Action Plan")).to_be_visible()
    expect(main).to_contain_text("OFFICIAL-SENSITIVE")
    expect(main).to_contain_text("25 actions under 4 themes")
    for theme, count in (("Prepare", 8), ("Prevent", 5), ("Protect", 6), ("Pursue", 6)):
        expect(page.get_by_test_id("stMetric").filter(has_text=theme)).to_contain_text(f"{count} actions")

    page.get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", name="Actions")).to_be_visible()
    expect(main).to_contain_text("OFFICIAL-SENSITIVE")
    expect(main).to_contain_text("25 actions match.")

    search = page.get_by_label("Search ref, title or description")
    search.fill("school nurses")
    search.press("Enter")
    expect(main).to_contain_text("1 action matches.")

    page.get_by_role("button", name="Open action").click()
    expect(page.get_by_role("heading", name="3.3 Strengthen the key role of school nurses")).to_be_visible()
    expect(main).to_contain_text("OFFICIAL-SENSITIVE")
    expect(main).to_contain_text("Essex Partnership University NHS Foundation Trust")
    expect(main).to_contain_text("No updates yet: this action is not yet assessed.")
    assert "ref=3.3" in page.url
