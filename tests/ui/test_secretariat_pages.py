"""The secretariat's everyday pages through AppTest: Update round, Users, Due dates, Audit trail.
Assertions are on what the user sees."""

import re
from datetime import date, timedelta

from sqlalchemy import select

import models
from plan import rounds
from plan.db import session_scope
from plan.due_dates import request_revision
from plan.periods import period_for, period_short
from plan.updates import record_update
from tests.ui.helpers import markdown_text, open_app

BEACON = "![x](http://host/beacon.png) [Re-enter your password](http://evil)"


def shown(value: str) -> str:
    """Escaped Markdown as the reader sees it (a backslash before punctuation is not shown, nor
    the invisible word joiner that stops an autolink)."""
    return re.sub(r"\\(.)", r"\1", value).replace("\u2060", "")


def markdown_elements(at) -> list[str]:  # noqa: ANN001
    """Every value on the page that Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "success", "error", "warning", "info", "title", "header", "subheader")
    values = [e.value for kind in kinds for e in at.get(kind)]
    return values + [e.label for e in at.get("expander")] + [b.label for b in at.button]


def _open_round(plan_id, admin, period=None) -> None:  # noqa: ANN001
    with session_scope() as session:
        rounds.open_round(session, user=admin, plan_id=plan_id, period=period or period_for(date.today(), "quarterly"),
                          deadline=date.today() + timedelta(days=10))


def _update(plan_id, user, ref, **kw) -> None:  # noqa: ANN001
    values = {"rag": "green", "delivery_status": "in_progress", "commentary": "Data flowing", **kw}
    with session_scope() as session:
        record_update(session, user=user, plan_id=plan_id, ref=ref, **values)


# --- Update round ---------------------------------------------------------------------------------

def test_actions_with_no_named_person_are_listed_with_a_way_to_name_owners(seeded_sqlite, people_sqlite) -> None:
    _open_round(seeded_sqlite.id, people_sqlite["admin"])
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    at.button(key="chase_preview").click().run()
    assert "**24 actions owe an update with no person named**" in at.warning[0].value
    assert "Users page" in at.warning[0].value
    unnamed = at.dataframe[-1].value
    assert list(unnamed.columns) == ["Ref", "Title", "Owner the plan names", "Name an owner"]
    first = unnamed.iloc[0]
    assert (first["Ref"], first["Title"], first["Owner the plan names"], first["Name an owner"]) == (
        "1.1", "Run the Violence & Vulnerability Strategic Group's support-and-challenge function",
        "Chair, V&V Strategic Group", "/action_detail?ref=1.1")
    assert "3.5" not in list(unnamed["Ref"])  # it has a named owner, who gets the reminder
    [link] = at.get("page_link")
    assert link.proto.label == "Assign owners to several actions at once (Users page)"
    assert link.proto.page.endswith("users")


def test_without_e_mail_set_up_the_page_says_what_to_ask_for(seeded_sqlite, people_sqlite) -> None:
    _open_round(seeded_sqlite.id, people_sqlite["admin"])
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    at.button(key="chase_preview").click().run()
    assert "**1 reminder** would be sent." in markdown_text(at)
    advice = [w.value for w in at.warning if "administrator" in w.value]
    assert advice and "council's mail (SMTP) server" in advice[0] and "server's name and port" in advice[0]
    everything = " ".join(markdown_elements(at) + [t.value for t in at.text])
    assert "secrets.toml" not in everything and "[smtp]" not in everything
    assert at.button(key="chase_send").disabled


def test_an_update_is_sent_back_by_choosing_it(seeded_sqlite, people_sqlite) -> None:
    _open_round(seeded_sqlite.id, people_sqlite["admin"])
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    assert "return_ref" not in [s.key for s in at.selectbox]
    assert "No update is waiting to be sent back: none has come in during this round yet" in " ".join(
        c.value for c in at.caption)
    _update(seeded_sqlite.id, people_sqlite["owner"], "3.5")
    _update(seeded_sqlite.id, people_sqlite["admin"], "2.1")
    at.run()
    picker = at.selectbox(key="return_ref")
    assert picker.options == ["2.1 – Run See the Signs public awareness campaigns",
                              "3.5 – Share A&E data on violence-related attendances to understand the impact on "
                              "health services"]
    next(b for b in at.button if b.label == "Send back to the owner").click().run()
    problems = [shown(e.value) for e in at.error]  # both at once, each under its field
    assert problems == ["Choose the action whose update goes back to its owner.",
                        "Say what the owner should add or change: the note is required."]
    at.selectbox(key="return_ref").set_value("3.5")
    at.text_area(key="return_note").set_value("Add the Q3 attendance figures")
    next(b for b in at.button if b.label == "Send back to the owner").click().run()
    assert at.success[0].value == "The update on 3.5 was sent back to its owner."
    assert [o.split(" – ")[0] for o in at.selectbox(key="return_ref").options] == ["2.1"]
    at.radio(key="round_view").set_value("owed").run()  # one view at a time (kept in the URL)
    owing = at.dataframe[0].value
    assert owing.loc[owing["Ref"] == "3.5", "Sent back"].iloc[0] == "Yes"


def test_with_more_updates_in_than_a_list_can_hold_the_ref_is_typed(seeded_sqlite, people_sqlite) -> None:
    """Past 300 updates in the round the page sends no list of them to the browser: the ref is typed,
    and a ref with no update in the round is refused with what to do."""
    from plan.demo import add_demo

    admin = people_sqlite["admin"]
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded_sqlite.id, actions=420)
    _open_round(seeded_sqlite.id, admin)
    with session_scope() as session:
        refs = session.execute(select(models.Action.ref).where(
            models.Action.plan_id == seeded_sqlite.id, models.Action.delivery_status.not_in(rounds.NOT_OWING))
            .order_by(models.Action.id)).scalars().all()
        for ref in refs[:301]:
            record_update(session, user=admin, plan_id=seeded_sqlite.id, ref=ref, rag="amber",
                          delivery_status="in_progress", commentary="In the round")
    not_updated = refs[301]
    at = open_app("pages/update_round.py", user=admin)
    assert "return_ref" not in [s.key for s in at.selectbox]
    typed = at.text_input(key="return_ref_typed")
    assert "more than 300 updates came in this round" in typed.label
    typed.set_value(not_updated)
    at.text_area(key="return_note").set_value("Please add the figures")
    next(b for b in at.button if b.label == "Send back to the owner").click().run()
    assert shown(at.error[0].value) == f"Action {not_updated} has no update in this round to send back."
    at.text_input(key="return_ref_typed").set_value(f" {refs[0]} ")
    next(b for b in at.button if b.label == "Send back to the owner").click().run()
    assert at.success[0].value == f"The update on {refs[0]} was sent back to its owner."


def test_closing_warns_how_many_are_owed_and_says_the_same_numbers_after(seeded_sqlite, people_sqlite) -> None:
    _open_round(seeded_sqlite.id, people_sqlite["admin"])
    _update(seeded_sqlite.id, people_sqlite["owner"], "3.5")
    # completed in the round: it owes nothing now, so the page counts it in neither number
    _update(seeded_sqlite.id, people_sqlite["admin"], "1.8", rag="blue", delivery_status="complete",
            commentary="All agencies have champions", evidence_url="https://example.org/champions")
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    assert at.metric[0].value == "1 of 24"
    period = period_for(date.today(), "quarterly")
    warning = next(w for w in at.warning if "still owed" in w.value)
    assert warning.value.startswith("**23 of 24 updates are still owed.**")
    assert at.checkbox(key="close_confirm").label == (
        f"I want to close the {period_short(period)} round with 23 of 24 updates still owed")
    at.checkbox(key="close_confirm").check().run()
    at.button(key="close_round").click().run()
    assert at.success[0].value == f"The {period_short(period)} round is closed: 1 of 24 updates were in, 23 still owed."


def test_with_every_update_in_there_is_no_warning(seeded_sqlite, people_sqlite) -> None:
    _open_round(seeded_sqlite.id, people_sqlite["admin"])
    with session_scope() as session:
        refs = session.execute(select(models.Action.ref)).scalars().all()
    for ref in refs:
        _update(seeded_sqlite.id, people_sqlite["admin"], ref)
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    assert at.metric[0].value == "25 of 25"
    assert not [w for w in at.warning if "still owed" in w.value]
    assert "All 25 updates are in." in [s.value for s in at.success]


def test_the_next_round_is_offered_the_period_after_the_one_just_closed(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/update_round.py", user=people_sqlite["admin"])
    period = at.text_input(key="round_period").value
    assert period == period_for(date.today(), "quarterly")
    next(b for b in at.button if b.label == "Open the round").click().run()
    at.checkbox(key="close_confirm").check().run()
    at.button(key="close_round").click().run()
    assert at.success[0].value.startswith(f"The {period_short(period)} round is closed")
    offered = at.text_input(key="round_period").value
    assert offered == rounds.next_period(period)
    next(b for b in at.button if b.label == "Open the round").click().run()  # accepted as offered
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith(f"The round for {period_short(offered)} is open until")


# --- Users ----------------------------------------------------------------------------------------

def _add(at, name: str, email: str):  # noqa: ANN001, ANN202
    at.text_input(key="new_name").set_value(name)
    at.text_input(key="new_email").set_value(email)
    at.selectbox(key="new_role").set_value("owner")
    at.checkbox(key="new_cleared").check()
    return next(b for b in at.button if b.label == "Add user").click().run()


def test_the_add_form_is_cleared_after_an_add_and_kept_after_a_refusal(people_sqlite) -> None:
    at = _add(open_app("pages/users.py", user=people_sqlite["admin"]), "Nina Nurse", "nina@nhs.net")
    assert at.success[0].value == "Added Nina Nurse as owner."
    assert (at.text_input(key="new_name").value, at.text_input(key="new_email").value) == ("", "")
    assert at.selectbox(key="new_role").value == "owner" and not at.checkbox(key="new_cleared").value
    at = _add(at, "Nina Again", "nina@nhs.net")
    assert "There is already an account for nina@nhs.net" in shown(at.error[0].value)
    assert (at.text_input(key="new_name").value, at.text_input(key="new_email").value) == (
        "Nina Again", "nina@nhs.net")
    assert at.checkbox(key="new_cleared").value


def test_the_secretariat_assigns_several_actions_at_once(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/users.py", user=people_sqlite["admin"])
    refs = at.multiselect(key="assign_refs")
    assert refs.options[0] == "1.1 – Run the Violence & Vulnerability Strategic Group's support-and-challenge function"
    assert len(refs.options) == 25
    at.selectbox(key="assign_person").set_value("owner@nhs.net")
    at.multiselect(key="assign_refs").set_value(["1.1", "2.1"])
    next(b for b in at.button if b.label == "Assign these actions").click().run()
    assert at.success[0].value == "Olu Owner is now the owner of 2 actions: 1.1, 2.1."
    assert at.multiselect(key="assign_refs").value == []
    owner_view = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    assert list(owner_view.dataframe[0].value["Ref"]) == ["1.1", "2.1", "3.5"]
    at.switch_page("pages/audit_trail.py").run()
    log = at.dataframe[0].value
    assert list(log["Event"][:2]) == ["Owner assigned", "Owner assigned"]
    assert list(log["About"][:2]) == ["2.1", "1.1"]


def test_assigning_several_is_all_or_nothing_on_the_page(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/users.py", user=people_sqlite["admin"])
    at.selectbox(key="assign_person").set_value("owner@nhs.net")
    at.multiselect(key="assign_refs").set_value(["1.1", "4.6"])  # 4.6 is restricted; Olu is not cleared
    next(b for b in at.button if b.label == "Assign these actions").click().run()
    assert shown(at.error[0].value).startswith("Nobody was assigned. Action 4.6 is restricted")
    assert at.multiselect(key="assign_refs").value == ["1.1", "4.6"]  # kept, to fix and try again
    owner_view = open_app("pages/my_actions.py", user=people_sqlite["owner"])
    assert list(owner_view.dataframe[0].value["Ref"]) == ["3.5"]


def test_a_name_with_markdown_is_shown_as_typed(people_sqlite) -> None:
    at = _add(open_app("pages/users.py", user=people_sqlite["admin"]), "[Click me](http://evil)", "odd@nhs.net")
    assert shown(at.success[0].value) == "Added [Click me](http://evil) as owner."
    assert not [v for v in markdown_elements(at) if "](http" in v]


# --- Due dates ------------------------------------------------------------------------------------

def _request(seeded, people, reason: str = "Trust's IG board meets in February") -> None:  # noqa: ANN001
    with session_scope() as session:
        request_revision(session, user=people["owner"], plan_id=seeded.id, ref="3.5", new_date="28/02/2027",
                         reason=reason)


def test_approve_and_decline_look_different_and_say_what_happens(seeded_sqlite, people_sqlite) -> None:
    _request(seeded_sqlite, people_sqlite)
    at = open_app("pages/due_dates.py", user=people_sqlite["chair"])
    approve = at.button(key=next(b.key for b in at.button if b.label == "Approve 3.5"))
    decline = at.button(key=next(b.key for b in at.button if b.label == "Decline 3.5"))
    assert (approve.proto.type, decline.proto.type) == ("primary", "secondary")
    captions = " ".join(shown(c.value) for c in at.caption)
    assert "Approve: 3.5 becomes due on 28 Feb 2027." in captions
    assert "Decline: 3.5 stays due on" in captions
    assert at.text_input(key=decline.key.replace("decline_", "note_")).label == "Reason for declining 3.5 (required)"
    decline.click().run()
    assert "Say why the request is declined" in shown(at.error[0].value)
    at.text_input(key=decline.key.replace("decline_", "note_")).set_value("Keep to the date: the data is ready")
    at.button(key=decline.key).click().run()
    assert at.success[0].value == "Declined the request for 3.5."
    assert at.dataframe[0].value.iloc[0]["Decision"] == "declined"
    assert [m.value for m in at.metric] == ["0", "0", "0"]


def test_a_reason_with_links_and_images_is_shown_literally(seeded_sqlite, people_sqlite) -> None:
    _request(seeded_sqlite, people_sqlite, reason=BEACON)
    at = open_app("pages/due_dates.py", user=people_sqlite["chair"])
    assert f"Reason: {BEACON}" in [t.value for t in at.text]
    rendered = markdown_elements(at)
    assert not [v for v in rendered if "](http" in v or "![" in v or "http://" in v], rendered


# --- Audit trail ----------------------------------------------------------------------------------

def test_the_audit_trail_reads_in_words_and_keeps_the_code(people_sqlite) -> None:
    at = open_app("pages/audit_trail.py", user=people_sqlite["admin"])
    log = at.dataframe[0].value
    words = dict(zip(log["Code"], log["Event"], strict=True))
    assert words["user.create"] == "User added" and words["action.assign_owner"] == "Owner assigned"
    assert not [w for w in log["Event"] if "." in w]
    at.selectbox(key="audit_kind").set_value("Action changes").run()
    assert set(at.dataframe[0].value["Code"]) == {"action.assign_owner"}


def test_an_update_sent_back_says_so_in_the_actions_history(seeded_sqlite, people_sqlite) -> None:
    _open_round(seeded_sqlite.id, people_sqlite["admin"])
    _update(seeded_sqlite.id, people_sqlite["owner"], "3.5")
    with session_scope() as session:
        rounds.return_update(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="3.5",
                             note="Add the **Q3** attendance figures")
    at = open_app("pages/action_detail.py", user=people_sqlite["chair"], action_ref="3.5")
    said = [w.value for w in at.warning if "Sent back to the owner" in w.value]
    assert len(said) == 1 and shown(said[0]).endswith(": Add the **Q3** attendance figures")  # as typed
    assert people_sqlite["admin"].name in shown(said[0])
