"""Personal data held by the chat and its moderation."""

from twinspace.personal_data import Component, TableData
from twinspace.rooms.chat import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="chat",
    label="Chat and moderation",
    tables=(
        TableData(
            "chat_messages",
            "Chat messages the person wrote (kept, as a former member).",
            attributed=("author_id",),
            text=("text",),
        ),
        TableData(
            "chat_message_edits",
            "Earlier versions of edited messages.",
            text=("previous_text",),
        ),
        TableData(
            "chat_mutes",
            "Mutes of the person, and mutes they set.",
            owner=("user_id",),
            cleared=("created_by",),
        ),
        TableData("chat_presence", "Who is in a chat room now.", owner=("user_id",)),
        TableData(
            "chat_room_members", "Private chat rooms the person belongs to.", owner=("user_id",)
        ),
        TableData(
            "chat_reports",
            "Messages the person reported, and reports they resolved.",
            attributed=("reporter_id",),
            cleared=("resolved_by",),
            text=("reason",),
        ),
        TableData(
            "chat_rooms",
            "Chat rooms.",
            not_personal={"title": "a room's title"},
        ),
        TableData(
            "moderation_log",
            "Moderation actions by and on the person (the action stays, not the person).",
            cleared=("actor_id", "target_user_id"),
            blank={"target_user_id": ("prior_content",)},
            text=("reason", "prior_content", "detail"),
        ),
    ),
)
