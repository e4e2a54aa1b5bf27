"""Hostile input gets a clear refusal, never ``internal``, a 500 or no answer at all: every
declared socket event with each of its fields replaced by a hostile value (ids past any
column, NUL, lone surrogates, wrong JSON types, deep nesting, garbage bytes), a property-based
fuzz of whole payloads, raw packets that are not JSON, unknown events, and the same values in
HTTP bodies and paths. Runs on SQLite and PostgreSQL (``--db``)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import RunningServer
from tests.support import api_login
from tests.wiki_helpers import EMPTY_UPDATE, make_wiki
from twinspace.payloads import INT_MAX, INT_MIN, MAX_DEPTH
from twinspace.realtime.protocol import CLIENT_EVENTS, declared_payload
from twinspace.settings import Settings

GENERAL = "space:1:chat:general"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The per-member event budget raised, so that every hostile call reaches validation
    (answering ``rate_limited`` to all of them would prove nothing)."""
    return replace(settings, socket_events_per_second=100_000, socket_event_burst=100_000)


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


HOSTILE: list[Any] = [
    0,
    -1,
    INT_MAX,
    INT_MIN,
    INT_MAX + 1,
    INT_MIN - 1,
    2**63,
    10**30,
    1.5,
    1e308,
    True,
    None,
    "",
    "1",
    "x" * 70_000,
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff tail",
    "space:9999999999:home",
    "space:1:page:9999999999",
    "space:1:chat:\u202egeneral",
    [1],
    [2**40],
    {"a": 1},
    {"\ud800": 1},
    nested(MAX_DEPTH + 5),
    b"",
    b"\x00\xff" * 50,
]


async def _baseline(server: RunningServer) -> dict[str, Any]:
    """A valid value for each field name the protocol uses, in the demo TwinSpace."""
    anne = await api_login(server.url, "anne")
    try:
        wiki = await make_wiki(anne)
        people = (await anne.get("/api/v1/spaces/1/members")).json()
        lea = next(m["user_id"] for m in people["members"] if m["username"] == "lea")
    finally:
        await anne.aclose()
    return {
        "room": GENERAL,
        "after": 0,
        "text": "hello",
        "client_id": "c-1",
        "before": None,
        "limit": 10,
        "reason": "because",
        "user_id": lea,
        "minutes": 5,
        "locked": False,
        "seconds": 0,
        "report_id": 1,
        "message_id": 1,
        "space_id": 1,
        "widget_id": wiki["widget_id"],
        "page_id": wiki["page_id"],
        "state_vector": b"",
        "update": EMPTY_UPDATE,
        "command": "pages.list",
        "key": "space",
    }


def _payload(event: str, baseline: dict[str, Any]) -> dict[str, Any]:
    model = declared_payload(event)
    assert model is not None, event
    return {name: baseline[name] for name in model.model_fields if name in baseline}


def _assert_answered(event: str, payload: Any, ack: Any) -> None:
    assert isinstance(ack, dict), (event, payload, ack)
    if ack.get("ok") is False:
        assert ack["error"] != "internal", (event, payload, ack)
        assert ack["error"] in CLIENT_EVENTS[event].errors, (event, payload, ack)
        assert ack["message"], (event, payload, ack)


async def test_every_field_of_every_event_refuses_hostile_values_clearly(
    server: RunningServer, connect_as
) -> None:
    baseline = await _baseline(server)
    anne = await connect_as("anne")
    assert (await anne.call("join", {"room": GENERAL}))["ok"]
    refused = 0
    for event in CLIENT_EVENTS:
        valid = _payload(event, baseline)
        for field in [*valid, "\ud800"]:
            for value in HOSTILE:
                payload = {**valid, field: value}
                ack = await anne.call(event, payload)
                _assert_answered(event, payload, ack)
                refused += ack.get("ok") is False
    assert anne.sio.connected
    assert refused > len(CLIENT_EVENTS) * len(HOSTILE)  # most hostile values are refused


