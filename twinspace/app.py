"""create_app(settings): the Starlette routes, middleware and lifespan, wrapped by Socket.IO."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import jinja2
import socketio
from sqlalchemy import delete
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.templating import Jinja2Templates

from twinspace.accounts.passwords import PasswordService
from twinspace.api import openapi as api_openapi
from twinspace.api import session as api_session
from twinspace.api import spaces as api_spaces
from twinspace.db import Database, utcnow
from twinspace.errors import DomainError, Unauthorized
from twinspace.files import sweep_orphans
from twinspace.help import views as help_views
from twinspace.i18n import N_
from twinspace.i18n.formatting import install as install_formatting
from twinspace.label import api as label_api
from twinspace.label import views as label_views
from twinspace.monitoring import health, metrics
from twinspace.network import api as network_api
from twinspace.network import views_kits as network_kits
from twinspace.network import views_lifecycle as lifecycle_views
from twinspace.network import views_page_templates as network_page_templates
from twinspace.network import views_people as network_people
from twinspace.network import views_profile as network_profile
from twinspace.network import views_projects as network_projects
from twinspace.network.lifecycle import run_project_lifecycle
from twinspace.pages.registry import all_tools, load_builtin_tools
from twinspace.people.routes import routes as people_routes
from twinspace.permissions import refusal_for_reader
from twinspace.privacy import views as privacy_views
from twinspace.realtime import nodes
from twinspace.realtime.handlers import disconnect_sessions, register_handlers
from twinspace.realtime.models import LiveSocket
from twinspace.realtime.server import create_sio, make_publisher
from twinspace.rooms import views as room_views
from twinspace.rooms.chat import admin_views as chat_admin_views
from twinspace.rooms.chat import moderation_views
from twinspace.rooms.chat import views as chat_views
from twinspace.rooms.chat.admin import do_purge_chat_history
from twinspace.rooms.chat.models import ChatPresence
from twinspace.rooms.meeting import views as meeting_views
from twinspace.rooms.meeting.actions import stale_meeting_sockets
from twinspace.rooms.pages import api as pages_api
from twinspace.rooms.pages import views as pages_views
from twinspace.runtime import Runtime
from twinspace.settings import Settings
from twinspace.storage import LocalStorage
from twinspace.web import account_mail, assets, pages, school_views
from twinspace.web import notifications as notifications_views
from twinspace.web.assets import Assets, CachedStaticFiles
from twinspace.web.context import render, translate
from twinspace.web.http_cache import HttpCacheMiddleware
from twinspace.web.middleware import RequestContextMiddleware, SecurityHeadersMiddleware
from twinspace.web.page_cache import PageCache
from twinspace.web.routing import index_routes
from twinspace.wiring import wire

log = logging.getLogger(__name__)


# Uploads that are already compressed (office documents and archives are zip files).
NOT_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/octet-stream",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if not getattr(request.state, "explains_refusals", False):
        exc = refusal_for_reader(exc, request.method)
    message = translate(request, exc.message)
    retry = exc.details.get("retry_after")
    headers = {"Retry-After": str(math.ceil(retry))} if isinstance(retry, int | float) else None
    if _is_api(request):
        details = dict(exc.details)
        if isinstance(details.get("fields"), dict):  # field → message, in the reader's language
            details["fields"] = {k: translate(request, v) for k, v in details["fields"].items()}
        return JSONResponse(
            {"ok": False, "error": exc.code, "message": message, **details},
            exc.status,
            headers=headers,
        )
    if isinstance(exc, Unauthorized) and request.method == "GET":
        return pages.login_redirect(request)
    return await render(
        request, "error.html", {"message": message, "status": exc.status}, exc.status
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    message = translate(
        request, N_("Page not found.") if exc.status_code == 404 else str(exc.detail)
    )
    if _is_api(request):
        return JSONResponse({"ok": False, "error": code, "message": message}, exc.status_code)
    return await render(
        request, "error.html", {"message": message, "status": exc.status_code}, exc.status_code
    )


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    message = translate(request, N_("Something went wrong."))
    return JSONResponse({"ok": False, "error": "internal", "message": message}, 500)


async def _purge_daily(rt: Runtime) -> None:
    """The daily jobs (the first run at start-up): chat retention, each tool's own
    maintenance (the Document library empties its 30-day trash), then the stored files
    no row points to any more (removed applications, pages, TwinSpaces)."""
    while True:
        try:
            await do_purge_chat_history(rt.db)
        except Exception:
            log.exception("chat retention purge failed")
        for tool in all_tools():
            job = getattr(tool, "maintenance", None)
            if job is None:
                continue
            try:
                await job(rt.db, rt.storage, utcnow())
            except Exception:
                log.exception("maintenance of the %s tool failed", tool.kind)
        try:
            run = await run_project_lifecycle(rt.db, rt.storage, rt.settings)
            await disconnect_sessions(rt, run.ended_sessions or [])
        except Exception:
            log.exception("the projects' lifecycle job failed")
        try:
            await sweep_orphans(rt.db, rt.storage)
        except Exception:
            log.exception("sweeping orphan files failed")
        await asyncio.sleep(24 * 3600)


def template_environment(settings: Settings) -> jinja2.Environment:
    """Our templates, plus each tool's own templates under "<kind>/"."""
    load_builtin_tools()
    tool_dirs = {
        t.kind: jinja2.FileSystemLoader(str(t.templates)) for t in all_tools() if t.templates
    }
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(settings.frontend_dir / "templates")),
            jinja2.PrefixLoader(tool_dirs),
        ]
    )
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html"]))
    install_formatting(env)
    return env


