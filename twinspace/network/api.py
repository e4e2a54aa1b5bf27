"""The network's JSON API: registration, countries, postings, members, contacts (projects and
the NSS in api_projects.py)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.accounts.models import Country, School
from twinspace.accounts.verification import send_verification
from twinspace.accounts.views_mail import link_base
from twinspace.errors import NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.label.badges import badges_for_teacher
from twinspace.network import api_projects, contacts, countries, postings, profiles, projects
from twinspace.network import api_schemas as S
from twinspace.network.guard import (
    api,
    lang,
    network_reader,
    network_writer,
    path_choice,
    reach_out,
)
from twinspace.network.members import country_name, get_member, index_missing_members
from twinspace.network.members import search_members as find_members
from twinspace.network.registration import check_register
from twinspace.network.text import page_number
from twinspace.network.views_register import end_previous_session
from twinspace.schema import declare
from twinspace.web.context import check_origin, client_address, json_body, runtime
from twinspace.web.login import set_session_cookie, user_json


@declare(
    "Create a teacher or member account (and log in)",
    body=S.Registration,
    answer=S.RegisteredOut,
    status=201,
    errors=(403, 409, 429),
    auth="none",
)
@api
async def register(request: Request) -> JSONResponse:
    check_origin(request)
    rt = runtime(request)
    body = await json_body(request)
    logged_in = await check_register(
        rt.db, rt.passwords, rt.settings, body, client_address(request)
    )
    await end_previous_session(request)
    send_verification(rt.settings, logged_in.user, link_base(request), gettext_for(lang(request)))
    response = JSONResponse(
        {"ok": True, "user": user_json(logged_in.user), "csrf_token": logged_in.session.csrf_token},
        201,
    )
    set_session_cookie(request, response, logged_in.token)
    return response


@declare("The countries, and which are eligible for eTwinning", answer=S.CountriesOut, auth="none")
async def list_countries(request: Request) -> JSONResponse:
    async with runtime(request).db.read() as session:
        rows = await session.scalars(select(Country).order_by(Country.name))
        items = [
            {
                "code": c.code,
                "name": country_name(c.code, lang(request), c.name),
                "eligible": c.eligible,
            }
            for c in rows
        ]
    return JSONResponse({"countries": items})


@declare("The schools of a country", query=S.SchoolsQuery, answer=S.SchoolsOut, auth="none")
async def list_schools(request: Request) -> JSONResponse:
    code = str(request.query_params.get("country", "")).upper()[:2]
    async with runtime(request).db.read() as session:
        rows = await session.scalars(
            select(School).where(School.country_code == code).order_by(School.name).limit(500)
        )
        items = [{"id": s.id, "name": s.name, "city": s.city} for s in rows]
    return JSONResponse({"schools": items})


# --- postings ----------------------------------------------------------------------------


@declare(
    "Search the partner-finding postings",
    query=S.PostingsQuery,
    answer=S.PostingsOut,
    errors=(403,),
)
async def list_postings(request: Request) -> JSONResponse:
    await network_reader(request)
    filters = postings.PostingFilters.from_params(request.query_params)
    async with runtime(request).db.read() as session:
        found = await postings.search_postings(
            session, filters, page_number(request.query_params.get("page"))
        )
    items = [postings.posting_json(p, lang(request)) for p in found.items]
    return JSONResponse({"postings": items, **found.meta()})


@declare("One posting", answer=S.PostingOut, errors=(403,))
async def show_posting(request: Request) -> JSONResponse:
    await network_reader(request)
    async with runtime(request).db.read() as session:
        posting = await postings.get_posting(session, request.path_params["posting_id"])
    if posting is None or posting.status != "active":
        raise NotFound(N_("No such posting."))
    return JSONResponse(postings.posting_json(posting, lang(request)))


@declare(
    "Publish a partner-finding posting", body=S.PostingFields, answer=S.SavedPostingOut, status=201
)
@api
async def create_posting(request: Request) -> JSONResponse:
    user = await network_writer(request)
    reach_out(request, user)
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        await projects.check_founder(uow.session, user)
        values = postings.check_posting_fields(body)
        posting = await postings.do_publish_posting(uow, user, values)
    return JSONResponse({"ok": True, **postings.posting_json(posting, author=False)}, 201)


@declare(
    "Change one's own posting (the fields given)", body=S.PostingChanges, answer=S.SavedPostingOut
)
@api
async def edit_posting(request: Request) -> JSONResponse:
    user = await network_writer(request)
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        posting = await postings.get_own_posting(uow, user, request.path_params["posting_id"])
        merged = {**postings.posting_json(posting, author=False), **body}
        values = postings.check_posting_fields(merged)
        posting = await postings.do_edit_posting(uow, user, posting.id, values)
    return JSONResponse({"ok": True, **postings.posting_json(posting, author=False)})


@declare("Withdraw one's own posting")
async def withdraw_posting(request: Request) -> JSONResponse:
    user = await network_writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await postings.do_withdraw_posting(uow, user, request.path_params["posting_id"])
    return JSONResponse({"ok": True})


# --- members and contacts ----------------------------------------------------------------


@declare(
    "Search the network's members", query=S.MembersQuery, answer=S.NetworkMembersOut, errors=(403,)
)
async def search_members(request: Request) -> JSONResponse:
    await network_reader(request)
    rt = runtime(request)
    await index_missing_members(rt.db)
    params = request.query_params
    async with rt.db.read() as session:
        found = await find_members(
            session,
            str(params.get("q", "")),
            str(params.get("country", "")),
            page_number(params.get("page")),
        )
    return JSONResponse({"members": [m.json(lang(request)) for m in found.items], **found.meta()})


@declare(
    "One member, their postings and the caller's contact state",
    answer=S.MemberPageOut,
    errors=(403,),
)
async def show_member(request: Request) -> JSONResponse:
    user = await network_reader(request)
    async with runtime(request).db.read() as session:
        member = await get_member(session, request.path_params["user_id"])
        if member is None:
            raise NotFound(N_("No such member."))
        items = await postings.get_postings_by(session, member.user.id)
        state = await contacts.contact_state(session, user.id, member.user.id)
        labels = await badges_for_teacher(session, member.user.id)
        profile = await profiles.get_profile(session, member.user.id)
        public = await profiles.get_public_projects(session, member.user.id)
    return JSONResponse(
        {
            **member.json(lang(request)),
            "labels": labels,
            "postings": [postings.posting_json(p, author=False) for p in items],
            "contact": state,
            "profile": profiles.profile_json(member.user.id, profile),
            "public_projects": [profiles.public_project_json(s) for s in public],
        }
    )


@declare("The caller's contacts and contact requests", answer=S.ContactBookOut, errors=(403,))
async def list_contacts(request: Request) -> JSONResponse:
    user = await network_reader(request)
    async with runtime(request).db.read() as session:
        book = await contacts.get_contact_book(session, user.id)
    locale = lang(request)

    def request_json(row, member) -> dict[str, object]:
        return {
            "id": row.id,
            "message": row.message,
            "created_at": row.created_at.isoformat(),
            "member": member.json(locale),
        }

    return JSONResponse(
        {
            "contacts": [m.json(locale) for m in book.contacts],
            "incoming": [request_json(r, m) for r, m in book.incoming],
            "outgoing": [request_json(r, m) for r, m in book.outgoing],
        }
    )


@declare(
    "Ask a member to become a contact",
    body=S.ContactAsk,
    answer=S.NewContactRequestOut,
    status=201,
    errors=(409, 429),
)
async def request_contact(request: Request) -> JSONResponse:
    user = await network_writer(request)
    reach_out(request, user)
    body = await json_body(request)
    row = await contacts.check_request_contact(
        runtime(request).db, user, body.get("user_id"), body.get("message")
    )
    return JSONResponse({"ok": True, "id": row.id, "status": row.status}, 201)


@declare(
    "Accept or decline a contact request (answer: accept or decline)",
    answer=S.ContactStateOut,
    errors=(409,),
)
async def answer_request(request: Request) -> JSONResponse:
    user = await network_writer(request)
    accept = path_choice(request, "answer", ("accept", "decline")) == "accept"
    async with runtime(request).db.unit_of_work() as uow:
        row = await contacts.do_answer_request(uow, user, request.path_params["request_id"], accept)
    return JSONResponse({"ok": True, "status": row.status})


@declare("Cancel a contact request one sent")
async def cancel_request(request: Request) -> JSONResponse:
    user = await network_writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await contacts.do_cancel_request(uow, user, request.path_params["request_id"])
    return JSONResponse({"ok": True})


@declare("Remove a contact")
async def remove_contact(request: Request) -> JSONResponse:
    user = await network_writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await contacts.do_remove_contact(uow, user, request.path_params["user_id"])
    return JSONResponse({"ok": True})


routes = [
    *countries.routes,
    *api_projects.routes,
    Route("/api/v1/register", register, methods=["POST"]),
    Route("/api/v1/countries", list_countries, methods=["GET"]),
    Route("/api/v1/schools", list_schools, methods=["GET"]),
    Route("/api/v1/postings", list_postings, methods=["GET"]),
    Route("/api/v1/postings", create_posting, methods=["POST"]),
    Route("/api/v1/postings/{posting_id:int}", show_posting, methods=["GET"]),
    Route("/api/v1/postings/{posting_id:int}", edit_posting, methods=["PATCH"]),
    Route("/api/v1/postings/{posting_id:int}", withdraw_posting, methods=["DELETE"]),
    Route("/api/v1/members", search_members, methods=["GET"]),
    Route("/api/v1/members/{user_id:int}", show_member, methods=["GET"]),
    Route("/api/v1/contacts", list_contacts, methods=["GET"]),
    Route("/api/v1/contacts/{user_id:int}", remove_contact, methods=["DELETE"]),
    Route("/api/v1/contact-requests", request_contact, methods=["POST"]),
    Route("/api/v1/contact-requests/{request_id:int}", cancel_request, methods=["DELETE"]),
    Route(
        "/api/v1/contact-requests/{request_id:int}/{answer:str}",
        answer_request,
        methods=["POST"],
    ),
]
