"""What a chosen password must be (registration, reset): one rule, one message."""

from __future__ import annotations

from twinspace.i18n import N_

PASSWORD_MIN = 10
PASSWORD_MAX = 256
COMMON_PASSWORDS = frozenset(
    {"password12", "password123", "1234567890", "azertyuiop", "qwertyuiop", "motdepasse1"}
)


def password_problem(password: object, username: str | None = None) -> str | None:
    """None when the password is acceptable, else an N_-marked message."""
    if not isinstance(password, str) or not password:
        return N_("This field is required.")
    if len(password) < PASSWORD_MIN:
        return N_("Use at least 10 characters.")
    if len(password) > PASSWORD_MAX:
        return N_("This is too long.")
    if (
        password.lower() in COMMON_PASSWORDS
        or len(set(password)) < 4
        or (username and username in password.lower())
    ):
        return N_("This password is too easy to guess. Choose another one.")
    return None
