"""Pages and API for a person's data: download it, erase it (SPEC §5's CLI does the same)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.cookies import SESSION_COOKIE
from twinspace.accounts.models import User
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import PUPIL_ROLES, DataRequest, access_personal_data
from twinspace.privacy.actions import erase_person, export_person
from twinspace.realtime.handlers import disconnect_sessions
from twinspace.spaces.models import Membership
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    json_body,
    render,
    require_user,
    runtime,
)


async def roles_over_pupil(session: AsyncSession, actor_id: int, subject_id: int) -> set[str]:
    """The actor's roles in the TwinSpaces where the subject is a pupil."""
    pupil, actor = aliased(Membership), aliased(Membership)
    rows = await session.scalars(
        select(actor.role)
        .join(pupil, pupil.space_id == actor.space_id)
        .where(
            actor.user_id == actor_id,
            pupil.user_id == subject_id,
            pupil.role.in_([role.value for role in PUPIL_ROLES]),
        )
    )
    return set(rows)


async def _subject(request: Request, user: User, data_request: DataRequest) -> User:
    subject_id = request.path_params.get("user_id", user.id)
    async with runtime(request).db.read() as session:
        subject = await session.get(User, subject_id)
        if subject is None or subject.username == "former-member":
            raise NotFound(N_("No such person."))
        roles = await roles_over_pupil(session, user.id, subject.id)
    access_personal_data(
        data_request,
        actor_id=user.id,
        actor_kind=user.kind,
        subject_id=subject.id,
        subject_kind=subject.kind,
        roles_over_pupil=roles,
    )
    return subject


def _may_erase(user: User, subject: User, roles: set[str]) -> bool:
    try:
        access_personal_data(
            DataRequest.ERASE,
            actor_id=user.id,
            actor_kind=user.kind,
            subject_id=subject.id,
            subject_kind=subject.kind,
            roles_over_pupil=roles,
        )
    except Exception:
        return False
    return True


async def data_page(request: Request) -> Response:
    _, user = await require_user(request)
    subject = await _subject(request, user, DataRequest.EXPORT)
    async with runtime(request).db.read() as session:
        roles = await roles_over_pupil(session, user.id, subject.id)
    return await render(
        request,
        "privacy.html",
        {
            "subject": subject,
            "own": subject.id == user.id,
            "may_erase": _may_erase(user, subject, roles),
        },
    )


async def _zip(request: Request, subject: User) -> Response:
    rt = runtime(request)
    folder = Path(tempfile.mkdtemp(prefix="twinspace-export-"))
    path = await export_person(rt.db, rt.storage, subject.id, folder / f"{subject.username}.zip")

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"twinspace-{subject.username}.zip",
        headers={"cache-control": "no-store"},
        background=BackgroundTask(cleanup),
    )


async def export_form(request: Request) -> Response:
    _, user, _ = await check_form_write(request)
    return await _zip(request, await _subject(request, user, DataRequest.EXPORT))


async def api_export(request: Request) -> Response:
    _, user = await check_api_write(request)
    return await _zip(request, await _subject(request, user, DataRequest.EXPORT))


async def _erase(request: Request, user: User, confirm: object) -> tuple[User, dict]:
    subject = await _subject(request, user, DataRequest.ERASE)
    if confirm != subject.username:
        raise Invalid(N_("Type the username to confirm."), field="confirm")
    rt = runtime(request)
    erasure, sessions = await erase_person(rt.db, rt.storage, subject.id)
    await disconnect_sessions(rt, sessions)
    return subject, {
        "ok": True,
        "deleted": sum(erasure.deleted.values()),
        "kept_as_former_member": sum(erasure.reattributed.values()),
        "files_removed": len(erasure.file_keys),
    }


async def erase_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    subject, _ = await _erase(request, user, form.get("confirm"))
    if subject.id == user.id:
        response = RedirectResponse("/?erased=1", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return RedirectResponse("/?erased=1", status_code=303)


async def api_erase(request: Request) -> Response:
    _, user = await check_api_write(request)
    body = await json_body(request)
    subject, answer = await _erase(request, user, body.get("confirm"))
    response = JSONResponse(answer)
    if subject.id == user.id:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes = [
    Route("/account/data", data_page, methods=["GET"]),
    Route("/account/data/export", export_form, methods=["POST"]),
    Route("/account/data/erase", erase_form, methods=["POST"]),
    Route("/people/{user_id:int}/data", data_page, methods=["GET"]),
    Route("/people/{user_id:int}/data/export", export_form, methods=["POST"]),
    Route("/people/{user_id:int}/data/erase", erase_form, methods=["POST"]),
    Route("/api/v1/me/data", api_export, methods=["POST"]),
    Route("/api/v1/me/data/erase", api_erase, methods=["POST"]),
    Route("/api/v1/people/{user_id:int}/data", api_export, methods=["POST"]),
    Route("/api/v1/people/{user_id:int}/data/erase", api_erase, methods=["POST"]),
]
