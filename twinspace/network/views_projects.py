"""Pages: the projects tab, the multi-step project form, the co-founder's answer, the NSS queue."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from twinspace.accounts.models import School
from twinspace.errors import Forbidden, NotFound
from twinspace.i18n import N_
from twinspace.network import approval, projects
from twinspace.network.contacts import get_contact_book
from twinspace.network.forms import FormInvalid
from twinspace.network.kits import get_kits
from twinspace.network.members import is_eligible
from twinspace.network.models import PROJECT_FIELDS
from twinspace.network.pagectx import see_other, show
from twinspace.network.present import TABS, project_views
from twinspace.network.views_lifecycle import lifecycle_facts
from twinspace.permissions import access_network, access_nss
from twinspace.web.context import check_form_write, require_user, runtime, translate

STEPS = ("school", "partner", "details", "preview")
STEP_LABELS = {
    "school": N_("School"),
    "partner": N_("Co-founder"),
    "details": N_("The project"),
    "preview": N_("Preview"),
}
LIST_FIELDS = ("languages", "subjects", "tools")
FIELD_LABELS = {
    "school_id": N_("School"),
    "cofounder_id": N_("Co-founder"),
    "title": N_("Title"),
    "description": N_("Short description"),
    "languages": N_("Communication languages"),
    "age_min": N_("Pupils' age from"),
    "age_max": N_("Pupils' age to"),
    "pupils_count": N_("Number of pupils"),
    "subjects": N_("Subjects"),
    "tools": N_("Tools to be used"),
    "objectives": N_("Objectives"),
    "procedure": N_("Working procedure"),
    "results": N_("Expected results"),
}
FIELD_STEPS = {"school_id": "school", "cofounder_id": "partner"}  # the others: "details"


async def _reader(request: Request):
    _, user = await require_user(request)
    access_network(user.kind, user.school_id is not None)
    return user


async def _writer(request: Request):
    _, user, form = await check_form_write(request)
    access_network(user.kind, user.school_id is not None)
    return user, form


async def projects_page(request: Request) -> Response:
    user = await _reader(request)
    tab = request.query_params.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    async with runtime(request).db.read() as session:
        views = await project_views(session, await projects.get_projects_of(session, user.id))
        may_found = await is_eligible(session, user)
    counts = {t: sum(1 for v in views if v.tab == t) for t in TABS}
    return await show(
        request,
        "projects.html",
        {
            "nav": "projects",
            "tab": tab,
            "tabs": [t for t in TABS if t != "draft" or counts["draft"]],
            "counts": counts,
            "views": [v for v in views if v.tab == tab],
            "may_found": may_found,
        },
    )


async def project_new(request: Request) -> Response:
    """Start (or resume) the draft; GET shows a button so that a link never writes."""
    if request.method == "GET":
        return await _start_page(request)
    user, form = await _writer(request)
    try:
        async with runtime(request).db.unit_of_work() as uow:
            draft = await projects.do_start_draft(uow, user, form.get("kit_id"))
    except FormInvalid as err:
        return await _start_page(request, translate(request, err.fields["kit_id"]), err.status)
    return see_other(f"/projects/{draft.id}/form/school")


async def _start_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    user = await _reader(request)
    async with runtime(request).db.read() as session:
        await projects.check_founder(session, user)
        kits = await get_kits(session)
    context = {"nav": "projects", "kits": kits, "error": error}
    return await show(request, "project_start.html", context, status)


async def _form_context(request: Request, user: Any, project_id: int) -> dict[str, Any]:
    async with runtime(request).db.read() as session:
        project = await projects.get_visible_project(session, user, project_id)
        if project.founder_id != user.id or project.status != "draft":
            raise NotFound(N_("No such project."))
        school = await session.get(School, user.school_id) if user.school_id else None
        book = await get_contact_book(session, user.id)
        (view,) = await project_views(session, [project])
    return {
        "nav": "projects",
        "project": project,
        "view": view,
        "school": school,
        "partners": [m for m in book.contacts if m.eligible],
        "others": [m for m in book.contacts if not m.eligible],
        "steps": [(s, translate(request, STEP_LABELS[s])) for s in STEPS],
        "values": project.form_values(),
        "missing": {
            name: translate(request, message)
            for name, message in projects.missing_messages(project).items()
        },
        "field_labels": {name: translate(request, label) for name, label in FIELD_LABELS.items()},
        "field_steps": FIELD_STEPS,
    }


async def project_form(request: Request) -> Response:
    step = request.path_params["step"]
    if step not in STEPS:
        raise NotFound(N_("Page not found."))
    project_id = request.path_params["project_id"]
    if request.method == "GET":
        user = await _reader(request)
        context = await _form_context(request, user, project_id)
        back = request.query_params.get("from") == "preview"
        return await show(
            request, "project_form.html", {**context, "step": step, "back_to_preview": back}
        )
    user, form = await _writer(request)
    body: dict[str, Any] = {}
    if step == "school":
        body["school_id"] = _int(form.get("school_id"))
    elif step == "partner":
        body["cofounder_id"] = _int(form.get("cofounder_id"))
    elif step == "details":
        body = {name: form.get(name, "") for name in PROJECT_FIELDS if name not in LIST_FIELDS}
        body.update({name: form.getlist(name) for name in LIST_FIELDS})
    try:
        async with runtime(request).db.unit_of_work() as uow:
            if step == "preview":
                await projects.check_submit(uow, user, project_id)
            else:
                await projects.do_save_draft(uow, user, project_id, body)
    except FormInvalid as err:
        context = await _form_context(request, user, project_id)
        if step == "details":
            context["values"] = {**context["values"], **body}
        errors = {k: translate(request, v) for k, v in err.fields.items()}
        back = form.get("back_to") == "preview"
        return await show(
            request,
            "project_form.html",
            {**context, "step": step, "errors": errors, "back_to_preview": back},
            err.status,
        )
    if step == "preview":
        return see_other(f"/projects/{project_id}")
    following = STEPS[STEPS.index(step) + 1]
    if form.get("back_to") == "preview":
        following = "preview"
    return see_other(f"/projects/{project_id}/form/{following}")


def _int(raw: object) -> object:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return raw


async def project_page(request: Request) -> Response:
    user = await _reader(request)
    async with runtime(request).db.read() as session:
        project = await projects.get_visible_project(
            session, user, request.path_params["project_id"]
        )
        (view,) = await project_views(session, [project])
    mine_to_decide = None
    if user.kind == "nss" and project.status == "pending_nss":
        mine_to_decide = next(
            (
                a
                for a in view.approvals
                if a.country_code == user.country_code and a.status == "pending"
            ),
            None,
        )
    return await show(
        request,
        "project.html",
        {
            "nav": "projects" if user.kind != "nss" else "nss",
            "view": view,
            "project": project,
            "is_cofounder": project.cofounder_id == user.id,
            "nss_pending": mine_to_decide is not None,
            "lifecycle": await lifecycle_facts(request, user, project.space_id),
        },
    )


async def cofounder_answer_submit(request: Request) -> Response:
    user, form = await _writer(request)
    answer = form.get("answer")
    if answer not in ("accept", "refuse"):
        raise NotFound(N_("Page not found."))
    project_id = request.path_params["project_id"]
    async with runtime(request).db.unit_of_work() as uow:
        await projects.do_cofounder_answer(uow, user, project_id, answer == "accept")
    return see_other(f"/projects/{project_id}")


async def nss_page(request: Request) -> Response:
    user = await _reader(request)
    if user.kind != "nss":
        raise Forbidden(N_("Only national support service officers can do this."))
    async with runtime(request).db.read() as session:
        waiting = await approval.get_nss_queue(session, user, decided=False)
        decided = await approval.get_nss_queue(session, user, decided=True)
        views = await project_views(session, [i.project for i in waiting])
    return await show(
        request,
        "nss.html",
        {"nav": "nss", "views": views, "decided": decided[:20], "country": user.country_code},
    )


async def nss_decide_submit(request: Request) -> Response:
    user, form = await _writer(request)
    access_nss(user.kind, user.country_code, {user.country_code or ""})
    decision = form.get("decision")
    project_id = request.path_params["project_id"]
    async with runtime(request).db.unit_of_work() as uow:
        if decision == "validate":
            await approval.do_validate(uow, user, project_id)
        elif decision == "refuse":
            await approval.do_refuse(uow, user, project_id, form.get("reason"))
        else:
            raise NotFound(N_("Page not found."))
    return see_other("/nss")


routes = [
    Route("/projects", projects_page, methods=["GET"]),
    Route("/projects/new", project_new, methods=["GET", "POST"]),
    Route("/projects/{project_id:int}", project_page, methods=["GET"]),
    Route("/projects/{project_id:int}/form/{step:str}", project_form, methods=["GET", "POST"]),
    Route("/projects/{project_id:int}/answer", cofounder_answer_submit, methods=["POST"]),
    Route("/nss", nss_page, methods=["GET"]),
    Route("/nss/projects/{project_id:int}", nss_decide_submit, methods=["POST"]),
]
