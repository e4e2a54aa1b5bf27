"""The network's JSON API for projects: drafts, submitting, the co-founder's answer, and the
national support services' queue and decisions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.network import api_schemas as S
from twinspace.network import approval, projects
from twinspace.network.guard import api, lang, network_reader, network_writer, path_choice
from twinspace.network.present import project_views
from twinspace.permissions import access_nss
from twinspace.schema import declare
from twinspace.web.context import json_body, runtime


async def _project_answer(request: Request, project_id: int, status: int = 200) -> JSONResponse:
    user = await network_reader(request)
    async with runtime(request).db.read() as session:
        project = await projects.get_visible_project(session, user, project_id)
        (view,) = await project_views(session, [project])
    return JSONResponse({"ok": True, **view.json(lang(request))}, status)


@declare("The caller's projects", query=S.ProjectsQuery, answer=S.ProjectsOut, errors=(403,))
async def list_projects(request: Request) -> JSONResponse:
    user = await network_reader(request)
    async with runtime(request).db.read() as session:
        views = await project_views(session, await projects.get_projects_of(session, user.id))
    tab = request.query_params.get("status")
    items = [v.json(lang(request)) for v in views if tab in (None, "", v.tab)]
    return JSONResponse({"projects": items})


@declare("One project the caller may see", answer=S.ProjectAnswerOut, errors=(403,))
async def show_project(request: Request) -> JSONResponse:
    return await _project_answer(request, request.path_params["project_id"])


@declare(
    "Start (or return) the caller's draft project, optionally saving fields",
    body=S.ProjectDraft,
    answer=S.ProjectAnswerOut,
    status=201,
    errors=(409,),
)
@api
async def start_project(request: Request) -> JSONResponse:
    """The caller's draft (created when none): then PATCH it step by step, and submit."""
    user = await network_writer(request)
    body = await json_body(request)
    kit_id = body.pop("kit_id", None)
    async with runtime(request).db.unit_of_work() as uow:
        draft = await projects.do_start_draft(uow, user, kit_id)
        if body:
            await projects.do_save_draft(uow, user, draft.id, body)
    return await _project_answer(request, draft.id, 201)


@declare(
    "Save fields of the caller's draft project",
    body=S.ProjectDraft,
    answer=S.ProjectAnswerOut,
    errors=(409,),
)
@api
async def save_project(request: Request) -> JSONResponse:
    """``?autosave=1``: the form saving as the founder types (empty fields are kept)."""
    user = await network_writer(request)
    body = await json_body(request)
    autosave = request.query_params.get("autosave") == "1"
    async with runtime(request).db.unit_of_work() as uow:
        await projects.do_save_draft(
            uow, user, request.path_params["project_id"], body, autosave=autosave
        )
    return await _project_answer(request, request.path_params["project_id"])


@declare(
    "Submit the draft to the co-founder and the national support services",
    answer=S.ProjectAnswerOut,
    errors=(409,),
)
@api
async def submit_project(request: Request) -> JSONResponse:
    user = await network_writer(request)
    async with runtime(request).db.unit_of_work() as uow:
        await projects.check_submit(uow, user, request.path_params["project_id"])
    return await _project_answer(request, request.path_params["project_id"])


@declare(
    "The co-founder accepts or refuses (answer: accept or refuse)",
    answer=S.ProjectAnswerOut,
    errors=(409,),
)
async def cofounder_answer(request: Request) -> JSONResponse:
    user = await network_writer(request)
    accept = path_choice(request, "answer", ("accept", "refuse")) == "accept"
    async with runtime(request).db.unit_of_work() as uow:
        await projects.do_cofounder_answer(uow, user, request.path_params["project_id"], accept)
    return await _project_answer(request, request.path_params["project_id"])


@declare(
    "The projects waiting for the caller's national support service",
    answer=S.NssQueueOut,
    errors=(403,),
)
async def nss_queue(request: Request) -> JSONResponse:
    user = await network_reader(request)
    access_nss(user.kind, user.country_code, {user.country_code or ""})
    async with runtime(request).db.read() as session:
        waiting = await approval.get_nss_queue(session, user, decided=False)
        views = await project_views(session, [item.project for item in waiting])
    return JSONResponse(
        {"country": user.country_code, "projects": [v.json(lang(request)) for v in views]}
    )


@declare(
    "A national support service validates or refuses a project (a refusal says why)",
    body=S.Refusal,
    answer=S.ProjectAnswerOut,
    errors=(409,),
)
async def nss_decide(request: Request) -> JSONResponse:
    user = await network_writer(request)
    project_id = request.path_params["project_id"]
    decision = path_choice(request, "decision", ("validate", "refuse"))
    async with runtime(request).db.unit_of_work() as uow:
        if decision == "validate":
            await approval.do_validate(uow, user, project_id)
        else:
            body = await json_body(request)
            await approval.do_refuse(uow, user, project_id, body.get("reason"))
    return await _project_answer(request, project_id)


routes = [
    Route("/api/v1/projects", list_projects, methods=["GET"]),
    Route("/api/v1/projects", start_project, methods=["POST"]),
    Route("/api/v1/projects/{project_id:int}", show_project, methods=["GET"]),
    Route("/api/v1/projects/{project_id:int}", save_project, methods=["PATCH"]),
    Route("/api/v1/projects/{project_id:int}/submit", submit_project, methods=["POST"]),
    Route("/api/v1/projects/{project_id:int}/{answer:str}", cofounder_answer, methods=["POST"]),
    Route("/api/v1/nss/projects", nss_queue, methods=["GET"]),
    Route("/api/v1/nss/projects/{project_id:int}/{decision:str}", nss_decide, methods=["POST"]),
]
