"""The wiki's own socket events (docs/realtime.md, "Wiki"):

- ``wiki:sync`` {space_id, widget_id, page_id, state_vector} -> {ok, update, state_vector,
  frozen, may_edit}: what the caller lacks (catch-up after a reconnect or offline editing);
- ``wiki:update`` {…, update, catchup?} -> {ok, seq, stored}: one CRDT update, stored
  (committed) before it is relayed as ``wiki:update`` to the page's room, never for a caller
  who may not edit; ``catchup: true`` (what a client sends after a sync) is stored only if it
  changes the document;
- ``wiki:awareness`` {…, update} -> {ok}: cursors, relayed and never stored; the server
  writes the name and colour itself, and says goodbye for a socket that goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import Database, UnitOfWork, utcnow
from twinspace.errors import Forbidden, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import SocketEvent
from twinspace.pages.host import load_widget, make_context, page_facts
from twinspace.permissions import (
    Action,
    PageFacts,
    SpaceFacts,
    Viewer,
    access_page,
    access_wiki_edit,
    may_edit_wiki,
)
from twinspace.runtime import Runtime
from twinspace.settings import Settings
from twinspace.spaces.queries import facts, get_viewer
from twinspace.tools.wiki import crdt, revisions, store

log = logging.getLogger(__name__)
KIND = "wiki"
MAX_VECTOR_BYTES = 64 * 1024
MAX_AWARENESS_BYTES = 4 * 1024
COLOURS = ("#b3261e", "#1a5fb4", "#26734d", "#8f3f97", "#a54d00", "#006b75", "#5e5c64", "#c01c6a")


@dataclass(frozen=True)
class Target:
    space_id: int
    widget_id: int
    page_id: int  # the wiki page
    room: str  # the TwinSpace page's room
    viewer: Viewer
    space_facts: SpaceFacts
    page_facts: PageFacts


def _ids(data: dict[str, Any]) -> tuple[int, int, int]:
    values = tuple(data.get(k) for k in ("space_id", "widget_id", "page_id"))
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        raise Invalid(N_("'space_id', 'widget_id' and 'page_id' must be numbers."))
    return values  # type: ignore[return-value]


def _blob(data: dict[str, Any], key: str, limit: int, *, required: bool = True) -> bytes:
    value = data.get(key)
    if value is None and not required:
        return b""
    if isinstance(value, bytearray | memoryview):
        value = bytes(value)
    if not isinstance(value, bytes):
        raise Invalid(N_("'%(field)s' must be binary data."), field=key)
    if len(value) > limit:
        raise Invalid(N_("This change is too large to send at once."), field=key)
    return value


async def _target(session: AsyncSession, user: User | None, data: dict[str, Any]) -> Target:
    """Who asks, about which wiki page; someone who may not read the page is told it does
    not exist."""
    space_id, widget_id, page_id = _ids(data)
    space, page, widget = await load_widget(UnitOfWork(session), space_id, widget_id)
    if widget.kind != KIND:
        raise NotFound(N_("No such application."))
    viewer = await get_viewer(session, user, space_id)
    target = Target(
        space_id,
        widget_id,
        page_id,
        f"space:{space_id}:page:{page.id}",
        viewer,
        facts(space),
        page_facts(page),
    )
    access_page(viewer, target.space_facts, target.page_facts, Action.READ)
    return target


def _echo(target: Target, **extra: Any) -> dict[str, Any]:
    return {
        "space_id": target.space_id,
        "widget_id": target.widget_id,
        "page_id": target.page_id,
        **extra,
    }


_locks: dict[int, asyncio.Lock] = {}


def _writer(db: Database) -> contextlib.AbstractAsyncContextManager[Any]:
    """On SQLite (one writer at a time), this process's wiki updates queue on an asyncio lock
    instead of in SQLite's busy handler, which sleeps up to 100 ms between tries."""
    if not db.is_sqlite:
        return contextlib.nullcontext()
    return _locks.setdefault(id(db), asyncio.Lock())


async def sync(rt: Runtime, sid: str, user: User | None, data: dict[str, Any]) -> dict[str, Any]:
    vector = _blob(data, "state_vector", MAX_VECTOR_BYTES, required=False)
    async with rt.db.read() as session:
        target = await _target(session, user, data)
        page = await store.get_page(session, target.widget_id, target.page_id, share=True)
        doc = await store.load_document(session, page)
    try:
        update = crdt.diff(doc, vector or None)
    except crdt.BadUpdate:
        raise Invalid(N_("This is not a state vector."), field="state_vector") from None
    return {
        "ok": True,
        **_echo(target),
        "update": update,
        "state_vector": crdt.state_vector(doc),
        "frozen": page.frozen,
        "may_edit": may_edit_wiki(
            target.viewer, target.space_facts, target.page_facts, frozen=page.frozen
        ),
    }


