"""The Web content tool: the worked example of docs/tools.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext
from twinspace.permissions import Action
from twinspace.richtext import RICH_TEXT_MAX, as_markup, sanitize
from twinspace.tools.webcontent.models import WebContent


async def _content(ctx: WidgetContext) -> WebContent:
    content = await ctx.session.get(WebContent, ctx.widget.id)
    if content is None:
        content = WebContent(widget_id=ctx.widget.id, html="")
        ctx.session.add(content)
    return content


async def save(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    html = payload.get("html")
    if not isinstance(html, str) or len(html) > RICH_TEXT_MAX:
        raise Invalid(N_("The text must be at most 100,000 characters."))
    content = await _content(ctx)
    content.html, content.updated_by, content.updated_at = sanitize(html), ctx.actor().id, ctx.now
    await ctx.emit("webcontent.saved", {"html": content.html})
    return {"ok": True, "html": content.html}


class WebContentTool(BaseTool):
    kind = "webcontent"
    label = N_("Web content")
    description = N_("A block of text, links and pictures written by an administrator.")
    templates = Path(__file__).parent / "templates"
    commands = {"save": ToolCommand(Action.MANAGE_PAGES, save)}

    async def render(self, ctx: WidgetContext) -> Markup:
        content = await ctx.session.get(WebContent, ctx.widget.id)
        html = as_markup(content.html) if content else Markup("")
        return ctx.render(
            "webcontent/widget.html",
            html=html,
            source=content.html if content else "",
            may_edit=ctx.may(Action.MANAGE_PAGES),
        )

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, str]]:
        content = await ctx.session.get(WebContent, ctx.widget.id)
        text = re.sub(r"<[^>]+>", " ", content.html) if content else ""
        return [{"what": ctx.gettext(self.label), "text": " ".join(text.split())}]


tool = WebContentTool()  # registered through the twinspace.tools entry point (pyproject.toml)
