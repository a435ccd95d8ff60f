"""Which new passwords are accepted: long passphrases yes; short, common, trivial or personal no."""

import pytest

from plan.errors import InvalidInput
from plan.passwords import check_strength

EMAIL, NAME = "sam.secretariat@southend.gov.uk", "Sam Secretariat"


@pytest.mark.parametrize("password", [
    # the passwords the tests and browser journeys create accounts with
    "harbour lights at low tide", "pier trains run every hour", "cockles from leigh on sea",
    "bright lanterns over the estuary", "tall ships and bright stars", "another secret passphrase",
    "a long enough passphrase", "my own long passphrase",
    "correct horse battery", "Xq7#mP2$vL9!wR4z",
    "h" + "arbour lights at low tide " * 20,  # long: only the first 72 characters are scored (speed)
])
def test_long_passphrases_are_accepted(password: str) -> None:
    check_strength(password, email=EMAIL, name=NAME)


@pytest.mark.parametrize(("password", "says"), [
    ("", "cannot be only spaces"),
    (" " * 12, "cannot be only spaces"),
    ("\t \n " * 4, "cannot be only spaces"),
    ("short words", "at least 12 characters"),
    ("x" * 1001, "too long"),
    ("aaaaaaaaaaaa", "too easy to guess (Repeats like \"aaa\" are easy to guess)"),
    ("a" * 200, "too easy to guess"),
    ("password1234", "too easy to guess (This is a very common password)"),
    ("Password1234", "too easy to guess"),
    ("qwertyuiop12", "too easy to guess"),
    ("123456789012", "too easy to guess"),
    ("abcdefghijkl", "too easy to guess"),
    ("iloveyou1234", "too easy to guess"),
    ("harbour lights\x00 at low tide", "control or invisible character"),
    ("harbour lights\u200b at low tide", "control or invisible character"),
    # the account's own email or name, however it is written
    ("sam.secretariat@southend.gov.uk", "contains your email address or name"),
    ("Sam Secretariat rules the pier", "contains your email address or name"),
    ("SAM-SECRETARIAT-2026!", "contains your email address or name"),
    ("the secretariat of the harbour", "contains your email address or name"),
])
def test_weak_passwords_are_refused_saying_what_to_do(password: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_strength(password, email=EMAIL, name=NAME)
    assert says in str(refused.value)
    if "too easy to guess" in says or "email address or name" in says or "only spaces" in says:
        assert "Choose three or four unrelated words" in str(refused.value)


def test_without_email_and_name_the_existing_callers_still_work() -> None:
    check_strength("Sam Secretariat rules the pier")  # no account named: only strength counts
    with pytest.raises(InvalidInput, match="too easy to guess"):
        check_strength("password1234")
