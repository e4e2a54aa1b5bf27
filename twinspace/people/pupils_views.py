"""Pages and API for pupil accounts: the names form, the printable slips, resets."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, DomainError
from twinspace.i18n import N_
from twinspace.people import schemas as S
from twinspace.people.common import member_access
from twinspace.people.pupils import (
    MAX_AT_ONCE,
    Slip,
    check_create_pupils,
    do_set_pupil_password,
    get_pupils,
    prepare_password,
    prepare_pupils,
)
from twinspace.permissions import Action, Room
from twinspace.realtime.handlers import disconnect_sessions
from twinspace.schema import declare
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    render,
    runtime,
    translate,
)
from twinspace.web.shell import shell_context

USERNAME_RACE_TRIES = 3


async def _form_page(
    request: Request, space_id: int, *, names: str = "", error: str | None = None, status: int = 200
) -> Response:
    auth = await get_auth(request)
    rt = runtime(request)
    async with rt.db.read() as session:
        access = await member_access(session, auth.user, space_id, Action.MANAGE_PUPILS)
        pupils = await get_pupils(UnitOfWork(session), space_id)
    context = {
        **shell_context(access, Room.HOME),
        "pupils": pupils,
        "names": names,
        "error": error,
        "max_at_once": MAX_AT_ONCE,
    }
    return await render(request, "people/pupils.html", context, status)


async def _slips(request: Request, space_id: int, slips: list[Slip]) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await member_access(session, auth.user, space_id, Action.MANAGE_PUPILS)
    return await render(
        request, "people/slips.html", {**shell_context(access, Room.HOME), "slips": slips}
    )


async def _create(request: Request, user: User, space_id: int, names: object) -> list[Slip]:
    """Asked first, hashed next (outside any transaction), written last (asked again)."""
    rt = runtime(request)
    async with rt.db.read() as session:
        await member_access(session, user, space_id, Action.MANAGE_PUPILS)
    prepared = await prepare_pupils(rt.passwords, names)
    for _ in range(USERNAME_RACE_TRIES):
        try:
            async with rt.db.unit_of_work() as uow:
                await member_access(uow.session, user, space_id, Action.MANAGE_PUPILS)
                return await check_create_pupils(uow, space_id, user, prepared)
        except IntegrityError:  # another class took one of the same usernames meanwhile
            continue  # the transaction was rolled back whole: pick new usernames
    raise Conflict(N_("Usernames were taken by another teacher at the same moment; try again."))


async def _set_password(
    request: Request, user: User, space_id: int, pupil_id: int, chosen: object
) -> tuple[Slip, list[str]]:
    rt = runtime(request)
    async with rt.db.read() as session:
        await member_access(session, user, space_id, Action.MANAGE_PUPILS)
    password = await prepare_password(rt.passwords, chosen or None)
    async with rt.db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.MANAGE_PUPILS)
        return await do_set_pupil_password(uow, space_id, pupil_id, password)


async def pupils_page(request: Request) -> Response:
    return await _form_page(request, request.path_params["space_id"])


async def create_pupils_form(request: Request) -> Response:
    space_id = request.path_params["space_id"]
    _, user, form = await check_form_write(request)
    names = form.get("names")
    try:
        slips = await _create(request, user, space_id, names)
    except DomainError as err:
        if err.status in (401, 404):
            raise
        return await _form_page(
            request,
            space_id,
            names=names if isinstance(names, str) else "",
            error=translate(request, err.message),
            status=err.status,
        )
    return await _slips(request, space_id, slips)


async def pupil_password_form(request: Request) -> Response:
    space_id, pupil_id = request.path_params["space_id"], request.path_params["user_id"]
    _, user, form = await check_form_write(request)
    rt = runtime(request)
    try:
        slip, ended = await _set_password(request, user, space_id, pupil_id, form.get("password"))
    except DomainError as err:
        if err.status in (401, 404):
            raise
        return await _form_page(
            request, space_id, error=translate(request, err.message), status=err.status
        )
    await disconnect_sessions(rt, ended)
    return await _slips(request, space_id, [slip])


@declare(
    "Create pupil accounts (teachers): each password is answered once",
    body=S.PupilNames,
    answer=S.PupilsOut,
    status=201,
    errors=(409,),
)
async def api_create_pupils(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    names = body.get("names")
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        names = "\n".join(names)
    slips = await _create(request, user, request.path_params["space_id"], names)
    return JSONResponse({"ok": True, "pupils": [asdict(s) for s in slips]}, 201)


@declare("Give a pupil a new password (teachers)", body=S.NewPassword, answer=S.PupilOut)
async def api_pupil_password(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    rt = runtime(request)
    space_id, pupil_id = request.path_params["space_id"], request.path_params["user_id"]
    slip, ended = await _set_password(request, user, space_id, pupil_id, body.get("password"))
    await disconnect_sessions(rt, ended)
    return JSONResponse({"ok": True, "pupil": asdict(slip)})


routes = [
    Route("/spaces/{space_id:int}/pupil-accounts", pupils_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/pupil-accounts", create_pupils_form, methods=["POST"]),
    Route(
        "/spaces/{space_id:int}/pupil-accounts/{user_id:int}/password",
        pupil_password_form,
        methods=["POST"],
    ),
    Route("/api/v1/spaces/{space_id:int}/pupils", api_create_pupils, methods=["POST"]),
    Route(
        "/api/v1/spaces/{space_id:int}/pupils/{user_id:int}/password",
        api_pupil_password,
        methods=["POST"],
    ),
]
