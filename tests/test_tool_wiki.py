"""The Wiki tool through the real stack: live co-editing with pycrdt clients (two, ten, one of
them offline for a while), durable storage across a restart, frozen pages and readers whose
updates are refused and never relayed, cursors, revisions with diff and restore, the
permission cells, and the page without JavaScript."""

from __future__ import annotations

import asyncio
import random

import pytest
from pycrdt import Doc, Text
from sqlalchemy import func, select

from tests.conftest import ROLE_USERS, RunningServer, start_server, stop_server
from tests.support import LiveClient, api_login
from tests.wiki_helpers import EMPTY_UPDATE, Editor, make_wiki, room_of, wire
from twinspace.errors import DomainError
from twinspace.permissions import (
    PageFacts,
    Role,
    Room,
    SpaceFacts,
    Viewer,
    access_wiki_edit,
    may_edit_wiki,
)
from twinspace.tools.wiki import crdt, revisions, store
from twinspace.tools.wiki import tool as wiki_tool
from twinspace.tools.wiki.models import WikiPage, WikiRevision, WikiUpdate


async def _stored_text(running: RunningServer, page_id: int) -> str:
    async with running.runtime.db.read() as session:
        page = await session.get(WikiPage, page_id)
        return crdt.plain_text(await store.load_document(session, page))


async def _editor(connect_as, username: str, ids: dict[str, int], name: str = "") -> Editor:
    editor = Editor(await connect_as(username), ids, name or username)
    await editor.join()
    return editor


async def _type_randomly(editor: Editor, seed: int, count: int) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        await editor.edit(rng)
        if rng.random() < 0.3:
            await asyncio.sleep(0)  # let the others' updates interleave


async def _converged(editors: list[Editor], running: RunningServer, page_id: int) -> str:
    expected = await _stored_text(running, page_id)
    for editor in editors:
        await editor.wait_text(expected)
    return expected


async def test_two_editors_at_random_places_converge(server: RunningServer, login, connect_as):
    ids = await make_wiki(await login("anne"))
    anne = await _editor(connect_as, "anne", ids)
    lea = await _editor(connect_as, "lea", ids)
    await asyncio.gather(_type_randomly(anne, 1, 40), _type_randomly(lea, 2, 40))
    text = await _converged([anne, lea], server, ids["page_id"])
    assert "anne:" in text and "lea:" in text
    assert anne.value() == lea.value() == text
    # every update was stored before it was relayed, in one sequence per page
    async with server.runtime.db.read() as session:
        page = await session.get(WikiPage, ids["page_id"])
        assert page.seq == 80
        assert page.pending_authors and set(page.pending_authors) == {
            u.id for u in [await _user(session, "anne"), await _user(session, "lea")]
        }


async def _user(session, username: str):
    from twinspace.accounts.models import User

    return await session.scalar(select(User).where(User.username == username))


async def test_ten_editors_one_offline_converge_and_survive_a_restart(
    server: RunningServer, settings, login, connect_as, monkeypatch
):
    monkeypatch.setattr(store, "COMPACT_AFTER", 50)  # compaction happens during the test
    ids = await make_wiki(await login("anne"))
    people = ["anne", "jonas", "tina", "pia", "lea", "tom", "anne", "jonas", "lea", "tom"]
    editors = [await _editor(connect_as, who, ids, f"{who}{n}") for n, who in enumerate(people)]
    offline = editors[4]
    await asyncio.gather(*(_type_randomly(e, 10 + n, 8) for n, e in enumerate(editors)))

    # one member loses the connection, keeps typing, the others too
    await offline.live.close()
    rng = random.Random(99)
    for _ in range(12):
        offline.local_edit(rng)
    typed_offline = offline.value()
    others = [e for e in editors if e is not offline]
    await asyncio.gather(*(_type_randomly(e, 50 + n, 8) for n, e in enumerate(others)))
    assert offline.value() == typed_offline  # nothing reached it while it was away

    # back online: catch up, and send what was typed offline
    offline.attach(await connect_as("lea"))
    await offline.join()
    text = await _converged(editors, server, ids["page_id"])
    assert "pia3:" in text and "lea4:" in text
    assert len({e.value() for e in editors}) == 1

    async with server.runtime.db.read() as session:
        page = await session.get(WikiPage, ids["page_id"])
        assert page.seq == 10 * 8 + 9 * 8 + 1
        assert page.snapshot_seq > 0  # compacted into the snapshot at least once
        left = await session.scalar(
            select(func.count()).select_from(WikiUpdate).where(WikiUpdate.page_id == page.id)
        )
        assert left == page.seq - page.snapshot_seq

    # the stored state survives a restart of the server
    for editor in editors:
        await editor.live.close()
    port = int(server.url.rsplit(":", 1)[1])
    await stop_server(server)
    again = await start_server(settings, port)
    try:
        assert await _stored_text(again, ids["page_id"]) == text
        fresh = await _editor(connect_as, "tom", ids, "tom-again")
        assert fresh.value() == text
        await fresh.edit(random.Random(5))
        assert await _stored_text(again, ids["page_id"]) == fresh.value()
    finally:
        await stop_server(again)


