"""Every page checks who is signed in itself, whatever ran it (defence in depth: a page run on its
own, without app.py's router, as Streamlit's old pages/ mode did on a fresh server)."""

import pytest
from streamlit.testing.v1 import AppTest

from plan.db import session_scope
from plan.permissions import allowed
from plan.users import update_user
from tests.ui.helpers import ROOT, signed_in
from ui.navigation import PAGES


def _run_alone(page: str, user=None) -> AppTest:  # noqa: ANN001
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    if user is not None:
        signed_in(at, user)
    return at.run()


@pytest.mark.parametrize("page", [spec.file for spec in PAGES])
def test_a_page_run_on_its_own_shows_only_sign_in_to_someone_not_signed_in(people_sqlite, page) -> None:
    at = _run_alone(page)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.selectbox and not at.expander
    assert "sign in to see it" in at.caption[0].value


@pytest.mark.parametrize("spec", [s for s in PAGES if s.operation], ids=lambda s: s.file)
def test_a_page_refuses_a_role_it_is_not_for(people_sqlite, spec) -> None:
    role = next(r for r in ("viewer", "contributor", "owner", "chair") if not allowed(people_sqlite[r], spec.operation))
    at = _run_alone(spec.file, people_sqlite[role])
    assert at.error[0].value == f"Your role ({role}) cannot open this page. Choose another page from the menu."
    assert not at.dataframe and not at.metric and not at.form


def test_a_disabled_account_sees_nothing_even_on_a_page_run_on_its_own(people_sqlite) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "actions.py"), default_timeout=60)
    signed_in(at, people_sqlite["chair"])
    at.run()
    assert at.dataframe
    with session_scope() as session:
        update_user(session, user=people_sqlite["admin"], email=people_sqlite["chair"].email, active=False)
    at.run()
    assert not at.dataframe and [b.label for b in at.button] == ["Sign in"]
    assert "Your account is no longer active" in at.warning[0].value


def test_the_router_and_the_page_gate_share_one_check_per_run_and_the_next_run_checks_again(
        people_sqlite, monkeypatch) -> None:  # noqa: ANN001
    """Run as a server runs it (app.py's router, then the page): the page's own gate is answered by
    the check the router made in the same run, so a run reads the session once, not twice; the
    next run checks again, so a disabled account is out on the next click."""
    from bench.pages import server_script_cache
    from plan import sessions

    calls: list[str] = []
    real = sessions.resolve

    def counting(session, **kwargs):  # noqa: ANN001, ANN003, ANN202
        calls.append(kwargs["token"])
        return real(session, **kwargs)

    monkeypatch.setattr(sessions, "resolve", counting)
    with server_script_cache():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        signed_in(at, people_sqlite["chair"])
        at.run()
        at.switch_page("pages/actions.py").run()
        assert at.dataframe and not at.exception
        calls.clear()
        at.run()
        assert at.dataframe and len(calls) == 1  # router and page: one reading of the session
        with session_scope() as session:
            update_user(session, user=people_sqlite["admin"], email=people_sqlite["chair"].email, active=False)
        at.run()
        assert len(calls) == 2
        assert not at.dataframe and [b.label for b in at.button] == ["Sign in"]
