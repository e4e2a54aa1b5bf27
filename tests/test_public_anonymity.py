"""Public views never name a pupil: a seeded installation (the demo plus pupil contributions in
every tool, every activity page and the Home published) is crawled as an anonymous visitor —
every page and link, the public JSON answers, and the Socket.IO catch-up of every public room —
and no pupil's name, username or id may appear anywhere."""

from __future__ import annotations

import io
import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from PIL import Image
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.accounts.models import User, UserKind
from twinspace.pages.models import Page, Widget

PUPIL_MARK = "A pupil of"
# Keys whose number names a person (a pupil's id must never be the value)
PERSON_ID_KEYS = {"user_id", "author_id", "uploader_id", "uploaded_by", "created_by", "actor_id"}
PERSON_KEYS = {"author", "uploader", "user", "editor", "by", "creator", "reporter", "sender"}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


async def _widgets(server: RunningServer) -> dict[str, tuple[int, int]]:
    """kind -> (page id, widget id) on the demo's activity pages."""
    async with server.runtime.db.read() as session:
        rows = await session.execute(
            select(Widget.kind, Page.id, Widget.id)
            .join(Page, Page.id == Widget.page_id)
            .where(Page.space_id == 1, Page.room == "activities")
            .order_by(Widget.id)
        )
        found: dict[str, tuple[int, int]] = {}
        for kind, page_id, widget_id in rows:
            found.setdefault(kind, (page_id, widget_id))
        return found


async def _pupils(server: RunningServer) -> list[User]:
    async with server.runtime.db.read() as session:
        return list(await session.scalars(select(User).where(User.kind == UserKind.PUPIL.value)))


async def _seed_pupil_contributions(server: RunningServer) -> list[int]:
    """Pupils write in every tool; every activity page and the Home are then published."""
    anne, lea, tom, pia = [
        await api_login(server.url, name) for name in ("anne", "lea", "tom", "pia")
    ]
    tools = await _widgets(server)

    def cmd(widget: str, command: str) -> str:
        return f"/api/v1/spaces/1/widgets/{tools[widget][1]}/{command}"

    posts = (await lea.post(cmd("blog", "posts.list"), json={})).json()["posts"]
    done = await tom.post(
        cmd("blog", "comment.create"), json={"post_id": posts[0]["id"], "text": "We agree"}
    )
    assert done.status_code == 200, done.text
    topic = await lea.post(
        cmd("forum", "topic.create"), json={"title": "A question", "text": "Any fish?"}
    )
    topic_id = topic.json()["topic"]["id"] if topic.status_code == 200 else None
    if topic_id is None:  # pupils may not open topics here: they reply to the demo's topic
        listed = (await lea.post(cmd("forum", "topics.list"), json={})).json()
        topic_id = listed["topics"][0]["id"]
    replied = await lea.post(
        cmd("forum", "reply.create"), json={"topic_id": topic_id, "text": "Trout, I think."}
    )
    assert replied.status_code == 200, replied.text
    wiki = await tom.post(
        cmd("wiki", "page.create"), json={"title": "Bridges", "text": "The bridge in Köln."}
    )
    assert wiki.status_code == 200, wiki.text
    saved = await tom.post(
        cmd("wiki", "revision.save"), json={"page_id": wiki.json()["page"]["id"]}
    )
    assert saved.status_code in (200, 400, 409), saved.text
    photo = await pia.post(
        f"/spaces/1/widgets/{tools['gallery'][1]}/photos",
        files=[("file", ("river.jpg", _jpeg(), "image/jpeg"))],
        data={"caption": "Our class at the river"},
    )
    assert photo.status_code == 201, photo.text
    photo_id = photo.json()["photos"][0]["id"]
    consent = await anne.post(
        cmd("gallery", "photo.consent"), json={"photo_id": photo_id, "consent": True}
    )
    assert consent.status_code == 200, consent.text
    uploaded = await pia.post(
        f"/spaces/1/widgets/{tools['files'][1]}/files",
        files={"file": ("notes.txt", b"river notes", "text/plain")},
        headers={"Accept": "application/json"},
    )
    assert uploaded.status_code == 201, uploaded.text
    page_ids = sorted({page_id for page_id, _ in tools.values()})
    for page_id in page_ids:
        published = await anne.post(
            f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
        )
        assert published.status_code == 200, published.text
    home = await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
    assert home.status_code == 200, home.text
    # A contribution after publication goes public too: it must be anonymous at once.
    late = await lea.post(
        cmd("blog", "comment.create"), json={"post_id": posts[0]["id"], "text": "Late one"}
    )
    assert late.status_code == 200, late.text
    for client in (anne, lea, tom, pia):
        await client.aclose()
    return page_ids