async def test_frozen_page_and_readers_updates_are_refused_and_never_relayed(
    server: RunningServer, login, connect_as
):
    anne_http = await login("anne")
    ids = await make_wiki(anne_http)
    anne = await _editor(connect_as, "anne", ids)
    watcher = await _editor(connect_as, "jonas", ids)
    lea = await _editor(connect_as, "lea", ids)
    paul = await _editor(connect_as, "paul", ids)  # a visitor reads the page live
    rng = random.Random(3)

    async def write(editor: Editor, words: str) -> dict:
        before = editor.doc.get_state()
        editor.text.insert(len(editor.text), words)
        return await editor.send(editor.doc.get_update(before))

    assert (await write(lea, "Léa wrote this. "))["ok"]  # before the freeze a pupil writes
    await watcher.wait_text(lea.value())

    frozen = await anne_http.post(
        f"/api/v1/spaces/1/widgets/{ids['widget_id']}/page.freeze",
        json={"page_id": ids["page_id"]},
    )
    assert frozen.status_code == 200, frozen.text
    event = await lea.live.wait_for(lambda e: e["type"] == "wiki.frozen")
    assert event["data"] == {
        "widget_id": ids["widget_id"],
        "page_id": ids["page_id"],
        "frozen": True,
    }
    synced = await lea.sync()
    assert synced["frozen"] is True and synced["may_edit"] is False

    async with server.runtime.db.read() as session:
        seq_before = (await session.get(WikiPage, ids["page_id"])).seq
    watcher_had = len(watcher.received)

    pupil = await write(lea, "Frozen, yet Léa typed. ")
    assert pupil["ok"] is False and pupil["error"] == "locked"
    visitor = await write(paul, "Paul was here. ")
    assert visitor["ok"] is False and visitor["error"] == "forbidden"
    anonymous = Editor(await connect_as(None), ids, "anon")
    assert (await anonymous.live.call("join", {"room": room_of(ids)}))["error"] == "not_found"
    refused = await anonymous.send(anonymous.local_edit(rng))
    assert refused["ok"] is False and refused["error"] == "not_found"

    # a teacher still writes; the watcher receives that update and only that one
    await anne.sync()
    assert (await write(anne, "Anne still writes. "))["ok"]
    await watcher.wait_text(anne.value())
    assert len(watcher.received) == watcher_had + 1
    assert watcher.value() == "Léa wrote this. Anne still writes. "
    async with server.runtime.db.read() as session:
        page = await session.get(WikiPage, ids["page_id"])
        assert page.seq == seq_before + 1
        authors = set(
            await session.scalars(select(WikiUpdate.author_id).where(WikiUpdate.page_id == page.id))
        )
        paul_user = await _user(session, "paul")
        assert paul_user.id not in authors
    assert await _stored_text(server, ids["page_id"]) == anne.value()

    # unfrozen: the pupil writes again, and what she typed meanwhile merges
    await anne_http.post(
        f"/api/v1/spaces/1/widgets/{ids['widget_id']}/page.unfreeze",
        json={"page_id": ids["page_id"]},
    )
    await lea.sync()
    await _converged([anne, lea, watcher], server, ids["page_id"])


