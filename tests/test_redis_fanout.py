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


async def test_a_burst_from_another_process_is_delivered_in_batches_in_order(
    redis_url: str, settings
) -> None:
    """The Redis listener reads on while what it read waits for the next delivery pass: a
    burst of another process's events reaches the sockets in a few passes, not one per event
    (under a reconnect storm, one pass per event left other processes' events seconds
    behind the local ones, and every client fetched them again as a gap)."""
    import dataclasses
    import json

    import redis.asyncio as aioredis

    from tests.conftest import start_server, stop_server

    running = await start_server(dataclasses.replace(settings, redis_url=redis_url))
    manager = running.runtime.sio.manager
    publisher = aioredis.Redis.from_url(redis_url)
    lea_http = await api_login(running.url, "lea")
    lea = await LiveClient().connect(running.url, lea_http.cookies["ts_session"])
    try:
        assert (await lea.call("join", {"room": GENERAL}))["ok"]
        for _ in range(500):  # until the process's listener is subscribed
            if (await publisher.pubsub_numsub(manager.channel))[0][1] > 0:
                break
            await asyncio.sleep(0.01)
        before = manager.passes
        ids = list(range(10_001, 10_051))
        async with publisher.pipeline(transaction=False) as pipe:
            for event_id in ids:
                envelope = {"room": GENERAL, "id": event_id, "type": "probe", "data": {}}
                message = {
                    "method": "emit",
                    "event": "event",
                    "data": envelope,
                    "namespace": "/",
                    "room": GENERAL,
                    "skip_sid": None,
                    "callback": None,
                    "host_id": "another-process",
                }
                pipe.publish(manager.channel, json.dumps(message))
            await pipe.execute()
        await lea.wait_for(lambda e: e["id"] == ids[-1])
        assert [e["id"] for e in lea.events if e["id"] in ids] == ids  # once each, in order
        assert manager.passes - before < len(ids) // 2
    finally:
        await lea.close()
        await lea_http.aclose()
        await publisher.aclose()
        await stop_server(running)
