"""Two server processes share a real Redis: what one process commits reaches the
clients of the other, and ending a session disconnects its sockets everywhere."""

from __future__ import annotations

import asyncio

from tests.support import LiveClient, api_login

GENERAL = "space:1:chat:general"


async def test_message_sent_through_a_reaches_client_of_b(redis_url: str, spawn_server) -> None:
    url_a = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    url_b = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    anne_http = await api_login(url_a, "anne")
    lea_http = await api_login(url_b, "lea")
    anne = await LiveClient().connect(url_a, anne_http.cookies["ts_session"])
    lea = await LiveClient().connect(url_b, lea_http.cookies["ts_session"])
    try:
        assert (await lea.call("join", {"room": GENERAL}))["ok"]
        ack = await anne.call("chat:send", {"room": GENERAL, "text": "from process A"})
        assert ack["ok"] is True
        got = await lea.wait_for(lambda e: e["id"] == ack["id"])
        assert got["data"]["text"] == "from process A" and got["type"] == "chat.message"

        await anne.call("join", {"room": GENERAL})  # #general is supervised: a teacher is here
        back = await lea.call("chat:send", {"room": GENERAL, "text": "from process B"})
        caught = await anne.call("catchup", {"room": GENERAL, "after": ack["id"]})
        assert [e["data"]["text"] for e in caught["events"]] == ["from process B"]
        assert caught["events"][0]["id"] == back["id"] == ack["id"] + 1
    finally:
        for client in (anne, lea):
            await client.close()
        for http in (anne_http, lea_http):
            await http.aclose()


async def test_logout_on_a_disconnects_socket_on_b(redis_url: str, spawn_server) -> None:
    url_a = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    url_b = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    tom_http = await api_login(url_a, "tom")
    tom_socket = await LiveClient().connect(url_b, tom_http.cookies["ts_session"])
    try:
        assert (await tom_socket.call("join", {"room": GENERAL}))["ok"]
        assert (await tom_http.delete("/api/v1/session")).status_code == 200
        await asyncio.wait_for(tom_socket.disconnected.wait(), 10)
    finally:
        await tom_socket.close()
        await tom_http.aclose()


async def test_removed_member_on_b_receives_nothing_more(redis_url: str, spawn_server) -> None:
    url_a = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    url_b = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    anne_http = await api_login(url_a, "anne")
    tom_http = await api_login(url_b, "tom")
    lea_http = await api_login(url_b, "lea")
    anne = await LiveClient().connect(url_a, anne_http.cookies["ts_session"])
    tom = await LiveClient().connect(url_b, tom_http.cookies["ts_session"])
    lea = await LiveClient().connect(url_b, lea_http.cookies["ts_session"])
    try:
        for client in (tom, lea):
            assert (await client.call("join", {"room": GENERAL}))["ok"]
        first = await anne.call("chat:send", {"room": GENERAL, "text": "before removal"})
        await tom.wait_for(lambda e: e["id"] == first["id"])
        me = (await tom_http.get("/api/v1/me")).json()
        assert (await anne_http.delete(f"/api/v1/spaces/1/members/{me['id']}")).status_code == 200
        after = await anne.call("chat:send", {"room": GENERAL, "text": "after removal"})
        await lea.wait_for(lambda e: e["id"] == after["id"])  # lea, on the same process, got it
        assert [e for e in tom.events if e["id"] == after["id"]] == []
        assert (await tom.call("catchup", {"room": GENERAL, "after": 0}))["error"] == "not_found"
    finally:
        for client in (anne, tom, lea):
            await client.close()
        for http in (anne_http, tom_http, lea_http):
            await http.aclose()
