"""The few rows the label reads outside the event log, declared here as plain tables so the
label imports no other feature's internals (see docs/label.md):

* ``invitations`` — whether a teacher was invited into the *project* (scope "project") or
  only into the TwinSpace; the ``member.joined`` event does not say which;
* ``tool_wiki_revisions`` / ``tool_wiki_updates`` — who wrote in a wiki page: live wiki
  writing is relayed over sockets, not recorded as events."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

_metadata = MetaData()  # read-only views of other features' tables: never created from here

invitations = Table(
    "invitations",
    _metadata,
    Column("id", Integer),
    Column("space_id", Integer),
    Column("user_id", Integer),
    Column("scope", String),
    Column("role", String),
    Column("status", String),
)
wiki_revisions = Table(
    "tool_wiki_revisions",
    _metadata,
    Column("page_id", Integer),
    Column("authors", JSON),
)
wiki_updates = Table(
    "tool_wiki_updates",
    _metadata,
    Column("page_id", Integer),
    Column("author_id", Integer),
)


async def was_invited_into_project(session: AsyncSession, space_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(invitations.c.id).where(
            invitations.c.space_id == space_id,
            invitations.c.user_id == user_id,
            invitations.c.scope == "project",
            invitations.c.status == "accepted",
        )
    )
    return found is not None


async def wiki_authors(session: AsyncSession, page_ids: set[int]) -> dict[int, set[int]]:
    """Everyone who wrote in each wiki page: the revisions' authors and the stored updates'."""
    found: dict[int, set[int]] = {page_id: set() for page_id in page_ids}
    if not page_ids:
        return found
    for page_id, authors in await session.execute(
        select(wiki_revisions.c.page_id, wiki_revisions.c.authors).where(
            wiki_revisions.c.page_id.in_(page_ids)
        )
    ):
        found[page_id].update(a for a in authors or [] if isinstance(a, int))
    for page_id, author_id in await session.execute(
        select(wiki_updates.c.page_id, wiki_updates.c.author_id)
        .where(wiki_updates.c.page_id.in_(page_ids), wiki_updates.c.author_id.is_not(None))
        .distinct()
    ):
        found[page_id].add(author_id)
    return found
