"""Profile pages, editing one's own profile and photo, and the wall."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.errors import DomainError, Invalid, NotFound, Unauthorized
from twinspace.files import StoredFile, check_quota, do_store, file_response
from twinspace.i18n import N_
from twinspace.images import process_image
from twinspace.label.badges import badges_for_teacher
from twinspace.people import schemas as S
from twinspace.people.common import ROLE_LABELS, get_member, member_access
from twinspace.people.models import WallPost
from twinspace.people.profiles import (
    FIELDS,
    check_delete_wall_post,
    check_post_on_wall,
    check_update_profile,
    do_set_photo,
    get_profile,
    get_wall,
    profile_json,
    wall_json,
)
from twinspace.permissions import Action, Room
from twinspace.schema import declare
from twinspace.uploads import receive_upload
from twinspace.web.context import (
    check_api_write,
    check_csrf,
    check_form_write,
    check_origin,
    get_auth,
    json_body,
    render,
    runtime,
    translate,
)
from twinspace.web.shell import shell_context


async def profile_page(request: Request) -> Response:
    auth = await get_auth(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    async with runtime(request).db.read() as session:
        access = await member_access(session, auth.user, space_id)
        member, role = await get_member(session, space_id, member_id)
        profile = await get_profile(session, member_id)
        wall = await get_wall(session, space_id, member_id)
        labels = await badges_for_teacher(session, member_id)
    context = {
        **shell_context(access, Room.HOME),
        "member": member,
        "member_role": ROLE_LABELS[role],
        "profile": profile_json(member, role, profile, space_id),
        "wall": wall,
        "labels": labels,
        "may_wall": access.may(Room.HOME, Action.WALL),
        "may_moderate": access.may(Room.HOME, Action.MODERATE),
        "error": request.query_params.get("error") == "wall",
    }
    return await render(request, "people/profile.html", context)


@declare("A member's profile and wall", answer=S.ProfilePageOut, auth="public")
async def api_profile(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    async with runtime(request).db.read() as session:
        await member_access(session, auth.user, space_id)
        member, role = await get_member(session, space_id, member_id)
        profile = await get_profile(session, member_id)
        wall = await get_wall(session, space_id, member_id)
    return JSONResponse(
        {
            **profile_json(member, role, profile, space_id),
            "wall": [wall_json(post, author) for post, author in wall],
        }
    )


async def edit_profile_page(request: Request) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    error = None
    if request.method == "POST":
        _, user, form = await check_form_write(request)
        try:
            async with rt.db.unit_of_work() as uow:
                await member_access(uow.session, user, space_id)
                await check_update_profile(
                    uow, space_id, user, {k: form.get(k, "") for k in FIELDS}
                )
            return RedirectResponse(f"/spaces/{space_id}/members/{user.id}", 303)
        except DomainError as err:
            if err.status in (401, 404):
                raise
            error = translate(request, err.message)
    async with rt.db.read() as session:
        access = await member_access(session, auth.user, space_id)
        assert auth.user is not None
        profile = await get_profile(session, auth.user.id)
    context = {
        **shell_context(access, Room.HOME),
        "profile": profile_json(auth.user, access.viewer.role.value, profile, space_id),
        "error": error,
    }
    return await render(request, "people/profile_edit.html", context, 400 if error else 200)


@declare(
    "Change one's own profile (the fields given)", body=S.ProfileChanges, answer=S.SavedProfileOut
)
async def api_update_profile(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id)
        profile = await check_update_profile(uow, space_id, user, body)
    return JSONResponse(
        {"ok": True, **profile_json(user, access.viewer.role.value, profile, space_id)}
    )


@declare(
    "Upload one's profile photo (multipart, re-encoded, at most 320 px)",
    upload=True,
    answer=S.PhotoOut,
    status=201,
    errors=(413, 415),
)
async def upload_photo(request: Request) -> Response:
    """POST multipart ``file`` (and ``csrf_token`` first, or the X-CSRF-Token header): the
    picture is checked, re-encoded without metadata and resized to at most 320 px."""
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    header_token = request.headers.get("x-csrf-token")
    try:
        auth = await get_auth(request)
        if auth.user is None or auth.session is None:
            raise Unauthorized(N_("Log in first."))
        user = auth.user
        check_origin(request)
        if header_token is not None:
            check_csrf(request, auth, header_token)
        async with rt.db.read() as session:
            await member_access(session, user, space_id)
        async with receive_upload(
            request, rt.storage.temp_dir(), rt.settings.max_upload_bytes
        ) as upload:
            if header_token is None:
                check_csrf(request, auth, upload.fields.get("csrf_token"))
            if upload.size == 0:
                raise Invalid(N_("No file was sent."))
            processed = await asyncio.to_thread(
                process_image, upload.path, rt.storage.temp_dir(), upload.filename
            )
            try:
                async with rt.db.unit_of_work() as uow:
                    await member_access(uow.session, user, space_id)
                    thumb = processed.thumb
                    await check_quota(
                        uow.session, space_id, thumb.size, rt.settings.space_quota_bytes
                    )
                    stored = await do_store(
                        uow, rt.storage, thumb.path, space_id, None, thumb.size, thumb.mime
                    )
                    await do_set_photo(uow, space_id, user, stored)
            finally:
                processed.discard()
    except DomainError as err:
        if header_token is None and err.status not in (401, 404):
            return RedirectResponse(f"/spaces/{space_id}/profile?photo_error={err.code}", 303)
        raise
    if header_token is not None:
        return JSONResponse(
            {"ok": True, "photo_url": f"/spaces/{space_id}/members/{user.id}/photo"}, 201
        )
    return RedirectResponse(f"/spaces/{space_id}/members/{user.id}", 303)


async def photo(request: Request) -> Response:
    auth = await get_auth(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    rt = runtime(request)
    async with rt.db.read() as session:
        await member_access(session, auth.user, space_id)
        await get_member(session, space_id, member_id)
        profile = await get_profile(session, member_id)
        row = (
            await session.get(StoredFile, profile.photo_key)
            if profile and profile.photo_key
            else None
        )
    if row is None:
        raise NotFound(N_("No photo."))
    return file_response(rt.storage, row, "photo.jpg", inline=True)


async def wall_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    try:
        async with runtime(request).db.unit_of_work() as uow:
            await member_access(uow.session, user, space_id, Action.WALL)
            await check_post_on_wall(uow, space_id, user, member_id, form.get("text"))
    except Invalid:
        return RedirectResponse(f"/spaces/{space_id}/members/{member_id}?error=wall#wall", 303)
    return RedirectResponse(f"/spaces/{space_id}/members/{member_id}#wall", 303)


@declare(
    "Write on a member's wall", body=S.WallText, answer=S.WallPostedOut, status=201, errors=(429,)
)
async def api_wall(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    space_id, member_id = request.path_params["space_id"], request.path_params["user_id"]
    async with runtime(request).db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.WALL)
        post = await check_post_on_wall(uow, space_id, user, member_id, body.get("text"))
    return JSONResponse({"ok": True, "post": wall_json(post, user)}, 201)


async def _delete_wall(request: Request, user) -> int:  # noqa: ANN001
    space_id, post_id = request.path_params["space_id"], request.path_params["post_id"]
    async with runtime(request).db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id)
        post = await uow.session.get(WallPost, post_id)
        owner = post.profile_user_id if post else 0
        await check_delete_wall_post(uow, space_id, access.viewer, access.facts, post_id)
    return owner


async def delete_wall_form(request: Request) -> Response:
    _, user, _form = await check_form_write(request)
    owner = await _delete_wall(request, user)
    return RedirectResponse(f"/spaces/{request.path_params['space_id']}/members/{owner}#wall", 303)


@declare("Delete a wall message (its author, the wall's owner, administrators)")
async def api_delete_wall(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    await _delete_wall(request, user)
    return JSONResponse({"ok": True})


routes = [
    Route("/spaces/{space_id:int}/members/{user_id:int}", profile_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/members/{user_id:int}/photo", photo, methods=["GET"]),
    Route("/spaces/{space_id:int}/members/{user_id:int}/wall", wall_form, methods=["POST"]),
    Route("/spaces/{space_id:int}/profile", edit_profile_page, methods=["GET", "POST"]),
    Route("/spaces/{space_id:int}/profile/photo", upload_photo, methods=["POST"]),
    Route("/spaces/{space_id:int}/wall/{post_id:int}/delete", delete_wall_form, methods=["POST"]),
    Route(
        "/api/v1/spaces/{space_id:int}/members/{user_id:int}/profile", api_profile, methods=["GET"]
    ),
    Route("/api/v1/spaces/{space_id:int}/members/{user_id:int}/wall", api_wall, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/profile", api_update_profile, methods=["PUT"]),
    Route("/api/v1/spaces/{space_id:int}/profile/photo", upload_photo, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/wall/{post_id:int}", api_delete_wall, methods=["DELETE"]),
]