async def test_bad_updates_are_refused_with_an_error_and_never_stored(
    server: RunningServer, login, connect_as, monkeypatch
):
    ids = await make_wiki(await login("anne"))
    anne = await _editor(connect_as, "anne", ids)
    for payload, code in [
        ({**wire(ids), "update": b"\xff\xfe not an update"}, "invalid"),
        ({**wire(ids), "update": "text, not bytes"}, "invalid"),
        ({**wire(ids), "update": b"\x00" * (store.MAX_UPDATE_BYTES + 1)}, "invalid"),
        ({**wire(ids), "page_id": "1", "update": EMPTY_UPDATE}, "invalid"),
        ({**wire(ids), "page_id": 999_999, "update": EMPTY_UPDATE}, "not_found"),
    ]:
        ack = await anne.live.call("wiki:update", payload)
        assert ack["ok"] is False and ack["error"] == code, (payload.get("page_id"), ack)
    bad_vector = await anne.live.call("wiki:sync", {**wire(ids), "state_vector": b"\xff\xff\xff"})
    assert bad_vector["ok"] is False and bad_vector["error"] == "invalid"

    # a document that would grow beyond its bound is refused too
    monkeypatch.setattr(store, "MAX_DOCUMENT_BYTES", 2000)
    big = anne.doc.get_state()
    anne.text.insert(0, "x" * 3000)
    ack = await anne.send(anne.doc.get_update(big))
    assert ack["ok"] is False and ack["error"] == "too_large"
    async with server.runtime.db.read() as session:
        page = await session.get(WikiPage, ids["page_id"])
        assert page.seq == 0 and page.size == 0
        stored = await session.scalars(select(WikiUpdate.id).where(WikiUpdate.page_id == page.id))
        assert not list(stored)


async def test_cursors_carry_server_names_and_go_away_with_the_socket(
    server: RunningServer, login, connect_as
):
    ids = await make_wiki(await login("anne"))
    anne = await _editor(connect_as, "anne", ids)
    lea = await _editor(connect_as, "lea", ids)
    seen: list[list[crdt.AwarenessEntry]] = []
    arrived = asyncio.Event()

    @anne.live.sio.on("wiki:awareness")
    async def _on(data):
        seen.append(crdt.decode_awareness(data["update"]))
        arrived.set()

    async def next_update() -> list[crdt.AwarenessEntry]:
        while not seen:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 10)
        return seen.pop(0)

    forged = crdt.encode_awareness(
        [(4242, 1, {"user": {"name": "Anne Moreau (teacher)", "color": "#000"}, "cursor": None})]
    )
    ack = await lea.live.call("wiki:awareness", {**wire(ids), "update": forged})
    assert ack == {"ok": True}
    [(client, clock, state)] = await next_update()
    assert (client, clock) == (4242, 1)
    assert state["user"]["name"] == "Léa"  # a members-only page: members see her name
    assert state["user"]["color"].startswith("#")
    assert state["user"]["name"] != "Anne Moreau (teacher)"

    # once the page is public, anyone may be in its room: the cursor names no pupil
    anne_http = await login("anne")
    published = await anne_http.post(
        f"/api/v1/spaces/1/pages/{ids['host_id']}/publish", json={"public": True, "confirm": True}
    )
    assert published.status_code == 200, published.text
    again = crdt.encode_awareness([(4242, 2, {"user": {"name": "x"}, "cursor": None})])
    assert (await lea.live.call("wiki:awareness", {**wire(ids), "update": again}))["ok"]
    [(_, _, state)] = await next_update()
    assert state["user"]["name"] == "A pupil of Collège Victor Hugo, France"

    # another socket cannot move Léa's cursor
    stolen = crdt.encode_awareness([(4242, 2, None)])
    assert (await anne.live.call("wiki:awareness", {**wire(ids), "update": stolen}))["ok"]
    # the public may read the published page but never shows up in it; garbage is refused
    anonymous = await connect_as(None)
    refused = await anonymous.call("wiki:awareness", {**wire(ids), "update": forged})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    garbage = await lea.live.call("wiki:awareness", {**wire(ids), "update": b"\x05\x01"})
    assert garbage["error"] == "invalid"

    await lea.live.close()
    [(client, clock, state)] = await next_update()
    assert (client, clock, state) == (4242, 3, None)


