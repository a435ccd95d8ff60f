"""The Board paper page: a chair chooses a board, prepares the paper (its bytes are built on the
click, then offered to a download button), the choice lives in the URL; the annex is offered to
cleared users only; roles the page is not for cannot open it."""

import pytest

from plan.db import session_scope
from plan.demo import add_demo
from tests.ui.helpers import open_app

PAGE = "pages/board_paper.py"


def _download_buttons(at) -> list:  # noqa: ANN001
    return list(at.get("download_button"))


def test_a_chair_prepares_a_paper_for_one_board_and_gets_a_download(seeded_sqlite, people_sqlite) -> None:
    with session_scope() as session:
        add_demo(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id)
    at = open_app(PAGE, user=people_sqlite["chair"])
    assert at.title[0].value == "Board paper"
    assert not _download_buttons(at)
    assert not [b for b in at.button if b.key == "annex_prepare"]  # the chair is not cleared
    at.selectbox(key="paper_board").set_value("HWBB").run()
    assert at.query_params.get("board") in ("HWBB", ["HWBB"])
    at.button(key="paper_prepare").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    buttons = _download_buttons(at)
    assert len(buttons) == 1
    assert "OFFICIAL-SENSITIVE board-paper HWBB" in buttons[0].proto.label
    # another board: the paper prepared for HWBB is no longer offered
    at.selectbox(key="paper_board").set_value("CSP").run()
    assert not _download_buttons(at)


def test_a_cleared_secretary_prepares_the_annex_as_a_file_of_its_own(seeded_sqlite, people_sqlite) -> None:
    at = open_app(PAGE, user=people_sqlite["admin"])
    at.button(key="paper_prepare").click().run()
    at.button(key="annex_prepare").click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in _download_buttons(at)]
    assert len(labels) == 2 and "RESTRICTED-ANNEX" not in labels[0] and "RESTRICTED-ANNEX" in labels[1]


def test_the_secretariat_writes_the_purpose_and_recommendations(seeded_sqlite, people_sqlite) -> None:
    at = open_app(PAGE, user=people_sqlite["admin"])
    at.toggle(key="paper_own_words").set_value(True).run()
    purpose = at.text_area(key="paper_purpose")
    assert purpose.value.startswith("To update the strategic group on the delivery of the Violence")
    first = at.text_area(key="paper_recommendations").value.splitlines()[0]
    assert first == "Note the progress reported in this paper."
    at.text_area(key="paper_recommendations").set_value("Agree the HWBB leads on 2.3\n\nNote the new dates").run()
    at.button(key="paper_prepare").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(_download_buttons(at)) == 1
    at.text_area(key="paper_recommendations").set_value("\n".join(f"Do {n}" for n in range(14))).run()
    at.button(key="paper_prepare").click().run()
    assert "14 recommendations: a committee takes at most 12; merge some." in [e.value for e in at.error]
    assert not _download_buttons(at)


def test_the_paper_as_a_pdf(seeded_sqlite, people_sqlite) -> None:
    from plan.exports.pdf import available

    if not available():
        pytest.skip("LibreOffice is not installed")
    at = open_app(PAGE, user=people_sqlite["chair"])
    at.radio(key="paper_format").set_value("pdf").run()
    assert at.query_params.get("format") in ("pdf", ["pdf"])
    at.button(key="paper_prepare").click().run()
    assert not at.exception and not at.error
    assert _download_buttons(at)[0].proto.label.endswith(".pdf")


@pytest.mark.parametrize("role", ["viewer", "owner", "contributor"])
def test_other_roles_cannot_open_the_page(seeded_sqlite, people_sqlite, role) -> None:  # noqa: ANN001
    at = open_app(user=people_sqlite[role])
    with pytest.raises(ValueError):  # noqa: PT011  the page is not registered for the role
        at.switch_page(PAGE).run()
