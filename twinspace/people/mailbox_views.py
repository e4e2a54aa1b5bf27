"""Mailbox pages (inbox, sent, compose, read) and its API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.errors import DomainError
from twinspace.people import schemas as S
from twinspace.people.common import member_access
from twinspace.people.mailbox import (
    check_send_message,
    do_mark_read,
    get_box,
    get_message,
    unread_count,
)
from twinspace.permissions import Action, Room, may_write_to
from twinspace.schema import declare
from twinspace.spaces.queries import get_members
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    render,
    require_user,
    runtime,
    translate,
)
from twinspace.web.shell import shell_context


def _box(request: Request) -> str:
    return "sent" if request.query_params.get("box") == "sent" else "inbox"


async def mailbox_page(request: Request) -> Response:
    _, user = await require_user(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        access = await member_access(session, user, space_id)
        messages = await get_box(session, space_id, user.id, _box(request))
        unread = await unread_count(session, space_id, user.id)
    context = {
        **shell_context(access, Room.HOME),
        "box": _box(request),
        "messages": messages,
        "unread": unread,
        "may_write": access.may(Room.HOME, Action.MESSAGE),
    }
    return await render(request, "people/mailbox.html", context)


async def compose_page(request: Request) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    error, values = None, {"to": [], "subject": "", "body": ""}
    if request.method == "POST":
        _, user, form = await check_form_write(request)
        values = {
            "to": form.getlist("to"),
            "subject": form.get("subject", ""),
            "body": form.get("body", ""),
        }
        try:
            async with rt.db.unit_of_work() as uow:
                await member_access(uow.session, user, space_id, Action.MESSAGE)
                await check_send_message(
                    uow, space_id, user, values["to"], values["subject"], values["body"]
                )
            return RedirectResponse(f"/spaces/{space_id}/mailbox?box=sent", 303)
        except DomainError as err:
            if err.status in (401, 404):
                raise
            error = translate(request, err.message)
    else:
        to = request.query_params.get("to", "")
        values["to"] = [to] if to.isdecimal() else []
    async with rt.db.read() as session:
        access = await member_access(session, auth.user, space_id, Action.MESSAGE)
        mine = access.viewer.role.value
        members = [
            m
            for m in await get_members(session, space_id)
            if m.user_id != auth.user.id and may_write_to(mine, m.role)
        ]
    context = {
        **shell_context(access, Room.HOME),
        "members": members,
        "values": values,
        "chosen": {int(v) for v in values["to"] if str(v).isdecimal()},
        "error": error,
    }
    return await render(request, "people/mail_compose.html", context, 400 if error else 200)


async def message_page(request: Request) -> Response:
    _, user = await require_user(request)
    space_id, message_id = request.path_params["space_id"], request.path_params["message_id"]
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:  # reading marks it read
        access = await member_access(uow.session, user, space_id)
        message, sender, recipients = await get_message(uow.session, space_id, user.id, message_id)
        await do_mark_read(uow, space_id, user.id, message_id)
    context = {
        **shell_context(access, Room.HOME),
        "message": message,
        "sender": sender,
        "recipients": recipients,
        "may_write": access.may(Room.HOME, Action.MESSAGE),
    }
    return await render(request, "people/mail_message.html", context)


@declare("The caller's private messages in a TwinSpace", query=S.BoxQuery, answer=S.MailboxOut)
async def api_mailbox(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        await member_access(session, user, space_id)
        messages = await get_box(session, space_id, user.id, _box(request))
        unread = await unread_count(session, space_id, user.id)
    return JSONResponse({"box": _box(request), "unread": unread, "messages": messages})


@declare(
    "Send a private message to members",
    body=S.NewMessage,
    answer=S.CreatedOut,
    status=201,
    errors=(429,),
)
async def api_send(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.MESSAGE)
        message = await check_send_message(
            uow, space_id, user, body.get("to"), body.get("subject"), body.get("body")
        )
    return JSONResponse({"ok": True, "id": message.id}, 201)


@declare("One private message (marked read)", answer=S.MessageOut)
async def api_message(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    space_id, message_id = request.path_params["space_id"], request.path_params["message_id"]
    async with runtime(request).db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id)
        message, sender, recipients = await get_message(uow.session, space_id, user.id, message_id)
        await do_mark_read(uow, space_id, user.id, message_id)
    return JSONResponse(
        {
            "id": message.id,
            "subject": message.subject,
            "body": message.body,
            "sender_id": sender.id,
            "sender": sender.display_name,
            "to": [{"user_id": u.id, "display_name": u.display_name} for u in recipients],
            "at": message.created_at.isoformat(),
        }
    )


routes = [
    Route("/spaces/{space_id:int}/mailbox", mailbox_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/mailbox/new", compose_page, methods=["GET", "POST"]),
    Route("/spaces/{space_id:int}/mailbox/{message_id:int}", message_page, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/mailbox", api_mailbox, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/mailbox", api_send, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/mailbox/{message_id:int}", api_message, methods=["GET"]),
]