def _json_leaks(value: Any, pupil_ids: set[int], where: str, parent: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        if parent in PERSON_KEYS and value.get("id") in pupil_ids:
            found.append(f"{where}: {parent} carries pupil id {value['id']}")
        for key, item in value.items():
            if key in PERSON_ID_KEYS and item in pupil_ids:
                found.append(f"{where}: {key}={item}")
            found += _json_leaks(item, pupil_ids, where, key)
    elif isinstance(value, list):
        for item in value:
            found += _json_leaks(item, pupil_ids, where, parent)
    return found


def _text_leaks(text: str, words: set[str], pupil_ids: set[int], where: str) -> list[str]:
    found = [
        f"{where}: names {w!r}"
        for w in words
        if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
    ]
    for pid in pupil_ids:
        if re.search(rf"/members/{pid}(?!\d)|data-(?:user|author)[\w-]*=\"{pid}\"", text):
            found.append(f"{where}: links pupil {pid}")
    return found


async def _crawl(
    client: httpx.AsyncClient, base: str, page_ids: list[int], words: set[str], pupil_ids: set[int]
) -> tuple[list[str], set[str]]:
    """Every page and link reachable from the public entry points, and the public JSON."""
    leaks: list[str] = []
    seen: set[str] = set()
    queue = ["/gallery", "/spaces/1", *(f"/spaces/1/pages/{p}" for p in page_ids)]
    queue += ["/api/v1/gallery", "/api/v1/spaces/1", "/api/v1/spaces/1/members"]
    queue += ["/spaces/1/calendar.ics", "/api/v1/spaces/1/calendar.ics", "/api/v1/spaces/1/feed"]
    queue += ["/api/v1/spaces/1/journal", "/api/v1/members?q=Victor", "/people?q=Victor"]
    queue += [f"/api/v1/spaces/1/pages/{p}" for p in page_ids]
    queue += [f"/api/v1/spaces/1/rooms/{room}/pages" for room in ("activities", "home")]
    for pid in pupil_ids:  # a pupil's profile, in the network or the TwinSpace
        queue += [f"/members/{pid}", f"/api/v1/members/{pid}", f"/spaces/1/members/{pid}"]
    while queue and len(seen) < 300:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = await client.get(path)
        if answer.status_code != 200:
            continue
        kind = answer.headers.get("content-type", "")
        if "json" in kind:
            body = answer.json()
            leaks += _json_leaks(body, pupil_ids, path)
            leaks += _text_leaks(json.dumps(body, ensure_ascii=False), words, pupil_ids, path)
        elif "text" in kind:
            leaks += _text_leaks(answer.text, words, pupil_ids, path)
            for href in re.findall(r'(?:href|src|action)="([^"#]+)', answer.text):
                url = urljoin(base + path, href.replace("&amp;", "&"))
                parts = urlsplit(url)
                if url.startswith(base) and not parts.path.startswith("/static"):
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                    if "lang=" not in target and "/logout" not in target:
                        queue.append(target)
    # Every read command of every tool, as the public API answers it.
    for kind, (_page_id, widget_id) in (await _widget_ids(base)).items():
        for command in ("posts.list", "topics.list", "pages.list", "list"):
            answer = await client.post(f"/api/v1/spaces/1/widgets/{widget_id}/{command}", json={})
            if answer.status_code != 200:
                continue
            body = answer.json()
            leaks += _json_leaks(body, pupil_ids, f"{kind}:{command}")
            leaks += _text_leaks(json.dumps(body, ensure_ascii=False), words, pupil_ids, command)
            for topic in body.get("topics", []):
                shown = await client.post(
                    f"/api/v1/spaces/1/widgets/{widget_id}/topic.show",
                    json={"topic_id": topic["id"]},
                )
                leaks += _json_leaks(shown.json(), pupil_ids, "topic.show")
                leaks += _text_leaks(shown.text, words, pupil_ids, "topic.show")
            for wiki_page in body.get("pages", []):
                listed = await client.post(
                    f"/api/v1/spaces/1/widgets/{widget_id}/revisions.list",
                    json={"page_id": wiki_page["id"]},
                )
                leaks += _json_leaks(listed.json(), pupil_ids, "revisions.list")
                leaks += _text_leaks(listed.text, words, pupil_ids, "revisions.list")
    return leaks, seen


_WIDGETS: dict[str, dict[str, tuple[int, int]]] = {}


async def _widget_ids(base: str) -> dict[str, tuple[int, int]]:
    return _WIDGETS[base]


async def test_public_crawl_finds_no_pupil(server: RunningServer, connect_as) -> None:
    """As anonymous and as a logged-in outsider (an NSS officer, not a member)."""
    page_ids = await _seed_pupil_contributions(server)
    _WIDGETS[server.url] = await _widgets(server)
    pupils = await _pupils(server)
    pupil_ids = {p.id for p in pupils}
    words = {p.username for p in pupils} | {p.display_name for p in pupils}
    words |= {p.display_name.split()[0] for p in pupils}
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        leaks, seen = await _crawl(anonymous, server.url, page_ids, words, pupil_ids)
    assert {"/spaces/1", "/gallery"} <= seen and len(seen) > 10
    outsider = await api_login(server.url, "nss-fr")
    more, _ = await _crawl(outsider, server.url, page_ids, words, pupil_ids)
    leaks += [f"(outsider) {leak}" for leak in more]
    await outsider.aclose()
    rooms = ["space:1:home", *(f"space:1:page:{p}" for p in page_ids)]
    for who in (None, "nss-fr"):
        live = await connect_as(who)
        for room in rooms:
            joined = await live.call("join", {"room": room, "after": 0})
            assert joined["ok"], joined
            caught = await live.call("catchup", {"room": room, "after": 0})
            assert caught["ok"] and (room == "space:1:home" or caught["events"]), caught
            assert joined["events"] == caught["events"]  # the same anonymised events
            leaks += _json_leaks(caught, pupil_ids, f"catchup {room}")
            leaks += _text_leaks(json.dumps(caught, ensure_ascii=False), words, pupil_ids, room)
    # A pupil writes while the public is in the room: the live event names no pupil.
    watcher = await connect_as(None)
    assert (await watcher.call("join", {"room": f"space:1:page:{page_ids[0]}"}))["ok"]
    lea = await api_login(server.url, "lea")
    blog = _WIDGETS[server.url]["blog"][1]
    posts = (await lea.post(f"/api/v1/spaces/1/widgets/{blog}/posts.list", json={})).json()
    said = await lea.post(
        f"/api/v1/spaces/1/widgets/{blog}/comment.create",
        json={"post_id": posts["posts"][0]["id"], "text": "Live one"},
    )
    assert said.status_code == 200, said.text
    await lea.aclose()
    event = await watcher.wait_for(lambda e: e["type"] == "blog.comment_created")
    assert event["data"]["comment"]["author"]["name"].startswith(PUPIL_MARK)
    leaks += _json_leaks(event, pupil_ids, "live event")
    leaks += _text_leaks(json.dumps(event, ensure_ascii=False), words, pupil_ids, "live event")
    assert not leaks, "\n".join(sorted(set(leaks)))
    # ...and the public does see that pupils took part, as pupils of a school.
    async with httpx.AsyncClient(base_url=server.url) as public:
        shown = await public.get(f"/spaces/1/pages/{page_ids[0]}")
        assert PUPIL_MARK in shown.text


async def test_members_still_see_pupils_names(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    tools = await _widgets(server)
    posts = await anne.post(f"/api/v1/spaces/1/widgets/{tools['blog'][1]}/posts.list", json={})
    comment = posts.json()["posts"][0]["comments"][0]
    assert comment["author"]["name"] == "Léa" and comment["author"]["id"]
    await anne.aclose()


async def test_publication_check_lists_pupil_contributions_and_photo_consent(
    server: RunningServer,
) -> None:
    tools = await _widgets(server)
    anne, pia = await api_login(server.url, "anne"), await api_login(server.url, "pia")
    for agreed in (True, False):
        photo = await pia.post(
            f"/spaces/1/widgets/{tools['gallery'][1]}/photos",
            files=[("file", ("river.jpg", _jpeg(), "image/jpeg"))],
            data={"caption": f"At the river ({agreed})"},
        )
        assert photo.status_code == 201, photo.text
        if agreed:
            await anne.post(
                f"/api/v1/spaces/1/widgets/{tools['gallery'][1]}/photo.consent",
                json={"photo_id": photo.json()["photos"][0]["id"], "consent": True},
            )
    reports = {}
    for kind in ("blog", "forum", "gallery"):
        page_id = tools[kind][0]
        check = await anne.get(f"/api/v1/spaces/1/pages/{page_id}/publication-check")
        assert check.status_code == 200, check.text
        reports[kind] = check.json()
    comment = [i for i in reports["blog"]["items"] if i["what"] == "Comment on a blog post"]
    assert (
        comment[0]["pupil_authors"] == ["Léa"]
        and comment[0] in reports["blog"]["pupil_contributions"]
    )
    replies = [i for i in reports["forum"]["pupil_contributions"] if i["what"] == "Forum reply"]
    wikis = [i for i in reports["forum"]["pupil_contributions"] if i["what"] == "Wiki page"]
    assert replies[0]["pupil_authors"] == ["Tom"] and wikis[0]["pupil_authors"] == ["Tom"]
    photos = {i["text"]: i for i in reports["gallery"]["photos"]}
    assert photos["At the river (True)"]["consent"] is True
    assert photos["At the river (False)"]["consent"] is False
    assert photos["At the river (True)"]["pupil_authors"] == ["Pia"]  # the caption's author
    page = await anne.get(f"/spaces/1/pages/{tools['gallery'][0]}/publish")
    assert "no consent recorded" in page.text and "by a pupil: Pia" in page.text
    await anne.aclose()
    await pia.aclose()
