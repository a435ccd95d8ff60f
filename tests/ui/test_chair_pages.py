"""The chair's pages through AppTest: the dashboard's counts are the services' numbers and open the
actions behind them, the date and filters live in the URL; exceptions say why; a meeting's record
(challenge, agreed RAG beside the owner's, decision) reaches the decisions log and the action's
page; a closed meeting refuses edits; other roles are refused."""

from datetime import date, timedelta

import pytest

from plan import reports
from plan.db import session_scope
from plan.demo import add_demo
from tests.ui.helpers import markdown_text, open_app, unescaped

DASHBOARD = "pages/dashboard.py"
MEETINGS = "pages/meetings.py"


@pytest.fixture
def history(seeded_sqlite, people_sqlite):  # noqa: ANN001, ANN201
    with session_scope() as session:
        add_demo(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, meetings=True)
    return seeded_sqlite


def _drill_refs(at) -> list[str]:  # noqa: ANN001
    frames = [d.value for d in at.dataframe
              if {"Ref", "Owner"} <= set(d.value.columns) and "Why" not in d.value.columns]  # not the exceptions
    return list(frames[0]["Ref"]) if frames else []


def test_the_dashboard_counts_are_the_services_numbers_and_open_their_actions(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    with session_scope() as session:
        head = reports.headline(session, user=chair, plan_id=history.id)
        rows, total = reports.drill(session, user=chair, plan_id=history.id, rag="red")
    at = open_app(DASHBOARD, user=chair)
    assert at.title[0].value == "Dashboard"
    assert f"**{head['total']} actions.**" in markdown_text(at)
    assert at.button(key="drill_tile_red").label == f"Show {head['red']} Red"
    overdue = next(m for m in at.metric if m.label == "Overdue")
    assert overdue.value == str(head["overdue"])
    at.button(key="drill_tile_red").click().run()
    assert not at.exception
    assert at.query_params.get("drill_rag") in ("red", ["red"])
    assert f"**{total} action{'s' if total != 1 else ''}**" in markdown_text(at)
    assert sorted(_drill_refs(at)) == sorted(r["ref"] for r in rows)
    assert head["red"] == total > 0


def test_the_as_of_date_changes_what_is_shown_and_lives_in_the_url(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    past = date(2025, 1, 1)
    with session_scope() as session:
        then = reports.headline(session, user=chair, plan_id=history.id, as_of=past)
        now = reports.headline(session, user=chair, plan_id=history.id)
    assert then["total"] != now["total"] or then["red"] != now["red"]
    at = open_app(DASHBOARD, user=chair)
    at.date_input(key="dash_as_of").set_value(past).run()
    assert not at.exception
    assert at.query_params.get("as_of") in ("2025-01-01", ["2025-01-01"])
    assert "The plan as at 01 Jan 2025" in [s.value for s in at.subheader]
    assert f"**{then['total']} actions.**" in markdown_text(at)
    assert at.button(key="drill_tile_red").label == f"Show {then['red']} Red"


def test_filters_live_in_the_url_and_narrow_the_counts(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    with session_scope() as session:
        theme = reports.summary(session, user=chair, plan_id=history.id, by="theme")[0]
        narrowed = reports.headline(session, user=chair, plan_id=history.id,
                                    filters=reports.ReportFilter(themes=[theme["group"]]))
    at = open_app(DASHBOARD, user=chair)
    at.multiselect(key="dash_themes").set_value([theme["group"]]).run()
    assert at.query_params.get("theme") in (theme["group"], [theme["group"]])
    assert f"**{narrowed['total']} actions.**" in markdown_text(at)
    # the same URL opened afresh shows the same view
    fresh = open_app(user=chair)
    fresh.switch_page(DASHBOARD)
    fresh.query_params["theme"] = theme["group"]
    fresh.run()
    assert fresh.multiselect(key="dash_themes").value == [theme["group"]]
    assert f"**{narrowed['total']} actions.**" in markdown_text(fresh)


def test_a_theme_row_drills_to_its_actions_and_the_drill_is_in_the_url(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    with session_scope() as session:
        theme = next(r for r in reports.summary(session, user=chair, plan_id=history.id, by="theme") if r["total"])
        rows, total = reports.drill(session, user=chair, plan_id=history.id, group_by="theme", group=theme["group"],
                                    rag="amber")
    at = open_app(DASHBOARD, user=chair)
    at.selectbox(key="drill_by").set_value("theme").run()
    at.selectbox(key="drill_group").set_value(theme["group"]).run()
    at.selectbox(key="drill_rag").set_value("amber").run()
    assert not at.exception
    assert at.query_params.get("drill_group") in (theme["group"], [theme["group"]])
    assert f"**{total} action{'s' if total != 1 else ''}**" in markdown_text(at)
    assert sorted(_drill_refs(at)) == sorted(r["ref"] for r in rows)


def test_what_changed_between_two_dates_in_the_url(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    until = date.today() - timedelta(days=1)
    since = until - timedelta(days=200)
    with session_scope() as session:
        moved = reports.changes(session, user=chair, plan_id=history.id, since=since, until=until)
    at = open_app(DASHBOARD, user=chair)
    at.session_state["tab"] = "What changed"
    at.run()
    at.date_input(key="dash_since").set_value(since).run()
    at.date_input(key="dash_until").set_value(until).run()
    assert not at.exception
    assert at.query_params.get("since") in (since.isoformat(), [since.isoformat()])
    assert at.query_params.get("until") in (until.isoformat(), [until.isoformat()])
    counts = moved["counts"]
    said = (f"**{counts['better']} better, {counts['worse']} worse, {counts['same']} the same, "
            f"{counts['first_assessed']} first assessed** between {since:%d %b %Y} and {until:%d %b %Y}.")
    assert said in markdown_text(at)
    labels = [e.label for e in at.expander]
    assert f"RAG changed ({len(moved['transitions'])})" in labels
    assert f"No update since ({len(moved['updates_not_made'])})" in labels
    assert moved["transitions"]
    shown = next(d.value for d in at.dataframe if "Direction" in d.value.columns)  # RAG changed: words, not codes
    assert set(shown["Direction"]) <= {"Better", "Worse", "No change", "First assessed"}
    assert len(shown) == min(len(moved["transitions"]), 100)


def test_the_exceptions_say_why_with_the_owners_commentary(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    with session_scope() as session:
        found = reports.exceptions(session, user=chair, plan_id=history.id)
    assert found
    at = open_app(DASHBOARD, user=chair)
    assert not [d for d in at.dataframe if "Why" in d.value.columns]  # only the open tab runs
    at.session_state["tab"] = "Exceptions"  # the tab chosen (in the browser: a click, or ?tab= in the URL)
    at.run()
    table = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert list(table["Ref"]) == [r["ref"] for r in found]
    assert table.iloc[0]["Why"] == "; ".join(found[0]["reasons"])
    assert list(table["Latest commentary"]) == [r["commentary"] or "" for r in found]
    assert list(table["RAG"]) == [r["rag_label"] for r in found]


@pytest.mark.parametrize("role", ["viewer", "owner"])
def test_other_roles_cannot_open_the_chair_pages(seeded_sqlite, people_sqlite, role) -> None:  # noqa: ANN001
    at = open_app(user=people_sqlite[role])
    for page in (DASHBOARD, MEETINGS):
        with pytest.raises(ValueError):  # noqa: PT011  the page is not registered for the role
            at.switch_page(page).run()


def _meeting(plan_id: int, admin, *, close: bool = False) -> dict:  # noqa: ANN001
    from plan import meetings

    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=plan_id, held_on=date.today(),
                                       title="Quarterly challenge", attendees=["Chair", "Secretariat"], round_id=None)
        if not made["items"]:  # the seed alone has no exceptions: the secretariat adds an action
            made["items"] = [meetings.add_agenda_item(session, user=admin, plan_id=plan_id, meeting_id=made["id"],
                                                      ref="3.5", why="Asked for by the chair")]
        if close:
            meetings.close_meeting(session, user=admin, plan_id=plan_id, meeting_id=made["id"])
    return made


def _open_meeting(user, meeting_id: int):  # noqa: ANN001, ANN202
    at = open_app(user=user)
    at.switch_page(MEETINGS)
    at.query_params["meeting"] = str(meeting_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_chair_records_a_meeting_item_and_finds_it_in_the_log_and_on_the_action(seeded_sqlite,
                                                                                   people_sqlite) -> None:
    made = _meeting(seeded_sqlite.id, people_sqlite["admin"])
    item = made["items"][0]
    key = f"item_{item['id']}"
    at = _open_meeting(people_sqlite["chair"], made["id"])
    assert "Quarterly challenge" in at.header[0].value
    at.text_area(key=f"{key}_challenge").set_value("Why has the venue not been booked?")
    at.text_area(key=f"{key}_response").set_value("Budget sign-off came late")
    at.selectbox(key=f"{key}_agreed").set_value("red")
    at.text_area(key=f"{key}_decision").set_value("Escalate to the board")
    at.checkbox(key=f"{key}_confirm").check()
    at.button(key=f"{key}_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value == f"Record for {item['ref']} saved."
    # the decisions log
    at.button(key="meeting_back").click().run()
    log = next(d.value for d in at.dataframe if "Decision" in d.value.columns)
    row = log[log["Ref"] == item["ref"]].iloc[0]
    assert row["Challenge"] == "Why has the venue not been booked?"
    assert row["Agreed RAG"] == "Red"
    assert row["Owner's RAG"] == (item["proposed_label"] or item["seen"]["rag_label"])
    assert row["Decision"] == "Escalate to the board"
    # the action's page: the agreed RAG beside the owner's, and the decision
    detail = open_app(user=people_sqlite["chair"])
    detail.switch_page("pages/action_detail.py")
    detail.query_params["ref"] = item["ref"]
    detail.run()
    assert not detail.exception
    section = next(e for e in detail.expander if e.label == "Meetings and decisions")
    shown = "\n".join(m.value for m in section.markdown)
    assert "Owner's RAG:" in shown and f"Agreed at the meeting of {date.today():%d %b %Y}:" in shown
    assert ">Red</span>" in shown.split("Agreed at")[1]
    decisions = next(d.value for d in detail.dataframe if "Decision" in d.value.columns)
    assert list(decisions["Decision"]) == ["Escalate to the board"]
    assert list(decisions["Agreed RAG"]) == ["Red"]


def test_a_problem_shows_beside_its_field_and_nothing_is_saved(seeded_sqlite, people_sqlite) -> None:
    made = _meeting(seeded_sqlite.id, people_sqlite["admin"])
    item = made["items"][0]
    key = f"item_{item['id']}"
    at = _open_meeting(people_sqlite["chair"], made["id"])
    at.text_area(key=f"{key}_decision").set_value("x" * 4001)
    at.checkbox(key=f"{key}_confirm").check()
    at.button(key=f"{key}_save").click().run()
    assert any("4,000" in e.value or "characters" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.success


def test_a_chair_downloads_a_meetings_minutes(seeded_sqlite, people_sqlite) -> None:
    made = _meeting(seeded_sqlite.id, people_sqlite["admin"], close=True)
    at = _open_meeting(people_sqlite["chair"], made["id"])
    at.button(key="minutes_prepare").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 1 and labels[0].startswith("Download OFFICIAL-SENSITIVE minutes ")
    assert "DRAFT" not in labels[0]


def test_a_closed_meeting_is_read_only(seeded_sqlite, people_sqlite) -> None:
    made = _meeting(seeded_sqlite.id, people_sqlite["admin"], close=True)
    at = _open_meeting(people_sqlite["admin"], made["id"])
    assert any("the record cannot change" in i.value for i in at.info)
    assert not [t for t in at.text_area if t.key and t.key.startswith("item_")]
    assert not [b for b in at.button if b.key == "meeting_close"]
    assert not [t for t in at.text_area if t.key == "follow_up_text"]


def test_the_secretariat_creates_a_meeting_with_its_agenda(seeded_sqlite, people_sqlite) -> None:
    at = open_app(MEETINGS, user=people_sqlite["admin"])
    at.text_input(key="new_meeting_title").set_value("Spring review")
    at.text_area(key="new_meeting_attendees").set_value("Chair\nSecretariat")
    at.button(key="new_meeting_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith("Meeting created with")
    assert "Spring review" in at.header[0].value
    assert at.query_params.get("meeting")


def test_the_secretariat_chooses_what_the_meeting_reviews_and_sees_a_stale_round(seeded_sqlite, people_sqlite) -> None:
    from plan import rounds
    from plan.updates import record_update

    admin, p = people_sqlite["admin"], seeded_sqlite.id
    with session_scope() as session:
        rounds.open_round(session, user=admin, plan_id=p, period="2026-Q3", deadline=date.today() + timedelta(days=7))
    with session_scope() as session:
        rounds.close_round(session, user=admin, plan_id=p)
    with session_scope() as session:
        record_update(session, user=admin, plan_id=p, ref="1.2", rag="red", delivery_status="in_progress",
                      commentary="Funding withdrawn")
    at = open_app(MEETINGS, user=admin)
    reviews = at.selectbox(key="new_meeting_reviews")
    # 1.2 went Red after the round: the plan as at the meeting's date is suggested first
    assert reviews.options[0] == f"The plan as at {date.today():%d %b %Y}" and not at.warning
    assert reviews.options[1].startswith("The Q2 2026/27 (July to September 2026) round, closed ")
    reviews.select_index(1).run()
    assert any("since then 1.2 became Red, and its agenda would miss it" in unescaped(w.value) for w in at.warning)
    at.button(key="new_meeting_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Reviews the Q2 2026/27 (July to September 2026) round, closed" in t.value for t in at.text)


def test_an_owner_sees_and_completes_their_follow_up(seeded_sqlite, people_sqlite) -> None:
    from plan import meetings

    made = _meeting(seeded_sqlite.id, people_sqlite["admin"])
    owner = people_sqlite["owner"]
    with session_scope() as session:
        asked = meetings.add_follow_up(session, user=people_sqlite["chair"], plan_id=seeded_sqlite.id,
                                       meeting_id=made["id"], text="Send the venue costs to the board",
                                       due=date.today(), owner_email=owner.email)
    at = open_app("pages/my_actions.py", user=owner)
    assert "Your follow-ups" in [s.value for s in at.subheader]
    assert any("Send the venue costs to the board" in t.value for t in at.text)
    at.button(key=f"follow_up_done_{asked['id']}").click().run()
    assert at.success[0].value == "Follow-up marked done."
    assert not any("Send the venue costs to the board" in t.value for t in at.text)


def test_the_secretariat_changes_the_suggested_rag_rules_with_problems_beside_fields(seeded_sqlite,
                                                                                     people_sqlite) -> None:
    at = open_app("pages/plan_settings.py", user=people_sqlite["admin"])
    at.number_input(key="threshold_amber_overdue_days").set_value(60)
    at.button(key="thresholds_save").click().run()
    assert any("must not be more than" in e.value for e in at.error), [e.value for e in at.error]
    assert any("days overdue for Red" in unescaped(e.value) for e in at.error)  # the RAG word as it is written
    with session_scope() as session:
        assert reports.suggestion_settings(session, plan_id=seeded_sqlite.id).amber_overdue_days == 1
    at.number_input(key="threshold_amber_overdue_days").set_value(10)
    at.button(key="thresholds_save").click().run()
    assert at.success[0].value == "Suggested-RAG rules saved."
    with session_scope() as session:
        assert reports.suggestion_settings(session, plan_id=seeded_sqlite.id).amber_overdue_days == 10


def test_a_chair_opens_a_closed_rounds_snapshot(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    with session_scope() as session:
        closed = reports.closed_rounds(session, user=chair, plan_id=history.id)
        snap = reports.round_snapshot(session, user=chair, plan_id=history.id, round_id=closed[0]["round_id"],
                                      rag="red")
    at = open_app("pages/update_round.py", user=chair)
    assert "snapshot_rag" not in [s.key for s in at.selectbox]  # read only when opened
    at.session_state["snapshot_open"] = True  # the chair opens "Closed rounds: what each froze"
    at.run()
    at.selectbox(key="snapshot_rag").set_value("red").run()
    table = next(d.value for d in at.dataframe if "Updated in the round" in d.value.columns)
    assert snap["rows"] and list(table["Ref"]) == [r["ref"] for r in snap["rows"]]
    assert set(table["RAG"]) <= {"Red"}


def test_an_agenda_reason_naming_a_person_is_asked_about_before_the_item_is_added(seeded_sqlite,
                                                                                 people_sqlite) -> None:
    made = _meeting(seeded_sqlite.id, people_sqlite["admin"])
    at = _open_meeting(people_sqlite["admin"], made["id"])
    at.text_input(key="agenda_add_ref").set_value("3.3")
    at.text_input(key="agenda_add_why").set_value("Call Jay on 07700 900123 about it")
    at.button(key="agenda_add_save").click().run()
    assert any("phone number" in unescaped(e.value) for e in at.error), [e.value for e in at.error]
    assert "3.3" not in [i["ref"] for i in _items(seeded_sqlite.id, made["id"], people_sqlite["admin"])]
    at.checkbox(key="agenda_add_confirm").check()
    at.button(key="agenda_add_save").click().run()
    assert at.success[0].value == "3.3 added to the agenda."


def test_the_secretariat_adds_and_drops_agenda_items_and_sets_attendees(seeded_sqlite, people_sqlite) -> None:
    made = _meeting(seeded_sqlite.id, people_sqlite["admin"])
    at = _open_meeting(people_sqlite["admin"], made["id"])
    at.text_input(key="agenda_add_ref").set_value("3.3")
    at.button(key="agenda_add_save").click().run()
    assert at.success[0].value == "3.3 added to the agenda."
    assert any(unescaped(e.label).startswith("3.3: ") for e in at.expander), [e.label for e in at.expander]
    at.text_input(key="agenda_add_ref").set_value("3.3")
    at.button(key="agenda_add_save").click().run()
    assert at.error, "the same action twice is refused"
    added = next(i for i in _items(seeded_sqlite.id, made["id"], people_sqlite["admin"]) if i["ref"] == "3.3")
    at.button(key=f"item_{added['id']}_drop").click().run()
    assert "Say why 3.3 comes off the agenda: the record keeps the reason." in [unescaped(e.value) for e in at.error]
    at.text_input(key=f"item_{added['id']}_drop_reason").set_value("Covered at the HWBB").run()
    at.button(key=f"item_{added['id']}_drop").click().run()
    assert at.success[0].value == "3.3 dropped from the agenda."
    assert unescaped(next(e.label for e in at.expander if unescaped(e.label).startswith("3.3:"))).endswith("(dropped)")
    at.text_area(key="attendees_text").set_value("Chris Chair\nSam Secretariat\nPat Police")
    at.button(key="attendees_save").click().run()
    assert at.success[0].value == "Attendees saved."
    assert any("Attendees: Chris Chair, Sam Secretariat, Pat Police." in t.value for t in at.text)


def _items(plan_id: int, meeting_id: int, admin) -> list[dict]:  # noqa: ANN001
    from plan import meetings

    with session_scope() as session:
        return meetings.get_meeting(session, user=admin, plan_id=plan_id, meeting_id=meeting_id)["items"]


def test_a_wrong_date_in_the_url_is_said_and_demo_data_can_be_left_out(history, people_sqlite) -> None:
    chair = people_sqlite["chair"]
    at = open_app(user=chair)
    at.switch_page(DASHBOARD)
    at.query_params["as_of"] = "31/02/2026"
    at.run()
    assert at.error and "As at" in at.error[0].value, [e.value for e in at.error]
    with session_scope() as session:
        real = reports.headline(session, user=chair, plan_id=history.id,
                                filters=reports.ReportFilter(include_demo=False))
    at = open_app(DASHBOARD, user=chair)
    at.checkbox(key="dash_demo").uncheck().run()
    assert at.query_params.get("demo") in ("0", ["0"])
    assert f"**{real['total']} actions.**" in markdown_text(at)


def test_a_chair_sees_open_follow_ups_across_meetings_and_marks_one_done(seeded_sqlite, people_sqlite) -> None:
    from plan import meetings

    made = _meeting(seeded_sqlite.id, people_sqlite["admin"])
    with session_scope() as session:
        asked = meetings.add_follow_up(session, user=people_sqlite["chair"], plan_id=seeded_sqlite.id,
                                       meeting_id=made["id"], text="Report the training numbers",
                                       due=date.today(), owner_name="Community safety team")
    at = open_app(MEETINGS, user=people_sqlite["chair"])
    table = next(d.value for d in at.dataframe if "What" in d.value.columns)
    assert list(table["What"]) == ["Report the training numbers"]
    assert list(table["Who"]) == ["Community safety team"]
    at.selectbox(key="follow_up_done_pick").set_value(asked["id"])
    at.button(key="follow_up_done").click().run()
    assert at.success[0].value == "Follow-up marked done."
    assert "No open follow-ups." in [i.value for i in at.info]


def test_a_closed_round_has_a_url_that_opens_its_snapshot(history, people_sqlite) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.ui.helpers import ROOT, signed_in

    chair = people_sqlite["chair"]
    with session_scope() as session:
        closed = reports.closed_rounds(session, user=chair, plan_id=history.id)
    wanted = closed[-1]["round_id"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at, chair)
    at.run()
    at.query_params["round"] = str(wanted)
    at.switch_page("pages/update_round.py").run()
    assert at.selectbox(key="snapshot_round").value == wanted
    assert at.query_params["round"] in (str(wanted), [str(wanted)])


def test_action_detail_shows_the_suggested_rag_with_its_reason(seeded_sqlite, people_sqlite) -> None:
    from plan.maintenance.actions import edit_action
    from plan.updates import record_update

    with session_scope() as session:
        record_update(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="1.1", rag="green",
                      delivery_status="in_progress", commentary="On track")
        edit_action(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="1.1",
                    changes={"start_date": date.today() - timedelta(days=200),
                             "current_due_date": date.today() - timedelta(days=40)})
    detail = open_app(user=people_sqlite["chair"])
    detail.switch_page("pages/action_detail.py")
    detail.query_params["ref"] = "1.1"
    detail.run()
    assert not detail.exception
    assert any(unescaped(w.value).startswith("Suggested RAG: Red. Red suggested: 40 days overdue")
               for w in detail.warning), [w.value for w in detail.warning]
