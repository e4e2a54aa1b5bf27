"""Personal data held by the Forum."""

from twinspace.personal_data import Component, TableData
from twinspace.tools.forum import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:forum",
    label="Forum topics and replies",
    tables=(
        TableData(
            "tool_forum_topics",
            "Topics the person started.",
            attributed=("author_id",),
            text=("title", "text"),
        ),
        TableData(
            "tool_forum_replies",
            "Replies the person wrote or hid.",
            attributed=("author_id",),
            cleared=("hidden_by",),
            text=("text",),
        ),
        TableData("tool_forum_reads", "What the person has read.", owner=("user_id",)),
    ),
)
