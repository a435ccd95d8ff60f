"""Creating the first admin is atomic (issue 20, item 4): browsers racing on a fresh install, on
SQLite and PostgreSQL, make exactly one admin; the others are told to sign in with it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from models import Person
from plan.db import session_scope
from plan.errors import NotAllowed
from plan.users import FIRST_ADMIN_TAKEN, create_first_admin

BROWSERS = 6


def test_six_browsers_racing_make_exactly_one_admin(seeded) -> None:
    start = threading.Barrier(BROWSERS)
    outcomes: list[str] = []

    def browser(number: int) -> None:
        start.wait()
        try:
            with session_scope() as session:
                create_first_admin(session, email=f"admin{number}@southend.gov.uk", name=f"Admin {number}",
                                   password="harbour lights at low tide")
            outcomes.append("made")
        except NotAllowed as err:
            outcomes.append(str(err))

    threads = [threading.Thread(target=browser, args=(n,)) for n in range(BROWSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with session_scope() as session:
        admins = session.execute(select(func.count()).select_from(Person).where(Person.role == "admin")).scalar_one()
    assert admins == 1
    assert sorted(outcomes) == sorted(["made"] + [FIRST_ADMIN_TAKEN] * (BROWSERS - 1))


def test_the_first_admin_cannot_be_made_once_anyone_has_an_account(seeded, people) -> None:
    with pytest.raises(NotAllowed, match="first admin"), session_scope() as session:
        create_first_admin(session, email="late@southend.gov.uk", name="Late Comer", password="harbour lights low")
