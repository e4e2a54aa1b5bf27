"""The TwinSpaces and the event log every live update is replayed from."""

from twinspace import events, files  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData
from twinspace.spaces import models  # noqa: F401

COMPONENT = Component(
    name="spaces",
    label="TwinSpaces and their activity log",
    tables=(
        TableData(
            "spaces",
            "TwinSpaces (projects, not people).",
            not_personal={"title": "a project's title", "description": "a project's description"},
        ),
        TableData(
            "events",
            "The activity log of every room (what happened, and who did it).",
            cleared=("actor_id",),
            person_json=("data",),
            not_personal={"room": "a room's name"},
        ),
        TableData("room_counters", "Event counters.", not_personal={"room": "a room's name"}),
        TableData(
            "stored_files", "Stored files' sizes and types.", not_personal={"mime": "a file type"}
        ),
    ),
)
