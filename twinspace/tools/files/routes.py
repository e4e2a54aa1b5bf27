"""Uploading into a library (a streamed multipart body) and downloading from it.

Upload: who may upload is decided before a byte of the body is read; the CSRF token comes
in the X-CSRF-Token header or as a form field sent before the files; every file is
streamed to a temporary file, sniffed, and stored under a random key in one transaction;
on any failure no row and no stored file remain.

Download: the page's READ permission is checked on every request (the public only on a
published page); a missing file and a forbidden one both answer 404. The file is always
sent as an attachment, with nosniff and a sandboxing CSP, under its sniffed type.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError, Forbidden, NotFound, Unauthorized
from twinspace.files import StoredFile, check_quota, do_store, file_response
from twinspace.i18n import N_
from twinspace.pages.base import WidgetContext
from twinspace.pages.host import load_widget, make_context, page_facts
from twinspace.pages.models import Page, Widget
from twinspace.permissions import Action, access_page
from twinspace.settings import Settings
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_viewer
from twinspace.tools.files.library import (
    file_json,
    folder_ref,
    free_name,
    load_library,
    people,
    public_view,
)
from twinspace.tools.files.models import FILE_NAME_MAX, LibraryFile
from twinspace.tools.files.sniff import allowed_types, sniff
from twinspace.uploads import receive_uploads
from twinspace.web.context import check_csrf, check_origin, get_auth, runtime, translate

KIND = "files"
MAX_FILES = 20  # in one request (a form with <input type=file multiple>)
REQUEST_FILES_MAX = 4  # one request carries at most this many times the per-file limit
MULTIPART_SLACK = 16 * 1024  # what boundaries and part headers may add to the declared size


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def _upload_context(
    uow: UnitOfWork, user: User, space_id: int, widget_id: int, settings: Settings
) -> WidgetContext:
    space, page, widget = await load_widget(uow, space_id, widget_id)
    if widget.kind != KIND:
        raise NotFound(N_("No such application."))
    ctx = await make_context(uow, user, space, page, widget, settings)
    access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, Action.READ)  # else: not found
    access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, Action.UPLOAD)
    return ctx


async def _receive(request: Request, space_id: int, widget_id: int) -> tuple[dict[str, Any], int]:
    auth = await get_auth(request)
    if auth.user is None or auth.session is None:
        raise Unauthorized(N_("Log in first."))
    user = auth.user
    header_token = request.headers.get("x-csrf-token") or None
    if header_token is not None:
        check_csrf(request, auth, header_token)
    else:
        check_origin(request)
    rt = runtime(request)
    settings = rt.settings
    declared = request.headers.get("content-length", "")
    async with rt.db.read() as session:  # before reading the body: may they, is there room?
        await _upload_context(UnitOfWork(session), user, space_id, widget_id, settings)
        if declared.isdigit():
            extra = max(0, int(declared) - MULTIPART_SLACK)
            await check_quota(session, space_id, extra, settings.space_quota_bytes)

    token_checked = header_token is not None

    def before_file(fields: dict[str, str]) -> None:
        """A form sends its token before the files: checked before a byte is written."""
        nonlocal token_checked
        if not token_checked:
            check_csrf(request, auth, fields.get("csrf_token"))
            token_checked = True

    storage = rt.storage
    async with receive_uploads(
        request,
        storage.temp_dir(),
        settings.max_upload_bytes,
        max_files=MAX_FILES,
        max_total=settings.max_upload_bytes * REQUEST_FILES_MAX,
        before_file=before_file,
    ) as uploads:
        allowed = allowed_types(settings.allowed_upload_types)
        mimes = [await asyncio.to_thread(sniff, u.path, allowed) for u in uploads]
        fields = uploads[0].fields
        keys: list[str] = []
        try:
            async with rt.db.unit_of_work() as uow:
                ctx = await _upload_context(uow, user, space_id, widget_id, settings)
                library = await load_library(uow.session, widget_id)
                folder_id = folder_ref(fields, "folder_id")
                if not library.folder_live(folder_id):
                    raise NotFound(N_("No such folder."))
                total = sum(u.size for u in uploads)
                await check_quota(uow.session, space_id, total, settings.space_quota_bytes)
                taken = library.taken_file_names(folder_id)
                files: list[LibraryFile] = []
                for upload, mime in zip(uploads, mimes, strict=True):
                    stored = await do_store(
                        uow, storage, upload.path, space_id, widget_id, upload.size, mime
                    )
                    keys.append(stored.key)
                    name = free_name(upload.filename, taken, FILE_NAME_MAX)
                    taken.add(name.casefold())
                    file = LibraryFile(
                        widget_id=widget_id,
                        folder_id=folder_id,
                        storage_key=stored.key,
                        name=name,
                        size=upload.size,
                        mime=mime,
                        uploaded_by=user.id,
                        created_at=ctx.now,
                    )
                    uow.session.add(file)
                    files.append(file)
                await uow.session.flush()
                found = await people(ctx, {user.id})
                shown = public_view(ctx)
                for file in files:
                    await ctx.emit("library.file_added", {"file": _public(shown, file, found)})
                result = [file_json(ctx, f, found) for f in files]
                page_id = ctx.page.id
        except BaseException:
            for key in keys:  # stored, but the transaction did not commit
                storage.delete(key)
            raise
    return {"ok": True, "file": result[0], "files": result}, page_id


def _public(ctx: WidgetContext, file: LibraryFile, found: dict) -> dict[str, Any]:
    data = file_json(ctx, file, found)
    data.pop("size_label"), data.pop("type_label")  # each reader words them in their language
    return data


async def upload(request: Request) -> Response:
    """POST /spaces/{space_id}/widgets/{widget_id}/files: multipart, field ``file`` (one or
    more), optional ``folder_id``. JSON callers get 201 {ok, file, files}; a plain form is
    sent back to the page."""
    space_id, widget_id = request.path_params["space_id"], request.path_params["widget_id"]
    try:
        result, page_id = await _receive(request, space_id, widget_id)
    except DomainError as err:
        if not _wants_json(request):
            raise
        body = {"ok": False, "error": err.code, "message": translate(request, err.message)}
        return JSONResponse({**body, **err.details}, err.status)
    if _wants_json(request):
        return JSONResponse(result, status_code=201)
    return RedirectResponse(
        f"/spaces/{space_id}/pages/{page_id}#library-{widget_id}", status_code=303
    )


async def download(request: Request) -> Response:
    """GET /spaces/{space_id}/files/{file_id}/download."""
    space_id, file_id = request.path_params["space_id"], request.path_params["file_id"]
    auth = await get_auth(request)
    rt = runtime(request)
    async with rt.db.read() as session:
        try:
            file = await session.get(LibraryFile, file_id)
            if file is None or file.deleted_at is not None:
                raise NotFound(N_("No such file."))
            widget = await session.get(Widget, file.widget_id)
            page = await session.get(Page, widget.page_id) if widget else None
            space = await session.get(Space, space_id)
            if widget is None or page is None or space is None or page.space_id != space_id:
                raise NotFound(N_("No such file."))
            viewer = await get_viewer(session, auth.user, space_id)
            access_page(viewer, facts(space), page_facts(page), Action.READ)
            library = await load_library(session, widget.id)
            stored = await session.get(StoredFile, file.storage_key)
            if not library.file_live(file) or stored is None or stored.space_id != space_id:
                raise NotFound(N_("No such file."))
        except (NotFound, Forbidden):
            raise NotFound(N_("No such file.")) from None
    try:
        rt.storage.size(stored.key)
    except (OSError, ValueError):
        raise NotFound(N_("No such file.")) from None
    return file_response(rt.storage, stored, file.name)


routes = [
    Route("/spaces/{space_id:int}/widgets/{widget_id:int}/files", upload, methods=["POST"]),
    Route("/spaces/{space_id:int}/files/{file_id:int}/download", download, methods=["GET"]),
]
