"""The site administrator's table of countries: which are eligible is data, not code."""

from __future__ import annotations

import re

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import Country, User
from twinspace.db import Database
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.network import api_schemas as S
from twinspace.network.guard import network_reader, network_writer
from twinspace.network.members import country_name
from twinspace.network.pagectx import see_other, show
from twinspace.permissions import access_network, access_site_admin
from twinspace.schema import declare
from twinspace.web.context import check_form_write, json_body, locale_of, runtime

CODE_RE = re.compile(r"^[A-Z]{2}$")


async def do_set_eligible(db: Database, admin: User, code: object, eligible: object) -> Country:
    access_site_admin(admin.kind)
    if not isinstance(eligible, bool):
        raise Invalid(N_("'eligible' must be true or false."))
    async with db.unit_of_work() as uow:
        country = await uow.session.get(Country, str(code).upper())
        if country is None:
            raise NotFound(N_("No such country."))
        country.eligible = eligible
    return country


async def do_add_country(
    db: Database, admin: User, code: object, name: object, eligible: object
) -> Country:
    access_site_admin(admin.kind)
    if not isinstance(code, str) or not CODE_RE.match(code.strip().upper()):
        raise Invalid(N_("A country code is two letters (ISO 3166-1), such as FR."))
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 80:
        raise Invalid(N_("Give the country's name (at most 80 characters)."))
    if not isinstance(eligible, bool):
        raise Invalid(N_("'eligible' must be true or false."))
    async with db.unit_of_work() as uow:
        if await uow.session.get(Country, code.strip().upper()) is not None:
            raise Conflict(N_("This country is in the table already."))
        country = Country(code=code.strip().upper(), name=name.strip(), eligible=eligible)
        uow.session.add(country)
    return country


@declare(
    "Make a country eligible or not (site administrators)",
    body=S.Eligibility,
    answer=S.CountrySetOut,
)
async def api_set_country(request: Request) -> JSONResponse:
    user = await network_writer(request)
    body = await json_body(request)
    country = await do_set_eligible(
        runtime(request).db, user, request.path_params["code"], body.get("eligible")
    )
    return JSONResponse({"ok": True, "code": country.code, "eligible": country.eligible})


@declare(
    "Add a country to the table (site administrators)",
    body=S.NewCountry,
    answer=S.CountryAddedOut,
    status=201,
    errors=(409,),
)
async def api_add_country(request: Request) -> JSONResponse:
    user = await network_writer(request)
    body = await json_body(request)
    country = await do_add_country(
        runtime(request).db, user, body.get("code"), body.get("name"), body.get("eligible", True)
    )
    return JSONResponse(
        {"ok": True, "code": country.code, "name": country.name, "eligible": country.eligible}, 201
    )


async def countries_page(request: Request) -> Response:
    user = await network_reader(request)
    access_site_admin(user.kind)
    async with runtime(request).db.read() as session:
        rows = list(await session.scalars(select(Country)))
    locale = locale_of(request)
    items = sorted(
        ((c.code, country_name(c.code, locale, c.name), c.eligible) for c in rows),
        key=lambda c: c[1],
    )
    return await show(request, "countries.html", {"nav": "countries", "items": items})


async def countries_submit(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    access_network(user.kind, user.school_id is not None)
    db = runtime(request).db
    if form.get("add"):
        await do_add_country(
            db, user, form.get("code", ""), form.get("name", ""), form.get("eligible") == "true"
        )
    else:
        await do_set_eligible(db, user, form.get("code", ""), form.get("eligible") == "true")
    return see_other("/admin/countries")


routes = [
    Route("/api/v1/countries", api_add_country, methods=["POST"]),
    Route("/api/v1/countries/{code}", api_set_country, methods=["PATCH"]),
    Route("/admin/countries", countries_page, methods=["GET"]),
    Route("/admin/countries", countries_submit, methods=["POST"]),
]
