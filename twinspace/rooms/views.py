"""The TwinSpace shell pages: Home (members) and the rooms that hold pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.db import UnitOfWork
from twinspace.errors import NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.label.badges import badges_for_spaces
from twinspace.network.projects import get_space_subjects
from twinspace.network.vocab import SUBJECTS
from twinspace.pages.host import members_scope, page_facts
from twinspace.pages.page_list import get_space_pages
from twinspace.people.home import home_extras
from twinspace.permissions import Action, Role, Room
from twinspace.rooms import schemas as S
from twinspace.schema import declare
from twinspace.spaces.context import access_space_room, check_space_room
from twinspace.spaces.publication import do_publish_home, get_gallery, home_report
from twinspace.spaces.queries import get_space_with_members
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    locale_of,
    render,
    runtime,
)
from twinspace.web.page_cache import cached_page
from twinspace.web.shell import shell_context

PUPIL_ROLES = {Role.PUPIL.value, Role.PUPIL_ADMIN.value}


@cached_page
async def home(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        found = await get_space_with_members(session, auth.user, request.path_params["space_id"])
        if found is None:
            raise NotFound(N_("No such TwinSpace."))
        space, viewer, members = found
        access = check_space_room(space, viewer, Room.HOME)
        space_pages = await get_space_pages(session, space.id)
        pages = [  # get_pages' order: top-level pages first, by position
            p
            for p, _ in space_pages
            if p.room == Room.ACTIVITIES.value
            and p.deleted_at is None
            and p.parent_id is None
            and not p.is_draft
            and (access.viewer.is_member or page_facts(p).published)
        ]
        extras = await home_extras(
            request,
            UnitOfWork(session),
            access,
            auth.user,
            space_pages=space_pages,
            widgets=members_scope(viewer, members),
        )
        badges = (await badges_for_spaces(session, [access.space.id]))[access.space.id]
    if not access.viewer.is_member:  # pupils' data never leaves the TwinSpace
        members = [m for m in members if m.role not in PUPIL_ROLES]
    return await render(
        request,
        "space/home.html",
        {
            **shell_context(access, Room.HOME),
            "members": members,
            "public_pages": pages,
            "badges": badges,
            **extras,
        },
    )


async def publish_home_form(request: Request) -> Response:
    """GET: what would become public (confirm); POST: publish or unpublish the Home page."""
    auth = await get_auth(request)
    rt = runtime(request)
    space_id = request.path_params["space_id"]
    if request.method == "POST":
        _, user, form = await check_form_write(request)
        async with rt.db.unit_of_work() as uow:
            access = await access_space_room(uow.session, user, space_id, Room.HOME, Action.PUBLISH)
            await do_publish_home(
                uow,
                access.space,
                user.id,
                form.get("public") == "true",
                form.get("confirm") == "yes",
            )
        if form.get("public") != "true":
            await rt.sio.close_room(f"space:{space_id}:home")
        return RedirectResponse(f"/spaces/{space_id}", status_code=303)
    async with rt.db.read() as session:
        access = await access_space_room(session, auth.user, space_id, Room.HOME, Action.PUBLISH)
        report = await home_report(session, access.space)
    return await render(
        request, "space/home_publish.html", {**shell_context(access, Room.HOME), "report": report}
    )


@declare(
    "Make the TwinSpace's home public or not (confirm after the report)",
    body=S.Publication,
    answer=S.HomePublishedOut,
)
async def api_publish_home(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:
        access = await access_space_room(
            uow.session, user, request.path_params["space_id"], Room.HOME, Action.PUBLISH
        )
        await do_publish_home(uow, access.space, user.id, body.get("public"), body.get("confirm"))
    if not access.space.home_public:
        await rt.sio.close_room(f"space:{access.space.id}:home")
    return JSONResponse({"ok": True, "home_public": access.space.home_public})


@declare(
    "The public gallery of published TwinSpaces",
    query=S.GalleryQuery,
    answer=S.GalleryOut,
    auth="none",
)
@cached_page
async def gallery(request: Request) -> Response:
    """Published TwinSpaces with their partner countries and subjects; ?subject= narrows."""
    async with runtime(request).db.read() as session:
        items = await get_gallery(session)
        subjects = await get_space_subjects(session, [item["id"] for item in items])
        labels = await badges_for_spaces(session, [item["id"] for item in items])
    for item in items:
        item["subjects"] = subjects.get(item["id"], [])
        item["labels"] = labels[item["id"]]
    chosen = request.query_params.get("subject") or ""
    if chosen not in SUBJECTS:
        chosen = ""
    if chosen:
        items = [item for item in items if chosen in item["subjects"]]
    if request.url.path.startswith("/api/"):
        return JSONResponse({"spaces": items})
    gettext = gettext_for(locale_of(request))
    labels = {code: gettext(label) for code, label in SUBJECTS.items()}
    return await render(
        request,
        "gallery.html",
        {"items": items, "subject_labels": labels, "subject": chosen},
    )


routes = [
    Route("/spaces/{space_id:int}", home, methods=["GET"]),
    Route("/spaces/{space_id:int}/publish", publish_home_form, methods=["GET", "POST"]),
    Route("/api/v1/spaces/{space_id:int}/publish", api_publish_home, methods=["POST"]),
    Route("/gallery", gallery, methods=["GET"]),
    Route("/api/v1/gallery", gallery, methods=["GET"]),
]
