"""Logging in and out over the JSON API and the HTML form: sessions, throttling, CSRF."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest
from sqlalchemy import event, func, select, text

from tests.conftest import RunningServer, start_server, stop_server
from tests.support import LiveClient, api_login
from twinspace.accounts.auth import do_disable_user, hash_token
from twinspace.accounts.models import AuthSession, User
from twinspace.realtime.handlers import disconnect_sessions
from twinspace.realtime.models import LiveSocket
from twinspace.settings import Settings


async def test_api_login_me_and_logout(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        assert (await client.get("/api/v1/me")).status_code == 401
        response = await client.post(
            "/api/v1/session", json={"username": "Anne ", "password": "demo-pass"}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["user"]["username"] == "anne" and body["csrf_token"]
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        me = await client.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["username"] == "anne"
        spaces = (await client.get("/api/v1/spaces")).json()
        assert [s["title"] for s in spaces] == ["Rivers that connect us"] and spaces[0]["id"] == 1

        refused = await client.delete("/api/v1/session")  # no CSRF token
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
        out = await client.delete("/api/v1/session", headers={"X-CSRF-Token": body["csrf_token"]})
        assert out.status_code == 200
        assert (await client.get("/api/v1/me")).status_code == 401


async def test_only_a_hash_of_the_session_token_is_stored(server: RunningServer) -> None:
    client = await api_login(server.url, "lea")
    token = client.cookies["ts_session"]
    async with server.runtime.db.read() as session:
        ids = list(await session.scalars(select(AuthSession.id)))
    assert hash_token(token) in ids and token not in ids
    await client.aclose()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "anne", "password": "wrong"}, 401, "unauthorized"),
        ({"username": "nobody", "password": "demo-pass"}, 401, "unauthorized"),
        ({"username": "anne"}, 400, "invalid"),
        ({"username": 5, "password": ["x"]}, 400, "invalid"),
        ({"username": "a" * 500, "password": "x"}, 400, "invalid"),
    ],
)
async def test_api_login_failures(
    server: RunningServer, body: dict, status: int, code: str
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post("/api/v1/session", json=body)
        assert response.status_code == status
        assert response.json()["error"] == code and response.json()["message"]
        assert "ts_session" not in response.cookies


async def test_api_login_rejects_non_json(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        for content in (b"not json", b"[1, 2]", b'"text"'):
            response = await client.post("/api/v1/session", content=content)
            assert response.status_code == 400 and response.json()["error"] == "invalid"


async def test_a_new_session_id_at_every_login(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        first = await client.post(
            "/api/v1/session", json={"username": "anne", "password": "demo-pass"}
        )
        old = client.cookies["ts_session"]
        second = await client.post(
            "/api/v1/session", json={"username": "anne", "password": "demo-pass"}
        )
        assert second.status_code == 200 and client.cookies["ts_session"] != old
        assert first.json()["csrf_token"] != second.json()["csrf_token"]
    async with httpx.AsyncClient(base_url=server.url, cookies={"ts_session": old}) as stale:
        assert (await stale.get("/api/v1/me")).status_code == 401


async def test_login_is_throttled_per_account(settings: Settings) -> None:
    running = await start_server(dataclasses.replace(settings, login_account_limit=3))
    try:
        async with httpx.AsyncClient(base_url=running.url) as client:
            for _ in range(3):
                response = await client.post(
                    "/api/v1/session", json={"username": "lea", "password": "nope1"}
                )
                assert response.status_code == 401
            throttled = await client.post(
                "/api/v1/session", json={"username": "lea", "password": "demo-pass"}
            )
            assert throttled.status_code == 429 and throttled.json()["error"] == "rate_limited"
            other = await client.post(
                "/api/v1/session", json={"username": "tom", "password": "demo-pass"}
            )
            assert other.status_code == 200  # another account is not locked out
    finally:
        await stop_server(running)


async def test_login_is_throttled_per_address(settings: Settings) -> None:
    running = await start_server(dataclasses.replace(settings, login_address_limit=4))
    try:
        async with httpx.AsyncClient(base_url=running.url) as client:
            for name in ("lea", "tom", "anne", "jonas"):  # one failure each, same address
                response = await client.post(
                    "/api/v1/session", json={"username": name, "password": "x"}
                )
                assert response.status_code == 401
            throttled = await client.post(
                "/api/v1/session", json={"username": "paul", "password": "demo-pass"}
            )
            assert throttled.status_code == 429
    finally:
        await stop_server(running)


async def test_html_form_login_and_logout(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = await client.get("/login")
        assert page.status_code == 200 and 'name="password"' in page.text
        bad = await client.post("/login", data={"username": "anne", "password": "bad", "next": "/"})
        assert bad.status_code == 401 and 'value="anne"' in bad.text  # keeps what was typed
        good = await client.post(
            "/login", data={"username": "anne", "password": "demo-pass", "next": "/spaces/1"}
        )
        assert good.status_code == 303 and good.headers["location"] == "/spaces/1"
        home = await client.get("/spaces/1")
        assert home.status_code == 200 and "Jonas Becker" in home.text
        csrf = (await client.get("/api/v1/me")).json()["csrf_token"]
        forged = await client.post("/logout", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        out = await client.post("/logout", data={"csrf_token": csrf})
        assert out.status_code == 303
        assert (await client.get("/api/v1/me")).status_code == 401
        assert (await client.get("/spaces/1")).status_code == 404


async def test_login_redirect_target_stays_on_this_site(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post(
            "/login", data={"username": "anne", "password": "demo-pass", "next": "//evil.example/x"}
        )
        assert response.status_code == 303 and response.headers["location"] == "/"


async def test_cross_site_requests_are_refused(server: RunningServer) -> None:
    client = await api_login(server.url, "anne")
    try:
        forged = await client.post(
            "/api/v1/spaces/1/chat/general/messages",
            json={"text": "csrf"},
            headers={"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403 and forged.json()["error"] == "csrf_failed"
        no_token = await client.post(
            "/api/v1/spaces/1/chat/general/messages",
            json={"text": "x"},
            headers={"X-CSRF-Token": ""},
        )
        assert no_token.status_code == 403
        login = await client.post(
            "/api/v1/session",
            json={"username": "anne", "password": "demo-pass"},
            headers={"Origin": "https://evil.example"},
        )
        assert login.status_code == 403
    finally:
        await client.aclose()


async def test_logout_disconnects_the_sessions_sockets(server: RunningServer) -> None:
    client = await api_login(server.url, "lea")
    live = await LiveClient().connect(server.url, client.cookies["ts_session"])
    assert (await live.call("join", {"room": "space:1:chat:general"}))["ok"]
    await client.delete("/api/v1/session")
    await client.aclose()
    await asyncio.wait_for(live.disconnected.wait(), 10)
    assert not live.sio.connected


async def test_disabling_an_account_ends_its_sessions(server: RunningServer) -> None:
    client = await api_login(server.url, "tom")
    live = await LiveClient().connect(server.url, client.cookies["ts_session"])
    async with server.runtime.db.read() as session:
        tom_id = await session.scalar(select(User.id).where(User.username == "tom"))
    ended = await do_disable_user(server.runtime.db, tom_id)
    await disconnect_sessions(server.runtime, ended)
    await asyncio.wait_for(live.disconnected.wait(), 10)
    assert (await client.get("/api/v1/me")).status_code == 401
    relogin = await client.post(
        "/api/v1/session", json={"username": "tom", "password": "demo-pass"}
    )
    assert relogin.status_code == 401
    async with server.runtime.db.read() as session:
        left = await session.scalar(
            select(func.count()).select_from(AuthSession).where(AuthSession.user_id == tom_id)
        )
    assert left == 0
    await client.aclose()


async def test_socket_from_another_site_is_refused(server: RunningServer) -> None:
    import socketio

    client = await api_login(server.url, "anne")
    foreign = socketio.AsyncClient(reconnection=False)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await foreign.connect(
                server.url,
                headers={
                    "Cookie": f"ts_session={client.cookies['ts_session']}",
                    "Origin": "https://evil.example",
                },
                transports=["websocket"],
                wait_timeout=5,
            )
        same_site = await LiveClient().connect(server.url, client.cookies["ts_session"])
        assert same_site.sio.connected
        await same_site.close()
    finally:
        await foreign.disconnect()
        await client.aclose()


async def test_a_logout_during_the_sockets_connect_still_ends_it(server: RunningServer) -> None:
    """The logout ends the session and cuts the sockets it finds while a socket is connecting
    (it read the session, its row is not written yet): the socket must not go on as her."""
    client = await api_login(server.url, "lea")
    db = server.runtime.db
    async with db.read() as session:
        lea = await session.scalar(select(User.id).where(User.username == "lea"))
    done: list[bool] = []

    def logout_meanwhile(conn, cursor, statement: str, *_: object) -> None:
        if statement.startswith("INSERT INTO live_sockets") and not done:
            done.append(True)  # the session ends, committed with (so: before) the socket's row
            conn.execute(text("DELETE FROM auth_sessions WHERE user_id = :id"), {"id": lea})

    engines = [db.engine.sync_engine] + ([db.writer_engine.sync_engine] if db.writer else [])
    for engine in engines:
        event.listen(engine, "before_cursor_execute", logout_meanwhile)
    try:
        live = await LiveClient().connect(server.url, client.cookies["ts_session"])
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", logout_meanwhile)
    try:
        assert done
        refused = await live.call("join", {"room": "space:1:chat:general"})
        assert refused["ok"] is False and refused["error"] in {"not_found", "unauthorized"}
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(LiveSocket)) == 0
    finally:
        await live.close()
        await client.aclose()
