"""The evidence of a TwinSpace's life, computed from its event log: per school and per month,
what pupils and teachers contributed; replies across schools; wiki pages written by pupils of
several schools; pages published; photos shown with consent; chat activity.

Everything is read from the ``events`` table (rooms ``space:<id>:…``), the users and schools
tables, and, for wiki authorship only, the rows named in sources.py."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import School, User
from twinspace.events import Event
from twinspace.label.sources import wiki_authors

CONTRIBUTIONS = frozenset(
    {
        "blog.post_created",
        "blog.comment_created",
        "forum.topic_created",
        "forum.reply_created",
        "wiki.page_created",
        "gallery.photos_added",
        "library.file_added",
        "chat.message",
        "page.added",
    }
)
READ_TYPES = CONTRIBUTIONS | {
    "blog.post_deleted",
    "forum.topic_deleted",
    "wiki.page_renamed",
    "wiki.page_deleted",
    "wiki.revision_saved",
    "page.updated",
    "page.deleted",
    "page.restored",
    "page.visibility",
    "gallery.consent_changed",
}
_PAGE_ROOM = re.compile(r"^space:\d+:page:(\d+)$")
NO_SCHOOL = 0  # the school key of people without a school (visitors, some test accounts)


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def months_between(first: datetime, last: datetime, limit: int = 36) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month) and len(months) < limit:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-limit:]


@dataclass
class Evidence:
    months: list[str]
    schools: dict[int, str]  # school id (NO_SCHOOL for none) → name
    # month → school → "pupils" | "teachers" → count
    contributions: dict[str, dict[int, Counter]] = field(default_factory=dict)
    cross_school_replies: dict[str, Counter] = field(default_factory=dict)  # month → kind → n
    wiki_pages: list[dict[str, Any]] = field(default_factory=list)  # written by several schools
    pages_published: dict[str, int] = field(default_factory=dict)  # month → pages made public
    public_pages_now: int = 0
    photos_with_consent: dict[str, int] = field(default_factory=dict)  # month consent given
    photos_with_consent_now: int = 0
    chat: dict[str, dict[int, int]] = field(default_factory=dict)  # month → school → messages

    def totals(self) -> dict[str, int]:
        return {
            "pupil_contributions": sum(
                c["pupils"] for by in self.contributions.values() for c in by.values()
            ),
            "teacher_contributions": sum(
                c["teachers"] for by in self.contributions.values() for c in by.values()
            ),
            "cross_school_replies": sum(
                sum(c.values()) for c in self.cross_school_replies.values()
            ),
            "multi_school_wiki_pages": len(self.wiki_pages),
            "pages_published": sum(self.pages_published.values()),
            "public_pages_now": self.public_pages_now,
            "photos_with_consent": self.photos_with_consent_now,
            "chat_messages": sum(sum(by.values()) for by in self.chat.values()),
        }

    def json(self) -> dict[str, Any]:
        def by_school(table: dict[str, Any], pick) -> list[dict[str, Any]]:  # noqa: ANN001
            return [
                {"month": m, "schools": {str(s): pick(table.get(m, {}), s) for s in self.schools}}
                for m in self.months
            ]

        return {
            "months": self.months,
            "schools": [{"id": k, "name": v} for k, v in self.schools.items()],
            "totals": self.totals(),
            "contributions": by_school(
                self.contributions,
                lambda row, s: {
                    "pupils": row.get(s, Counter())["pupils"],
                    "teachers": row.get(s, Counter())["teachers"],
                },
            ),
            "cross_school_replies": [
                {
                    "month": m,
                    "forum": self.cross_school_replies.get(m, Counter())["forum"],
                    "blog": self.cross_school_replies.get(m, Counter())["blog"],
                }
                for m in self.months
            ],
            "multi_school_wiki_pages": self.wiki_pages,
            "pages_published": [
                {"month": m, "pages": self.pages_published.get(m, 0)} for m in self.months
            ],
            "photos_with_consent": [
                {"month": m, "photos": self.photos_with_consent.get(m, 0)} for m in self.months
            ],
            "chat": by_school(self.chat, lambda row, s: row.get(s, 0)),
        }


DETAIL_TYPES = READ_TYPES - {"chat.message", "page.added", "library.file_added"}


def _in_space(space_id: int):  # noqa: ANN202 - a SQL condition
    return Event.room.startswith(f"space:{space_id}:", autoescape=True)


def _month_sql(session: AsyncSession):  # noqa: ANN202 - a SQL expression
    """The event's UTC month as "YYYY-MM", computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Event.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", Event.created_at)


async def _counts(session: AsyncSession, space_id: int) -> list[tuple[str, int, str, int]]:
    """(type, actor, month, how many) of the contributions: counted by the database, so a
    TwinSpace with tens of thousands of chat messages costs one grouped query."""
    month = _month_sql(session)
    rows = await session.execute(
        select(Event.type, Event.actor_id, month, func.count())
        .where(_in_space(space_id), Event.type.in_(CONTRIBUTIONS), Event.actor_id.is_not(None))
        .group_by(Event.type, Event.actor_id, month)
    )
    return [(t, a, m, n) for t, a, m, n in rows]


