"""Every page through AppTest, asserting what a user sees."""

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from plan.db import session_scope
from plan.updates import record_update
from tests.ui.helpers import ROOT, markdown_text, open_app, signed_in, unescaped

PAGES = ["pages/overview.py", "pages/actions.py", "pages/action_detail.py"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_protective_marking(people_sqlite, page) -> None:
    at = open_app(page, user=people_sqlite["viewer"], action_ref="1.1")
    assert "OFFICIAL-SENSITIVE" in markdown_text(at)
    assert "What the RAG ratings mean in this plan" in [e.label for e in at.expander]


def test_first_start_on_an_empty_database_loads_the_seed_plan(sqlite_url) -> None:
    at = open_app()
    assert at.title[0].value == "Violence & Vulnerability Local Action Plan"
    assert "This plan is OFFICIAL-SENSITIVE: sign in to see it." in at.caption[0].value
    assert "OFFICIAL-SENSITIVE" in markdown_text(at)


def test_overview_shows_the_four_ps_with_counts(seeded_sqlite, people_sqlite, admin) -> None:
    with session_scope() as session:
        for ref, rag in (("4.1", "red"), ("4.6", "red"), ("1.1", "green")):
            record_update(session, user=admin, plan_id=seeded_sqlite.id, ref=ref, rag=rag,
                          delivery_status="in_progress", commentary="Update")
    at = open_app(user=people_sqlite["viewer"])
    assert "**25 actions** under 4 themes" in markdown_text(at)
    assert [m.label for m in at.metric] == ["Prepare", "Prevent", "Protect", "Pursue"]
    assert [m.value for m in at.metric] == ["8 actions", "5 actions", "6 actions", "6 actions"]
    table = at.dataframe[0].value
    pursue = table[table["Theme"] == "Pursue"].iloc[0]
    assert (pursue["Red"], pursue["Not yet assessed"], pursue["Total"]) == (2, 4, 6)
    assert table["Green"].sum() == 1
    at.radio[0].set_value("Board").run()
    boards = at.dataframe[0].value
    assert list(boards["Board"]) == ["LSCB", "SAB", "HWBB", "CSP", "VVSG"]
    assert boards.loc[boards["Board"] == "CSP", "Red"].iloc[0] == 2


def test_actions_page_filters_and_shows_rag_words(seeded_sqlite, people_sqlite, admin) -> None:
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded_sqlite.id, ref="3.3", rag="amber",
                      delivery_status="in_progress", commentary="Training dates slipped")
    at = open_app("pages/actions.py", user=people_sqlite["viewer"])
    assert "**25 actions** match." in markdown_text(at)
    table = at.dataframe[0].value
    assert "4.6" in list(table["Ref"])
    assert table.loc[table["Ref"] == "4.6", "Title"].iloc[0].startswith("Restricted action")
    at.multiselect(key="filter_themes").set_value(["Protect"]).run()
    table = at.dataframe[0].value
    assert list(table["Ref"]) == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
    assert table.loc[table["Ref"] == "3.3", "RAG"].iloc[0] == "Amber"
    assert table.loc[table["Ref"] == "3.1", "RAG"].iloc[0] == "Not yet assessed"
    at.text_input(key="filter_text").set_value("nothing matches this").run()
    assert "No actions match these filters" in at.info[0].value


def test_open_an_action_shows_its_detail_and_history(seeded_sqlite, people_sqlite, admin) -> None:
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded_sqlite.id, ref="3.5", rag="red",
                      delivery_status="in_progress", commentary="No data-sharing agreement yet",
                      at=datetime(2026, 10, 1, tzinfo=UTC))
    at = open_app("pages/actions.py", user=people_sqlite["chair"])
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["RAG", "Ref", "Title"]  # RAG first, for the chair's review
    row = table.index[table["Ref"] == "3.5"][0]
    assert table.loc[row, "Latest commentary"] == "No data-sharing agreement yet"
    at.session_state["actions_table"] = {"selection": {"rows": [int(row)], "columns": [], "cells": []}}
    at.run()  # selecting a row opens its action
    assert unescaped(at.title[0].value).startswith("3.5 Share A&E data")
    assert at.query_params["ref"] in ("3.5", ["3.5"])
    text = markdown_text(at)
    assert "**Lead agency:** Southend University Hospital NHS Foundation Trust" in text
    assert ">Red</span>" in text
    assert "No data-sharing agreement yet" in [t.value for t in at.text]  # whole, not cut mid-sentence


def test_detail_of_an_unknown_ref_says_what_to_do(people_sqlite) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at, people_sqlite["viewer"])
    at.run()
    at.query_params["ref"] = "9.99"
    at.switch_page("pages/action_detail.py").run()
    assert "There is no action '9.99' in this plan. Find one above." in unescaped(at.error[0].value)


def test_restricted_detail_is_withheld_from_an_uncleared_reader(people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["chair"], action_ref="4.6")
    assert unescaped(at.title[0].value) == "4.6 Restricted action: detail shown only to cleared users"
    assert "shown only to users cleared for restricted items" in at.warning[0].value
    assert "Joint cross-border" not in markdown_text(at)


def test_restricted_detail_is_shown_to_a_cleared_user(people_sqlite) -> None:
    at = open_app("pages/action_detail.py", user=people_sqlite["admin"], action_ref="4.6")
    assert unescaped(at.title[0].value).startswith("4.6 Joint cross-border disruption")
    assert not [w for w in at.warning if "cleared" in w.value]
