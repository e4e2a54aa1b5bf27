"""/api/v1/spaces: the caller's TwinSpaces, one TwinSpace with the caller's rights, its members."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.answers import (
    AllowedOut,
    MembersOut,
    MySpaceOut,
    PermissionsOut,
    SpaceRightsOut,
)
from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.permissions import Action, Role, Room
from twinspace.realtime.handlers import evict_user_from_space
from twinspace.schema import declare
from twinspace.spaces.actions import do_remove_member
from twinspace.spaces.context import access_space_room
from twinspace.spaces.models import Membership, Space
from twinspace.spaces.queries import get_members, get_spaces_of
from twinspace.web.context import check_api_write, get_auth, require_user, runtime


def space_json(space: Space) -> dict[str, object]:
    return {
        "id": space.id,
        "title": space.title,
        "description": space.description,
        "scope": space.scope,
        "status": space.status,
        "home_public": space.home_public,
    }


def member_json(membership: Membership, *, show_school: bool = True) -> dict[str, object]:
    user = membership.user
    school = user.school
    return {
        "user_id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": membership.role,
        "country": user.country_code,
        "school": school.name if school and show_school else None,
    }


@declare("The caller's TwinSpaces", answer=list[MySpaceOut])
async def list_spaces(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    async with runtime(request).db.read() as session:
        rows = await get_spaces_of(session, user.id)
    return JSONResponse([{**space_json(space), "role": role} for space, role in rows])


@declare("One TwinSpace, with the caller's role and rights", answer=SpaceRightsOut, auth="public")
async def show_space(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.HOME
        )
    return JSONResponse(
        {**space_json(access.space), "role": access.viewer.role.value, "permissions": access.perms}
    )


@declare("The members of a TwinSpace", answer=MembersOut, auth="public")
async def list_members(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.HOME
        )
        members = await get_members(session, access.space.id)
    pupils = {Role.PUPIL.value, Role.PUPIL_ADMIN.value}
    if not access.viewer.is_member:  # pupils' data never leaves the TwinSpace
        members = [m for m in members if m.role not in pupils]
    return JSONResponse({"members": [member_json(m) for m in members]})


@declare("The caller's role and rights in a TwinSpace", answer=PermissionsOut, auth="public")
async def my_permissions(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.HOME
        )
    return JSONResponse({"role": access.viewer.role.value, "permissions": access.perms})


@declare(
    "Whether the caller may do an action in a room (else the policy's error)",
    answer=AllowedOut,
    errors=(401, 403),
    auth="public",
)
async def check_room_action(request: Request) -> JSONResponse:
    """Answer 200 when the caller may do ``action`` in ``room``, else the policy's error."""
    auth = await get_auth(request)
    try:
        room = Room(request.path_params["room"])
        action = Action(request.path_params["action"])
    except ValueError:
        raise Invalid(N_("Unknown room or action.")) from None
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], room, action
        )
    return JSONResponse({"ok": True, "role": access.viewer.role.value})


@declare("Remove a member from a TwinSpace (administrators)")
async def remove_member(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:
        await access_space_room(uow.session, user, space_id, Room.HOME, Action.MANAGE_MEMBERS)
        await do_remove_member(uow, space_id, member_id, user.id)
    await evict_user_from_space(rt, member_id, space_id)
    return JSONResponse({"ok": True})


routes = [
    Route("/api/v1/spaces", list_spaces, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}", show_space, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/members", list_members, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/permissions", my_permissions, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/members/{user_id:int}", remove_member, methods=["DELETE"]),
    Route(
        "/api/v1/spaces/{space_id:int}/access/{room}/{action}", check_room_action, methods=["GET"]
    ),
]
