"""The Forum tool: topics with replies one level deep, locking, pinning, unread markers.

Who may do what follows the page's row of the permission matrix. Changing or deleting
something is allowed to its author (who must still hold the action that wrote it) or to
whoever may moderate; one Action per command cannot say "author, or moderator", so those
commands are declared READ (the core checks that first) and check the rest here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy import and_, delete, func, select

from twinspace.accounts.models import User
from twinspace.errors import Forbidden, Invalid, Locked, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext, payload_id
from twinspace.permissions import Action, Role
from twinspace.tools.forum.models import ForumRead, ForumReply, ForumTopic

TITLE_MAX = 200
TEXT_MAX = 10_000
PAGE_SIZE = 20

Person = tuple[User, Role | None]


# --- Input -----------------------------------------------------------------------------------


_number = payload_id


def _title(payload: dict[str, Any]) -> str:
    title = payload.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise Invalid(N_("A title is 1 to 200 characters."), field="title")
    return title.strip()


def _text(payload: dict[str, Any]) -> str:
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > TEXT_MAX:
        raise Invalid(N_("A message is 1 to 10,000 characters."), field="text")
    return text.strip()


# --- People ----------------------------------------------------------------------------------


async def _people(ctx: WidgetContext, ids: set[int]) -> dict[int, Person]:
    return await ctx.people(ids)


def _public_name(ctx: WidgetContext, person: Person) -> str:
    return ctx.public_name(*person)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Access ----------------------------------------------------------------------------------


def _member_id(ctx: WidgetContext) -> int | None:
    return ctx.user.id if ctx.user is not None and ctx.viewer.is_member else None


def _mine(ctx: WidgetContext, author_id: int) -> bool:
    return _member_id(ctx) == author_id


def _moderates(ctx: WidgetContext) -> bool:
    return ctx.may(Action.MODERATE)


def _may_change(ctx: WidgetContext, author_id: int, action: Action) -> bool:
    return _moderates(ctx) or (_mine(ctx, author_id) and ctx.may(action))


def _check_change(ctx: WidgetContext, author_id: int, action: Action) -> None:
    if _may_change(ctx, author_id, action):
        return
    if _mine(ctx, author_id):
        raise Forbidden(N_("You may not do this here."))
    raise Forbidden(N_("You can change only what you wrote."))


def _check_open(ctx: WidgetContext, topic: ForumTopic) -> None:
    """A locked topic can be read, not written in, except by those who moderate."""
    if topic.locked and not _moderates(ctx):
        raise Locked(N_("This topic is locked: you can read it but not write in it."))


def _sees_text(ctx: WidgetContext, reply: ForumReply) -> bool:
    return not reply.hidden or _moderates(ctx) or _mine(ctx, reply.author_id)


async def _topic(ctx: WidgetContext, payload: dict[str, Any]) -> ForumTopic:
    topic = await ctx.session.get(ForumTopic, _number(payload, "topic_id"))
    if topic is None or topic.widget_id != ctx.widget.id:
        raise NotFound(N_("No such topic."))
    return topic


async def _reply(
    ctx: WidgetContext, payload: dict[str, Any], key: str = "reply_id"
) -> tuple[ForumTopic, ForumReply]:
    reply = await ctx.session.get(ForumReply, _number(payload, key))
    topic = await ctx.session.get(ForumTopic, reply.topic_id) if reply else None
    if (
        reply is None
        or topic is None
        or reply.widget_id != ctx.widget.id
        or topic.widget_id != ctx.widget.id
    ):
        raise NotFound(N_("No such reply."))
    return topic, reply


# --- JSON shapes -----------------------------------------------------------------------------


def _topic_json(topic: ForumTopic, name: str) -> dict[str, Any]:
    return {
        "id": topic.id,
        "title": topic.title,
        "text": topic.text,
        "author": {"id": topic.author_id, "name": name},
        "locked": topic.locked,
        "pinned": topic.pinned,
        "created_at": _iso(topic.created_at),
        "updated_at": _iso(topic.updated_at),
        "last_activity_at": _iso(topic.last_activity_at),
    }


def _reply_json(reply: ForumReply, name: str | None, *, shows_text: bool) -> dict[str, Any]:
    """A reply; a hidden one keeps its place in the thread but not its words or author."""
    return {
        "id": reply.id,
        "topic_id": reply.topic_id,
        "parent_reply_id": reply.parent_reply_id,
        "hidden": reply.hidden,
        "text": reply.text if shows_text else None,
        "author": {"id": reply.author_id, "name": name} if shows_text else None,
        "created_at": _iso(reply.created_at),
        "updated_at": _iso(reply.updated_at),
    }


async def _public_reply(ctx: WidgetContext, reply: ForumReply) -> dict[str, Any]:
    if reply.hidden:
        return _reply_json(reply, None, shows_text=False)
    person = (await _people(ctx, {reply.author_id}))[reply.author_id]
    return _reply_json(reply, _public_name(ctx, person), shows_text=True)


# --- Queries ---------------------------------------------------------------------------------


def _topic_order():  # noqa: ANN202 - SQL ordering clauses
    return (ForumTopic.pinned.desc(), ForumTopic.last_activity_at.desc(), ForumTopic.id.desc())


async def _topics_page(ctx: WidgetContext, page: int) -> tuple[list[ForumTopic], bool]:
    rows = list(
        await ctx.session.scalars(
            select(ForumTopic)
            .where(ForumTopic.widget_id == ctx.widget.id)
            .order_by(*_topic_order())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


async def _topics_read(
    ctx: WidgetContext, page: int
) -> tuple[list[ForumTopic], bool, dict[int, int]]:
    """``_topics_page`` with ``_reads`` of its topics, in one statement."""
    me = _member_id(ctx)
    if me is None:
        topics, more = await _topics_page(ctx, page)
        return topics, more, {}
    rows = list(
        await ctx.session.execute(
            select(ForumTopic, ForumRead.last_read_reply_id)
            .outerjoin(
                ForumRead, and_(ForumRead.topic_id == ForumTopic.id, ForumRead.user_id == me)
            )
            .where(ForumTopic.widget_id == ctx.widget.id)
            .order_by(*_topic_order())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    topics = [topic for topic, _ in rows[:PAGE_SIZE]]
    reads = {topic.id: last for topic, last in rows[:PAGE_SIZE] if last is not None}
    return topics, len(rows) > PAGE_SIZE, reads


def _unread_of(
    ctx: WidgetContext, replies: dict[int, list[ForumReply]], reads: dict[int, int]
) -> dict[int, int]:
    """``_unread_counts`` from every reply of the topics, already read."""
    me = _member_id(ctx)
    if me is None:
        return {}
    counts = {
        topic_id: sum(
            1 for r in own if not r.hidden and r.author_id != me and r.id > reads.get(topic_id, 0)
        )
        for topic_id, own in replies.items()
    }
    return {topic_id: n for topic_id, n in counts.items() if n}


async def _reply_counts(ctx: WidgetContext, topic_ids: list[int]) -> dict[int, int]:
    if not topic_ids:
        return {}
    rows = await ctx.session.execute(
        select(ForumReply.topic_id, func.count())
        .where(ForumReply.topic_id.in_(topic_ids))
        .group_by(ForumReply.topic_id)
    )
    return {topic_id: count for topic_id, count in rows}


async def _reads(ctx: WidgetContext, topic_ids: list[int]) -> dict[int, int]:
    """How far the viewer (a member) has read each topic: {topic id: last read reply id}."""
    me = _member_id(ctx)
    if me is None or not topic_ids:
        return {}
    rows = await ctx.session.execute(
        select(ForumRead.topic_id, ForumRead.last_read_reply_id).where(
            ForumRead.user_id == me, ForumRead.topic_id.in_(topic_ids)
        )
    )
    return {topic_id: last for topic_id, last in rows}


async def _unread_counts(ctx: WidgetContext, topic_ids: list[int]) -> dict[int, int]:
    """Replies by others, not hidden, that the viewer has not marked read, per topic."""
    me = _member_id(ctx)
    if me is None or not topic_ids:
        return {}
    rows = await ctx.session.execute(
        select(ForumReply.topic_id, func.count())
        .outerjoin(
            ForumRead,
            and_(ForumRead.topic_id == ForumReply.topic_id, ForumRead.user_id == me),
        )
        .where(
            ForumReply.topic_id.in_(topic_ids),
            ForumReply.hidden.is_(False),
            ForumReply.author_id != me,
            ForumReply.id > func.coalesce(ForumRead.last_read_reply_id, 0),
        )
        .group_by(ForumReply.topic_id)
    )
    return {topic_id: count for topic_id, count in rows}


def _is_new(ctx: WidgetContext, topic: ForumTopic, reads: dict[int, int]) -> bool:
    """Someone else's topic this member has never opened."""
    me = _member_id(ctx)
    return me is not None and topic.author_id != me and topic.id not in reads


