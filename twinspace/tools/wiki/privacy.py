"""Personal data held by the Wiki."""

from twinspace.personal_data import Component, TableData
from twinspace.tools.wiki import models  # noqa: F401  (the tables declared here)

COMPONENT = Component(
    name="tool:wiki",
    label="Wiki pages, edits and revisions",
    tables=(
        TableData(
            "tool_wiki_pages",
            "Wiki pages the person created or froze.",
            attributed=("created_by",),
            cleared=("frozen_by",),
            text=("title",),
            person_json=("pending_authors",),
            not_personal={"snapshot": "the shared document's state"},
        ),
        TableData(
            "tool_wiki_revisions",
            "Revisions the person saved or took part in.",
            attributed=("created_by",),
            text=("name", "text"),
            person_json=("authors",),
            not_personal={"state": "the shared document's state"},
        ),
        TableData(
            "tool_wiki_updates",
            "The person's edits (kept as part of the shared page).",
            attributed=("author_id",),
            not_personal={"data": "edits of the shared document"},
        ),
    ),
)
