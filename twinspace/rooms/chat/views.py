"""Chat pages (readable and usable without JavaScript) and the chat JSON API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.errors import Invalid, NotFound
from twinspace.events import Event
from twinspace.i18n import N_
from twinspace.permissions import Action, Room
from twinspace.rooms.chat.actions import (
    check_send_message,
    get_chat_room,
    get_chat_rooms,
    get_recent_lines,
)
from twinspace.rooms.names import chat_room_name
from twinspace.rooms.views import shell_context
from twinspace.spaces.context import access_space_room
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    render,
    runtime,
)

HISTORY_PAGE = 50


async def _send(request: Request, user: User, text: object) -> Event:
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:
        access = await access_space_room(
            uow.session, user, request.path_params["space_id"], Room.CHAT, Action.POST
        )
        room = await get_chat_room(uow.session, access.space.id, request.path_params["name"])
        if room is None or room.archived:
            raise NotFound(N_("No such room."))
        return await check_send_message(
            uow, room, user, access.viewer.role, text, rt.settings.chat_text_max
        )


async def chat_index(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        rooms = await get_chat_rooms(session, access.space.id)
    if rooms:
        return RedirectResponse(f"/spaces/{access.space.id}/chat/{rooms[0].name}", status_code=303)
    return await render(
        request, "space/chat.html", {**shell_context(access, Room.CHAT), "rooms": [], "room": None}
    )


async def chat_page(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        room = await get_chat_room(session, access.space.id, request.path_params["name"])
        if room is None:
            raise NotFound(N_("No such room."))
        rooms = await get_chat_rooms(session, access.space.id)
        lines = await get_recent_lines(session, room, limit=HISTORY_PAGE)
    context = {
        **shell_context(access, Room.CHAT),
        "rooms": rooms,
        "room": room,
        "room_name": chat_room_name(access.space.id, room.name),
        "lines": lines,
        "last_id": lines[-1].id if lines else 0,
        "may_post": access.may(Room.CHAT, Action.POST),
        "max_length": runtime(request).settings.chat_text_max,
    }
    return await render(request, "space/chat.html", context)


async def chat_post_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    await _send(request, user, form.get("text"))
    space_id, name = request.path_params["space_id"], request.path_params["name"]
    return RedirectResponse(f"/spaces/{space_id}/chat/{name}#composer", status_code=303)


async def api_rooms(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        rooms = await get_chat_rooms(session, access.space.id)
    return JSONResponse(
        {
            "rooms": [
                {"name": r.name, "room": chat_room_name(access.space.id, r.name)} for r in rooms
            ]
        }
    )


async def api_messages(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    before_raw = request.query_params.get("before")
    limit_raw = request.query_params.get("limit", str(HISTORY_PAGE))
    if (before_raw is not None and not before_raw.isdigit()) or not limit_raw.isdigit():
        raise Invalid(N_("'before' and 'limit' must be whole numbers."))
    limit = max(1, min(int(limit_raw), 200))
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        room = await get_chat_room(session, access.space.id, request.path_params["name"])
        if room is None:
            raise NotFound(N_("No such room."))
        lines = await get_recent_lines(
            session, room, before=int(before_raw) if before_raw else None, limit=limit
        )
    return JSONResponse(
        {
            "messages": [
                {
                    "id": line.id,
                    "text": line.text,
                    "author": {"name": line.author_name, "username": line.author_username},
                    "at": line.at.isoformat(),
                }
                for line in lines
            ],
            "more": len(lines) == limit,
        }
    )


async def api_send(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    event = await _send(request, user, body.get("text"))
    return JSONResponse({"ok": True, "id": event.seq}, status_code=201)


routes = [
    Route("/spaces/{space_id:int}/chat", chat_index, methods=["GET"]),
    Route("/spaces/{space_id:int}/chat/{name}", chat_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/chat/{name}", chat_post_form, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/chat", api_rooms, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/chat/{name}/messages", api_messages, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/chat/{name}/messages", api_send, methods=["POST"]),
]