async def _topic_summaries(ctx: WidgetContext, topics: list[ForumTopic]) -> list[dict[str, Any]]:
    ids = [t.id for t in topics]
    people = await _people(ctx, {t.author_id for t in topics})
    counts, reads, unread = (
        await _reply_counts(ctx, ids),
        await _reads(ctx, ids),
        await _unread_counts(ctx, ids),
    )
    summaries = []
    for topic in topics:
        data = _topic_json(topic, ctx.display_name(*people[topic.author_id]))
        data["reply_count"] = counts.get(topic.id, 0)
        if _member_id(ctx) is not None:
            data["new"] = _is_new(ctx, topic, reads)
            data["unread"] = unread.get(topic.id, 0)
        data["may_change"] = _may_change(ctx, topic.author_id, Action.POST)
        summaries.append(data)
    return summaries


# --- Commands --------------------------------------------------------------------------------


async def topic_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    title, text = _title(payload), _text(payload)
    topic = ForumTopic(
        widget_id=ctx.widget.id,
        author_id=ctx.actor().id,
        title=title,
        text=text,
        locked=False,
        pinned=False,
        created_at=ctx.now,
        last_activity_at=ctx.now,
    )
    ctx.session.add(topic)
    await ctx.session.flush()
    person = (await _people(ctx, {topic.author_id}))[topic.author_id]
    await ctx.emit(
        "forum.topic_created",
        {"topic": {**_topic_json(topic, _public_name(ctx, person)), "reply_count": 0}},
    )
    return {"ok": True, "topic": _topic_json(topic, ctx.display_name(*person))}