async def update(rt: Runtime, sid: str, user: User | None, data: dict[str, Any]) -> dict[str, Any]:
    blob = _blob(data, "update", store.MAX_UPDATE_BYTES)
    try:
        crdt.check_update(blob)
    except crdt.BadUpdate:
        raise Invalid(N_("This change could not be read."), field="update") from None
    now = utcnow()
    async with _writer(rt.db), rt.db.unit_of_work() as uow:
        target = await _target(uow.session, user, data)
        page = await store.get_page(uow.session, target.widget_id, target.page_id, lock=True)
        access_wiki_edit(target.viewer, target.space_facts, target.page_facts, frozen=page.frozen)
        if data.get("catchup") is True and not await store.changes(uow.session, page, blob):
            # what a client sends after a sync always carries its whole delete set: when
            # the server has all of it already, nothing is stored, relayed or revised
            return {"ok": True, "seq": page.seq, "stored": False}
        seq = await store.append_update(uow.session, page, blob, user.id if user else None, now)
        now_due = revisions.due(page, now)
    # committed: now everyone else on the page gets it (through the manager: every process)
    await rt.sio.emit(
        "wiki:update", _echo(target, update=blob, seq=seq), to=target.room, skip_sid=sid
    )
    revisions.after_update(rt.db, target.page_id, now_due=now_due)
    return {"ok": True, "seq": seq, "stored": True}


# --- Awareness -------------------------------------------------------------------------------


@dataclass
class _Presence:
    """What one socket announced on one wiki page: its editor's client ids and clocks."""

    target: Target
    clients: dict[int, int] = field(default_factory=dict)
    user: dict[str, str] = field(default_factory=dict)


_present: dict[str, dict[int, _Presence]] = {}  # sid -> wiki page id -> presence
_owner: dict[int, str] = {}  # client id -> sid (in this process)


async def _person(
    session: AsyncSession, user: User, target: Target, settings: Settings
) -> dict[str, str]:
    """The name and colour shown with someone's cursor: the name anyone in the page's room
    may see. On a published page the public may be in the room, so a pupil is "A pupil of
    <school>"; on any other page only members are, and they see the member's name."""
    uow = UnitOfWork(session)
    space, page, widget = await load_widget(uow, target.space_id, target.widget_id)
    ctx = await make_context(uow, user, space, page, widget, settings)
    role = target.viewer.role
    return {
        "name": ctx.public_name(user, role) if ctx.page_facts.published else user.display_name,
        "color": COLOURS[user.id % len(COLOURS)],
        "role": role.value,
    }


async def awareness(
    rt: Runtime, sid: str, user: User | None, data: dict[str, Any]
) -> dict[str, Any]:
    blob = _blob(data, "update", MAX_AWARENESS_BYTES)
    try:
        entries = crdt.decode_awareness(blob)
    except crdt.BadUpdate:
        raise Invalid(N_("This presence update could not be read."), field="update") from None
    if not 1 <= len(entries) <= 4:
        raise Invalid(N_("This presence update could not be read."), field="update")
    async with rt.db.brief_read() as session:  # every event is checked, not only the first
        target = await _target(session, user, data)
        if user is None or not target.viewer.is_member:
            raise Forbidden(N_("Only members of this TwinSpace are shown to others."))
        pages = _present.setdefault(sid, {})
        presence = pages.get(target.page_id)
        if presence is None or presence.target != target:
            await store.get_page(session, target.widget_id, target.page_id)
            person = await _person(session, user, target, rt.settings)
            presence = _Presence(target, presence.clients if presence else {}, person)
            pages[target.page_id] = presence
    target = presence.target
    clean: list[crdt.AwarenessEntry] = []
    for client, clock, state in entries:
        owner = _owner.get(client)
        if owner is not None and owner != sid:
            continue  # somebody else's cursor: not yours to move
        _owner[client] = sid
        presence.clients[client] = clock
        if state is not None:
            state = {"user": presence.user, "cursor": state.get("cursor")}
        clean.append((client, clock, state))
    if clean:
        await rt.sio.emit(
            "wiki:awareness",
            _echo(target, update=crdt.encode_awareness(clean)),
            to=target.room,
            skip_sid=sid,
        )
    return {"ok": True}


async def disconnected(rt: Runtime, sid: str) -> None:
    """Tell the others that this socket's cursors are gone."""
    for presence in _present.pop(sid, {}).values():
        gone = [(client, clock + 1, None) for client, clock in presence.clients.items()]
        for client, _, _ in gone:
            _owner.pop(client, None)
        if gone:
            await rt.sio.emit(
                "wiki:awareness",
                _echo(presence.target, update=crdt.encode_awareness(gone)),
                to=presence.target.room,
            )


EVENTS = {
    "wiki:sync": SocketEvent(sync),
    "wiki:update": SocketEvent(update, per_second=30.0, burst=200),
    "wiki:awareness": SocketEvent(awareness, per_second=10.0, burst=40),
}