async def test_the_refusal_names_the_field_and_reads_in_the_readers_language(
    server: RunningServer, connect_as
) -> None:
    anne = await connect_as("anne")
    ack = await anne.call("chat:send", {"room": GENERAL, "text": "a\x00b"})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert ack["field"] == "text"
    ack = await anne.call("chat:mute", {"room": GENERAL, "user_id": 2**40})
    assert (ack["error"], ack["field"]) == ("invalid", "user_id")
    ack = await anne.call("chat:lock", {"room": GENERAL, "locked": "yes"})
    assert (ack["error"], ack["field"]) == ("invalid", "locked")
    ack = await anne.call("join", {"room": "space:9999999999:home"})
    assert ack["error"] == "invalid"
    assert (await anne.call("join", {"room": GENERAL}))["ok"]  # the socket goes on


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=64),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_fuzzed_payloads_never_get_internal(
    server: RunningServer, connect_as, data: st.DataObject
) -> None:
    client = await connect_as(data.draw(st.sampled_from(["anne", "lea"])))
    for _ in range(8):
        event = data.draw(st.sampled_from(sorted(CLIENT_EVENTS)))
        model = declared_payload(event)
        assert model is not None
        fields = st.sampled_from([*model.model_fields, "room", "extra"])
        payload = data.draw(
            st.dictionaries(fields, JSON_VALUES | st.sampled_from(HOSTILE), max_size=5)
        )
        _assert_answered(event, payload, await client.call(event, payload))
    await client.close()


async def _raw_call(client: Any, packet_body: str) -> Any:
    """Send a Socket.IO EVENT packet whose JSON text we write ourselves, and wait for its ack."""
    answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    ack_id = client.sio._generate_ack_id("/", lambda *args: answered.set_result(args[0]))
    await client.sio.eio.send(f"2{ack_id}{packet_body}")
    return await asyncio.wait_for(answered, 10)


async def test_unknown_events_and_unreadable_packets_are_answered(
    server: RunningServer, connect_as
) -> None:
    anne = await connect_as("anne")
    unknown = await anne.call("chat:sendd", {"room": GENERAL, "text": "hi"})
    assert unknown["ok"] is False and unknown["error"] == "not_found" and unknown["message"]
    too_deep = await anne.call("chat:send", {"room": GENERAL, "text": nested(100)})
    assert too_deep["error"] == "invalid"
    very_deep = await _raw_call(anne, '["chat:send",' + "[" * 100_000 + "]" * 100_000 + "]")
    assert very_deep["error"] == "invalid"
    not_json = await _raw_call(anne, '["chat:send", {"room": ')
    assert not_json["error"] == "invalid"
    assert (await anne.call("join", {"room": GENERAL}))["ok"]  # still connected, still served


HTTP_BODIES = [
    ("deep", '{"title": ' + "[" * 5000 + "]" * 5000 + "}"),
    ("surrogate", '{"title": "\\ud800"}'),
    ("nul", '{"title": "a\\u0000b"}'),
    ("surrogate key", '{"\\udc00": 1, "title": "ok"}'),
    ("huge int", '{"title": "ok", "position": 100000000000000000000}'),
    ("wrong type", '{"title": [1]}'),
    ("not json", '{"title": '),
]


@pytest.mark.parametrize(("case", "body"), HTTP_BODIES, ids=[c for c, _ in HTTP_BODIES])
async def test_hostile_json_bodies_answer_400_with_a_message(
    server: RunningServer, case: str, body: str
) -> None:
    anne = await api_login(server.url, "anne")
    try:
        response = await anne.post(
            "/api/v1/spaces/1/rooms/activities/pages",
            content=body.encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400, (case, response.text)
        assert response.json()["error"] == "invalid" and response.json()["message"]
        listed = await anne.get("/api/v1/spaces/1/rooms/activities/pages")
        assert all(p["title"] != "ok" for p in listed.json()["pages"])  # nothing half-written
    finally:
        await anne.aclose()


@pytest.mark.parametrize("big", ["2147483648", "9223372036854775808", "1" + "0" * 30])
async def test_ids_past_any_column_in_paths_are_not_found(server: RunningServer, big: str) -> None:
    anne = await api_login(server.url, "anne")
    try:
        for path in (
            f"/api/v1/spaces/{big}",
            f"/api/v1/spaces/1/pages/{big}",
            f"/spaces/{big}",
            f"/spaces/1/pages/{big}",
            f"/members/{big}",
        ):
            response = await anne.get(path)
            assert response.status_code == 404, (path, response.status_code)
    finally:
        await anne.aclose()
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        assert (await anonymous.get(f"/spaces/{big}")).status_code == 404
