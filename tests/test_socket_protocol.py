"""The Socket.IO protocol as data: docs/asyncapi.json is what the declarations in
twinspace/realtime/protocol.py generate, they name exactly the events the server handles,
and real acks and events match the declared schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import RunningServer
from tests.support import starlette_app
from twinspace import __version__
from twinspace.api.openapi import build_openapi
from twinspace.realtime import protocol_schemas as protocol
from twinspace.realtime.protocol import CLIENT_EVENTS, build_asyncapi

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "asyncapi.json"
GENERAL = "space:1:chat:general"


def test_the_committed_document_is_the_generated_one() -> None:
    committed = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert committed == build_asyncapi(__version__), (
        "run: twinspace schema asyncapi --out docs/asyncapi.json"
    )


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_reference_of_both_documents_resolves(server: RunningServer) -> None:
    routes = starlette_app(server.server.config.app).routes
    for document in (build_asyncapi("0"), build_openapi(routes, "0")):
        refs = _refs(document)
        assert refs
        for ref in refs:
            assert ref.startswith("#/"), ref
            _resolve(document, ref)


def test_every_event_the_server_handles_is_declared(server: RunningServer) -> None:
    handled = set(server.runtime.sio.handlers["/"]) - {"connect", "disconnect", "*"}
    assert handled == set(CLIENT_EVENTS)


async def test_real_acks_and_events_match_the_declarations(
    server: RunningServer, connect_as
) -> None:
    anne = await connect_as("anne")
    joined = await anne.call("join", {"room": GENERAL})
    protocol.Joined.model_validate(joined)
    sent = await anne.call("chat:send", {"room": GENERAL, "text": "hello"})
    protocol.ChatSent.model_validate(sent)
    event = await anne.wait_for(lambda e: e["type"] == "chat.message")
    protocol.EventOut.model_validate(event)
    caught = await anne.call("catchup", {"room": GENERAL, "after": 0})
    protocol.CaughtUp.model_validate(caught)
    assert protocol.Left.model_validate(await anne.call("leave", {"room": GENERAL})).ok
    refused = await anne.call("join", {"room": "space:999:home"})
    assert protocol.ErrorAck.model_validate(refused).error == "not_found"
    history = await anne.call("chat:history", {"room": GENERAL})
    protocol.ChatHistoryAck.model_validate(history)
