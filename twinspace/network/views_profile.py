"""Pages and API of one's network profile: the edit form, the photo (upload, remove, serve)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.errors import DomainError, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.images import process_image
from twinspace.network import profiles
from twinspace.network.forms import FormInvalid
from twinspace.network.guard import api, network_reader, network_writer
from twinspace.network.members import get_member
from twinspace.network.pagectx import see_other, show
from twinspace.network.vocab import AGE_GROUPS
from twinspace.permissions import access_network, access_network_profile
from twinspace.uploads import receive_upload
from twinspace.web.context import (
    check_csrf,
    check_form_write,
    get_auth,
    json_body,
    require_user,
    runtime,
    translate,
)


def _editor(user: User) -> User:
    access_network(user.kind, user.school_id is not None)
    access_network_profile(user.kind)
    return user


async def _edit_page(
    request: Request, user: User, *, errors: dict[str, str] | None = None, values=None, status=200
) -> Response:
    async with runtime(request).db.read() as session:
        profile = await profiles.get_profile(session, user.id)
    shown = profiles.profile_json(user.id, profile)
    if values:
        shown.update(values)
    photo_error = request.query_params.get("photo_error")
    return await show(
        request,
        "profile_edit.html",
        {
            "nav": "profile",
            "values": shown,
            "errors": errors or {},
            "age_group_labels": {k: translate(request, v) for k, v in AGE_GROUPS.items()},
            "photo_error": photo_error,
            "saved": request.query_params.get("saved") == "1",
        },
        status,
    )


async def edit_profile(request: Request) -> Response:
    """GET the form; POST saves it (a plain form: works without JavaScript)."""
    if request.method == "GET":
        _, user = await require_user(request)
        return await _edit_page(request, _editor(user))
    _, user, form = await check_form_write(request)
    _editor(user)
    body = {
        "about": form.get("about", ""),
        **{name: form.getlist(name) for name in ("languages", "subjects", "age_groups")},
    }
    try:
        async with runtime(request).db.unit_of_work() as uow:
            await profiles.check_update_profile(uow, user, body)
    except FormInvalid as err:
        errors = {k: translate(request, v) for k, v in err.fields.items()}
        return await _edit_page(request, user, errors=errors, values=body, status=err.status)
    return see_other(f"/members/{user.id}")


async def _receive_photo(request: Request, user: User, header_token: str | None) -> None:
    rt = runtime(request)
    auth = await get_auth(request)
    if header_token is not None:
        check_csrf(request, auth, header_token)
    async with receive_upload(request, rt.storage.temp_dir(), rt.settings.max_upload_bytes) as up:
        if header_token is None:
            check_csrf(request, auth, up.fields.get("csrf_token"))
        if up.size == 0:
            raise Invalid(N_("No file was sent."))
        processed = await asyncio.to_thread(
            process_image, up.path, rt.storage.temp_dir(), up.filename
        )
        try:
            async with rt.db.unit_of_work() as uow:
                await profiles.do_set_photo(uow, user, processed)
        finally:
            processed.discard()


async def upload_photo(request: Request) -> Response:
    """POST multipart ``file`` (with ``csrf_token`` first, or the X-CSRF-Token header): checked
    and re-encoded like gallery photos (no metadata), kept at most 320 px."""
    header_token = request.headers.get("x-csrf-token")
    _, user = await require_user(request)
    _editor(user)
    try:
        await _receive_photo(request, user, header_token)
    except DomainError as err:
        if header_token is None and err.status not in (401, 403, 404):
            return see_other(f"/my-profile?photo_error={err.code}#photo")
        raise
    if header_token is not None:
        async with runtime(request).db.read() as session:
            profile = await profiles.get_profile(session, user.id)
        return JSONResponse(
            {"ok": True, "photo_url": profiles.profile_json(user.id, profile)["photo_url"]}, 201
        )
    return see_other(f"/members/{user.id}")


async def remove_photo_form(request: Request) -> Response:
    _, user, _ = await check_form_write(request)
    _editor(user)
    async with runtime(request).db.unit_of_work() as uow:
        await profiles.do_remove_photo(uow, user)
    return see_other("/my-profile#photo")


async def photo(request: Request) -> Response:
    await network_reader(request)
    member_id = request.path_params["user_id"]
    async with runtime(request).db.read() as session:
        if await get_member(session, member_id) is None:
            raise NotFound(N_("No photo."))
        found = await profiles.get_photo(session, member_id)
    if found is None:
        raise NotFound(N_("No photo."))
    data, mime = found
    return Response(
        data,
        media_type=mime,
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


@api
async def api_update_profile(request: Request) -> JSONResponse:
    user = _editor(await network_writer(request))
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        profile = await profiles.check_update_profile(uow, user, body)
    return JSONResponse({"ok": True, **profiles.profile_json(user.id, profile)})


async def api_remove_photo(request: Request) -> JSONResponse:
    user = _editor(await network_writer(request))
    async with runtime(request).db.unit_of_work() as uow:
        profile = await profiles.do_remove_photo(uow, user)
    return JSONResponse({"ok": True, **profiles.profile_json(user.id, profile)})


routes = [
    Route("/my-profile", edit_profile, methods=["GET", "POST"]),
    Route("/my-profile/photo", upload_photo, methods=["POST"]),
    Route("/my-profile/photo/remove", remove_photo_form, methods=["POST"]),
    Route("/members/{user_id:int}/photo", photo, methods=["GET"]),
    Route("/api/v1/profile", api_update_profile, methods=["PATCH"]),
    Route("/api/v1/profile/photo", upload_photo, methods=["POST"]),
    Route("/api/v1/profile/photo", api_remove_photo, methods=["DELETE"]),
]
