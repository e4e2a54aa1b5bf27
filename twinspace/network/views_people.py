"""Pages: partner finding, people and contacts (registering: views_register.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from twinspace.accounts.models import Country
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.label.badges import badges_for_teacher
from twinspace.network import contacts, postings, profiles, views_register
from twinspace.network.forms import FormInvalid
from twinspace.network.guard import reach_out
from twinspace.network.members import (
    country_name,
    get_member,
    index_missing_members,
    is_eligible,
    search_members,
)
from twinspace.network.pagectx import see_other, show
from twinspace.network.projects import check_founder
from twinspace.network.text import page_number
from twinspace.network.vocab import AGE_GROUPS
from twinspace.permissions import access_network
from twinspace.web.context import (
    check_form_write,
    locale_of,
    require_user,
    runtime,
    translate,
)

FORM_LISTS = ("subjects", "languages")


async def _reader(request: Request):
    _, user = await require_user(request)
    access_network(user.kind, user.school_id is not None)
    return user


async def _writer(request: Request):
    _, user, form = await check_form_write(request)
    access_network(user.kind, user.school_id is not None)
    return user, form


def _form_dict(form: Any, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    for name in lists:
        data[name] = form.getlist(name)
    return data


def _errors(request: Request, err: FormInvalid) -> dict[str, str]:
    return {k: translate(request, v) for k, v in err.fields.items()}


# --- postings ------------------------------------------------------------------------------


async def postings_page(request: Request) -> Response:
    user = await _reader(request)
    filters = postings.PostingFilters.from_params(request.query_params)
    async with runtime(request).db.read() as session:
        found = await postings.search_postings(
            session, filters, page_number(request.query_params.get("page"))
        )
        countries = list(await session.scalars(select(Country).where(Country.eligible.is_(True))))
        may_post = await is_eligible(session, user)
    return await show(
        request,
        "postings.html",
        {
            "nav": "postings",
            "found": found,
            "filters": filters,
            "params": filters.params(),
            "countries": sorted(
                ((c.code, country_name(c.code, locale_of(request), c.name)) for c in countries),
                key=lambda c: c[1],
            ),
            "may_post": may_post,
        },
    )


async def posting_page(request: Request) -> Response:
    user = await _reader(request)
    async with runtime(request).db.read() as session:
        posting = await postings.get_posting(session, request.path_params["posting_id"])
    if posting is None or posting.status != "active":
        raise NotFound(N_("No such posting."))
    return await show(
        request,
        "posting.html",
        {"nav": "postings", "posting": posting, "mine": posting.author_id == user.id},
    )


async def posting_form(request: Request) -> Response:
    """New posting (no id) or editing one's own posting."""
    posting_id = request.path_params.get("posting_id")
    rt = runtime(request)
    if request.method == "GET":
        user = await _reader(request)
        values: dict[str, Any] = {"age_min": 10, "age_max": 14}
        async with rt.db.read() as session:
            await check_founder(session, user)
            if posting_id is not None:
                posting = await postings.get_posting(session, posting_id)
                if posting is None or posting.author_id != user.id or posting.status != "active":
                    raise NotFound(N_("No such posting."))
                values = postings.posting_json(posting, author=False)
        return await show(
            request,
            "posting_form.html",
            {"nav": "postings", "values": values, "posting_id": posting_id},
        )
    user, form = await _writer(request)
    reach_out(request, user)
    values = _form_dict(form, FORM_LISTS)
    try:
        async with rt.db.unit_of_work() as uow:
            await check_founder(uow.session, user)
            clean = postings.check_posting_fields(values)
            if posting_id is None:
                posting = await postings.do_publish_posting(uow, user, clean)
            else:
                posting = await postings.do_edit_posting(uow, user, posting_id, clean)
    except FormInvalid as err:
        context = {
            "nav": "postings",
            "values": values,
            "posting_id": posting_id,
            "errors": _errors(request, err),
        }
        return await show(request, "posting_form.html", context, err.status)
    return see_other(f"/postings/{posting.id}")


async def posting_withdraw(request: Request) -> Response:
    user, _ = await _writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await postings.do_withdraw_posting(uow, user, request.path_params["posting_id"])
    return see_other(f"/members/{user.id}")


