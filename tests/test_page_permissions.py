"""Pages and tools follow the matrix, cell by cell, over HTTP and sockets: a probe tool
(registered only in the tests) has one command per action."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from markupsafe import Markup

from tests.conftest import ROLE_USERS, RunningServer, start_server, stop_server
from tests.support import LiveClient, api_login
from tests.test_permissions import ROLE_OF_USER, expected
from twinspace.accounts.models import User
from twinspace.pages.base import BaseTool, ToolCommand, WidgetContext
from twinspace.pages.registry import register, unregister
from twinspace.pages.widgets import check_add_widget
from twinspace.permissions import Action, Room
from twinspace.rooms.pages.actions import check_add_page
from twinspace.settings import Settings
from twinspace.spaces.models import Space


async def _ok(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True}


class ProbeTool(BaseTool):
    kind = "probe"
    label = "Probe"
    commands = {action.value: ToolCommand(action, _ok) for action in Action}

    async def render(self, ctx: WidgetContext) -> Markup:
        return Markup("<p>probe</p>")


PAGE_ROOMS = [Room.ACTIVITIES, Room.TEACHERS, Room.PUPILS]


@pytest.fixture
async def probe_server(settings: Settings) -> AsyncIterator[tuple[RunningServer, dict]]:
    tool = register(ProbeTool())
    # many events from one member in a short time: lift the flood limit for this walk
    running = await start_server(dataclasses.replace(settings, socket_event_burst=10_000))
    targets = {}
    try:
        async with running.runtime.db.unit_of_work() as uow:
            anne = 1
            for room in PAGE_ROOMS:
                for public in (False, True):
                    page = await check_add_page(uow, 1, room, anne, f"{room} {public}")
                    page.is_public = public and room is Room.ACTIVITIES
                    space = await uow.session.get(Space, 1)
                    user = await uow.session.get(User, anne)
                    widget = await check_add_widget(
                        uow, user, space, page, "probe", {}, running.runtime.settings
                    )
                    targets[(room, public)] = (page.id, widget.id)
        yield running, targets
    finally:
        await stop_server(running)
        unregister(tool.kind)


def _want(role, room: Room, action: Action, published: bool) -> str:
    if expected(role, room, action, published=published, visitors_chat=False):
        return "ok"
    if expected(role, room, Action.READ, published=published, visitors_chat=False):
        return "forbidden"
    return "not_found"


HTTP_CODES = {"ok": 200, "forbidden": 403, "not_found": 404}


@pytest.mark.parametrize("who", list(ROLE_USERS))
async def test_tool_actions_on_pages_cell_by_cell(probe_server, who: str) -> None:
    running, targets = probe_server
    role = ROLE_OF_USER[who]
    username = ROLE_USERS[who]
    http = (
        await api_login(running.url, username)
        if username
        else httpx.AsyncClient(base_url=running.url)
    )
    token = http.cookies.get("ts_session") if username else None
    live = await LiveClient().connect(running.url, token)
    wrong = []
    try:
        for (room, public), (page_id, widget_id) in targets.items():
            published = public and room is Room.ACTIVITIES
            join = await live.call("join", {"room": f"space:1:page:{page_id}"})
            want_read = _want(role, room, Action.READ, published)
            got_join = "ok" if join["ok"] else join["error"]
            if got_join != want_read:
                wrong.append(("join", str(room), public, got_join, want_read))
            page = await http.get(f"/spaces/1/pages/{page_id}")
            if page.status_code != HTTP_CODES[want_read]:
                wrong.append(("page", str(room), public, page.status_code, want_read))
            for action in Action:
                want = _want(role, room, action, published)
                # over HTTP every command is an unsafe POST: anonymous callers must log in first
                want_http = HTTP_CODES[want]  # anonymous callers too: the policy decides
                response = await http.post(
                    f"/api/v1/spaces/1/widgets/{widget_id}/{action}", json={}
                )
                if response.status_code != want_http:
                    wrong.append(
                        ("http", str(room), public, str(action), response.status_code, want_http)
                    )
                ack = await live.call(
                    "tool", {"space_id": 1, "widget_id": widget_id, "command": str(action)}
                )
                got = "ok" if ack["ok"] else ack["error"]
                if got != want:
                    wrong.append(("socket", str(room), public, str(action), got, want))
    finally:
        await live.close()
        await http.aclose()
    assert wrong == []


@pytest.mark.parametrize("who", list(ROLE_USERS))
@pytest.mark.parametrize("room", PAGE_ROOMS, ids=str)
async def test_adding_pages_cell_by_cell(server: RunningServer, who: str, room: Room) -> None:
    role = ROLE_OF_USER[who]
    username = ROLE_USERS[who]
    if username is None:
        async with httpx.AsyncClient(base_url=server.url) as anonymous:
            response = await anonymous.post(
                f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "x"}
            )
        assert response.status_code == 401
        return
    client = await api_login(server.url, username)
    response = await client.post(f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "A page"})
    await client.aclose()
    want = _want(role, room, Action.MANAGE_PAGES, False)
    assert response.status_code == (201 if want == "ok" else HTTP_CODES[want]), response.text
