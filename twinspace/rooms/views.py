"""The TwinSpace shell pages: Home (members) and the rooms that hold pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from twinspace.permissions import Role, Room
from twinspace.spaces.context import SpaceAccess, access_space_room
from twinspace.spaces.queries import get_members
from twinspace.web.context import get_auth, render, runtime

PUPIL_ROLES = {Role.PUPIL.value, Role.PUPIL_ADMIN.value}


def shell_context(access: SpaceAccess, current: Room) -> dict[str, object]:
    return {
        "space": access.space,
        "access": access,
        "role": access.viewer.role.value,
        "current": current.value,
    }


async def home(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, request.path_params["space_id"], Room.HOME
        )
        members = await get_members(session, access.space.id)
    if not access.viewer.is_member:  # pupils' data never leaves the TwinSpace
        members = [m for m in members if m.role not in PUPIL_ROLES]
    return await render(
        request, "space/home.html", {**shell_context(access, Room.HOME), "members": members}
    )


def room_page(room: Room, template: str):
    async def view(request: Request) -> Response:
        auth = await get_auth(request)
        async with runtime(request).db.read() as session:
            access = await access_space_room(
                session, auth.user, request.path_params["space_id"], room
            )
        return await render(request, template, shell_context(access, room))

    return view


routes = [
    Route("/spaces/{space_id:int}", home, methods=["GET"]),
    Route(
        "/spaces/{space_id:int}/activities",
        room_page(Room.ACTIVITIES, "space/room.html"),
        methods=["GET"],
    ),
    Route(
        "/spaces/{space_id:int}/teachers",
        room_page(Room.TEACHERS, "space/room.html"),
        methods=["GET"],
    ),
    Route(
        "/spaces/{space_id:int}/pupils", room_page(Room.PUPILS, "space/room.html"), methods=["GET"]
    ),
]
