"""The Blog tool: posts with a title and rich text, plain-text comments, moderation.

Who may do what follows the page's row of the permission matrix. Changing or deleting
something is allowed to its author (who must still hold the action that wrote it) or to
whoever may moderate; one Action per command cannot say "author, or moderator", so those
commands are declared READ (the core checks that first) and check the rest here.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, and_, delete, or_, select, true
from sqlalchemy.orm import aliased

from twinspace.accounts.models import User
from twinspace.errors import Forbidden, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext, payload_id
from twinspace.permissions import Action, Role
from twinspace.richtext import RICH_TEXT_MAX, as_markup, sanitize
from twinspace.tools.blog.models import BlogComment, BlogPost

TITLE_MAX = 200
BODY_MAX = RICH_TEXT_MAX  # 100,000
COMMENT_MAX = 5_000
PAGE_SIZE = 10
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!]")

Person = tuple[User, Role | None]


# --- Input -----------------------------------------------------------------------------------


_number = payload_id


def _title(payload: dict[str, Any]) -> str:
    title = payload.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise Invalid(N_("A title is 1 to 200 characters."), field="title")
    return title.strip()


def _paragraphs(text: str) -> str:
    """Plain text typed in a text box: blank lines make paragraphs, line breaks stay."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        f"<p>{Markup('<br>').join(escape(line) for line in block.strip().split(chr(10)))}</p>"
        for block in blocks
        if block.strip()
    )


