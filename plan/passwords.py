"""Password hashing with argon2. Passwords are never stored or logged in clear."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from plan.errors import InvalidInput

MIN_LENGTH = 12
_HASHER = PasswordHasher()


def check_strength(password: str) -> None:
    """Long passphrases beat complexity rules (NCSC guidance): ask for length only."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"The password must be at least {MIN_LENGTH} characters; a few words together work well.")
    if len(password) > 1000:
        raise InvalidInput("The password is too long (over 1,000 characters).")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a real password, used to spend the same time")


def verify(stored_hash: str, password: str) -> bool:
    """True when the password matches. With no stored hash, still spends the time of a check,
    so an unknown user cannot be told from a wrong password by timing."""
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False
