"""Personal data held by video meetings (never any audio or video: nothing is recorded)."""

from twinspace.personal_data import Component, TableData
from twinspace.rooms.meeting import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="meeting",
    label="Video meetings",
    tables=(
        TableData(
            "meetings",
            "Meetings the person started (the meeting stays, not the person).",
            cleared=("started_by",),
        ),
        TableData(
            "meeting_participants",
            "Who is in a meeting now: microphone, camera, screen, raised hand.",
            owner=("user_id",),
        ),
        TableData(
            "meeting_guests",
            "Invitations into a meeting and removals from one, and who made them.",
            owner=("user_id",),
            cleared=("by_user_id",),
        ),
    ),
)
