"""The members page (photo, school, country, role) and role changes and removals."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.people import schemas as S
from twinspace.people.common import ROLE_LABELS, member_access
from twinspace.people.models import MemberProfile
from twinspace.people.roles import check_change_role, recheck_user_rooms, roles_for
from twinspace.permissions import Action, Room
from twinspace.realtime.handlers import evict_user_from_space
from twinspace.schema import declare
from twinspace.spaces.actions import do_remove_member
from twinspace.spaces.queries import get_members
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    render,
    runtime,
)
from twinspace.web.shell import shell_context


async def members_page(request: Request) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        access = await member_access(session, auth.user, space_id)
        members = await get_members(session, space_id)
        photos = set(
            await session.scalars(
                select(MemberProfile.user_id).where(
                    MemberProfile.user_id.in_([m.user_id for m in members]),
                    MemberProfile.photo_key.is_not(None),
                )
            )
        )
    context = {
        **shell_context(access, Room.HOME),
        "members": members,
        "photos": photos,
        "role_labels": ROLE_LABELS,
        "roles_for": lambda kind: [r.value for r in roles_for(kind)],
        "may_manage": access.may(Room.HOME, Action.MANAGE_MEMBERS),
        "may_pupils": access.may(Room.HOME, Action.MANAGE_PUPILS),
        "error": request.query_params.get("error"),
    }
    return await render(request, "people/members.html", context)


async def change_role_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    rt = runtime(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    async with rt.db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.MANAGE_MEMBERS)
        await check_change_role(uow, space_id, member_id, form.get("role"), user.id)
    await recheck_user_rooms(rt, member_id, space_id)
    return RedirectResponse(f"/spaces/{space_id}/members#member-{member_id}", 303)


async def remove_member_form(request: Request) -> Response:
    _, user, _form = await check_form_write(request)
    rt = runtime(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    async with rt.db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.MANAGE_MEMBERS)
        await do_remove_member(uow, space_id, member_id, user.id)
    await evict_user_from_space(rt, member_id, space_id)
    return RedirectResponse(f"/spaces/{space_id}/members", 303)


@declare(
    "Change a member's role (administrators)", body=S.RoleChange, answer=S.RoleOut, errors=(409,)
)
async def api_change_role(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    rt = runtime(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    async with rt.db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.MANAGE_MEMBERS)
        membership = await check_change_role(uow, space_id, member_id, body.get("role"), user.id)
    await recheck_user_rooms(rt, member_id, space_id)
    return JSONResponse({"ok": True, "user_id": member_id, "role": membership.role})


routes = [
    Route("/spaces/{space_id:int}/members", members_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/members/{user_id:int}/role", change_role_form, methods=["POST"]),
    Route(
        "/spaces/{space_id:int}/members/{user_id:int}/remove", remove_member_form, methods=["POST"]
    ),
    Route(
        "/api/v1/spaces/{space_id:int}/members/{user_id:int}", api_change_role, methods=["PATCH"]
    ),
]
