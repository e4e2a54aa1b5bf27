"""Personal data held by notifications."""

from twinspace.notifications import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

COMPONENT = Component(
    name="notifications",
    label="Notifications",
    tables=(
        TableData(
            "notifications",
            "Notifications the person received; others' notifications about what they did.",
            owner=("user_id",),
            cleared=("actor_id",),
            text=("message", "url"),
            person_json=("params",),
        ),
    ),
)
