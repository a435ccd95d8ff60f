"""Every place a page shows user text, over the one payload table (tests/user_text.py): the text
is shown as typed, and never reaches a Markdown element unescaped (the unit tests show the
escaped form renders nothing; the browser test shows it in chromium)."""

import json
from datetime import date
from types import SimpleNamespace

import pytest

import plan.returns
from plan.db import session_scope
from plan.maintenance.actions import edit_action
from plan.measures.definitions import update_measure
from plan.measures.returns import submit_value
from tests.ui.helpers import open_app
from tests.user_text import PAYLOADS, as_seen

MARKDOWN_KINDS = ("markdown", "caption", "success", "error", "warning", "info", "title", "header", "subheader")


def _markdown(at) -> list[str]:  # noqa: ANN001
    return [e.value for kind in MARKDOWN_KINDS for e in at.get(kind)]


def _shown_as_text(at, payload: str) -> None:  # noqa: ANN001
    values = _markdown(at)
    raw = [v for v in values if payload in v]
    assert not raw, f"user text reached Markdown unescaped: {raw}"
    assert any(payload in as_seen(v) for v in values), "the text is not shown as typed"


def _open_with_ref(user, page: str, ref: str):  # noqa: ANN001, ANN202
    at = open_app(None, user=user)
    at.query_params["ref"] = ref
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_ref_in_the_address_is_shown_as_text(seeded_sqlite, people_sqlite, payload) -> None:  # noqa: ANN001
    for page in ("pages/action_detail.py", "pages/edit_plan.py"):
        _shown_as_text(_open_with_ref(people_sqlite["admin"], page, payload), payload)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_an_action_title_and_source_are_shown_as_text(seeded_sqlite, people_sqlite, payload) -> None:  # noqa: ANN001
    with session_scope() as session:
        edit_action(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="1.1",
                    changes={"title": f"Title {payload}", "personal_data_confirmed": True})
    at = _open_with_ref(people_sqlite["admin"], "pages/action_detail.py", "1.1")
    _shown_as_text(at, f"Title {payload}")
    at = open_app(None, user=people_sqlite["admin"])
    at.query_params["view"] = "Cards"
    at.switch_page("pages/actions.py").run()
    _shown_as_text(at, f"Title {payload}")


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_measure_name_is_text_in_the_heading_and_in_the_chart(seeded_sqlite, people_sqlite, payload) -> None:  # noqa: ANN001
    with session_scope() as session:
        update_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M3.5",
                       changes={"name": payload, "personal_data_confirmed": True})
        submit_value(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, measure_ref="M3.5",
                     period="Mar 2025", value="4", today=date(2026, 11, 28))
    at = open_app(None, user=people_sqlite["admin"])
    at.query_params["measure"] = "M3.5"
    at.switch_page("pages/measures.py").run()
    _shown_as_text(at, payload)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"]["title"]["text"] for c in charts if c["layout"].get("title", {}).get("text")]
    assert titles and all("<" not in t for t in titles)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_words_of_an_uploaded_return_are_shown_as_text(people_sqlite, monkeypatch, payload) -> None:  # noqa: ANN001
    row = SimpleNamespace(row=2, ref=payload, title="t", state="stale", problems=[], newer_update="")
    report = SimpleNamespace(summary=lambda: f"Would apply: 1 update for {payload}", rows=[row],
                             rows_in=lambda state: [row] if state in ("stale", "problem") else [])
    monkeypatch.setattr(plan.returns, "read_return", lambda session, **kw: report)
    at = open_app("pages/offline_returns.py", user=people_sqlite["admin"])
    at.file_uploader(key="return_file").set_value(("return.xlsx", b"PK", "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    _shown_as_text(at, f"Would apply: 1 update for {payload}")
    assert all(payload not in v for v in _markdown(at))