# --- people and contacts -------------------------------------------------------------------


async def people_page(request: Request) -> Response:
    await _reader(request)
    rt = runtime(request)
    await index_missing_members(rt.db)
    query = str(request.query_params.get("q", ""))[:200]
    country = str(request.query_params.get("country", "")).upper()[:2]
    async with rt.db.read() as session:
        found = await search_members(
            session, query, country, page_number(request.query_params.get("page"))
        )
        countries = list(await session.scalars(select(Country)))
    params = {k: v for k, v in {"q": query, "country": country}.items() if v}
    return await show(
        request,
        "people.html",
        {
            "nav": "people",
            "found": found,
            "query": query,
            "country": country,
            "params": params,
            "countries": sorted(
                ((c.code, country_name(c.code, locale_of(request), c.name)) for c in countries),
                key=lambda c: c[1],
            ),
        },
    )


async def member_page(request: Request) -> Response:
    user = await _reader(request)
    async with runtime(request).db.read() as session:
        member = await get_member(session, request.path_params["user_id"])
        if member is None:
            raise NotFound(N_("No such member."))
        items = await postings.get_postings_by(session, member.user.id)
        state = await contacts.contact_state(session, user.id, member.user.id)
        labels = await badges_for_teacher(session, member.user.id)
        profile = await profiles.get_profile(session, member.user.id)
        public = await profiles.get_public_projects(session, member.user.id)
    return await show(
        request,
        "member.html",
        {
            "nav": "people",
            "member": member,
            "postings": items,
            "contact": state,
            "profile": profiles.profile_json(member.user.id, profile),
            "public_projects": public,
            "labels": labels,
            "age_group_labels": {k: translate(request, v) for k, v in AGE_GROUPS.items()},
        },
    )


async def contact_request_submit(request: Request) -> Response:
    user, form = await _writer(request)
    reach_out(request, user)
    target = request.path_params["user_id"]
    await contacts.check_request_contact(runtime(request).db, user, target, form.get("message", ""))
    return see_other(f"/members/{target}")


async def contacts_page(request: Request) -> Response:
    user = await _reader(request)
    async with runtime(request).db.read() as session:
        book = await contacts.get_contact_book(session, user.id)
    return await show(request, "contacts.html", {"nav": "people", "book": book})


async def contact_answer_submit(request: Request) -> Response:
    user, _ = await _writer(request)
    answer = request.path_params["answer"]
    if answer not in ("accept", "decline"):
        raise NotFound(N_("Page not found."))
    async with runtime(request).db.unit_of_work() as uow:
        await contacts.do_answer_request(
            uow, user, request.path_params["request_id"], answer == "accept"
        )
    return see_other("/contacts")


async def contact_cancel_submit(request: Request) -> Response:
    user, _ = await _writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await contacts.do_cancel_request(uow, user, request.path_params["request_id"])
    return see_other("/contacts")


async def contact_remove_submit(request: Request) -> Response:
    user, _ = await _writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await contacts.do_remove_contact(uow, user, request.path_params["user_id"])
    return see_other("/contacts")


routes = [
    *views_register.routes,
    Route("/postings", postings_page, methods=["GET"]),
    Route("/postings/new", posting_form, methods=["GET", "POST"]),
    Route("/postings/{posting_id:int}", posting_page, methods=["GET"]),
    Route("/postings/{posting_id:int}/edit", posting_form, methods=["GET", "POST"]),
    Route("/postings/{posting_id:int}/withdraw", posting_withdraw, methods=["POST"]),
    Route("/people", people_page, methods=["GET"]),
    Route("/members/{user_id:int}", member_page, methods=["GET"]),
    Route("/members/{user_id:int}/contact", contact_request_submit, methods=["POST"]),
    Route("/contacts", contacts_page, methods=["GET"]),
    Route("/contacts/requests/{request_id:int}/cancel", contact_cancel_submit, methods=["POST"]),
    Route(
        "/contacts/requests/{request_id:int}/{answer:str}", contact_answer_submit, methods=["POST"]
    ),
    Route("/contacts/{user_id:int}/remove", contact_remove_submit, methods=["POST"]),
]
