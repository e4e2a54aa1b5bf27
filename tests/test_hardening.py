"""Hardening of the HTTP surface: /metrics only from loopback or with the configured token,
the security headers on every answer (Socket.IO's long-polling included), and 404 — never
403 — for every area a role may not see, cell by cell."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ROLE_USERS, RunningServer, start_server, stop_server
from tests.support import api_login
from twinspace.settings import Settings

# Areas of TwinSpace 1: pages of their own, shown only to some roles (GET)
AREAS = [
    "/spaces/1/moderation",
    "/spaces/1/moderation/log",
    "/spaces/1/moderation/log.csv",
    "/spaces/1/chat-rooms",
    "/spaces/1/pupil-accounts",
    "/spaces/1/invitations",
    "/spaces/1/publish",
    "/spaces/1/teachers",
    "/spaces/1/pupils",
    "/spaces/1/chat",
    "/spaces/1/chat/general",
    "/spaces/1/chat/staff",
    "/spaces/1/mailbox",
    "/spaces/1/calendar",
    "/spaces/1/members",
    "/spaces/1/activities",
    "/api/v1/spaces/1/moderation",
    "/api/v1/spaces/1/moderation/log",
    "/api/v1/spaces/1/invitations",
    "/api/v1/spaces/1/chat",
    "/api/v1/spaces/1/chat/staff/messages",
    "/api/v1/spaces/1/mailbox",
    "/api/v1/spaces/1/feed",
    "/api/v1/spaces/1/members",
]


@pytest.mark.parametrize("role", [r for r in ROLE_USERS if r != "teacher_admin"])
async def test_hidden_areas_answer_404_never_403(server: RunningServer, role: str) -> None:
    username = ROLE_USERS[role]
    client = (
        await api_login(server.url, username)
        if username
        else httpx.AsyncClient(base_url=server.url)
    )
    cells = {}
    for path in AREAS:
        answer = await client.get(path, follow_redirects=False)
        cells[path] = answer.status_code
    await client.aclose()
    refused = {p: s for p, s in cells.items() if s not in (200, 302, 303, 401, 404)}
    assert not refused, f"{role}: {refused}"
    if role in ("pupil_member", "pupil_admin"):
        assert cells["/spaces/1/moderation"] == 404
        assert cells["/spaces/1/teachers"] == 404
        assert cells["/api/v1/spaces/1/moderation"] == 404
        assert cells["/spaces/1/chat/general"] == 200  # what they may see stays open


async def test_teacher_admin_sees_every_area(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    for path in AREAS:
        assert (await anne.get(path, follow_redirects=True)).status_code == 200, path
    await anne.aclose()


async def test_metrics_from_loopback_or_with_the_token(settings: Settings) -> None:
    from dataclasses import replace

    guarded = await start_server(replace(settings, metrics_token="s3cret-token"))
    try:
        async with httpx.AsyncClient(base_url=guarded.url) as client:
            here = await client.get("/metrics")  # the test client is on loopback
            assert here.status_code == 200 and "twinspace_" in here.text
        # From another address (what uvicorn reports behind a forwarding rule or on a LAN),
        # the ASGI app is called directly with another client address.
        app = guarded.server.config.app
        transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://ts.test") as remote:
            assert (await remote.get("/metrics")).status_code == 404
            wrong = await remote.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 404
            right = await remote.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
            assert right.status_code == 200 and "twinspace_" in right.text
            assert (await remote.get("/healthz")).status_code == 200
    finally:
        await stop_server(guarded)


async def test_security_headers_on_every_answer(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        answers = [
            await client.get("/"),
            await client.get("/healthz"),
            await client.get("/api/v1/me"),
            await client.get("/no/such/page"),
            await client.get("/socket.io/?EIO=4&transport=polling"),  # long-polling handshake
            await client.get("/static/build/app.js"),
        ]
        sid_answer = answers[4]
        assert sid_answer.status_code == 200 and '"sid"' in sid_answer.text
        for answer in answers:
            for header in (
                "x-content-type-options",
                "referrer-policy",
                "x-frame-options",
                "content-security-policy",
            ):
                assert header in answer.headers, (answer.url, header)
        page_policy = answers[0].headers["content-security-policy"]
        assert "nonce-" in page_policy and page_policy.count("content-security-policy") == 0
        assert answers[4].headers["content-security-policy"].startswith("default-src 'none'")
