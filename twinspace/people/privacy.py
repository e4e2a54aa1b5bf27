"""Personal data held by the TwinSpace's people services."""

from twinspace.people import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

COMPONENT = Component(
    name="people",
    label="TwinSpace membership, profile, wall, mailbox and calendar",
    tables=(
        TableData(
            "memberships",
            "The TwinSpaces the person belongs to, and their role.",
            owner=("user_id",),
        ),
        TableData(
            "invitations",
            "Invitations received and sent.",
            owner=("user_id",),
            cleared=("invited_by",),
        ),
        TableData(
            "member_profiles",
            "The profile: photo, interests, hobbies, favourite food.",
            owner=("user_id",),
            files=("photo_key",),
            text=("interests", "hobbies", "favourite_food"),
        ),
        TableData(
            "wall_posts",
            "Short messages on the person's wall, and those they wrote.",
            owner=("profile_user_id",),
            attributed=("author_id",),
            text=("text",),
        ),
        TableData(
            "mail_messages",
            "Internal messages the person sent (kept for their recipients).",
            attributed=("sender_id",),
            text=("subject", "body"),
        ),
        TableData("mail_recipients", "The person's mailbox.", owner=("user_id",)),
        TableData(
            "calendar_events",
            "Calendar entries the person added.",
            attributed=("created_by",),
            text=("title", "note"),
        ),
    ),
)
