"""Wiki test helpers: an editor is a real Socket.IO client holding its own pycrdt document,
speaking the wiki's socket events exactly as the browser does."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import httpx
from pycrdt import Doc, Text, merge_updates

from tests.support import LiveClient

EMPTY_UPDATE = b"\x00\x00"
WORDS = ("river", "heron", "Rhône", "Rhein", "eau", "Wasser", "duck", "bridge", "🐟", "boat")


async def make_wiki(client: httpx.AsyncClient, room: str = "activities") -> dict[str, int]:
    """A TwinSpace page with a wiki on it: {"space_id", "widget_id", "page_id", "host_id"}."""
    page = await client.post(f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "Wiki"})
    assert page.status_code == 201, page.text
    host_id = page.json()["id"]
    widget = await client.post(f"/api/v1/spaces/1/pages/{host_id}/widgets", json={"kind": "wiki"})
    assert widget.status_code == 201, widget.text
    widget_id = widget.json()["id"]
    listed = await client.post(f"/api/v1/spaces/1/widgets/{widget_id}/pages.list", json={})
    assert listed.status_code == 200, listed.text
    page_id = listed.json()["pages"][0]["id"]
    return {"space_id": 1, "widget_id": widget_id, "page_id": page_id, "host_id": host_id}


def room_of(ids: dict[str, int]) -> str:
    return f"space:1:page:{ids['host_id']}"


def wire(ids: dict[str, int]) -> dict[str, int]:
    return {k: ids[k] for k in ("space_id", "widget_id", "page_id")}


class Editor:
    """One member's editor: its own document, the updates it received, its socket."""

    def __init__(self, live: LiveClient, ids: dict[str, int], name: str = "") -> None:
        self.ids, self.name = ids, name
        self.doc: Doc = Doc()
        self.text = self.doc.get("text", type=Text)
        self.received: list[bytes] = []
        self.changed = asyncio.Event()
        self._local: list[bytes] | None = None
        self.doc.observe(self._on_transaction)
        self.attach(live)

    def _on_transaction(self, event: Any) -> None:
        if self._local is not None:  # a local edit (remote updates are applied outside)
            self._local.append(event.update)

    def write(self, change: Callable[[Text], None]) -> bytes:
        """Change the text locally; the update of that transaction alone (like Yjs's "update"
        event: ``get_update(state)`` would carry the document's whole delete set)."""
        self._local = []
        try:
            with self.doc.transaction():
                change(self.text)
        finally:
            updates, self._local = self._local, None
        return updates[0] if len(updates) == 1 else merge_updates(*updates)

    def attach(self, live: LiveClient) -> None:
        self.live = live

        @live.sio.on("wiki:update")
        async def _on_update(data: dict[str, Any]) -> None:
            if data.get("page_id") != self.ids["page_id"]:
                return
            self.received.append(data["update"])
            self.doc.apply_update(data["update"])
            self.changed.set()

    async def join(self) -> None:
        ack = await self.live.call("join", {"room": room_of(self.ids)})
        assert ack["ok"], ack
        await self.sync()

    async def sync(self) -> dict[str, Any]:
        """Catch up with the server, then send what the server lacks (offline edits)."""
        ack = await self.live.call(
            "wiki:sync", {**wire(self.ids), "state_vector": self.doc.get_state()}
        )
        assert ack["ok"], ack
        self.doc.apply_update(ack["update"])
        mine = self.doc.get_update(ack["state_vector"])
        if mine != EMPTY_UPDATE:  # it always holds the delete set: the server sorts it out
            sent = await self.live.call(
                "wiki:update", {**wire(self.ids), "update": mine, "catchup": True}
            )
            assert sent["ok"], sent
        self.changed.set()
        return ack

    async def send(self, update: bytes) -> dict[str, Any]:
        return await self.live.call("wiki:update", {**wire(self.ids), "update": update})

    def local_edit(self, rng: random.Random) -> bytes:
        """Insert a word at a random place, or now and then delete a little: the update."""
        value = self.value()
        length = len(value)

        def offset(index: int) -> int:  # pycrdt counts in UTF-8 bytes
            return len(value[:index].encode("utf-8"))

        if length > 10 and rng.random() < 0.25:
            start = rng.randrange(length - 3)
            end = start + rng.randint(1, 3)

            def change(text: Text) -> None:
                del text[offset(start) : offset(end)]
        else:
            at, words = offset(rng.randint(0, length)), f"{self.name}:{rng.choice(WORDS)} "

            def change(text: Text) -> None:
                text.insert(at, words)

        return self.write(change)

    async def edit(self, rng: random.Random) -> None:
        ack = await self.send(self.local_edit(rng))
        assert ack["ok"], ack

    def value(self) -> str:
        return str(self.text)

    async def wait_text(self, expected: str, timeout: float = 20) -> None:
        async def _wait() -> None:
            while self.value() != expected:
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(_wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"{self.name} has {self.value()!r}, not {expected!r}") from None
