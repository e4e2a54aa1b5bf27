"""Personal data held by the Blog."""

from twinspace.personal_data import Component, TableData
from twinspace.tools.blog import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:blog",
    label="Blog posts and comments",
    tables=(
        TableData(
            "tool_blog_posts",
            "Blog posts the person wrote or hid.",
            attributed=("author_id",),
            cleared=("hidden_by",),
            text=("title", "body"),
        ),
        TableData(
            "tool_blog_comments",
            "Comments the person wrote.",
            attributed=("author_id",),
            text=("text",),
        ),
    ),
)
