"""Personal data held by accounts: the person, their sessions, failed logins."""

from twinspace.accounts import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

COMPONENT = Component(
    name="accounts",
    label="Account",
    tables=(
        TableData(
            "users",
            "The account: username, name, e-mail, country and school.",
            owner=("id",),
            text=("display_name", "email"),
            secret=("password_hash",),
        ),
        TableData(
            "auth_sessions",
            "Login sessions (the network address they were opened from).",
            owner=("user_id",),
            secret=("id", "csrf_token"),
        ),
        TableData(
            "login_attempts",
            "Failed logins, counted for 15 minutes to slow down password guessing.",
            username_keyed=("key",),
        ),
        TableData(
            "schools",
            "Schools (institutions, not people).",
            not_personal={
                "name": "a school's name",
                "city": "a school's city",
                "address": "a school's postal address",
                "email": "a school's office address",
                "head_email": "the institutional address of the school's head",
            },
        ),
    ),
)