def plain_text(html: str) -> str:
    """The words of stored HTML, tags stripped (for reports and checks)."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _body(payload: dict[str, Any]) -> str:
    body = payload.get("body")
    if not isinstance(body, str) or len(body) > BODY_MAX:
        raise Invalid(N_("The text must be at most 100,000 characters."), field="body")
    clean = sanitize(body if _LOOKS_LIKE_HTML.search(body) else _paragraphs(body))
    if not plain_text(clean) and "<img" not in clean:
        raise Invalid(N_("Write something in your post."), field="body")
    return clean


def _comment_text(payload: dict[str, Any]) -> str:
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > COMMENT_MAX:
        raise Invalid(N_("A comment is 1 to 5,000 characters."), field="text")
    return text.strip()


# --- People ----------------------------------------------------------------------------------


async def _people(ctx: WidgetContext, ids: set[int]) -> dict[int, Person]:
    return await ctx.people(ids)


def _public_name(ctx: WidgetContext, person: Person) -> str:
    return ctx.public_name(*person)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Access ----------------------------------------------------------------------------------


def _mine(ctx: WidgetContext, author_id: int) -> bool:
    return ctx.user is not None and ctx.viewer.is_member and ctx.user.id == author_id


def _may_change(ctx: WidgetContext, author_id: int, action: Action) -> bool:
    return ctx.may(Action.MODERATE) or (_mine(ctx, author_id) and ctx.may(action))


def _check_change(ctx: WidgetContext, author_id: int, action: Action) -> None:
    if _may_change(ctx, author_id, action):
        return
    if _mine(ctx, author_id):
        raise Forbidden(N_("You may not do this here."))
    raise Forbidden(N_("You can change only what you wrote."))


def _sees(ctx: WidgetContext, post: BlogPost) -> bool:
    return not post.hidden or ctx.may(Action.MODERATE) or _mine(ctx, post.author_id)


def _visible(ctx: WidgetContext) -> ColumnElement[bool]:
    if ctx.may(Action.MODERATE):
        return true()
    if ctx.user is None or not ctx.viewer.is_member:
        return BlogPost.hidden.is_(False)
    return or_(BlogPost.hidden.is_(False), BlogPost.author_id == ctx.user.id)


async def _post(ctx: WidgetContext, payload: dict[str, Any]) -> BlogPost:
    post = await ctx.session.get(BlogPost, _number(payload, "post_id"))
    if post is None or post.widget_id != ctx.widget.id or not _sees(ctx, post):
        raise NotFound(N_("No such post."))
    return post


async def _comment(ctx: WidgetContext, payload: dict[str, Any]) -> tuple[BlogPost, BlogComment]:
    comment = await ctx.session.get(BlogComment, _number(payload, "comment_id"))
    post = await ctx.session.get(BlogPost, comment.post_id) if comment else None
    if (
        comment is None
        or post is None
        or comment.widget_id != ctx.widget.id
        or post.widget_id != ctx.widget.id
        or not _sees(ctx, post)
    ):
        raise NotFound(N_("No such comment."))
    return post, comment


# --- JSON shapes -----------------------------------------------------------------------------


def _comment_json(comment: BlogComment, name: str) -> dict[str, Any]:
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "text": comment.text,
        "author": {"id": comment.author_id, "name": name},
        "created_at": _iso(comment.created_at),
        "updated_at": _iso(comment.updated_at),
    }


def _post_json(
    ctx: WidgetContext,
    post: BlogPost,
    people: dict[int, Person],
    comments: list[BlogComment],
    *,
    public: bool,
) -> dict[str, Any]:
    """A post as JSON; ``public`` names people as the public sees them (for events)."""

    def name(user_id: int) -> str:
        person = people[user_id]
        return _public_name(ctx, person) if public else ctx.display_name(*person)

    data: dict[str, Any] = {
        "id": post.id,
        "title": post.title,
        "html": post.body,
        "author": {"id": post.author_id, "name": name(post.author_id)},
        "created_at": _iso(post.created_at),
        "updated_at": _iso(post.updated_at),
        "hidden": post.hidden,
        "comments": [_comment_json(c, name(c.author_id)) for c in comments],
    }
    if not public:
        data["may_change"] = _may_change(ctx, post.author_id, Action.POST)
    return data


async def _comments_of(ctx: WidgetContext, post_ids: list[int]) -> dict[int, list[BlogComment]]:
    found: dict[int, list[BlogComment]] = {pid: [] for pid in post_ids}
    if post_ids:
        rows = await ctx.session.scalars(
            select(BlogComment).where(BlogComment.post_id.in_(post_ids)).order_by(BlogComment.id)
        )
        for comment in rows:
            found[comment.post_id].append(comment)
    return found


async def _load(
    ctx: WidgetContext, before: int | None
) -> tuple[list[BlogPost], dict[int, list[BlogComment]], dict[int, Person], bool]:
    """One page of posts this viewer may see, newest first, with their comments (one
    statement: the page of posts, then each post's comments joined)."""
    query = select(BlogPost).where(BlogPost.widget_id == ctx.widget.id, _visible(ctx))
    if before is not None:
        query = query.where(BlogPost.id < before)
    page = query.order_by(BlogPost.id.desc()).limit(PAGE_SIZE + 1).subquery()
    post = aliased(BlogPost, page)
    rows = await ctx.session.execute(
        select(post, BlogComment)
        .outerjoin(BlogComment, BlogComment.post_id == post.id)
        .order_by(post.id.desc(), BlogComment.id)
    )
    posts: list[BlogPost] = []
    comments: dict[int, list[BlogComment]] = {}
    for found, comment in rows:
        if found.id not in comments:
            posts.append(found)
            comments[found.id] = []
        if comment is not None:
            comments[found.id].append(comment)
    more = len(posts) > PAGE_SIZE
    posts = posts[:PAGE_SIZE]
    comments = {p.id: comments[p.id] for p in posts}
    ids = {p.author_id for p in posts} | {c.author_id for cs in comments.values() for c in cs}
    return posts, comments, await _people(ctx, ids), more


async def _single(ctx: WidgetContext, post: BlogPost, *, public: bool) -> dict[str, Any]:
    comments = (await _comments_of(ctx, [post.id]))[post.id]
    people = await _people(ctx, {post.author_id} | {c.author_id for c in comments})
    return _post_json(ctx, post, people, comments, public=public)


# --- Commands --------------------------------------------------------------------------------


async def post_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    title, body = _title(payload), _body(payload)
    post = BlogPost(
        widget_id=ctx.widget.id,
        author_id=ctx.actor().id,
        title=title,
        body=body,
        hidden=False,
        created_at=ctx.now,
    )
    ctx.session.add(post)
    await ctx.session.flush()
    await ctx.emit("blog.post_created", {"post": await _single(ctx, post, public=True)})
    return {"ok": True, "post": await _single(ctx, post, public=False)}


async def post_edit(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post = await _post(ctx, payload)
    _check_change(ctx, post.author_id, Action.POST)
    if "title" not in payload and "body" not in payload:
        raise Invalid(N_("Nothing to change."))
    if "title" in payload:
        post.title = _title(payload)
    if "body" in payload:
        post.body = _body(payload)
    post.updated_at = ctx.now
    await ctx.session.flush()
    if post.hidden:  # the room may include the public: say only that it changed
        await ctx.emit("blog.post_updated", {"post_id": post.id, "hidden": True})
    else:
        await ctx.emit(
            "blog.post_updated", {"post_id": post.id, "post": await _single(ctx, post, public=True)}
        )
    return {"ok": True, "post": await _single(ctx, post, public=False)}


async def post_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post = await _post(ctx, payload)
    _check_change(ctx, post.author_id, Action.POST)
    post_id = post.id
    await ctx.session.execute(delete(BlogComment).where(BlogComment.post_id == post_id))
    await ctx.session.delete(post)
    await ctx.session.flush()
    await ctx.emit("blog.post_deleted", {"post_id": post_id})
    return {"ok": True, "post_id": post_id}


async def post_hide(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post = await _post(ctx, payload)
    if not post.hidden:
        post.hidden, post.hidden_by = True, ctx.actor().id
        await ctx.session.flush()
        await ctx.emit("blog.post_hidden", {"post_id": post.id})
    return {"ok": True, "post_id": post.id, "hidden": True}


async def post_restore(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post = await _post(ctx, payload)
    if post.hidden:
        post.hidden, post.hidden_by = False, None
        await ctx.session.flush()
        await ctx.emit(
            "blog.post_restored",
            {"post_id": post.id, "post": await _single(ctx, post, public=True)},
        )
    return {"ok": True, "post_id": post.id, "hidden": False}


async def comment_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post = await _post(ctx, payload)
    if post.hidden:
        raise Forbidden(N_("This post is hidden: it cannot get new comments."))
    text = _comment_text(payload)
    comment = BlogComment(
        widget_id=ctx.widget.id,
        post_id=post.id,
        author_id=ctx.actor().id,
        text=text,
        created_at=ctx.now,
    )
    ctx.session.add(comment)
    await ctx.session.flush()
    person = (await _people(ctx, {comment.author_id}))[comment.author_id]
    await ctx.emit(
        "blog.comment_created",
        {"post_id": post.id, "comment": _comment_json(comment, _public_name(ctx, person))},
    )
    return {"ok": True, "comment": _comment_json(comment, ctx.display_name(*person))}


async def comment_edit(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post, comment = await _comment(ctx, payload)
    _check_change(ctx, comment.author_id, Action.COMMENT)
    comment.text, comment.updated_at = _comment_text(payload), ctx.now
    await ctx.session.flush()
    person = (await _people(ctx, {comment.author_id}))[comment.author_id]
    data: dict[str, Any] = {"post_id": post.id, "comment_id": comment.id}
    if not post.hidden:
        data["comment"] = _comment_json(comment, _public_name(ctx, person))
    await ctx.emit("blog.comment_updated", data)
    return {"ok": True, "comment": _comment_json(comment, ctx.display_name(*person))}


async def comment_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    post, comment = await _comment(ctx, payload)
    _check_change(ctx, comment.author_id, Action.COMMENT)
    comment_id = comment.id
    await ctx.session.delete(comment)
    await ctx.session.flush()
    await ctx.emit("blog.comment_deleted", {"post_id": post.id, "comment_id": comment_id})
    return {"ok": True, "post_id": post.id, "comment_id": comment_id}


async def posts_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The next posts, older than ``before`` (a post id), 10 at a time."""
    posts, comments, people, more = await _load(ctx, _number(payload, "before", required=False))
    return {
        "ok": True,
        "posts": [_post_json(ctx, p, people, comments[p.id], public=False) for p in posts],
        "more": more,
    }


# --- The tool --------------------------------------------------------------------------------


class BlogTool(BaseTool):
    kind = "blog"
    label = N_("Blog")
    description = N_("Posts with a title and text, and comments under each post.")
    templates = Path(__file__).parent / "templates"
    commands = {
        "post.create": ToolCommand(Action.POST, post_create),
        # author (who may still POST) or moderator: checked in the command
        "post.edit": ToolCommand(Action.READ, post_edit),
        "post.delete": ToolCommand(Action.READ, post_delete),
        "post.hide": ToolCommand(Action.MODERATE, post_hide),
        "post.restore": ToolCommand(Action.MODERATE, post_restore),
        "comment.create": ToolCommand(Action.COMMENT, comment_create),
        # author (who may still COMMENT) or moderator: checked in the command
        "comment.edit": ToolCommand(Action.READ, comment_edit),
        "comment.delete": ToolCommand(Action.READ, comment_delete),
        "posts.list": ToolCommand(Action.READ, posts_list),
    }

    async def render(self, ctx: WidgetContext) -> Markup:
        posts, comments, people, more = await _load(ctx, None)
        items = [
            {
                "post": post,
                "author": ctx.display_name(*people[post.author_id]),
                "html": as_markup(post.body),
                "may_change": _may_change(ctx, post.author_id, Action.POST),
                "comments": [
                    {
                        "comment": c,
                        "author": ctx.display_name(*people[c.author_id]),
                        "may_change": _may_change(ctx, c.author_id, Action.COMMENT),
                    }
                    for c in comments[post.id]
                ],
            }
            for post in posts
        ]
        return ctx.render(
            "blog/widget.html",
            items=items,
            more=more,
            before=posts[-1].id if posts else None,
            may_post=ctx.may(Action.POST),
            may_comment=ctx.may(Action.COMMENT),
            may_moderate=ctx.may(Action.MODERATE),
            title_max=TITLE_MAX,
            comment_max=COMMENT_MAX,
        )

    async def visible_events(
        self, ctx: WidgetContext, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Replays never bring back the text of a post or comment hidden or deleted since."""

        def post_id(data: dict[str, Any]) -> Any:
            return data.get("post_id") or (data.get("post") or {}).get("id")

        post_ids = {post_id(e["data"]) for e in events} - {None}
        comment_ids = {(e["data"].get("comment") or {}).get("id") for e in events} - {None}
        posts: dict[int, BlogPost] = {}
        comments: set[int] = set()  # those still there (under a post still there)
        if post_ids:
            for post, comment_id in await ctx.session.execute(
                select(BlogPost, BlogComment.id)
                .outerjoin(
                    BlogComment,
                    and_(BlogComment.post_id == BlogPost.id, BlogComment.id.in_(comment_ids)),
                )
                .where(BlogPost.id.in_(post_ids))
            ):
                posts[post.id] = post
                if comment_id is not None:
                    comments.add(comment_id)
        shown = []
        for event in events:
            data = event["data"]
            if "post" in data or "comment" in data:
                post = posts.get(post_id(data))
                if post is None or not _sees(ctx, post):
                    continue
                if "comment" in data and data["comment"].get("id") not in comments:
                    continue
            shown.append(event)
        return shown

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, Any]]:
        posts = list(
            await ctx.session.scalars(
                select(BlogPost)
                .where(BlogPost.widget_id == ctx.widget.id, BlogPost.hidden.is_(False))
                .order_by(BlogPost.id)
            )
        )
        comments = await _comments_of(ctx, [p.id for p in posts])
        items: list[dict[str, Any]] = []
        for post in posts:
            items.append(
                {
                    "what": ctx.gettext(N_("Blog post")),
                    "text": f"{post.title} — {plain_text(post.body)}",
                    "authors": [post.author_id],
                }
            )
            items.extend(
                {
                    "what": ctx.gettext(N_("Comment on a blog post")),
                    "text": c.text,
                    "authors": [c.author_id],
                }
                for c in comments[post.id]
            )
        return items


tool = BlogTool()  # registered through the twinspace.tools entry point (pyproject.toml)