async def topic_edit(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    topic = await _topic(ctx, payload)
    _check_change(ctx, topic.author_id, Action.POST)
    _check_open(ctx, topic)
    if "title" not in payload and "text" not in payload:
        raise Invalid(N_("Nothing to change."))
    if "title" in payload:
        topic.title = _title(payload)
    if "text" in payload:
        topic.text = _text(payload)
    topic.updated_at = ctx.now
    await ctx.session.flush()
    await ctx.emit(
        "forum.topic_updated",
        {
            "topic_id": topic.id,
            "title": topic.title,
            "text": topic.text,
            "updated_at": _iso(topic.updated_at),
        },
    )
    person = (await _people(ctx, {topic.author_id}))[topic.author_id]
    return {"ok": True, "topic": _topic_json(topic, ctx.display_name(*person))}


async def topic_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    topic = await _topic(ctx, payload)
    _check_change(ctx, topic.author_id, Action.POST)
    topic_id = topic.id
    await ctx.session.execute(delete(ForumRead).where(ForumRead.topic_id == topic_id))
    await ctx.session.execute(
        delete(ForumReply).where(
            ForumReply.topic_id == topic_id, ForumReply.parent_reply_id.is_not(None)
        )
    )
    await ctx.session.execute(delete(ForumReply).where(ForumReply.topic_id == topic_id))
    await ctx.session.delete(topic)
    await ctx.session.flush()
    await ctx.emit("forum.topic_deleted", {"topic_id": topic_id})
    return {"ok": True, "topic_id": topic_id}


def _flag(attribute: str, value: bool, event: str):  # noqa: ANN202 - a command
    async def run(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
        topic = await _topic(ctx, payload)
        if getattr(topic, attribute) != value:
            setattr(topic, attribute, value)
            await ctx.session.flush()
            await ctx.emit(event, {"topic_id": topic.id, attribute: value})
        return {"ok": True, "topic_id": topic.id, attribute: value}

    return run


async def reply_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    topic = await _topic(ctx, payload)
    _check_open(ctx, topic)
    parent_id = _number(payload, "parent_reply_id", required=False)
    if parent_id is not None:
        parent_topic, parent = await _reply(ctx, payload, "parent_reply_id")
        if parent_topic.id != topic.id:
            raise NotFound(N_("No such reply."))
        if parent.parent_reply_id is not None:
            raise Invalid(
                N_("Replies go only one level deep: answer the message above it instead."),
                field="parent_reply_id",
            )
        if parent.hidden:
            raise Forbidden(N_("This message is hidden: it cannot get answers."))
    text = _text(payload)
    reply = ForumReply(
        widget_id=ctx.widget.id,
        topic_id=topic.id,
        parent_reply_id=parent_id,
        author_id=ctx.actor().id,
        text=text,
        hidden=False,
        created_at=ctx.now,
    )
    ctx.session.add(reply)
    topic.last_activity_at = ctx.now
    await ctx.session.flush()
    await ctx.emit(
        "forum.reply_created",
        {
            "topic_id": topic.id,
            "last_activity_at": _iso(topic.last_activity_at),
            "reply": await _public_reply(ctx, reply),
        },
    )
    person = (await _people(ctx, {reply.author_id}))[reply.author_id]
    return {"ok": True, "reply": _reply_json(reply, ctx.display_name(*person), shows_text=True)}


async def reply_edit(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    topic, reply = await _reply(ctx, payload)
    _check_change(ctx, reply.author_id, Action.COMMENT)
    _check_open(ctx, topic)
    reply.text, reply.updated_at = _text(payload), ctx.now
    await ctx.session.flush()
    await ctx.emit(
        "forum.reply_updated", {"topic_id": topic.id, "reply": await _public_reply(ctx, reply)}
    )
    person = (await _people(ctx, {reply.author_id}))[reply.author_id]
    return {"ok": True, "reply": _reply_json(reply, ctx.display_name(*person), shows_text=True)}


async def reply_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    topic, reply = await _reply(ctx, payload)
    _check_change(ctx, reply.author_id, Action.COMMENT)
    answers = list(
        await ctx.session.scalars(
            select(ForumReply.id).where(ForumReply.parent_reply_id == reply.id)
        )
    )
    await ctx.session.execute(delete(ForumReply).where(ForumReply.parent_reply_id == reply.id))
    reply_id = reply.id
    await ctx.session.delete(reply)
    await ctx.session.flush()
    await ctx.emit(
        "forum.reply_deleted",
        {"topic_id": topic.id, "reply_id": reply_id, "deleted_ids": [reply_id, *answers]},
    )
    return {
        "ok": True,
        "topic_id": topic.id,
        "reply_id": reply_id,
        "deleted_ids": [reply_id, *answers],
    }


def _hide(value: bool):  # noqa: ANN202 - a command
    async def run(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
        topic, reply = await _reply(ctx, payload)
        if reply.hidden != value:
            reply.hidden, reply.hidden_by = value, ctx.actor().id if value else None
            await ctx.session.flush()
            await ctx.emit(
                "forum.reply_updated",
                {"topic_id": topic.id, "reply": await _public_reply(ctx, reply)},
            )
        return {"ok": True, "topic_id": topic.id, "reply_id": reply.id, "hidden": value}

    return run


async def topic_read(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Mark a topic read up to its newest reply, for a member (no event: it is personal)."""
    topic = await _topic(ctx, payload)
    me = _member_id(ctx)
    if me is None:
        return {"ok": True, "topic_id": topic.id, "stored": False}
    newest = await ctx.session.scalar(
        select(func.max(ForumReply.id)).where(ForumReply.topic_id == topic.id)
    )
    read = await ctx.session.get(ForumRead, (topic.id, me))
    if read is None:
        read = ForumRead(
            topic_id=topic.id, user_id=me, widget_id=ctx.widget.id, last_read_reply_id=0
        )
        ctx.session.add(read)
    read.last_read_reply_id = max(read.last_read_reply_id or 0, newest or 0)
    read.read_at = ctx.now
    await ctx.session.flush()
    return {
        "ok": True,
        "topic_id": topic.id,
        "stored": True,
        "last_read_reply_id": read.last_read_reply_id,
    }


def _page(payload: dict[str, Any]) -> int:
    return _number(payload, "page", required=False) or 1


async def topics_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Topics, pinned first then newest activity, 20 a page (``page`` from 1)."""
    page = _page(payload)
    topics, more = await _topics_page(ctx, page)
    return {
        "ok": True,
        "topics": await _topic_summaries(ctx, topics),
        "page": page,
        "more": more,
    }


async def topic_show(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """A topic and its replies in order, 20 a page (``page`` from 1)."""
    topic = await _topic(ctx, payload)
    page = _page(payload)
    replies = list(
        await ctx.session.scalars(
            select(ForumReply)
            .where(ForumReply.topic_id == topic.id)
            .order_by(ForumReply.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    more, replies = len(replies) > PAGE_SIZE, replies[:PAGE_SIZE]
    reads = await _reads(ctx, [topic.id])
    people = await _people(ctx, {topic.author_id} | {r.author_id for r in replies})
    last_read = reads.get(topic.id, 0)
    shown = []
    for reply in replies:
        visible = _sees_text(ctx, reply)
        data = _reply_json(
            reply,
            ctx.display_name(*people[reply.author_id]) if visible else None,
            shows_text=visible,
        )
        data["may_change"] = _may_change(ctx, reply.author_id, Action.COMMENT)
        if _member_id(ctx) is not None:
            data["new"] = (
                not reply.hidden and reply.id > last_read and not _mine(ctx, reply.author_id)
            )
        shown.append(data)
    summary = (await _topic_summaries(ctx, [topic]))[0]
    return {"ok": True, "topic": summary, "replies": shown, "page": page, "more": more}


# --- Rendering -------------------------------------------------------------------------------


def _thread(replies: list[ForumReply]) -> list[tuple[ForumReply, list[ForumReply]]]:
    """Top replies in order, each with the answers to it."""
    answers: dict[int, list[ForumReply]] = {}
    for reply in replies:
        if reply.parent_reply_id is not None:
            answers.setdefault(reply.parent_reply_id, []).append(reply)
    return [(r, answers.get(r.id, [])) for r in replies if r.parent_reply_id is None]


class ForumTool(BaseTool):
    kind = "forum"
    label = N_("Forum")
    description = N_("Discussion topics with replies; teachers can pin and lock topics.")
    templates = Path(__file__).parent / "templates"
    commands = {
        "topic.create": ToolCommand(Action.POST, topic_create),
        # author (who may still POST) or moderator: checked in the command
        "topic.edit": ToolCommand(Action.READ, topic_edit),
        "topic.delete": ToolCommand(Action.READ, topic_delete),
        "topic.lock": ToolCommand(Action.MODERATE, _flag("locked", True, "forum.topic_locked")),
        "topic.unlock": ToolCommand(Action.MODERATE, _flag("locked", False, "forum.topic_locked")),
        "topic.pin": ToolCommand(Action.MODERATE, _flag("pinned", True, "forum.topic_pinned")),
        "topic.unpin": ToolCommand(Action.MODERATE, _flag("pinned", False, "forum.topic_pinned")),
        "reply.create": ToolCommand(Action.COMMENT, reply_create),
        # author (who may still COMMENT) or moderator: checked in the command
        "reply.edit": ToolCommand(Action.READ, reply_edit),
        "reply.delete": ToolCommand(Action.READ, reply_delete),
        "reply.hide": ToolCommand(Action.MODERATE, _hide(True)),
        "reply.restore": ToolCommand(Action.MODERATE, _hide(False)),
        "topic.read": ToolCommand(Action.READ, topic_read),
        "topics.list": ToolCommand(Action.READ, topics_list),
        "topic.show": ToolCommand(Action.READ, topic_show),
    }

    async def render(self, ctx: WidgetContext) -> Markup:
        topics, more, reads = await _topics_read(ctx, 1)
        ids = [t.id for t in topics]
        replies: dict[int, list[ForumReply]] = {i: [] for i in ids}
        if ids:
            for reply in await ctx.session.scalars(
                select(ForumReply).where(ForumReply.topic_id.in_(ids)).order_by(ForumReply.id)
            ):
                replies[reply.topic_id].append(reply)
        people = await _people(
            ctx,
            {t.author_id for t in topics} | {r.author_id for rs in replies.values() for r in rs},
        )
        unread = _unread_of(ctx, replies, reads)
        member = _member_id(ctx) is not None
        moderates = _moderates(ctx)

        def reply_view(reply: ForumReply, last_read: int) -> dict[str, Any]:
            visible = _sees_text(ctx, reply)
            return {
                "reply": reply,
                "visible": visible,
                "author": ctx.display_name(*people[reply.author_id]) if visible else "",
                "new": (
                    member
                    and not reply.hidden
                    and reply.id > last_read
                    and not _mine(ctx, reply.author_id)
                ),
                "may_change": _may_change(ctx, reply.author_id, Action.COMMENT),
            }

        items = []
        for topic in topics:
            last_read = reads.get(topic.id, 0)
            items.append(
                {
                    "topic": topic,
                    "author": ctx.display_name(*people[topic.author_id]),
                    "reply_count": len(replies[topic.id]),
                    "new": _is_new(ctx, topic, reads),
                    "unread": unread.get(topic.id, 0),
                    "may_change": _may_change(ctx, topic.author_id, Action.POST),
                    "may_reply": ctx.may(Action.COMMENT) and (not topic.locked or moderates),
                    "thread": [
                        (reply_view(top, last_read), [reply_view(a, last_read) for a in answers])
                        for top, answers in _thread(replies[topic.id])
                    ],
                }
            )
        return ctx.render(
            "forum/widget.html",
            items=items,
            more=more,
            member=member,
            may_post=ctx.may(Action.POST),
            may_moderate=moderates,
            title_max=TITLE_MAX,
            text_max=TEXT_MAX,
        )

    async def visible_events(
        self, ctx: WidgetContext, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Replays never bring back the text of a topic or reply hidden or deleted since."""

        def topic_id(data: dict[str, Any]) -> Any:
            return data.get("topic_id") or (data.get("topic") or {}).get("id")

        topic_ids = {topic_id(e["data"]) for e in events} - {None}
        reply_ids = {(e["data"].get("reply") or {}).get("id") for e in events} - {None}
        topics = set(
            await ctx.session.scalars(select(ForumTopic.id).where(ForumTopic.id.in_(topic_ids)))
        )
        replies = {
            r.id: r
            for r in await ctx.session.scalars(
                select(ForumReply).where(ForumReply.id.in_(reply_ids))
            )
        }
        shown = []
        for event in events:
            data = event["data"]
            if "topic" in data or "reply" in data:
                if topic_id(data) not in topics:
                    continue
                if "reply" in data:
                    reply = replies.get(data["reply"].get("id"))
                    if reply is None or not _sees_text(ctx, reply):
                        continue
            shown.append(event)
        return shown

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, Any]]:
        topics = list(
            await ctx.session.scalars(
                select(ForumTopic)
                .where(ForumTopic.widget_id == ctx.widget.id)
                .order_by(ForumTopic.id)
            )
        )
        replies: dict[int, list[tuple[str, int]]] = {t.id: [] for t in topics}
        for topic_id, text, author_id in await ctx.session.execute(
            select(ForumReply.topic_id, ForumReply.text, ForumReply.author_id)
            .where(ForumReply.widget_id == ctx.widget.id, ForumReply.hidden.is_(False))
            .order_by(ForumReply.id)
        ):
            replies[topic_id].append((text, author_id))
        items: list[dict[str, Any]] = []
        for topic in topics:
            items.append(
                {
                    "what": ctx.gettext(N_("Forum topic")),
                    "text": f"{topic.title} — {topic.text}",
                    "authors": [topic.author_id],
                }
            )
            items.extend(
                {"what": ctx.gettext(N_("Forum reply")), "text": text, "authors": [author]}
                for text, author in replies[topic.id]
            )
        return items


tool = ForumTool()  # registered through the twinspace.tools entry point (pyproject.toml)
