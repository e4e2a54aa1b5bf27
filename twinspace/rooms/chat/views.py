"""Chat pages (readable and usable without JavaScript) and the chat JSON API."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.errors import DomainError, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import Action, Room, access_chat_room
from twinspace.rooms import schemas as S
from twinspace.rooms.chat.actions import (
    get_chat_room,
    get_chat_rooms,
    get_recent_lines,
)
from twinspace.rooms.chat.context import get_chat_room_facts
from twinspace.rooms.chat.dispatch import run_chat_command
from twinspace.rooms.chat.models import ChatRoom
from twinspace.rooms.chat.sockets import recheck_room_audience
from twinspace.schema import INT_MAX, declare
from twinspace.spaces.context import SpaceAccess, access_space_room
from twinspace.spaces.names import chat_room_name
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    render,
    runtime,
)
from twinspace.web.shell import shell_context

HISTORY_PAGE = 50


async def _run(request: Request, user: User | None, command: str, payload: dict) -> dict:
    rt = runtime(request)
    space_id, name = request.path_params["space_id"], request.path_params["name"]
    result = await run_chat_command(rt.db, rt.settings, user, space_id, name, command, payload)
    if command == "settings":
        await recheck_room_audience(rt, space_id, name)
    return result


async def _enterable_rooms(
    session: AsyncSession, access: SpaceAccess, user: User | None
) -> list[ChatRoom]:
    rooms = []
    for room in await get_chat_rooms(session, access.space.id):
        try:
            access_chat_room(
                access.viewer,
                access.facts,
                await get_chat_room_facts(session, room, user),
                Action.READ,
            )
        except DomainError:
            continue
        rooms.append(room)
    return rooms


async def chat_index(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        rooms = await _enterable_rooms(session, access, auth.user)
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
        chat_facts = await get_chat_room_facts(session, room, auth.user)
        access_chat_room(access.viewer, access.facts, chat_facts, Action.READ)
        rooms = await _enterable_rooms(session, access, auth.user)
        lines = await get_recent_lines(session, room, limit=HISTORY_PAGE)
    context = {
        **shell_context(access, Room.CHAT),
        "rooms": rooms,
        "room": room,
        "room_name": chat_room_name(access.space.id, room.name),
        "lines": lines,
        "last_id": lines[-1].id if lines else 0,
        "may_post": access.may(Room.CHAT, Action.POST) and not room.archived,
        "may_moderate": access.may(Room.CHAT, Action.MODERATE),
        "max_length": runtime(request).settings.chat_text_max,
    }
    return await render(request, "space/chat.html", context)


async def chat_post_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    await _run(request, user, "send", {"text": form.get("text")})
    space_id, name = request.path_params["space_id"], request.path_params["name"]
    return RedirectResponse(f"/spaces/{space_id}/chat/{name}#composer", status_code=303)


FORM_NUMBERS = ("message_id", "report_id", "user_id", "minutes", "seconds")


async def chat_command_form(request: Request) -> Response:
    """The same commands from plain HTML forms (the moderation page works without JavaScript)."""
    _, user, form = await check_form_write(request)
    payload: dict[str, object] = {}
    for key, value in form.items():
        if key in FORM_NUMBERS:
            if not isinstance(value, str) or not value.isdecimal():
                raise Invalid(N_("A number is expected."), field=key)
            payload[key] = int(value)
        elif key in ("reason", "text"):
            payload[key] = value
    await _run(request, user, request.path_params["command"], payload)
    space_path = f"/spaces/{request.path_params['space_id']}/"
    back = urlsplit(request.headers.get("referer", "")).path
    target = back if back.startswith(space_path) else space_path + "moderation"
    return RedirectResponse(target, status_code=303)


@declare("The chat rooms the caller may enter", answer=S.ChatRoomsOut, auth="public")
async def api_rooms(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        rooms = await _enterable_rooms(session, access, auth.user)
    return JSONResponse(
        {
            "rooms": [
                {"name": r.name, "room": chat_room_name(access.space.id, r.name)} for r in rooms
            ]
        }
    )


@declare(
    "A chat room's history, newest last",
    query=S.HistoryQuery,
    answer=S.ChatHistoryOut,
    auth="public",
)
async def api_messages(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    before_raw = request.query_params.get("before")
    limit_raw = request.query_params.get("limit", str(HISTORY_PAGE))
    if (before_raw is not None and not before_raw.isdecimal()) or not limit_raw.isdecimal():
        raise Invalid(N_("'before' and 'limit' must be whole numbers."))
    limit = max(1, min(int(limit_raw), 200))
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.CHAT
        )
        room = await get_chat_room(session, access.space.id, request.path_params["name"])
        if room is None:
            raise NotFound(N_("No such room."))
        chat_facts = await get_chat_room_facts(session, room, auth.user)
        access_chat_room(access.viewer, access.facts, chat_facts, Action.READ)
        lines = await get_recent_lines(
            session, room, before=min(int(before_raw), INT_MAX) if before_raw else None, limit=limit
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


@declare(
    "Send a chat message (answered once it is stored)",
    body=S.ChatText,
    answer=S.ChatAnswerOut,
    status=201,
    errors=(429,),
)
async def api_send(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    return JSONResponse(
        await _run(request, user, "send", {"text": body.get("text")}), status_code=201
    )


@declare(
    "Run a chat command: edit, delete, history, report, hide, release, mute, settings...",
    body=S.ChatCommand,
    answer=S.ChatAnswerOut,
    errors=(409, 429),
)
async def api_command(request: Request) -> JSONResponse:
    """POST .../chat/{name}/{command}: the same commands as the ``chat:<command>`` socket events."""
    _, user = await check_api_write(request)
    body = await json_body(request)
    return JSONResponse(await _run(request, user, request.path_params["command"], body))


routes = [
    Route("/spaces/{space_id:int}/chat", chat_index, methods=["GET"]),
    Route("/spaces/{space_id:int}/chat/{name}", chat_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/chat/{name}", chat_post_form, methods=["POST"]),
    Route("/spaces/{space_id:int}/chat/{name}/do/{command}", chat_command_form, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/chat", api_rooms, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/chat/{name}/messages", api_messages, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/chat/{name}/messages", api_send, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/chat/{name}/{command}", api_command, methods=["POST"]),
]
