"""The poll's personal data (docs/privacy.md): who voted for what; the question is the
teacher's text on a shared page."""

from twinspace.plugin import Component, TableData
from twinspace_poll import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:poll",
    label="Polls",
    tables=(
        TableData(
            "poll_questions",
            "Poll questions and their choices (the page's content).",
            not_personal={"question": "a poll's question", "choices": "a poll's choices"},
        ),
        TableData("poll_votes", "The person's votes.", owner=("user_id",)),
    ),
)
