"""The gallery's own routes: uploading photos (multipart, streamed to disk, re-encoded),
serving the re-encoded images (permission checked on every request), and a slideshow page
that works without JavaScript."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError, Invalid, NotFound, Unauthorized
from twinspace.files import StoredFile, check_quota, do_store, file_response
from twinspace.i18n import N_, gettext_for
from twinspace.images import Processed, process_image
from twinspace.pages.base import WidgetContext
from twinspace.pages.host import load_widget, make_context, page_facts
from twinspace.pages.models import Page, Widget
from twinspace.permissions import Action, access_page, permissions_for
from twinspace.runtime import Runtime
from twinspace.settings import Settings
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_viewer
from twinspace.tools.gallery.models import GalleryPhoto
from twinspace.tools.gallery.tool import (
    KIND,
    MAX_FILES,
    alt_text,
    caption_of,
    emit_photo_batch,
    find_album,
    find_photo,
    image_url,
    next_position,
    numbered,
    people,
    photos_json,
    photos_of,
    slideshow_url,
)
from twinspace.uploads import receive_uploads
from twinspace.web.context import (
    check_csrf,
    check_origin,
    get_auth,
    locale_of,
    render,
    runtime,
    translate,
)

SIZES = ("thumb", "display")
TOTAL_FACTOR = 4  # one upload holds at most 4 times the size allowed for one file


async def gallery_context(
    uow: UnitOfWork, user: User | None, space_id: int, widget_id: int, settings: Settings, **kw: Any
) -> WidgetContext:
    """The gallery widget for this viewer, who may read its page (else: not found)."""
    space, page, widget = await load_widget(uow, space_id, widget_id)
    if widget.kind != KIND:
        raise NotFound(N_("No such application."))
    ctx = await make_context(uow, user, space, page, widget, settings, **kw)
    access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, Action.READ)
    return ctx


# --- Upload ----------------------------------------------------------------------------------


async def _store(
    rt: Runtime,
    user: User,
    space_id: int,
    widget_id: int,
    processed: list[Processed],
    fields: dict[str, Any],
) -> list[dict[str, Any]]:
    """One transaction: quota, stored files and photo rows. If anything fails, the files
    already moved into the store are removed again (the rows roll back)."""
    stored: list[str] = []
    try:
        async with rt.db.unit_of_work() as uow:
            ctx = await gallery_context(uow, user, space_id, widget_id, rt.settings)
            access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, Action.UPLOAD)
            album = await find_album(ctx, fields["album_id"])
            album_id = album.id if album else None
            consent = fields["consent"] and ctx.may(Action.MODERATE)
            total = sum(item.display.size + item.thumb.size for item in processed)
            await check_quota(uow.session, space_id, total, rt.settings.space_quota_bytes)
            position = await next_position(ctx, album_id)
            photos = []
            for item in processed:
                files = []
                for rendition in (item.display, item.thumb):
                    row = await do_store(
                        uow,
                        rt.storage,
                        rendition.path,
                        space_id,
                        widget_id,
                        rendition.size,
                        rendition.mime,
                    )
                    stored.append(row.key)
                    files.append(row.key)
                photo = GalleryPhoto(
                    widget_id=widget_id,
                    album_id=album_id,
                    uploader_id=user.id,
                    caption=fields["caption"],
                    position=position,
                    consent=consent,
                    consent_by=user.id if consent else None,
                    consent_at=ctx.now if consent else None,
                    display_key=files[0],
                    thumb_key=files[1],
                    mime=item.display.mime,
                    width=item.display.width,
                    height=item.display.height,
                    thumb_width=item.thumb.width,
                    thumb_height=item.thumb.height,
                    created_at=ctx.now,
                )
                ctx.session.add(photo)
                photos.append(photo)
                position += 1
            await ctx.session.flush()
            await emit_photo_batch(ctx, photos, album_id)
            return await photos_json(ctx, photos)
    except BaseException:
        for key in stored:
            rt.storage.delete(key)
        raise


def _fields(fields: dict[str, str]) -> dict[str, Any]:
    album = fields.get("album_id", "")
    if album and not album.isdigit():
        raise Invalid(N_("A number is expected."), field="album_id")
    return {
        "album_id": int(album) if album and int(album) > 0 else None,
        "caption": caption_of(fields.get("caption", "")),
        "consent": fields.get("consent", "") in ("yes", "on", "true"),
    }


async def upload_photos(request: Request) -> Response:
    """POST multipart: ``file`` (one or more), optional ``album_id`` and ``caption``; CSRF
    token in the X-CSRF-Token header (scripts: JSON answers) or a ``csrf_token`` field sent
    before the files (plain forms: back to the page)."""
    space_id, widget_id = request.path_params["space_id"], request.path_params["widget_id"]
    rt = runtime(request)
    header_token = request.headers.get("x-csrf-token")
    wants_json = header_token is not None or "application/json" in request.headers.get("accept", "")
    page_id: int | None = None
    try:
        auth = await get_auth(request)
        if auth.user is None or auth.session is None:
            raise Unauthorized(N_("Log in first."))
        user = auth.user
        check_origin(request)
        if header_token is not None:
            check_csrf(request, auth, header_token)
        async with rt.db.read() as session:  # asked before a byte of the body is read
            ctx = await gallery_context(UnitOfWork(session), user, space_id, widget_id, rt.settings)
            access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, Action.UPLOAD)
            page_id = ctx.page.id

        def before_file(fields: dict[str, str]) -> None:
            if header_token is None:  # a plain form sends its token before the files
                check_csrf(request, auth, fields.get("csrf_token"))

        max_bytes = rt.settings.max_upload_bytes
        async with receive_uploads(
            request,
            rt.storage.temp_dir(),
            max_bytes,
            max_files=MAX_FILES,
            max_total=max_bytes * TOTAL_FACTOR,
            before_file=before_file,
        ) as uploads:
            if header_token is None:
                check_csrf(request, auth, uploads[0].fields.get("csrf_token"))
            fields = _fields(uploads[0].fields)
            files = [u for u in uploads if u.size > 0]  # an empty file input sends nothing
            if not files:
                raise Invalid(N_("No file was sent."))
            processed: list[Processed] = []
            try:
                for upload in files:
                    processed.append(
                        await asyncio.to_thread(
                            process_image, upload.path, rt.storage.temp_dir(), upload.filename
                        )
                    )
                    upload.path.unlink(missing_ok=True)  # the uploaded bytes are never kept
                photos = await _store(rt, user, space_id, widget_id, processed, fields)
            finally:
                for item in processed:
                    item.discard()
    except DomainError as err:
        if wants_json:
            message = translate(request, err.message)
            body = {"ok": False, "error": err.code, "message": message, **err.details}
            return JSONResponse(body, err.status)
        if err.status in (401, 404):
            raise
        return await _upload_failed(request, err, space_id, page_id)
    if wants_json:
        return JSONResponse({"ok": True, "photos": photos}, status_code=201)
    return RedirectResponse(f"/spaces/{space_id}/pages/{page_id}#widget-{widget_id}", 303)


async def _upload_failed(
    request: Request, err: DomainError, space_id: int, page_id: int | None
) -> Response:
    back = f"/spaces/{space_id}/pages/{page_id}" if page_id else f"/spaces/{space_id}"
    context = {
        "message": translate(request, err.message),
        "filename": err.details.get("filename"),
        "back": back,
        "status": err.status,
    }
    return await render(request, "gallery/upload_failed.html", context, status_code=err.status)


# --- Images ----------------------------------------------------------------------------------


async def _photo_for(request: Request, space_id: int, photo_id: int) -> GalleryPhoto:
    """The photo, if this viewer may see it now; anything else is "not found"."""
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        photo = await session.get(GalleryPhoto, photo_id)
        widget = await session.get(Widget, photo.widget_id) if photo else None
        page = await session.get(Page, widget.page_id) if widget else None
        space = await session.get(Space, space_id)
        if photo is None or widget is None or page is None or space is None:
            raise NotFound(N_("No such photo."))
        if page.space_id != space_id or widget.kind != KIND:
            raise NotFound(N_("No such photo."))
        viewer = await get_viewer(session, auth.user, space_id)
    try:
        access_page(viewer, facts(space), page_facts(page), Action.READ)
    except DomainError:
        raise NotFound(N_("No such photo.")) from None
    if not (photo.consent or viewer.is_member):
        raise NotFound(N_("No such photo."))
    return photo


async def serve_photo(request: Request) -> Response:
    space_id, photo_id, size = (request.path_params[k] for k in ("space_id", "photo_id", "size"))
    if size not in SIZES:
        raise NotFound(N_("No such photo."))
    photo = await _photo_for(request, space_id, photo_id)
    rt = runtime(request)
    async with rt.db.read() as session:
        key = photo.thumb_key if size == "thumb" else photo.display_key
        row = await session.get(StoredFile, key)
    try:
        found = row is not None and rt.storage.size(row.key) == row.size
    except (OSError, ValueError):
        found = False
    if not found or row is None:
        raise NotFound(N_("No such photo."))
    etag = f'"{row.key}"'
    if request.headers.get("if-none-match") == etag:  # permission was checked all the same
        return Response(
            status_code=304, headers={"ETag": etag, "Cache-Control": "private, no-cache"}
        )
    extension = "png" if row.mime == "image/png" else "jpg"
    response = file_response(rt.storage, row, f"photo-{photo.id}.{extension}", inline=True)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, no-cache"  # revalidate: access may change
    return response


# --- Slideshow -------------------------------------------------------------------------------


async def slideshow(request: Request) -> Response:
    """One photo at its display size with Previous / Next links (plain links: the keyboard
    and every browser work), and the way back to the page."""
    space_id, widget_id, photo_id = (
        request.path_params[k] for k in ("space_id", "widget_id", "photo_id")
    )
    rt = runtime(request)
    auth = await get_auth(request)
    gettext = gettext_for(locale_of(request))
    async with rt.db.read() as session:
        ctx = await gallery_context(
            UnitOfWork(session), auth.user, space_id, widget_id, rt.settings, gettext=gettext
        )
        photo = await find_photo(ctx, photo_id)
        album = await find_album(ctx, photo.album_id)
        sequence = await photos_of(ctx, [photo.album_id])
        numbers = numbered(sequence)
        person = (await people(ctx, {photo.uploader_id})).get(photo.uploader_id)
    ids = [p.id for p in sequence]
    index = ids.index(photo.id)
    space, page, viewer = ctx.space, ctx.page, ctx.viewer
    perms = permissions_for(viewer.role, facts(space), home_public=space.home_public)
    context = {
        "space": space,
        "access": SpaceAccess(space, viewer, facts(space), perms),
        "role": viewer.role.value,
        "current": page.room,
        "page": page,
        "album": album,
        "photo": photo,
        "alt": alt_text(ctx, photo, numbers[photo.id]),
        "author": ctx.display_name(*person) if person else "",
        "display_url": image_url(ctx, photo.id, "display"),
        "number": index + 1,
        "count": len(ids),
        "previous": slideshow_url(ctx, ids[index - 1]) if index > 0 else None,
        "next": slideshow_url(ctx, ids[index + 1]) if index + 1 < len(ids) else None,
        "back": f"/spaces/{space_id}/pages/{page.id}#gallery-photo-{photo.id}",
        "widget_label": translate(request, N_("Image gallery")),
    }
    return await render(request, "gallery/slideshow.html", context)


routes = [
    Route("/spaces/{space_id:int}/widgets/{widget_id:int}/photos", upload_photos, methods=["POST"]),
    Route("/spaces/{space_id:int}/photos/{photo_id:int}/{size}", serve_photo, methods=["GET"]),
    Route(
        "/spaces/{space_id:int}/widgets/{widget_id:int}/slideshow/{photo_id:int}",
        slideshow,
        methods=["GET"],
    ),
]
