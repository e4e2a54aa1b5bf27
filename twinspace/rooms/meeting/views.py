"""Meeting room pages: /spaces/{id}/meeting, /spaces/{id}/meeting/teachers and
/spaces/{id}/chat/{name}/meeting. The page is readable without JavaScript (is a meeting on,
who is in it; teachers start and end it with plain forms); the video needs JavaScript."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from twinspace.errors import Forbidden, Invalid
from twinspace.i18n import N_
from twinspace.permissions import (
    MEETING_MESH_MAX,
    TEACHER_ROLES,
    Room,
    access_meeting_join,
    access_meeting_run,
    may_invite_to_meeting,
    may_run_meeting,
)
from twinspace.rooms.meeting import actions, context
from twinspace.rooms.meeting.servers import external_url
from twinspace.rooms.meeting.sockets import broadcast, take_out
from twinspace.spaces.context import access_space_room
from twinspace.web.context import check_form_write, get_auth, render, runtime
from twinspace.web.shell import shell_context


def _key(request: Request) -> str:
    if "name" in request.path_params:
        return f"chat:{request.path_params['name']}"
    return "teachers" if request.url.path.rstrip("/").split("/")[4:5] == ["teachers"] else "space"


async def meeting_page(request: Request) -> Response:
    auth = await get_auth(request)
    rt = runtime(request)
    space_id, key = request.path_params["space_id"], _key(request)
    async with rt.db.read() as session:
        ctx = await context.load_meeting(
            session, auth.user, space_id, key, external=bool(rt.settings.meeting_url)
        )
        access = await access_space_room(session, auth.user, space_id, Room.HOME)
        participants = (
            await actions.get_participants(session, ctx.meeting.id) if ctx.meeting else []
        )
        runs = may_run_meeting(ctx.viewer, ctx.space_facts)
        visitors = (
            await actions.get_visitors(session, space_id)
            if ctx.meeting and may_invite_to_meeting(ctx.viewer, ctx.space_facts)
            else []
        )
    current = {"space": "meeting", "teachers": Room.TEACHERS.value}.get(key, Room.CHAT.value)
    return await render(
        request,
        "space/meeting.html",
        {
            **shell_context(access, Room.HOME),
            "current": current,
            "teacher": ctx.viewer.role in TEACHER_ROLES,
            "ctx": ctx,
            "path": context.meeting_path(space_id, key),
            "participants": participants,
            "runs": runs,
            "visitors": visitors,
            "external": bool(rt.settings.meeting_url),
            "mesh_max": MEETING_MESH_MAX,
        },
    )


async def meeting_form(request: Request) -> Response:
    """POST …/meeting/start | end | lock | unlock | invite (teachers; plain HTML forms)."""
    _, user, form = await check_form_write(request)
    rt = runtime(request)
    space_id, key, command = (
        request.path_params["space_id"],
        _key(request),
        request.path_params["command"],
    )
    if command not in ("start", "end", "lock", "unlock", "invite"):
        raise Invalid(N_("Unknown command."))
    sids: list[str] = []
    async with rt.db.unit_of_work() as uow:
        ctx = await context.load_meeting(uow.session, user, space_id, key)
        access_meeting_run(ctx.viewer, ctx.space_facts, ctx.facts)
        if command == "start":
            await actions.do_start(uow, ctx, user)
        elif command == "end":
            sids = await actions.do_end(uow, ctx, user)
        elif command == "invite":
            if not may_invite_to_meeting(ctx.viewer, ctx.space_facts):
                raise Forbidden(N_("Only a teacher administrator can invite visitors."))
            raw = form.get("user_id")
            if not isinstance(raw, str) or not raw.isdigit():
                raise Invalid(N_("Choose a visitor to invite."), field="user_id")
            await actions.do_invite(uow, ctx, user, int(raw))
        else:
            await actions.do_lock(uow, ctx, user, command == "lock")
    await take_out(rt, ctx.room, sids, "ended")
    await broadcast(rt, user, space_id, key)
    return RedirectResponse(context.meeting_path(space_id, key), status_code=303)


async def meeting_external(request: Request) -> Response:
    """With TWINSPACE_MEETING_URL: the same joining rules, then off to the outside server
    (its room name is an HMAC nobody can guess; a new one for each meeting)."""
    auth = await get_auth(request)
    rt = runtime(request)
    space_id, key = request.path_params["space_id"], _key(request)
    if not rt.settings.meeting_url:
        raise Invalid(N_("This installation holds its meetings in the browser."))
    async with rt.db.read() as session:
        ctx = await context.load_meeting(session, auth.user, space_id, key, external=True)
    request.state.explains_refusals = True  # a member on the meeting's page: say why not
    access_meeting_join(ctx.viewer, ctx.space_facts, ctx.facts)
    assert ctx.meeting is not None
    url = external_url(
        rt.settings.meeting_url, rt.settings.secret_key, space_id, key, ctx.meeting.id
    )
    return RedirectResponse(url, status_code=303)


_BASES = (
    "/spaces/{space_id:int}/meeting",
    "/spaces/{space_id:int}/meeting/teachers",
    "/spaces/{space_id:int}/chat/{name}/meeting",
)
routes = [
    route
    for base in _BASES
    for route in (
        Route(base, meeting_page, methods=["GET"]),
        Route(f"{base}/go", meeting_external, methods=["GET"]),
        Route(f"{base}/{{command}}", meeting_form, methods=["POST"]),
    )
]