async def test_revisions_after_a_pause_named_diff_and_restore(
    server: RunningServer, login, connect_as, monkeypatch
):
    monkeypatch.setattr(revisions, "IDLE_SECONDS", 0.05)
    anne_http, lea_http = await login("anne"), await login("lea")
    ids = await make_wiki(anne_http)
    cmd = f"/api/v1/spaces/1/widgets/{ids['widget_id']}/"
    lea = await _editor(connect_as, "lea", ids)
    before = lea.doc.get_state()
    lea.text.insert(0, "The Rhône flows south.\n")
    assert (await lea.send(lea.doc.get_update(before)))["ok"]
    saved = await lea.live.wait_for(lambda e: e["type"] == "wiki.revision_saved")
    assert saved["data"]["revision"] == 1 and saved["data"]["reason"] == "idle"

    named = await lea_http.post(
        cmd + "revision.save", json={"page_id": ids["page_id"], "name": "First draft"}
    )
    assert named.status_code == 200, named.text
    assert named.json()["revision"]["number"] == 2

    before = lea.doc.get_state()
    lea.text.insert(len(lea.text), "The Rhine flows north.\n")  # pycrdt counts UTF-8 bytes
    assert (await lea.send(lea.doc.get_update(before)))["ok"]
    await lea.live.wait_for(
        lambda e: e["type"] == "wiki.revision_saved" and e["data"]["revision"] == 3
    )

    listed = (await lea_http.post(cmd + "revisions.list", json={"page_id": ids["page_id"]})).json()
    assert [r["number"] for r in listed["revisions"]] == [3, 2, 1]
    assert listed["revisions"][1]["name"] == "First draft"
    assert listed["revisions"][0]["authors"] == ["Léa"]
    shown = (
        await lea_http.post(cmd + "revision.show", json={"page_id": ids["page_id"], "revision": 1})
    ).json()
    assert shown["diff"] == [
        ["same", "The Rhône flows south."],
        ["added", "The Rhine flows north."],
    ]

    # a pupil may not restore; a teacher may, and that is a new revision everybody syncs to
    refused = await lea_http.post(
        cmd + "revision.restore", json={"page_id": ids["page_id"], "revision": 1}
    )
    assert refused.status_code == 403
    restored = await anne_http.post(
        cmd + "revision.restore", json={"page_id": ids["page_id"], "revision": 1}
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["revision"]["number"] == 4
    event = await lea.live.wait_for(lambda e: e["type"] == "wiki.restored")
    assert event["data"]["restored_from"] == 1
    async with server.runtime.db.read() as session:
        seq = (await session.get(WikiPage, ids["page_id"])).seq
    await lea.sync()  # after the restore Léa's document holds deletions the server has too
    assert lea.value() == "The Rhône flows south.\n" == await _stored_text(server, ids["page_id"])
    async with server.runtime.db.read() as session:
        assert (await session.get(WikiPage, ids["page_id"])).seq == seq  # nothing new stored
    async with server.runtime.db.read() as session:
        last = await session.scalar(
            select(WikiRevision).where(
                WikiRevision.number == 4, WikiRevision.page_id == ids["page_id"]
            )
        )
        assert last.reason == "restore" and last.restored_from == 1

    # long histories come 50 at a time, newest first (here 2)
    monkeypatch.setattr(wiki_tool, "REVISIONS_PAGE", 2)
    first = (await lea_http.post(cmd + "revisions.list", json={"page_id": ids["page_id"]})).json()
    assert [r["number"] for r in first["revisions"]] == [4, 3] and first["more"] is True
    older = await lea_http.post(
        cmd + "revisions.list", json={"page_id": ids["page_id"], "before": 3}
    )
    assert [r["number"] for r in older.json()["revisions"]] == [2, 1]
    assert older.json()["more"] is False
    listing = await lea_http.get(
        f"/spaces/1/widgets/{ids['widget_id']}/wiki/{ids['page_id']}/revisions"
    )
    assert "revisions?before=3" in listing.text

    # the pages without JavaScript: the list, a revision with its differences
    page = await anne_http.get(
        f"/spaces/1/widgets/{ids['widget_id']}/wiki/{ids['page_id']}/revisions"
    )
    assert page.status_code == 200 and "Restored from revision 1" in page.text
    one = await anne_http.get(
        f"/spaces/1/widgets/{ids['widget_id']}/wiki/{ids['page_id']}/revisions/3"
    )
    assert one.status_code == 200 and "<del>The Rhine flows north.</del>" in one.text


async def test_pages_titles_links_and_the_page_without_javascript(
    server: RunningServer, login, connect_as
):
    anne_http, lea_http, paul_http = await login("anne"), await login("lea"), await login("paul")
    ids = await make_wiki(anne_http)
    cmd = f"/api/v1/spaces/1/widgets/{ids['widget_id']}/"
    created = await lea_http.post(
        cmd + "page.create", json={"title": "  Our   herons ", "text": "<b>Grey</b> herons"}
    )
    assert created.status_code == 200, created.text
    heron = created.json()["page"]
    assert heron["title"] == "Our herons"
    first = await lea_http.post(cmd + "page.show", json={"page_id": heron["id"]})
    assert first.json()["text"] == "<b>Grey</b> herons\n"  # plain text, never HTML
    assert "&lt;b&gt;Grey&lt;/b&gt; herons" in first.json()["html"]
    history = await lea_http.post(cmd + "revisions.list", json={"page_id": heron["id"]})
    assert [(r["number"], r["reason"], r["authors"]) for r in history.json()["revisions"]] == [
        (1, "first", ["Léa"])
    ]
    twice = await lea_http.post(cmd + "page.create", json={"title": "our HERONS"})
    assert twice.status_code == 409
    assert (await paul_http.post(cmd + "page.create", json={"title": "Visitor"})).status_code == 403
    assert (await lea_http.post(cmd + "page.create", json={"title": "[[x]]"})).status_code == 400

    lea = await _editor(connect_as, "lea", ids)
    before = lea.doc.get_state()
    lea.text.insert(0, "See [[Our herons]] and [[Nowhere]]. <script>alert(1)</script>\n")
    lea.text.insert(0, "Evil link\n", {"link": "javascript:alert(2)"})
    lea.text.insert(0, "Birds", {"bold": True})
    lea.text.insert(5, "\n", {"header": 1})
    assert (await lea.send(lea.doc.get_update(before)))["ok"]

    html = (await paul_http.get(heron["url"].replace(f"/{heron['id']}", f"/{ids['page_id']}"))).text
    assert "<h2><strong>Birds</strong></h2>" in html
    assert f'<a href="{heron["url"]}">Our herons</a>' in html
    assert "[[Nowhere]]" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert(2)" not in html
    assert 'data-may-edit="false"' in html  # a visitor reads
    widget = await anne_http.get(f"/spaces/1/pages/{ids['host_id']}")
    assert "Our herons" in widget.text and "<strong>Birds</strong>" in widget.text
    # someone who may not read the page is told it does not exist
    outsider = await login("nss-fr")
    assert (await outsider.get(heron["url"])).status_code == 404


# --- The matrix: who may write in a wiki page, frozen or not, cell by cell ------------------

WRITES = {  # room -> roles who may write in a wiki page that is not frozen
    Room.ACTIVITIES: {Role.TEACHER_ADMIN, Role.TEACHER, Role.PUPIL_ADMIN, Role.PUPIL},
    Room.TEACHERS: {Role.TEACHER_ADMIN, Role.TEACHER},
    Room.PUPILS: {Role.PUPIL_ADMIN, Role.PUPIL},
}
TEACHERS = {Role.TEACHER_ADMIN, Role.TEACHER}


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("room", list(WRITES))
@pytest.mark.parametrize("role", list(Role))
def test_wiki_edit_cells(role: Role, room: Room, frozen: bool) -> None:
    expected = role in WRITES[room] and (not frozen or role in TEACHERS)
    viewer, space = Viewer(1, role), SpaceFacts(space_id=1)
    page = PageFacts(room=room, is_public=room is Room.ACTIVITIES)
    assert may_edit_wiki(viewer, space, page, frozen=frozen) is expected
    try:
        access_wiki_edit(viewer, space, page, frozen=frozen)
        refused = None
    except DomainError as err:
        refused = err.code
    assert (refused is None) is expected
    if not expected and role in WRITES[room]:
        assert refused == "locked"  # frozen: the member hears why
    closed = SpaceFacts(space_id=1, is_open=False)  # an archived TwinSpace is read-only
    assert may_edit_wiki(viewer, closed, page, frozen=frozen) is False


@pytest.mark.parametrize(
    ("who", "room", "ok"),
    [
        ("teacher_member", "teachers", True),
        ("pupil_admin", "teachers", False),
        ("pupil_member", "pupils", True),
        ("teacher_admin", "pupils", False),
        ("visitor", "activities", False),
    ],
)
async def test_wiki_edit_over_the_socket_follows_the_matrix(
    server: RunningServer, login, connect_as, who: str, room: str, ok: bool
):
    creator = "pia" if room == "pupils" else "anne"
    ids = await make_wiki(await login(creator), room)
    editor = Editor(await connect_as(ROLE_USERS[who]), ids, who)
    ack = await editor.send(editor.local_edit(random.Random(1)))
    assert ack["ok"] is ok, ack
    async with server.runtime.db.read() as session:
        assert (await session.get(WikiPage, ids["page_id"])).seq == (1 if ok else 0)


def test_restore_merges_with_concurrent_typing() -> None:
    """Restoring is an update like any other: what someone typed meanwhile is kept."""
    server = Doc()
    text = server.get("text", type=Text)
    text.insert(0, "old text\n")
    old = crdt.encode(server)
    text.insert(0, "new ")
    pupil = crdt.load([crdt.encode(server)])
    before = pupil.get_state()
    pupil.get("text", type=Text).insert(0, "typed meanwhile ")
    typed = pupil.get_update(before)
    restore = crdt.replace(server, crdt.delta(crdt.load([old])))
    server.apply_update(typed)
    pupil.apply_update(restore)
    assert str(server.get("text", type=Text)) == str(pupil.get("text", type=Text))
    assert "typed meanwhile" in str(pupil.get("text", type=Text))
    assert "old text" in str(pupil.get("text", type=Text))


async def test_two_server_processes_over_redis_relay_every_update(redis_url, spawn_server):
    """Editors on two processes: what one process stores reaches the other's clients."""
    url_a = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    url_b = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    anne_http, lea_http = await api_login(url_a, "anne"), await api_login(url_b, "lea")
    sockets: list[LiveClient] = []

    async def editor(url: str, http, name: str) -> Editor:
        live = await LiveClient().connect(url, http.cookies["ts_session"])
        sockets.append(live)
        joined = Editor(live, ids, name)
        await joined.join()
        return joined

    try:
        ids = await make_wiki(anne_http)
        anne, lea = await editor(url_a, anne_http, "anne"), await editor(url_b, lea_http, "lea")
        await asyncio.gather(_type_randomly(anne, 7, 15), _type_randomly(lea, 8, 15))
        stored = await editor(url_a, anne_http, "reader")  # what the database holds
        for one in (anne, lea):
            await one.wait_text(stored.value())
        assert "anne:" in stored.value() and "lea:" in stored.value()
        assert len(lea.received) >= 15 and len(anne.received) >= 15  # at least once
    finally:
        for live in sockets:
            await live.close()
        for http in (anne_http, lea_http):
            await http.aclose()
