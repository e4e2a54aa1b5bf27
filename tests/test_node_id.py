"""TWINSPACE_NODE_ID: a stable id per process, the prefix of its socket ids (nginx routes
polling requests by it, tests/test_nginx.py), refused when malformed, and a process that
shares its id with another live one says so."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import start_server, stop_server
from tests.support import LiveClient, api_login
from twinspace.realtime import nodes
from twinspace.realtime.models import LiveSocket
from twinspace.settings import Settings, parse_node_id


def test_node_id_is_read_and_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TWINSPACE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("TWINSPACE_SECRET_KEY", "x" * 40)
    monkeypatch.delenv("TWINSPACE_NODE_ID", raising=False)
    assert Settings.from_env().node_id is None
    monkeypatch.setenv("TWINSPACE_NODE_ID", "web-2")
    assert Settings.from_env().node_id == "web-2"
    for bad in ("A", "a.b", "a_b", "a%", "-a", "a b", "a" * 17):
        monkeypatch.setenv("TWINSPACE_NODE_ID", bad)
        with pytest.raises(ValueError, match="TWINSPACE_NODE_ID"):
            Settings.from_env()
        with pytest.raises(ValueError):
            parse_node_id(bad)
    with pytest.raises(ValueError):
        Settings(tmp_path, "sqlite://", None, "k", tmp_path, node_id="a.b")


async def test_socket_ids_start_with_the_configured_node_id(settings: Settings) -> None:
    running = await start_server(dataclasses.replace(settings, node_id="web-2"))
    http = await api_login(running.url, "anne")
    client = LiveClient()
    try:
        await client.connect(running.url, http.cookies["ts_session"])
        assert client.sio.eio.sid.startswith("web-2.")
        assert client.sio.get_sid().startswith("web-2.")
    finally:
        await client.close()
        await http.aclose()
        await stop_server(running)


async def test_a_shared_node_id_is_reported(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    running = await start_server(settings)
    rt = running.runtime
    try:
        with caplog.at_level(logging.WARNING, logger=nodes.__name__):
            mine, _ = await nodes.beat(rt, "web-2")
            assert not caplog.records  # a new id: nothing to say
            mine, _ = await nodes.beat(rt, "web-2", mine)
            assert not caplog.records  # our own row as we left it
            await nodes.beat(rt, "web-2")  # another process starts with the same id
            assert "fine after a crash" in caplog.text
            caplog.clear()
            await nodes.beat(rt, "web-2", mine)  # we find its beat in our row
            assert [r.levelno for r in caplog.records] == [logging.ERROR]
            assert "another server process uses node id 'web-2'" in caplog.text
    finally:
        await stop_server(running)


async def test_a_restarted_node_forgets_the_sockets_of_its_earlier_run(
    settings: Settings, redis_url: str
) -> None:
    """A crash, then a restart within the sweep's grace: the rows of the earlier run's
    sockets (shown as present, counted as supervising) go at start-up; other nodes' stay."""
    shared = dataclasses.replace(settings, redis_url=redis_url)
    other = await start_server(dataclasses.replace(shared, node_id="b"))
    async with other.runtime.db.unit_of_work() as uow:
        uow.session.add_all(
            [LiveSocket(sid="a.crashed", session_id="x"), LiveSocket(sid="b.alive", session_id="y")]
        )
    restarted = await start_server(dataclasses.replace(shared, node_id="a"))
    try:
        async with restarted.runtime.db.read() as session:
            left = set(await session.scalars(select(LiveSocket.sid)))
        assert "a.crashed" not in left and "b.alive" in left
    finally:
        await stop_server(restarted)
        await stop_server(other)
