"""The main journeys in a real browser: open the plan, find an action, read its detail.

Assertions use Playwright's `expect`, which waits until the page shows the text (no sleeps).
"""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_chair_signs_in_sees_the_plan_under_the_four_ps_and_opens_an_action(page, app_url) -> None:
    page.goto(app_url)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("This plan is OFFICIAL-SENSITIVE: sign in to see it.")
    sign_in(page, "chair")
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

    assert "q=school+nurses" in page.url or "q=school%20nurses" in page.url  # the search is in the address
    # the list is for review: RAG first, the latest commentary on screen; selecting a row opens the action
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 36 + 30)  # the row marker of the first (only) row
    expect(page.get_by_role("heading", name="3.3 Strengthen the key role of school nurses")).to_be_visible()
    expect(main).to_contain_text("OFFICIAL-SENSITIVE")
    expect(main).to_contain_text("Essex Partnership University NHS Foundation Trust")
    expect(main).to_contain_text("No updates yet: this action is not yet assessed.")
    assert "ref=3.3" in page.url


def test_a_wrong_password_is_refused_in_plain_words(page, app_url) -> None:
    page.goto(app_url)
    page.get_by_label("Email").fill("chair@southend.gov.uk")
    page.get_by_role("textbox", name="Password").fill("not my password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stMain")).to_contain_text("That email and password do not match an account.")
    expect(page.get_by_role("link", name="Actions")).to_have_count(0)


def test_the_secretariat_sees_its_pages_and_the_audit_trail(page, app_url) -> None:
    page.goto(app_url)
    sign_in(page, "admin")
    for name in ("Overview", "Actions", "Action detail", "Audit trail", "Users", "Plan settings"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()


def test_an_owner_updates_their_action_in_under_a_minute(page, app_url) -> None:
    import time

    started = time.monotonic()
    page.goto(app_url)
    sign_in(page, "owner")
    page.get_by_role("link", name="My actions").click()
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    page.get_by_label("RAG", exact=True).click()
    page.get_by_role("option", name="Amber").click()
    page.get_by_label("Delivery status").click()
    page.get_by_role("option", name="In progress").click()
    page.get_by_label("Progress commentary").fill("First A&E return received; second due in January")
    page.get_by_label("Blockers").fill("Data-sharing agreement awaits the trust's IG board")
    page.get_by_role("button", name="Save update").click()
    expect(main).to_contain_text("Update to 3.5 saved: Amber, In progress.")
    elapsed = time.monotonic() - started
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Protect")).to_be_visible()
    expect(main).to_contain_text("Amber")
    page.get_by_role("link", name="Action detail").click()
    page.get_by_label("Action", exact=True).click()  # a searchable pick of "ref – title"
    page.keyboard.type("3.5")
    page.get_by_role("option", name="3.5 – Share A&E data").click()
    expect(main).to_contain_text("First A&E return received; second due in January")
    print(f"owner journey: signed in and saved an update in {elapsed:.1f} s")
