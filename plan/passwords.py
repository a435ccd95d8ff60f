"""Password hashing with argon2, and which new passwords are strong enough. Passwords are never
stored or logged in clear."""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from plan.errors import InvalidInput
from plan.text import has_control

MIN_LENGTH = 12
MAX_LENGTH = 1000
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" against an offline attack that is slowed down
# zxcvbn takes seconds on long input (and refuses over 72 characters by default): it judges the
# first 72 characters, which a passphrase of several words already fills.
JUDGED_LENGTH = 72
_HASHER = PasswordHasher()
_ADVICE = "Choose three or four unrelated words (e.g. 'harbour lights at low tide')."


def _folded(text: str) -> str:
    """Letters and digits only, lower case: 'Sam.Secretariat' and 'sam secretariat' match."""
    return re.sub(r"[\W_]+", "", text.lower())


def _personal_words(email: str, name: str) -> list[str]:
    """The email, its local part and the name (whole and each part of four letters or more)."""
    local = email.split("@", 1)[0]
    words = [email, local, name, *name.split(), *re.split(r"[._+-]", local)]
    return [w for w in words if len(_folded(w)) >= 4]


def check_strength(password: str, *, email: str = "", name: str = "") -> None:
    """Refuse a password that is short, only spaces, contains the account's email or name, or
    is common or trivial (zxcvbn score under 3: 'password1234', 'aaaaaaaaaaaa', 'qwertyuiop12').
    Long passphrases pass (NCSC guidance): there are no complexity rules. Raises InvalidInput
    saying what to do. Give the account's email and name so they are refused too."""
    if not password.strip():
        raise InvalidInput(f"The password cannot be only spaces. {_ADVICE}")
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"The password must be at least {MIN_LENGTH} characters; a few words together work well.")
    if len(password) > MAX_LENGTH:
        raise InvalidInput("The password is too long (over 1,000 characters).")
    if has_control(password):
        raise InvalidInput("The password contains a control or invisible character; type it again using "
                           "letters, digits, spaces and punctuation only.")
    folded = _folded(password)
    personal = _personal_words(email, name)
    if any(_folded(word) in folded for word in personal):
        raise InvalidInput(f"The password contains your email address or name, which others can guess. {_ADVICE}")
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=personal)
    if result["score"] < MIN_SCORE:
        warning = result["feedback"]["warning"]
        why = f" ({warning.rstrip('.')})" if warning else ""
        raise InvalidInput(f"That password is too easy to guess{why}. {_ADVICE} "
                           "Avoid common passwords, repeated characters and keyboard patterns.")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a real password, used to spend the same time")


def verify(stored_hash: str, password: str) -> bool:
    """True when the password matches. With no stored hash, still spends the time of a check
    (against a dummy hash), so an unknown user cannot be told from a wrong password by timing."""
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False
