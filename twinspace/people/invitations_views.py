"""Invitation pages: the administrators' search-and-invite page, the invitee's answer page,
and their API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.errors import DomainError, NotFound
from twinspace.i18n import N_
from twinspace.people import schemas as S
from twinspace.people.common import ROLE_LABELS, member_access
from twinspace.people.invitations import (
    check_answer,
    check_invite,
    do_cancel,
    get_pending_for,
    get_space_invitations,
    invitation_json,
    search_candidates,
)
from twinspace.permissions import Action, Room
from twinspace.schema import declare
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.queries import facts, get_space, get_viewer
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


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdecimal() else None


async def invitations_page(request: Request) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    error = notice = None
    if request.method == "POST":
        _, user, form = await check_form_write(request)
        try:
            async with rt.db.unit_of_work() as uow:
                access = await member_access(uow.session, user, space_id, Action.MANAGE_MEMBERS)
                if form.get("cancel"):
                    await do_cancel(uow, space_id, _int(form.get("cancel")) or 0)
                else:
                    await check_invite(
                        uow,
                        access.space,
                        user,
                        user_id=_int(form.get("user_id")),
                        username=form.get("username"),
                        scope=form.get("scope", "space"),
                        role=form.get("role", "teacher_member"),
                    )
                    notice = translate(request, N_("Invitation sent."))
        except DomainError as err:
            if err.status in (401,):
                raise
            error = translate(request, err.message)
    query = request.query_params.get("q", "")
    async with rt.db.read() as session:
        access = await member_access(session, auth.user, space_id, Action.MANAGE_MEMBERS)
        single_school = access.space.single_school_id
        candidates = (
            await search_candidates(session, space_id, query, single_school) if query else []
        )
        pending = await get_space_invitations(session, space_id)
    context = {
        **shell_context(access, Room.HOME),
        "query": query,
        "candidates": candidates,
        "pending": pending,
        "role_labels": ROLE_LABELS,
        "single_school": access.space.single_school_id is not None,
        "error": error,
        "notice": notice,
    }
    return await render(request, "people/invitations.html", context, 400 if error else 200)


async def invitation_answer_page(request: Request) -> Response:
    """The invitee's page: their pending invitation to this TwinSpace, accept or decline."""
    _, user = await require_user(request)
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    if request.method == "POST":
        _, user, form = await check_form_write(request)
        async with rt.db.unit_of_work() as uow:
            await check_answer(
                uow, user, _int(form.get("invitation_id")) or 0, form.get("answer") == "accept"
            )
        target = f"/spaces/{space_id}" if form.get("answer") == "accept" else "/"
        return RedirectResponse(target, 303)
    async with rt.db.read() as session:
        pending = await get_pending_for(session, user.id, space_id)
        space = await get_space(session, space_id)
        if not pending or space is None:
            raise NotFound(N_("No such invitation."))
        viewer = await get_viewer(session, user, space_id)
    access = SpaceAccess(space, viewer, facts(space), _no_rooms())
    context = {**shell_context(access, Room.HOME), "invitation": pending[0][0]}
    return await render(request, "people/invitation.html", context)


def _no_rooms() -> dict[str, dict[str, bool]]:
    return {room.value: {a.value: False for a in Action} for room in Room}


@declare(
    "Teachers who could be invited (administrators)", query=S.SearchQuery, answer=S.CandidatesOut
)
async def api_candidates(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        access = await member_access(session, auth.user, space_id, Action.MANAGE_MEMBERS)
        found = await search_candidates(
            session, space_id, request.query_params.get("q", ""), access.space.single_school_id
        )
    return JSONResponse({"members": found})


@declare("The TwinSpace's pending invitations (administrators)", answer=S.InvitationsOut)
async def api_space_invitations(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        await member_access(session, auth.user, space_id, Action.MANAGE_MEMBERS)
        pending = await get_space_invitations(session, space_id)
    return JSONResponse({"invitations": [invitation_json(i, user=u) for i, u in pending]})


@declare(
    "Invite a teacher or a visitor",
    body=S.NewInvitation,
    answer=S.InvitationAnswerOut,
    status=201,
    errors=(409,),
)
async def api_invite(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id, Action.MANAGE_MEMBERS)
        invitation = await check_invite(
            uow,
            access.space,
            user,
            user_id=body.get("user_id"),
            username=body.get("username"),
            scope=body.get("scope", "space"),
            role=body.get("role", "teacher_member"),
        )
    return JSONResponse({"ok": True, "invitation": invitation_json(invitation)}, 201)


@declare("Cancel a pending invitation (administrators)")
async def api_cancel(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.MANAGE_MEMBERS)
        await do_cancel(uow, space_id, request.path_params["invitation_id"])
    return JSONResponse({"ok": True})


@declare("The invitations waiting for the caller", answer=S.InvitationsOut)
async def api_my_invitations(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    async with runtime(request).db.read() as session:
        pending = await get_pending_for(session, user.id)
    return JSONResponse({"invitations": [invitation_json(i, space=s) for i, s in pending]})


def _answer(accept: bool):  # noqa: ANN202
    @declare("Accept or decline an invitation", answer=S.InvitationAnswerOut, errors=(409,))
    async def view(request: Request) -> JSONResponse:
        _, user = await check_api_write(request)
        async with runtime(request).db.unit_of_work() as uow:
            invitation = await check_answer(uow, user, request.path_params["invitation_id"], accept)
        return JSONResponse({"ok": True, "invitation": invitation_json(invitation)})

    return view


routes = [
    Route("/spaces/{space_id:int}/invitations", invitations_page, methods=["GET", "POST"]),
    Route("/spaces/{space_id:int}/invitation", invitation_answer_page, methods=["GET", "POST"]),
    Route("/api/v1/spaces/{space_id:int}/invitations", api_space_invitations, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/invitations", api_invite, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/invitations/candidates", api_candidates, methods=["GET"]),
    Route(
        "/api/v1/spaces/{space_id:int}/invitations/{invitation_id:int}",
        api_cancel,
        methods=["DELETE"],
    ),
    Route("/api/v1/invitations", api_my_invitations, methods=["GET"]),
    Route("/api/v1/invitations/{invitation_id:int}/accept", _answer(True), methods=["POST"]),
    Route("/api/v1/invitations/{invitation_id:int}/decline", _answer(False), methods=["POST"]),
]