def create_app(settings: Settings) -> SecurityHeadersMiddleware:
    wire()
    db = Database(
        settings.database_url, write_queue=settings.write_queue, pool_size=settings.db_pool
    )
    sio = create_sio(settings)
    rt = Runtime(
        settings=settings,
        db=db,
        passwords=PasswordService(settings.password_hash_concurrency),
        storage=LocalStorage(settings.media_dir),
        sio=sio,
    )
    app_metrics = metrics.Metrics(sio)
    app_metrics.watch_database(db.engine)
    if db.writer is not None:
        app_metrics.watch_database(db.writer_engine)
    if hasattr(sio.manager, "metrics"):
        sio.manager.metrics = app_metrics
    db.on_commit = make_publisher(sio, app_metrics)
    node_id = nodes.node_id_for(settings.node_id)
    # several processes share the database; a stable id also lets nginx route by session id
    if settings.redis_url or settings.node_id:
        nodes.prefix_socket_ids(sio, node_id)
    register_handlers(rt)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with db.unit_of_work() as uow:  # sockets of an earlier run are gone
            stale, gone = delete(LiveSocket), delete(ChatPresence)
            if settings.redis_url:  # other processes' sockets may be alive
                cutoff = utcnow() - timedelta(hours=12)
                stale = stale.where(LiveSocket.connected_at < cutoff)
                gone = gone.where(ChatPresence.joined_at < cutoff)
            await uow.session.execute(stale)
            await uow.session.execute(gone)
            await uow.session.execute(stale_meeting_sockets(settings.redis_url is not None))
        if settings.redis_url and settings.node_id:  # an earlier run of this stable id left rows
            await nodes.forget_node(rt, node_id, keep_heartbeat=True)
        purger = asyncio.create_task(_purge_daily(rt))
        app.state.redis_probe = health.redis_probe(settings.redis_url)
        heartbeat = (
            asyncio.create_task(nodes.run_heartbeat(rt, node_id)) if settings.redis_url else None
        )
        yield
        purger.cancel()
        if heartbeat is not None:
            heartbeat.cancel()
            try:
                await nodes.forget_node(rt, node_id)
            except Exception:
                log.exception("removing this node's sockets failed")
        if app.state.redis_probe is not None:
            await app.state.redis_probe.aclose()
        await db.dispose()

    static_dir = settings.frontend_dir / "static"
    app = Starlette(
        routes=[
            *pages.routes,
            *api_openapi.routes,
            *api_session.routes,
            *account_mail.routes,
            *school_views.routes,
            *help_views.routes,
            *api_spaces.routes,
            *network_api.routes,
            *network_people.routes,
            *network_profile.routes,
            *network_kits.routes,
            *network_page_templates.routes,
            *network_projects.routes,
            *label_api.routes,
            *label_views.routes,
            *notifications_views.routes,
            *room_views.routes,
            *people_routes,
            *meeting_views.routes,  # before the chat's /chat/{name}/{command}
            *chat_views.routes,
            *moderation_views.routes,
            *chat_admin_views.routes,
            *[route for tool in all_tools() for route in tool.routes()],  # before the generic
            *pages_views.routes,  # POST /spaces/{id}/widgets/{widget}/{command} would catch them
            *pages_api.routes,
            *privacy_views.routes,
            *lifecycle_views.routes,
            *health.routes,
            *assets.routes,
            *metrics.routes,
            Mount(
                "/static", CachedStaticFiles(directory=static_dir, check_dir=False), name="static"
            ),
        ],
        exception_handlers={
            DomainError: domain_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    index_routes(app.router)
    app.state.runtime = rt
    app.state.metrics = app_metrics
    app.state.migration_heads = health.migration_heads(settings.database_url)
    app.state.redis_probe = None
    app.state.templates = Jinja2Templates(env=template_environment(settings))
    app.state.page_cache = PageCache(settings.page_cache_mb * 1024 * 1024)
    app_metrics.watch_page_cache(app.state.page_cache)
    app.state.assets = Assets(static_dir)
    app.state.templates.env.globals["asset"] = app.state.assets.url
    compressed = GZipMiddleware(
        HttpCacheMiddleware(app),
        minimum_size=1024,
        compresslevel=6,
        exclude_content_types=NOT_COMPRESSED,
    )
    wrapped = RequestContextMiddleware(compressed, secure_cookies=settings.secure_cookies)
    asgi = SecurityHeadersMiddleware(  # outermost: Socket.IO's long-polling answers too
        socketio.ASGIApp(sio, other_asgi_app=wrapped, socketio_path="socket.io")
    )
    asgi.runtime = rt  # type: ignore[attr-defined]
    asgi.starlette = app  # type: ignore[attr-defined]
    return asgi
