"""The teachers' moderation page and its JSON API; chat room administration."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.db import utcnow
from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.permissions import Action, Room
from twinspace.rooms import schemas as S
from twinspace.rooms.chat.admin import check_create_room, check_retention_days, do_set_retention
from twinspace.rooms.chat.queue import (
    check_add_word,
    do_remove_word,
    get_held,
    get_log,
    get_mutes,
    get_open_reports,
    get_words,
    log_as_csv,
)
from twinspace.schema import INT_MAX, declare
from twinspace.spaces.context import access_space_room
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    render,
    runtime,
)
from twinspace.web.shell import shell_context

LOG_PAGE = 100


def _space_id(request: Request) -> int:
    return request.path_params["space_id"]


async def _queue(request: Request) -> tuple[object, dict[str, object]]:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, _space_id(request), Room.CHAT, Action.MODERATE
        )
        data = {
            "held": await get_held(session, access.space.id),
            "reports": await get_open_reports(session, access.space.id),
            "mutes": await get_mutes(session, access.space.id, utcnow()),
            "words": await get_words(session, access.space.id),
            "retention_days": access.space.chat_retention_days,
        }
    return access, data


async def moderation_page(request: Request) -> Response:
    access, data = await _queue(request)
    context = {
        **shell_context(access, Room.CHAT),
        **data,
        "may_admin": access.may(Room.CHAT, Action.MANAGE_PAGES),
    }  # type: ignore[attr-defined]
    return await render(request, "space/moderation.html", context)


@declare(
    "The moderation queue: held messages, reports, mutes, filter words",
    answer=S.ModerationQueueOut,
    auth="public",
)
async def api_queue(request: Request) -> JSONResponse:
    _, data = await _queue(request)
    return JSONResponse(data)


async def _add_word(
    request: Request, user_id: int, language: object, word: object
) -> dict[str, object]:
    async with runtime(request).db.unit_of_work() as uow:
        await access_space_room(
            uow.session,
            (await get_auth(request)).user,
            _space_id(request),
            Room.CHAT,
            Action.MODERATE,
        )
        entry = await check_add_word(uow, _space_id(request), user_id, language, word)
    return {"id": entry.id, "language": entry.language, "word": entry.word}


async def _remove_word(request: Request, user_id: int, word_id: int) -> None:
    async with runtime(request).db.unit_of_work() as uow:
        await access_space_room(
            uow.session,
            (await get_auth(request)).user,
            _space_id(request),
            Room.CHAT,
            Action.MODERATE,
        )
        await do_remove_word(uow, _space_id(request), user_id, word_id)


@declare(
    "Add a word to the chat filter",
    body=S.FilterWord,
    answer=S.FilterWordOut,
    status=201,
    errors=(409,),
)
async def api_add_word(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    return JSONResponse(
        {"ok": True, **await _add_word(request, user.id, body.get("language"), body.get("word"))},
        201,
    )


@declare("Remove a word from the chat filter")
async def api_remove_word(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    await _remove_word(request, user.id, request.path_params["word_id"])
    return JSONResponse({"ok": True})


async def form_add_word(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    await _add_word(request, user.id, form.get("language"), form.get("word"))
    return RedirectResponse(f"/spaces/{_space_id(request)}/moderation#words", status_code=303)


async def form_remove_word(request: Request) -> Response:
    _, user, _form = await check_form_write(request)
    await _remove_word(request, user.id, request.path_params["word_id"])
    return RedirectResponse(f"/spaces/{_space_id(request)}/moderation#words", status_code=303)


async def _log_entries(request: Request) -> list[dict[str, object]]:
    before = request.query_params.get("before")
    if before is not None and not before.isdecimal():
        raise Invalid(N_("'before' must be a whole number."))
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, _space_id(request), Room.CHAT, Action.MANAGE_PAGES
        )
        return await get_log(
            session,
            access.space.id,
            before=min(int(before), INT_MAX) if before else None,
            limit=LOG_PAGE,
        )


@declare(
    "The moderation log, newest first", query=S.LogQuery, answer=S.ModerationLogOut, auth="public"
)
async def api_log(request: Request) -> JSONResponse:
    entries = await _log_entries(request)
    return JSONResponse({"entries": entries, "more": len(entries) == LOG_PAGE})


async def log_csv(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, _space_id(request), Room.CHAT, Action.MANAGE_PAGES
        )
        entries = await get_log(session, access.space.id, limit=1_000_000)
    return Response(
        log_as_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="moderation-{access.space.id}.csv"'},
    )


async def log_page(request: Request) -> Response:
    entries = await _log_entries(request)
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, _space_id(request), Room.CHAT, Action.MANAGE_PAGES
        )
    return await render(
        request,
        "space/moderation_log.html",
        {**shell_context(access, Room.CHAT), "entries": entries, "more": len(entries) == LOG_PAGE},
    )


@declare(
    "Create a chat room", body=S.NewChatRoom, answer=S.ChatRoomCreatedOut, status=201, errors=(409,)
)
async def api_create_room(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        access = await access_space_room(
            uow.session, user, _space_id(request), Room.CHAT, Action.MANAGE_PAGES
        )
        room = await check_create_room(uow, access.space, user, body)
    return JSONResponse(
        {"ok": True, "name": room.name, "room": f"space:{room.space_id}:chat:{room.name}"}, 201
    )


@declare("Change how long the chat history is kept", body=S.ChatSettings, answer=S.ChatSettingsOut)
async def api_chat_settings(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    if "retention_days" not in body:
        raise Invalid(N_("Nothing to change."))
    days = check_retention_days(body["retention_days"])
    async with runtime(request).db.unit_of_work() as uow:
        access = await access_space_room(
            uow.session, user, _space_id(request), Room.CHAT, Action.MANAGE_PAGES
        )
        await do_set_retention(uow, access.space, user.id, days)
    return JSONResponse({"ok": True, "retention_days": days})


routes = [
    Route("/spaces/{space_id:int}/moderation", moderation_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/moderation/words", form_add_word, methods=["POST"]),
    Route(
        "/spaces/{space_id:int}/moderation/words/{word_id:int}/delete",
        form_remove_word,
        methods=["POST"],
    ),
    Route("/spaces/{space_id:int}/moderation/log", log_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/moderation/log.csv", log_csv, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/moderation", api_queue, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/moderation/words", api_add_word, methods=["POST"]),
    Route(
        "/api/v1/spaces/{space_id:int}/moderation/words/{word_id:int}",
        api_remove_word,
        methods=["DELETE"],
    ),
    Route("/api/v1/spaces/{space_id:int}/moderation/log", api_log, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/chat", api_create_room, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/chat-settings", api_chat_settings, methods=["PATCH"]),
]
