"""The chat rooms administration page: create, rename, archive, set who may enter,
supervision, and how long history is kept (teacher administrators)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from twinspace.db import Database
from twinspace.errors import DomainError
from twinspace.permissions import Action, Room
from twinspace.rooms.chat.admin import check_create_room, check_retention_days, do_set_retention
from twinspace.rooms.chat.dispatch import run_chat_command
from twinspace.rooms.chat.models import ChatRoom
from twinspace.rooms.chat.sockets import recheck_room_audience
from twinspace.spaces.context import access_space_room
from twinspace.web.context import check_form_write, get_auth, render, runtime, translate
from twinspace.web.shell import shell_context


def _page_url(space_id: int) -> str:
    return f"/spaces/{space_id}/chat-rooms"


async def rooms_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT, Action.MANAGE_PAGES
        )
        rooms = list(
            await session.scalars(
                select(ChatRoom).where(ChatRoom.space_id == access.space.id).order_by(ChatRoom.id)
            )
        )
    context = {
        **shell_context(access, Room.CHAT),
        "rooms": rooms,
        "error": error,
        "retention_days": access.space.chat_retention_days,
    }
    return await render(request, "space/chat_rooms.html", context, status_code=status)


async def _form_action(request: Request, act) -> Response:
    """Run a form action; on a domain error show the page again with the message."""
    _, user, form = await check_form_write(request)
    try:
        await act(runtime(request).db, user, form)
    except DomainError as err:
        return await rooms_page(request, translate(request, err.message), err.status)
    return RedirectResponse(_page_url(request.path_params["space_id"]), status_code=303)


async def create_room(request: Request) -> Response:
    space_id = request.path_params["space_id"]

    async def act(db: Database, user, form) -> None:
        async with db.unit_of_work() as uow:
            access = await access_space_room(
                uow.session, user, space_id, Room.CHAT, Action.MANAGE_PAGES
            )
            await check_create_room(
                uow,
                access.space,
                user,
                {
                    "name": form.get("name"),
                    "title": form.get("title") or form.get("name"),
                    "audience": form.get("audience", "all"),
                    "supervision": form.get("supervision", "one_teacher"),
                },
            )

    return await _form_action(request, act)


async def room_settings(request: Request) -> Response:
    space_id, name = request.path_params["space_id"], request.path_params["name"]

    async def act(db: Database, user, form) -> None:
        payload: dict[str, object] = {}
        for key in ("title", "audience", "supervision"):
            if form.get(key):
                payload[key] = form.get(key)
        if form.get("archived") in ("true", "false"):
            payload["archived"] = form.get("archived") == "true"
        await run_chat_command(
            db, runtime(request).settings, user, space_id, name, "settings", payload
        )
        await recheck_room_audience(runtime(request), space_id, name)

    return await _form_action(request, act)


async def retention(request: Request) -> Response:
    space_id = request.path_params["space_id"]

    async def act(db: Database, user, form) -> None:
        raw = str(form.get("retention_days", "")).strip()
        days = check_retention_days(int(raw) if raw.isdecimal() else None if raw == "" else raw)
        async with db.unit_of_work() as uow:
            access = await access_space_room(
                uow.session, user, space_id, Room.CHAT, Action.MANAGE_PAGES
            )
            await do_set_retention(uow, access.space, user.id, days)

    return await _form_action(request, act)


routes = [
    Route("/spaces/{space_id:int}/chat-rooms", rooms_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/chat-rooms", create_room, methods=["POST"]),
    Route("/spaces/{space_id:int}/chat-retention", retention, methods=["POST"]),
    Route("/spaces/{space_id:int}/chat-rooms/{name}", room_settings, methods=["POST"]),
]