async def _details(session: AsyncSession, space_id: int) -> list[Any]:
    """The events whose data matters (who replied to whom, what was published…), in order."""
    rows = await session.execute(
        select(Event.room, Event.type, Event.data, Event.actor_id, Event.created_at)
        .where(_in_space(space_id), Event.type.in_(DETAIL_TYPES))
        .order_by(Event.id)
    )
    return list(rows)


async def _people(session: AsyncSession, ids: set[int]) -> dict[int, tuple[str, int]]:
    """user id → (kind, school id or NO_SCHOOL)."""
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.kind, User.school_id).where(User.id.in_(ids)))
    return {uid: (kind, school or NO_SCHOOL) for uid, kind, school in rows}


def _who(kind: str) -> str | None:
    return {"pupil": "pupils", "teacher": "teachers"}.get(kind)


async def get_evidence(
    session: AsyncSession, space_id: int, opened_at: datetime, now: datetime
) -> Evidence:
    counts = await _counts(session, space_id)
    events = await _details(session, space_id)
    wiki_titles: dict[int, str] = {}
    for e in events:
        if e.type in ("wiki.page_created", "wiki.page_renamed"):
            wiki_titles[e.data["page"]["id"]] = e.data["page"]["title"]
        elif e.type == "wiki.revision_saved":
            wiki_titles.setdefault(e.data["page_id"], "")
        elif e.type == "wiki.page_deleted":
            wiki_titles.pop(e.data["page_id"], None)
    authors = await wiki_authors(session, set(wiki_titles))
    ids = {e.actor_id for e in events if e.actor_id} | {a for s in authors.values() for a in s}
    ids |= {actor for _, actor, _, _ in counts}
    people = await _people(session, ids)
    school_ids = {school for _, school in people.values() if school != NO_SCHOOL}
    names = dict(
        (
            await session.execute(select(School.id, School.name).where(School.id.in_(school_ids)))
        ).all()
    )
    first = min([opened_at, *(e.created_at for e in events[:1])])
    earliest = min((m for _, _, m, _ in counts), default=None)
    if earliest is not None:
        first = min(first, datetime(int(earliest[:4]), int(earliest[5:7]), 1, tzinfo=UTC))
    evidence = Evidence(months_between(first, now), {})
    schools_seen: set[int] = set()
    posts: dict[int, int] = {}  # blog post id → author
    topics: dict[int, int] = {}  # forum topic id → author
    public: dict[int, bool] = {}  # page id → public now
    published_in: dict[str, set[int]] = defaultdict(set)
    consent: dict[int, tuple[bool, str]] = {}  # photo id → (consent, month given)

    def school(user_id: int | None) -> int | None:
        return people[user_id][1] if user_id in people else None

    for type_, actor, month, n in counts:
        if actor not in people:
            continue
        kind, where = people[actor]
        schools_seen.add(where)
        who = _who(kind)
        if who:
            by = evidence.contributions.setdefault(month, {})
            by.setdefault(where, Counter())[who] += n
        if type_ == "chat.message":
            row = evidence.chat.setdefault(month, {})
            row[where] = row.get(where, 0) + n
    for e in events:
        month, actor = month_of(e.created_at), e.actor_id
        if e.type == "blog.post_created" and actor:
            posts[e.data["post"]["id"]] = actor
        elif e.type == "forum.topic_created" and actor:
            topics[e.data["topic"]["id"]] = actor
        elif e.type in ("blog.comment_created", "forum.reply_created"):
            kind_, owner = (
                ("blog", posts.get(e.data["post_id"]))
                if e.type == "blog.comment_created"
                else ("forum", topics.get(e.data["topic_id"]))
            )
            mine, theirs = school(actor), school(owner)
            if mine and theirs and mine != theirs:  # both known, and not the same school
                evidence.cross_school_replies.setdefault(month, Counter())[kind_] += 1
        elif e.type == "page.visibility":
            page_id, now_public = e.data["id"], bool(e.data["is_public"])
            if now_public and not public.get(page_id):
                published_in[month].add(page_id)
            public[page_id] = now_public
        elif e.type == "page.deleted" and _PAGE_ROOM.match(e.room) is None:
            public[e.data["id"]] = False
        elif e.type == "gallery.photos_added":
            for photo in e.data.get("photos") or []:
                consent[photo["id"]] = (True, month)
        elif e.type == "gallery.consent_changed":
            consent[e.data["photo_id"]] = (bool(e.data["consent"]), month)
    evidence.pages_published = {m: len(ids_) for m, ids_ in published_in.items()}
    evidence.public_pages_now = sum(1 for v in public.values() if v)
    for given, month in consent.values():
        if given:
            evidence.photos_with_consent[month] = evidence.photos_with_consent.get(month, 0) + 1
    evidence.photos_with_consent_now = sum(1 for given, _ in consent.values() if given)
    for page_id, who in sorted(authors.items()):
        pupil_schools = {
            people[a][1]
            for a in who
            if a in people and people[a][0] == "pupil" and people[a][1] != NO_SCHOOL
        }
        if len(pupil_schools) > 1:
            evidence.wiki_pages.append(
                {
                    "id": page_id,
                    "title": wiki_titles.get(page_id, ""),
                    "schools": len(pupil_schools),
                }
            )
    evidence.schools = {
        s: names.get(s, "") for s in sorted(schools_seen, key=lambda s: (s == NO_SCHOOL, s))
    }
    return evidence
