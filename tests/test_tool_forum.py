"""The Forum tool through the real stack: topics, threaded replies, locking, pinning,
unread markers, the permission matrix, live events and the rendered page."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select

from tests.conftest import RunningServer
from tests.support import LiveClient
from twinspace.accounts.models import User
from twinspace.events import Event
from twinspace.tools.forum.models import ForumRead, ForumReply, ForumTopic

XSS = '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">x</a>'


async def _forum(client: httpx.AsyncClient, room: str = "activities") -> tuple[int, int]:
    page = await client.post(f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "Talk"})
    assert page.status_code == 201, page.text
    widget = await client.post(
        f"/api/v1/spaces/1/pages/{page.json()['id']}/widgets", json={"kind": "forum"}
    )
    assert widget.status_code == 201, widget.text
    return page.json()["id"], widget.json()["id"]


def _cmd(widget_id: int, command: str) -> str:
    return f"/api/v1/spaces/1/widgets/{widget_id}/{command}"


async def _topic(client: httpx.AsyncClient, widget_id: int, title: str = "Our rivers") -> int:
    response = await client.post(
        _cmd(widget_id, "topic.create"), json={"title": title, "text": "What lives there?"}
    )
    assert response.status_code == 200, response.text
    return response.json()["topic"]["id"]


async def _reply(
    client: httpx.AsyncClient, widget_id: int, topic_id: int, text: str, parent: int | None = None
) -> httpx.Response:
    payload: dict = {"topic_id": topic_id, "text": text}
    if parent is not None:
        payload["parent_reply_id"] = parent
    return await client.post(_cmd(widget_id, "reply.create"), json=payload)


async def _reply_id(client, widget_id: int, topic_id: int, text: str, parent=None) -> int:
    response = await _reply(client, widget_id, topic_id, text, parent)
    assert response.status_code == 200, response.text
    return response.json()["reply"]["id"]


async def _joined(connect_as, username: str | None, page_id: int) -> LiveClient:
    live = await connect_as(username)
    ack = await live.call("join", {"room": f"space:1:page:{page_id}"})
    assert ack["ok"], ack
    return live


async def _event(live: LiveClient, type_: str, **match) -> dict:
    def wanted(envelope: dict) -> bool:
        data = envelope["data"]
        return envelope["type"] == type_ and all(data.get(k) == v for k, v in match.items())

    envelope = await live.wait_for(wanted)
    assert "username" not in json.dumps(envelope)  # people are named, never by username
    return envelope["data"]


async def test_topics_replies_and_moderation_live(server: RunningServer, login, connect_as):
    anne, lea, tom = await login("anne"), await login("lea"), await login("tom")
    page_id, widget_id = await _forum(anne)
    watcher = await _joined(connect_as, "paul", page_id)

    topic_id = await _topic(anne, widget_id, "Who lives in the river?")
    created = (await _event(watcher, "forum.topic_created"))["topic"]
    assert created["id"] == topic_id and created["title"] == "Who lives in the river?"
    assert created["author"]["name"] == "Anne Moreau" and created["reply_count"] == 0

    top = await _reply_id(lea, widget_id, topic_id, "Fish!")
    reply = (await _event(watcher, "forum.reply_created"))["reply"]
    assert (
        reply["id"] == top
        and reply["text"] == "Fish!"
        and reply["author"]["name"] == "A pupil of Collège Victor Hugo, France"
    )
    assert reply["parent_reply_id"] is None
    answer = await _reply_id(tom, widget_id, topic_id, "Which fish?", parent=top)
    envelope = await watcher.wait_for(
        lambda e: e["type"] == "forum.reply_created" and e["data"]["reply"]["id"] == answer
    )
    assert envelope["data"]["reply"]["parent_reply_id"] == top
    deeper = await _reply(anne, widget_id, topic_id, "Trout.", parent=answer)
    assert deeper.status_code == 400 and deeper.json()["error"] == "invalid"

    edited = await lea.post(
        _cmd(widget_id, "reply.edit"), json={"reply_id": top, "text": "Fish and frogs!"}
    )
    assert edited.status_code == 200, edited.text
    updated = await _event(watcher, "forum.reply_updated")
    assert updated["reply"]["text"] == "Fish and frogs!"
    response = await anne.post(
        _cmd(widget_id, "topic.edit"), json={"topic_id": topic_id, "title": "River life"}
    )
    assert response.status_code == 200, response.text
    assert (await _event(watcher, "forum.topic_updated"))["title"] == "River life"

    async with server.runtime.db.read() as session:
        stored = await session.get(ForumReply, answer)
        assert stored.parent_reply_id == top and stored.topic_id == topic_id
        assert (await session.get(ForumReply, top)).text == "Fish and frogs!"
        assert (await session.get(ForumTopic, topic_id)).title == "River life"

    # pin and lock: only a moderator; a locked topic refuses replies from the others
    for command, event, field, value in [
        ("topic.pin", "forum.topic_pinned", "pinned", True),
        ("topic.lock", "forum.topic_locked", "locked", True),
    ]:
        response = await anne.post(_cmd(widget_id, command), json={"topic_id": topic_id})
        assert response.status_code == 200, response.text
        assert (await _event(watcher, event))[field] is value
    refused = await _reply(lea, widget_id, topic_id, "Me too")
    assert refused.status_code == 403 and refused.json()["error"] == "locked"
    refused = await lea.post(
        _cmd(widget_id, "reply.edit"), json={"reply_id": top, "text": "changed"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "locked"
    shown = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert "This topic is locked" in shown and "forum__reply-form" not in shown
    assert (await _reply(anne, widget_id, topic_id, "Closing this.")).status_code == 200
    response = await anne.post(_cmd(widget_id, "topic.unlock"), json={"topic_id": topic_id})
    assert response.status_code == 200
    assert (await _event(watcher, "forum.topic_locked", locked=False))["topic_id"] == topic_id
    assert (await _reply(lea, widget_id, topic_id, "Open again")).status_code == 200

    hidden = await anne.post(_cmd(widget_id, "reply.hide"), json={"reply_id": answer})
    assert hidden.status_code == 200
    envelope = await watcher.wait_for(
        lambda e: e["type"] == "forum.reply_updated" and e["data"]["reply"]["hidden"]
    )
    hidden_reply = envelope["data"]["reply"]  # the room may be public: no words, no author
    assert hidden_reply["id"] == answer and hidden_reply["text"] is None
    assert hidden_reply["author"] is None
    for_lea = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert "Which fish?" not in for_lea and "A teacher hid this message." in for_lea
    assert "Which fish?" in (await tom.get(f"/spaces/1/pages/{page_id}")).text  # the author
    response = await anne.post(_cmd(widget_id, "reply.restore"), json={"reply_id": answer})
    assert response.status_code == 200
    assert "Which fish?" in (await lea.get(f"/spaces/1/pages/{page_id}")).text

    deleted = await lea.post(_cmd(widget_id, "reply.delete"), json={"reply_id": top})
    assert deleted.status_code == 200 and set(deleted.json()["deleted_ids"]) == {top, answer}
    assert (await _event(watcher, "forum.reply_deleted"))["deleted_ids"] == [top, answer]
    response = await anne.post(_cmd(widget_id, "topic.delete"), json={"topic_id": topic_id})
    assert response.status_code == 200
    assert (await _event(watcher, "forum.topic_deleted"))["topic_id"] == topic_id
    async with server.runtime.db.read() as session:
        for model in (ForumTopic, ForumReply, ForumRead):
            assert (
                await session.scalar(
                    select(func.count()).select_from(model).where(model.widget_id == widget_id)
                )
                == 0
            )


async def test_who_may_do_what(server: RunningServer, login):
    anne, tina, lea, tom, paul = [await login(u) for u in ("anne", "tina", "lea", "tom", "paul")]
    page_id, widget_id = await _forum(anne)
    topic_id = await _topic(tina, widget_id, "Tina asks")
    reply = await _reply_id(lea, widget_id, topic_id, "Léa answers")

    refused = await lea.post(_cmd(widget_id, "topic.create"), json={"title": "t", "text": "x"})
    assert refused.status_code == 403  # pupils reply; they do not start topics here
    listed = await paul.post(_cmd(widget_id, "topics.list"), json={})
    assert listed.status_code == 200 and listed.json()["topics"][0]["id"] == topic_id
    assert (await _reply(paul, widget_id, topic_id, "hello")).status_code == 403
    for client, command, payload in [
        (tina, "topic.lock", {"topic_id": topic_id}),
        (tina, "topic.pin", {"topic_id": topic_id}),
        (tina, "reply.hide", {"reply_id": reply}),
        (tina, "reply.delete", {"reply_id": reply}),  # not hers, and she does not moderate
        (tom, "reply.edit", {"reply_id": reply, "text": "not mine"}),
        (lea, "topic.edit", {"topic_id": topic_id, "title": "mine now"}),
        (lea, "topic.delete", {"topic_id": topic_id}),
        (paul, "reply.delete", {"reply_id": reply}),
    ]:
        response = await client.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 403, (command, response.text)
    response = await tina.post(
        _cmd(widget_id, "topic.edit"), json={"topic_id": topic_id, "text": "Tina asks again"}
    )
    assert response.status_code == 200  # her own topic
    for command, payload in [
        ("topic.pin", {"topic_id": topic_id}),
        ("topic.lock", {"topic_id": topic_id}),
        ("reply.hide", {"reply_id": reply}),
        ("reply.delete", {"reply_id": reply}),
        ("topic.delete", {"topic_id": topic_id}),
    ]:
        response = await anne.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 200, (command, response.text)


async def test_outsiders_and_guessed_ids_get_not_found(server: RunningServer, login, connect_as):
    anne, outsider = await login("anne"), await login("nss-fr")
    page_id, widget_id = await _forum(anne)
    topic_id = await _topic(anne, widget_id)
    anonymous = await connect_as(None)
    payload = {"topic_id": topic_id, "title": "t", "text": "t"}
    for command in ("topics.list", "topic.show", "topic.read", "reply.create", "topic.lock"):
        response = await outsider.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 404, (command, response.text)
        ack = await anonymous.call(
            "tool", {"space_id": 1, "widget_id": widget_id, "command": command, **payload}
        )
        assert ack["ok"] is False and ack["error"] == "not_found", ack
    async with httpx.AsyncClient(base_url=server.url) as public:
        response = await public.post(_cmd(widget_id, "topics.list"), json={})
        assert response.status_code == 404  # a private page: the public learns nothing
        assert (await public.get(f"/spaces/1/pages/{page_id}")).status_code == 404
    for client in (anne, outsider):
        response = await client.post(_cmd(widget_id + 999, "topics.list"), json={})
        assert response.status_code == 404
    # a topic or reply of another forum is not reachable through this one
    _, other = await _forum(anne)
    other_topic = await _topic(anne, other)
    other_reply = await _reply_id(anne, other, other_topic, "elsewhere")
    for command, body in [
        ("topic.show", {"topic_id": other_topic}),
        ("reply.create", {"topic_id": other_topic, "text": "x"}),
        ("reply.create", {"topic_id": topic_id, "text": "x", "parent_reply_id": other_reply}),
        ("reply.delete", {"reply_id": other_reply}),
    ]:
        response = await anne.post(_cmd(widget_id, command), json=body)
        assert response.status_code == 404, (command, response.text)


async def test_unread_markers_per_member(server: RunningServer, login):
    anne, lea, tom = await login("anne"), await login("lea"), await login("tom")
    page_id, widget_id = await _forum(anne)
    topic_id = await _topic(anne, widget_id, "Unread test")

    def summary(response: httpx.Response) -> dict:
        assert response.status_code == 200, response.text
        return response.json()["topics"][0]

    first = summary(await lea.post(_cmd(widget_id, "topics.list"), json={}))
    assert first["new"] is True and first["unread"] == 0
    assert summary(await anne.post(_cmd(widget_id, "topics.list"), json={}))["new"] is False
    assert 'class="badge forum__new">New<' in (await lea.get(f"/spaces/1/pages/{page_id}")).text

    async with server.runtime.db.read() as session:
        events_before = await session.scalar(select(func.count()).select_from(Event))
        lea_id = await session.scalar(select(User.id).where(User.username == "lea"))
    marked = await lea.post(_cmd(widget_id, "topic.read"), json={"topic_id": topic_id})
    assert marked.status_code == 200 and marked.json()["stored"] is True
    async with server.runtime.db.read() as session:
        read = await session.get(ForumRead, (topic_id, lea_id))
        assert read is not None and read.last_read_reply_id == 0
        assert await session.scalar(select(func.count()).select_from(Event)) == events_before
    assert "forum__new" not in (await lea.get(f"/spaces/1/pages/{page_id}")).text

    await _reply_id(tom, widget_id, topic_id, "one")
    last = await _reply_id(anne, widget_id, topic_id, "two")
    await _reply_id(lea, widget_id, topic_id, "my own reply is never new")
    now = summary(await lea.post(_cmd(widget_id, "topics.list"), json={}))
    assert now["new"] is False and now["unread"] == 2
    shown = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert (
        "New replies: 2" in shown and f'action="/spaces/1/widgets/{widget_id}/topic.read"' in shown
    )
    detail = (await lea.post(_cmd(widget_id, "topic.show"), json={"topic_id": topic_id})).json()
    assert [r["new"] for r in detail["replies"]] == [True, True, False]

    marked = await lea.post(
        f"/spaces/1/widgets/{widget_id}/topic.read",  # the plain form, without JavaScript
        data={"csrf_token": lea.headers["X-CSRF-Token"], "topic_id": str(topic_id)},
    )
    assert marked.status_code == 303
    assert summary(await lea.post(_cmd(widget_id, "topics.list"), json={}))["unread"] == 0
    async with server.runtime.db.read() as session:
        assert (await session.get(ForumRead, (topic_id, lea_id))).last_read_reply_id >= last
    assert summary(await tom.post(_cmd(widget_id, "topics.list"), json={}))["unread"] == 2


async def test_pinned_first_then_newest_activity_and_pages(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _forum(anne)
    a = await _topic(anne, widget_id, "Topic A")
    b = await _topic(anne, widget_id, "Topic B")
    c = await _topic(anne, widget_id, "Topic C")
    await _reply_id(lea, widget_id, a, "bump")

    async def order() -> list[int]:
        response = await lea.post(_cmd(widget_id, "topics.list"), json={})
        return [t["id"] for t in response.json()["topics"]]

    assert await order() == [a, c, b]
    assert (await anne.post(_cmd(widget_id, "topic.pin"), json={"topic_id": b})).is_success
    assert await order() == [b, a, c]
    shown = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert shown.index("Topic B") < shown.index("Topic A") < shown.index("Topic C")

    for n in range(18):  # 21 topics: B (pinned), the fillers, A, then C on page 2
        await _topic(anne, widget_id, f"Filler {n}")
    first = (await lea.post(_cmd(widget_id, "topics.list"), json={"page": 1})).json()
    second = (await lea.post(_cmd(widget_id, "topics.list"), json={"page": "2"})).json()
    assert len(first["topics"]) == 20 and first["more"] is True
    assert [t["id"] for t in second["topics"]] == [c] and second["more"] is False
    shown = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert "Only the 20 topics with the newest activity are shown here." in shown

    for n in range(21):
        await _reply_id(lea, widget_id, a, f"reply {n}")
    page_two = await lea.post(_cmd(widget_id, "topic.show"), json={"topic_id": a, "page": 2})
    assert page_two.status_code == 200
    assert [r["text"] for r in page_two.json()["replies"]] == ["reply 19", "reply 20"]
    assert page_two.json()["more"] is False


async def test_text_is_always_escaped(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _forum(anne)
    response = await anne.post(_cmd(widget_id, "topic.create"), json={"title": XSS, "text": XSS})
    assert response.status_code == 200, response.text
    topic_id = response.json()["topic"]["id"]
    top = await _reply_id(lea, widget_id, topic_id, XSS)
    await _reply_id(anne, widget_id, topic_id, XSS, parent=top)
    async with server.runtime.db.read() as session:
        assert (await session.get(ForumTopic, topic_id)).text == XSS  # plain text, kept as typed
    for viewer in (anne, lea):
        html = (await viewer.get(f"/spaces/1/pages/{page_id}")).text
        assert "<img src=x onerror" not in html and "<script>alert" not in html
        assert 'href="javascript:' not in html
        assert html.count("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)") >= 4


async def test_forms_locked_errors_and_limits(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _forum(anne)
    topic_id = await _topic(anne, widget_id)
    page_url = f"{server.url}/spaces/1/pages/{page_id}"
    replied = await lea.post(
        f"/spaces/1/widgets/{widget_id}/reply.create",
        data={
            "csrf_token": lea.headers["X-CSRF-Token"],
            "topic_id": str(topic_id),
            "text": "By form",
        },
        headers={"referer": page_url},
    )
    assert (
        replied.status_code == 303 and replied.headers["location"] == f"/spaces/1/pages/{page_id}"
    )
    await anne.post(_cmd(widget_id, "topic.lock"), json={"topic_id": topic_id})
    locked = await lea.post(
        f"/spaces/1/widgets/{widget_id}/reply.create",
        data={"csrf_token": lea.headers["X-CSRF-Token"], "topic_id": str(topic_id), "text": "x"},
        headers={"referer": page_url},
    )
    assert locked.status_code == 403 and "This topic is locked" in locked.text
    for command, payload in [
        ("topic.create", {"title": " ", "text": "x"}),
        ("topic.create", {"title": "x" * 201, "text": "x"}),
        ("topic.create", {"title": "ok", "text": "x" * 10_001}),
        ("topic.create", {"title": "ok", "text": ["x"]}),
        ("reply.create", {"topic_id": "one", "text": "x"}),
        ("topics.list", {"page": 0}),
    ]:
        response = await anne.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 400, (command, payload, response.text)
    empty_page, empty_widget = await _forum(anne)
    assert (
        "No topics yet — start the first one."
        in (await anne.get(f"/spaces/1/pages/{empty_page}")).text
    )
    assert "No topics yet." in (await lea.get(f"/spaces/1/pages/{empty_page}")).text


async def test_report_and_cleanup(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _forum(anne)
    topic_id = await _topic(anne, widget_id, "Ask Tom")
    await _reply_id(lea, widget_id, topic_id, "Tom knows the fish")
    await lea.post(_cmd(widget_id, "topic.read"), json={"topic_id": topic_id})
    check = (await anne.get(f"/api/v1/spaces/1/pages/{page_id}/publication-check")).json()
    texts = [item["text"] for item in check["items"] if item.get("tool") == "forum"]
    assert texts == ["Ask Tom — What lives there?", "Tom knows the fish"]
    assert "Tom" in check["pupil_names"]
    removed = await anne.delete(f"/api/v1/spaces/1/widgets/{widget_id}")
    assert removed.status_code == 200
    async with server.runtime.db.read() as session:
        for model in (ForumTopic, ForumReply, ForumRead):
            assert (
                await session.scalar(
                    select(func.count()).select_from(model).where(model.widget_id == widget_id)
                )
                == 0
            )
