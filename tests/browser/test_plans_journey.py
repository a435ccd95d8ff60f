"""In a real browser: the secretariat renames a theme and changes the marking in Plan settings and
sees the new marking on the page; creates a second plan from scratch and switches to it (the
choice is in the URL)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import serious_violations, settle


def _choose(page, box: str, option: str) -> None:  # noqa: ANN001
    settle(page)  # a rerun in flight redraws the list under the click
    combobox = page.get_by_role("combobox", name=box, exact=True)
    combobox.click()
    combobox.fill(option)  # Streamlit's select box filters as you type
    page.get_by_role("option", name=option, exact=True).click()


def test_the_secretariat_keeps_the_plan_current_and_starts_a_second_plan(page, app_url) -> None:
    page.goto(f"{app_url}/plan_settings")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Plan settings")).to_be_visible()
    main = page.get_by_test_id("stMain")

    theme_form = main.get_by_test_id("stForm").filter(has_text="Rename or move a theme")
    _choose(page, "Theme", "Prevent")
    theme_form.get_by_label("New name (blank: keep it)").fill("Prevention and education")
    theme_form.get_by_role("button", name="Save the theme").click()
    expect(main).to_contain_text("Theme saved.")
    _choose(page, "Theme to remove", "Prevention and education")  # the renamed theme is offered by its new name

    marking = page.get_by_label("Protective marking (shown on every page and export)")
    marking.fill("official")
    main.get_by_role("button", name="Save settings").click()
    expect(main).to_contain_text("Settings saved.")
    banner = page.get_by_role("note", name="Protective marking").first
    expect(banner).to_have_text("OFFICIAL")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Protective marking: OFFICIAL")
    settle(page)
    found = serious_violations(page, "admin / Plan settings")
    assert not found, "\n".join(found)

    page.goto(f"{app_url}/plans")
    expect(page.get_by_role("heading", name="Plans", exact=True)).to_be_visible()
    new = main.get_by_test_id("stForm").filter(has_text="Create the plan")
    new.get_by_label("Short name (lower-case letters, digits and hyphens, e.g. essex-vv)").fill("essex-vv")
    new.get_by_label("Name", exact=True).fill("Essex V&V plan")
    new.get_by_label("Organisation").fill("Essex County Council")
    new.get_by_role("button", name="Create the plan").click()
    expect(main).to_contain_text("Plan 'essex-vv' created.")

    _choose(page, "Plan", "Essex V&V plan")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Essex County Council")
    expect(page).to_have_url(re.compile(r"[?&]plan=essex-vv"))
    expect(page.get_by_role("note", name="Protective marking").first).to_have_text("OFFICIAL-SENSITIVE")
    page.reload()  # the URL keeps the choice
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Essex County Council")
    settle(page)
    found = serious_violations(page, "admin / Plans, second plan")
    assert not found, "\n".join(found)


def _public(app_url: str, slug: str) -> tuple[int, str]:
    """The community page as the public fetch it: no cookie, no session."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{app_url}/community/{slug}", timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_next_years_plan_starts_private_and_the_secretariat_publishes_its_community_page(page, app_url) -> None:
    page.goto(f"{app_url}/plans")
    sign_in(page, "admin")
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("heading", name="Plans", exact=True)).to_be_visible()
    refresh = main.get_by_test_id("stForm").filter(has_text="Make next year's plan")
    refresh.get_by_label("Next year's short name").fill("southend-vv-2027")
    refresh.get_by_label("Next year's name").fill("V&V plan 2027 to 2028")
    refresh.get_by_role("button", name="Make next year's plan").click()
    expect(main).to_contain_text("Plan 'southend-vv-2027' made from 'southend-vv'.")
    assert _public(app_url, "southend-vv-2027")[0] == 404  # a new plan's public page starts off

    page.goto(f"{app_url}/plan_settings?plan=southend-vv-2027")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("V&V plan 2027 to 2028")
    settle(page)
    main.get_by_text("Publish this plan's community page").click()
    expect(main).to_contain_text("/community/southend-vv-2027")
    status, body = _public(app_url, "southend-vv-2027")
    assert status == 200 and "V&amp;V plan 2027 to 2028" in body
    assert "OFFICIAL-SENSITIVE" not in body and "<script" not in body.lower()
    assert _public(app_url, "southend-vv")[0] == 404  # last year's stays as it was: off
