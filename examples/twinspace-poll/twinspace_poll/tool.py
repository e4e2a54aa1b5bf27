"""The Poll tool: a question with choices; members vote once; the results show live as a bar
chart; whoever set the poll up closes it. On a public page the public sees the totals only.

Who may do what comes from TwinSpace's one permission matrix, row of the page's room:
setting up, closing and reopening need ``Action.POST`` (teachers, and pupil administrators
who start things on pages); voting needs ``Action.COMMENT`` (every member who may reply,
pupils included); the public never votes. Live events carry counts only, never a name.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from twinspace.plugin import (
    N_,
    Action,
    BaseTool,
    Conflict,
    Invalid,
    ToolCommand,
    WidgetContext,
    payload_id,
)
from twinspace_poll import HERE
from twinspace_poll.models import Poll, Vote

QUESTION_MAX = 300
CHOICE_MAX = 120
CHOICES_MIN, CHOICES_MAX = 2, 10


def clean_question(value: object) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text or len(text) > QUESTION_MAX:
        raise Invalid(N_("Write a question of at most 300 characters."), field="question")
    return text


def clean_choices(value: object) -> list[str]:
    """A JSON list of strings, or form text with one choice per line."""
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise Invalid(N_("Give the choices as a list of texts."), field="choices")
    choices = [" ".join(i.split()) for i in items if i.strip()]
    if not CHOICES_MIN <= len(choices) <= CHOICES_MAX:
        raise Invalid(N_("A poll has from 2 to 10 choices."), field="choices")
    if any(len(c) > CHOICE_MAX for c in choices):
        raise Invalid(N_("Each choice has at most 120 characters."), field="choices")
    if len({c.casefold() for c in choices}) != len(choices):
        raise Invalid(N_("Two choices are the same."), field="choices")
    return choices


async def get_poll(ctx: WidgetContext, *, lock: bool = False) -> Poll:
    poll = await ctx.session.get(Poll, ctx.widget.id, with_for_update=lock)
    if poll is None:
        poll = Poll(widget_id=ctx.widget.id, question="", choices=[])
        ctx.session.add(poll)
        await ctx.session.flush()
    return poll


async def get_counts(ctx: WidgetContext, poll: Poll) -> list[int]:
    rows = await ctx.session.execute(
        select(Vote.choice, func.count())
        .where(Vote.widget_id == poll.widget_id)
        .group_by(Vote.choice)
    )
    by_choice = dict(rows.all())
    return [int(by_choice.get(n, 0)) for n in range(1, len(poll.choices) + 1)]


async def get_my_vote(ctx: WidgetContext) -> int | None:
    if ctx.user is None:
        return None
    return await ctx.session.scalar(
        select(Vote.choice).where(Vote.widget_id == ctx.widget.id, Vote.user_id == ctx.user.id)
    )


async def _results(ctx: WidgetContext, poll: Poll) -> dict[str, Any]:
    """What every reader of the page may know: counts, never who voted."""
    counts = await get_counts(ctx, poll)
    return {"counts": counts, "total": sum(counts), "closed": poll.closed_at is not None}


async def setup(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    question = clean_question(payload.get("question"))
    choices = clean_choices(payload.get("choices"))
    poll = await get_poll(ctx, lock=True)
    if sum(await get_counts(ctx, poll)):
        raise Conflict(N_("People have voted already: the question can no longer change."))
    poll.question, poll.choices, poll.updated_at = question, choices, ctx.now
    await ctx.emit("poll.set", {"question": question, "choices": choices})
    return {"ok": True, "question": question, "choices": choices}


async def vote(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    choice = payload_id(payload, "choice")
    poll = await get_poll(ctx, lock=True)
    if not poll.choices:
        raise Conflict(N_("This poll has no question yet."))
    if poll.closed_at is not None:
        raise Conflict(N_("This poll is closed."))
    assert choice is not None
    if choice > len(poll.choices):
        raise Invalid(N_("Choose one of the answers."), field="choice")
    if await get_my_vote(ctx) is not None:
        raise Conflict(N_("You have already voted."))
    try:
        async with ctx.session.begin_nested():  # two tabs voting at once: one vote counts
            ctx.session.add(Vote(widget_id=poll.widget_id, user_id=ctx.actor().id, choice=choice))
    except IntegrityError:
        raise Conflict(N_("You have already voted.")) from None
    results = await _results(ctx, poll)
    await ctx.emit("poll.voted", results)
    return {"ok": True, "choice": choice, **results}


async def close(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    poll = await get_poll(ctx, lock=True)
    if poll.closed_at is None:
        poll.closed_at = ctx.now
    results = await _results(ctx, poll)
    await ctx.emit("poll.closed", results)
    return {"ok": True, **results}


async def reopen(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    poll = await get_poll(ctx, lock=True)
    poll.closed_at = None
    results = await _results(ctx, poll)
    await ctx.emit("poll.reopened", results)
    return {"ok": True, **results}


async def reset(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Start again: every vote goes (the question stays and may be changed)."""
    poll = await get_poll(ctx, lock=True)
    await ctx.session.execute(delete(Vote).where(Vote.widget_id == poll.widget_id))
    poll.closed_at = None
    results = await _results(ctx, poll)
    await ctx.emit("poll.reset", results)
    return {"ok": True, **results}


class PollTool(BaseTool):
    kind = "poll"
    label = N_("Poll")
    description = N_("A question with choices: members vote once and see the results live.")
    templates = HERE / "templates"
    locales = HERE / "locales"
    commands = {
        "setup": ToolCommand(Action.POST, setup),
        "vote": ToolCommand(Action.COMMENT, vote),
        "close": ToolCommand(Action.POST, close),
        "reopen": ToolCommand(Action.POST, reopen),
        "reset": ToolCommand(Action.POST, reset),
    }

    async def on_added(self, ctx: WidgetContext, payload: dict[str, Any]) -> None:
        """Added with a question and choices already (JSON API): set up at once."""
        if payload.get("question") is not None:
            await setup(ctx, payload)

    async def render(self, ctx: WidgetContext) -> Markup:
        poll = await ctx.session.get(Poll, ctx.widget.id)
        counts = await get_counts(ctx, poll) if poll else []
        total = sum(counts)
        rows = [
            {
                "number": n,
                "text": text,
                "count": counts[n - 1],
                "percent": round(100 * counts[n - 1] / total) if total else 0,
            }
            for n, text in enumerate(poll.choices if poll else [], start=1)
        ]
        mine = await get_my_vote(ctx) if ctx.viewer.is_member else None
        closed = bool(poll and poll.closed_at)
        return ctx.render(
            "poll/widget.html",
            poll=poll,
            rows=rows,
            total=total,
            mine=mine,
            closed=closed,
            may_vote=bool(poll and poll.choices)
            and not closed
            and mine is None
            and ctx.may(Action.COMMENT),
            may_manage=ctx.may(Action.POST),
            may_edit=ctx.may(Action.POST) and total == 0,
        )

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, str]]:
        poll = await ctx.session.get(Poll, ctx.widget.id)
        if poll is None or not poll.question:
            return []
        text = " / ".join([poll.question, *poll.choices])
        return [{"what": ctx.gettext(N_("Poll")), "text": text}]


tool = PollTool()  # registered through our twinspace.tools entry point
__all__ = ["PollTool", "tool"]
