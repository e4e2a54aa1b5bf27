"""Pages: registering as a teacher or a platform member (the form keeps what was typed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from twinspace.accounts.auth import do_end_session
from twinspace.accounts.models import Country, School
from twinspace.accounts.verification import send_verification
from twinspace.accounts.views_mail import link_base
from twinspace.errors import DomainError
from twinspace.i18n import gettext_for
from twinspace.network.forms import FormInvalid
from twinspace.network.members import country_name
from twinspace.network.pagectx import see_other, show
from twinspace.network.registration import check_register
from twinspace.realtime.handlers import disconnect_sessions
from twinspace.web.context import (
    check_origin,
    client_address,
    get_auth,
    locale_of,
    runtime,
    translate,
)
from twinspace.web.login import set_session_cookie


async def end_previous_session(request: Request) -> None:
    """Like logging in: registering from a logged-in browser ends its earlier session."""
    previous = await get_auth(request)
    if previous.session is not None:
        rt = runtime(request)
        await do_end_session(rt.db, previous.session.id)
        await disconnect_sessions(rt, [previous.session.id])


def _errors(request: Request, err: FormInvalid) -> dict[str, str]:
    return {k: translate(request, v) for k, v in err.fields.items()}


async def _countries_and_schools(request: Request) -> dict[str, Any]:
    locale = locale_of(request)
    async with runtime(request).db.read() as session:
        countries = list(await session.scalars(select(Country)))
        schools = list(await session.scalars(select(School).order_by(School.name).limit(2000)))
    named = sorted(
        ((c.code, country_name(c.code, locale, c.name), c.eligible) for c in countries),
        key=lambda c: c[1],
    )
    return {"countries": named, "schools": schools}


async def register_page(request: Request) -> Response:
    auth = await get_auth(request)
    if auth.user is not None:
        return see_other("/")
    values = {"institution": "school", "school_id": "new"}
    return await show(
        request, "register.html", {**await _countries_and_schools(request), "values": values}
    )


async def register_submit(request: Request) -> Response:
    check_origin(request)
    rt = runtime(request)
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        logged_in = await check_register(
            rt.db, rt.passwords, rt.settings, values, client_address(request)
        )
    except FormInvalid as err:
        values.pop("password", None)
        context = {
            **await _countries_and_schools(request),
            "values": values,
            "errors": _errors(request, err),
        }
        return await show(request, "register.html", context, err.status)
    except DomainError as err:
        values.pop("password", None)
        context = {
            **await _countries_and_schools(request),
            "values": values,
            "error": translate(request, err.message),
        }
        return await show(request, "register.html", context, err.status)
    await end_previous_session(request)
    send_verification(
        rt.settings, logged_in.user, link_base(request), gettext_for(locale_of(request))
    )
    response = see_other("/postings" if logged_in.user.kind == "teacher" else "/")
    set_session_cookie(request, response, logged_in.token)
    return response


routes = [
    Route("/register", register_page, methods=["GET"]),
    Route("/register", register_submit, methods=["POST"]),
]
