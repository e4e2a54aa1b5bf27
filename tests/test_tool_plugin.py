"""A tool that exists only in the tests plugs into pages through the registry, and the
permission matrix applies to its commands over HTTP and sockets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from markupsafe import Markup, escape

from tests.conftest import RunningServer, start_server, stop_server
from tests.support import LiveClient, api_login
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext
from twinspace.pages.registry import ToolAlreadyRegistered, get_tool, register, unregister
from twinspace.permissions import Action
from twinspace.settings import Settings


async def _say(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    words = str(payload.get("words", ""))[:100]
    ctx.widget.settings = {**ctx.widget.settings, "last": words}
    await ctx.emit("guestbook.said", {"words": words})
    return {"ok": True, "words": words}


async def _wipe(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    ctx.widget.settings = {}
    await ctx.emit("guestbook.wiped", {})
    return {"ok": True}


class GuestbookTool(BaseTool):
    kind = "guestbook"
    label = "Guestbook"
    description = "Leave a word (test tool)."
    commands = {
        "say": ToolCommand(Action.COMMENT, _say),
        "wipe": ToolCommand(Action.MODERATE, _wipe),
    }

    async def render(self, ctx: WidgetContext) -> Markup:
        return Markup("<p class='guestbook'>{}</p>").format(
            escape(ctx.widget.settings.get("last", ""))
        )


@pytest.fixture
def guestbook() -> Iterator[GuestbookTool]:
    tool = register(GuestbookTool())
    yield tool
    unregister(tool.kind)


@pytest.fixture
async def plugin_server(settings: Settings, guestbook) -> RunningServer:
    running = await start_server(settings)
    yield running
    await stop_server(running)


def test_a_kind_registers_once(guestbook) -> None:
    assert get_tool("guestbook") is guestbook
    with pytest.raises(ToolAlreadyRegistered):
        register(GuestbookTool())
    with pytest.raises(TypeError):
        register(object())  # type: ignore[arg-type]


async def test_test_tool_works_on_a_page(plugin_server: RunningServer) -> None:
    url = plugin_server.url
    anne = await api_login(url, "anne")
    tools = (await anne.get("/api/v1/tools")).json()["tools"]
    assert "guestbook" in [t["kind"] for t in tools]
    page = (
        await anne.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "Guests"})
    ).json()
    widget = (
        await anne.post(f"/api/v1/spaces/1/pages/{page['id']}/widgets", json={"kind": "guestbook"})
    ).json()

    lea_http = await api_login(url, "lea")
    lea = await LiveClient().connect(url, lea_http.cookies["ts_session"])
    room = f"space:1:page:{page['id']}"
    assert (await lea.call("join", {"room": room}))["ok"]
    said = await lea.call(
        "tool", {"space_id": 1, "widget_id": widget["id"], "command": "say", "words": "<b>hi</b>"}
    )
    assert said == {"ok": True, "words": "<b>hi</b>"}
    event = await lea.wait_for(lambda e: e["type"] == "guestbook.said")
    assert event["room"] == room and event["data"] == {
        "widget_id": widget["id"],
        "words": "<b>hi</b>",
    }
    shown = await anne.get(f"/spaces/1/pages/{page['id']}")
    assert "&lt;b&gt;hi&lt;/b&gt;" in shown.text and "Guestbook" in shown.text

    refused = await lea.call("tool", {"space_id": 1, "widget_id": widget["id"], "command": "wipe"})
    assert refused["error"] == "forbidden"  # pupils do not moderate
    assert (
        await anne.post(f"/api/v1/spaces/1/widgets/{widget['id']}/wipe", json={})
    ).status_code == 200
    paul = await api_login(url, "paul")
    assert (
        await paul.post(f"/api/v1/spaces/1/widgets/{widget['id']}/say", json={"words": "x"})
    ).status_code == 403
    unknown = await anne.post(f"/api/v1/spaces/1/widgets/{widget['id']}/dance", json={})
    assert unknown.status_code == 404
    await lea.close()
    for client in (anne, lea_http, paul):
        await client.aclose()
