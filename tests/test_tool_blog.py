"""The Blog tool through the real stack: commands over HTTP, forms and sockets, the
database, live events, the permission matrix, and what reaches the rendered page."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select

from tests.conftest import RunningServer
from tests.support import LiveClient
from twinspace.tools.blog.models import BlogComment, BlogPost

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"
XSS_LINK = '<a href="javascript:alert(3)">click</a>'


async def _blog(client: httpx.AsyncClient, room: str = "activities") -> tuple[int, int]:
    page = await client.post(f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "Our blog"})
    assert page.status_code == 201, page.text
    widget = await client.post(
        f"/api/v1/spaces/1/pages/{page.json()['id']}/widgets", json={"kind": "blog"}
    )
    assert widget.status_code == 201, widget.text
    return page.json()["id"], widget.json()["id"]


def _cmd(widget_id: int, command: str) -> str:
    return f"/api/v1/spaces/1/widgets/{widget_id}/{command}"


async def _post(client: httpx.AsyncClient, widget_id: int, title: str = "Our river") -> int:
    response = await client.post(
        _cmd(widget_id, "post.create"), json={"title": title, "body": "<p>We measured it.</p>"}
    )
    assert response.status_code == 200, response.text
    return response.json()["post"]["id"]


async def _comment(client: httpx.AsyncClient, widget_id: int, post_id: int, text: str) -> int:
    response = await client.post(
        _cmd(widget_id, "comment.create"), json={"post_id": post_id, "text": text}
    )
    assert response.status_code == 200, response.text
    return response.json()["comment"]["id"]


async def _joined(connect_as, username: str | None, page_id: int) -> LiveClient:
    live = await connect_as(username)
    ack = await live.call("join", {"room": f"space:1:page:{page_id}"})
    assert ack["ok"], ack
    return live


async def _event(live: LiveClient, type_: str) -> dict:
    envelope = await live.wait_for(lambda e: e["type"] == type_)
    assert "username" not in json.dumps(envelope)  # people are named, never by username
    return envelope["data"]


async def test_posts_and_comments_live_and_stored(server: RunningServer, login, connect_as):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _blog(anne)
    watcher = await _joined(connect_as, "tom", page_id)

    post_id = await _post(anne, widget_id, "Measuring the Rhône")
    created = await _event(watcher, "blog.post_created")
    assert created["widget_id"] == widget_id and created["post"]["id"] == post_id
    assert created["post"]["title"] == "Measuring the Rhône"
    assert created["post"]["author"]["name"] == "Anne Moreau"
    assert created["post"]["html"] == "<p>We measured it.</p>"

    comment_id = await _comment(lea, widget_id, post_id, "We saw a heron!")
    comment = await _event(watcher, "blog.comment_created")
    assert comment["post_id"] == post_id and comment["comment"]["text"] == "We saw a heron!"
    assert comment["comment"]["author"] == {
        "id": None,
        "name": "A pupil of Collège Victor Hugo, France",
        "pupil": True,
    }

    edited = await anne.post(
        _cmd(widget_id, "post.edit"),
        json={"post_id": post_id, "title": "The Rhône", "body": "Line one\nline two\n\nNext"},
    )
    assert edited.status_code == 200, edited.text
    updated = await _event(watcher, "blog.post_updated")
    assert updated["post"]["title"] == "The Rhône"
    assert updated["post"]["html"] == "<p>Line one<br>line two</p><p>Next</p>"  # plain text

    response = await lea.post(
        _cmd(widget_id, "comment.edit"), json={"comment_id": comment_id, "text": "Two herons!"}
    )
    assert response.status_code == 200, response.text
    assert (await _event(watcher, "blog.comment_updated"))["comment"]["text"] == "Two herons!"

    async with server.runtime.db.read() as session:
        post = await session.get(BlogPost, post_id)
        stored = await session.get(BlogComment, comment_id)
        assert post.title == "The Rhône" and post.updated_at is not None and not post.hidden
        assert stored.text == "Two herons!" and stored.post_id == post_id

    shown = await lea.get(f"/spaces/1/pages/{page_id}")
    assert shown.status_code == 200
    assert "The Rhône" in shown.text and "Two herons!" in shown.text
    assert f'action="/spaces/1/widgets/{widget_id}/comment.create"' in shown.text
    assert f'action="/spaces/1/widgets/{widget_id}/post.create"' not in shown.text  # no POST

    response = await lea.post(_cmd(widget_id, "comment.delete"), json={"comment_id": comment_id})
    assert response.status_code == 200, response.text
    assert (await _event(watcher, "blog.comment_deleted"))["comment_id"] == comment_id

    await _comment(lea, widget_id, post_id, "Another one")
    response = await anne.post(_cmd(widget_id, "post.delete"), json={"post_id": post_id})
    assert response.status_code == 200, response.text
    assert (await _event(watcher, "blog.post_deleted"))["post_id"] == post_id
    async with server.runtime.db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(BlogPost).where(BlogPost.widget_id == widget_id)
            )
            == 0
        )
        assert (
            await session.scalar(
                select(func.count())
                .select_from(BlogComment)
                .where(BlogComment.widget_id == widget_id)
            )
            == 0
        )


async def test_who_may_post_comment_and_moderate(server: RunningServer, login):
    anne, tina, lea, tom, paul = [await login(u) for u in ("anne", "tina", "lea", "tom", "paul")]
    page_id, widget_id = await _blog(anne)
    post_id = await _post(tina, widget_id, "Tina's post")

    refused = await lea.post(_cmd(widget_id, "post.create"), json={"title": "x", "body": "y"})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    comment_id = await _comment(lea, widget_id, post_id, "I like it")

    assert (await paul.get(f"/spaces/1/pages/{page_id}")).status_code == 200
    listed = await paul.post(_cmd(widget_id, "posts.list"), json={})
    assert listed.status_code == 200 and [p["id"] for p in listed.json()["posts"]] == [post_id]
    response = await paul.post(
        _cmd(widget_id, "comment.create"), json={"post_id": post_id, "text": "hi"}
    )
    assert response.status_code == 403

    # only the author edits; a teacher member does not moderate
    for client, command, payload in [
        (tom, "comment.edit", {"comment_id": comment_id, "text": "not mine"}),
        (tom, "comment.delete", {"comment_id": comment_id}),
        (tina, "comment.delete", {"comment_id": comment_id}),
        (lea, "post.edit", {"post_id": post_id, "title": "Mine now"}),
        (tina, "post.hide", {"post_id": post_id}),
        (paul, "post.delete", {"post_id": post_id}),
    ]:
        response = await client.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 403, (command, response.text)
    nothing = await anne.post(_cmd(widget_id, "post.edit"), json={"post_id": post_id})
    assert nothing.status_code == 400  # a moderator may edit; there was nothing to change

    # the teacher admin moderates anyone's post and comment
    assert (await anne.post(_cmd(widget_id, "post.hide"), json={"post_id": post_id})).is_success
    hidden_for_lea = await lea.get(f"/spaces/1/pages/{page_id}")
    assert "Tina&#39;s post" not in hidden_for_lea.text
    assert "No posts yet." in hidden_for_lea.text
    refused = await lea.post(
        _cmd(widget_id, "comment.create"), json={"post_id": post_id, "text": "still there?"}
    )
    assert refused.status_code == 404
    for_author = await tina.get(f"/spaces/1/pages/{page_id}")
    assert "Tina&#39;s post" in for_author.text and "A teacher hid this post" in for_author.text
    assert (await anne.post(_cmd(widget_id, "post.restore"), json={"post_id": post_id})).is_success
    assert "Tina&#39;s post" in (await lea.get(f"/spaces/1/pages/{page_id}")).text

    deleted = await anne.post(_cmd(widget_id, "comment.delete"), json={"comment_id": comment_id})
    assert deleted.status_code == 200
    assert (await anne.post(_cmd(widget_id, "post.delete"), json={"post_id": post_id})).is_success


async def test_teacher_admin_moderates_in_the_pupils_corner(server: RunningServer, login):
    """There teachers may not POST or COMMENT, yet a teacher admin moderates."""
    anne, tina, pia, lea = [await login(u) for u in ("anne", "tina", "pia", "lea")]
    page_id, widget_id = await _blog(pia, room="pupils")
    post_id = await _post(lea, widget_id, "Our secret club")
    comment_id = await _comment(pia, widget_id, post_id, "Welcome!")
    response = await tina.post(
        _cmd(widget_id, "comment.create"), json={"post_id": post_id, "text": "hello"}
    )
    assert response.status_code == 403
    assert (
        await tina.post(_cmd(widget_id, "post.delete"), json={"post_id": post_id})
    ).status_code == 403
    shown = await anne.get(f"/spaces/1/pages/{page_id}")
    assert "Our secret club" in shown.text
    assert f'action="/spaces/1/widgets/{widget_id}/post.hide"' in shown.text
    assert f'action="/spaces/1/widgets/{widget_id}/comment.create"' not in shown.text
    assert (
        await anne.post(_cmd(widget_id, "comment.delete"), json={"comment_id": comment_id})
    ).is_success
    assert (await anne.post(_cmd(widget_id, "post.delete"), json={"post_id": post_id})).is_success


async def test_outsiders_and_guessed_ids_get_not_found(server: RunningServer, login, connect_as):
    anne, outsider = await login("anne"), await login("nss-fr")
    page_id, widget_id = await _blog(anne)
    post_id = await _post(anne, widget_id)
    anonymous = await connect_as(None)

    for command in ("posts.list", "post.create", "comment.create", "post.hide"):
        payload = {"post_id": post_id, "title": "t", "body": "b", "text": "t"}
        response = await outsider.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 404, (command, response.text)
        ack = await anonymous.call(
            "tool", {"space_id": 1, "widget_id": widget_id, "command": command, **payload}
        )
        assert ack["ok"] is False and ack["error"] == "not_found", ack
    async with httpx.AsyncClient(base_url=server.url) as public:
        response = await public.post(_cmd(widget_id, "posts.list"), json={})
        assert response.status_code == 404  # a private page: the public learns nothing
        assert (await public.get(f"/spaces/1/pages/{page_id}")).status_code == 404

    for client in (anne, outsider):  # a widget that does not exist, or another TwinSpace
        assert (await client.post(_cmd(widget_id + 999, "posts.list"), json={})).status_code == 404
        response = await client.post(f"/api/v1/spaces/2/widgets/{widget_id}/posts.list", json={})
        assert response.status_code == 404
    ack = await anonymous.call(
        "tool", {"space_id": 1, "widget_id": widget_id + 999, "command": "posts.list"}
    )
    assert ack["error"] == "not_found"
    # a post of another blog is not reachable through this one
    _, other_widget = await _blog(anne)
    response = await anne.post(_cmd(other_widget, "post.delete"), json={"post_id": post_id})
    assert response.status_code == 404
    response = await anne.post(_cmd(widget_id, "post.nonsense"), json={})
    assert response.status_code == 404


async def test_public_page_reads_but_does_not_write(server: RunningServer, login, connect_as):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _blog(anne)
    post_id = await _post(anne, widget_id, "Rivers")
    await _comment(lea, widget_id, post_id, "Léa was here")
    check = await anne.get(f"/api/v1/spaces/1/pages/{page_id}/publication-check")
    assert check.status_code == 200
    texts = [item["text"] for item in check.json()["items"] if item.get("tool") == "blog"]
    assert texts == ["Rivers — We measured it.", "Léa was here"]
    assert "Léa" in check.json()["pupil_names"]
    published = await anne.post(
        f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
    )
    assert published.status_code == 200

    anonymous = await connect_as(None)
    listed = await anonymous.call(
        "tool", {"space_id": 1, "widget_id": widget_id, "command": "posts.list"}
    )
    assert (
        listed["ok"]
        and listed["posts"][0]["comments"][0]["author"]["name"]
        == "A pupil of Collège Victor Hugo, France"
    )
    ack = await anonymous.call(
        "tool",
        {
            "space_id": 1,
            "widget_id": widget_id,
            "command": "comment.create",
            "post_id": post_id,
            "text": "spam",
        },
    )
    assert ack["ok"] is False and ack["error"] == "forbidden"
    async with httpx.AsyncClient(base_url=server.url) as public:
        page = await public.get(f"/spaces/1/pages/{page_id}")
        assert page.status_code == 200 and "Rivers" in page.text
        assert "comment.create" not in page.text and "csrf_token" not in page.text


async def test_rich_text_and_comments_are_never_raw(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _blog(anne)
    response = await anne.post(
        _cmd(widget_id, "post.create"),
        json={"title": XSS_IMG, "body": f"<p>Safe</p>{XSS_IMG}{XSS_SCRIPT}{XSS_LINK}"},
    )
    assert response.status_code == 200, response.text
    post = response.json()["post"]
    assert post["title"] == XSS_IMG  # plain text, escaped wherever it is shown
    for bad in ("onerror", "<script", "javascript:"):
        assert bad not in post["html"]
    await _comment(lea, widget_id, post["id"], XSS_SCRIPT + XSS_IMG + XSS_LINK)
    edited = await anne.post(
        _cmd(widget_id, "post.edit"),
        json={"post_id": post["id"], "body": "<p>Edited</p><svg onload=alert(4)></svg>" + XSS_LINK},
    )
    assert edited.status_code == 200 and "onload" not in edited.json()["post"]["html"]
    async with server.runtime.db.read() as session:
        stored = await session.get(BlogPost, post["id"])
        assert "onload" not in stored.body and "javascript:" not in stored.body

    for viewer in (anne, lea):
        html = (await viewer.get(f"/spaces/1/pages/{page_id}")).text
        assert "<img src=x onerror" not in html and 'onerror="' not in html
        assert "<script>alert" not in html and "<svg" not in html
        assert 'href="javascript:' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the title, escaped
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # the comment, escaped


async def test_forms_work_without_javascript(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _blog(anne)
    page_url = f"{server.url}/spaces/1/pages/{page_id}"
    empty = await anne.get(f"/spaces/1/pages/{page_id}")
    assert "No posts yet — write the first one." in empty.text
    assert "No posts yet." in (await lea.get(f"/spaces/1/pages/{page_id}")).text

    created = await anne.post(
        f"/spaces/1/widgets/{widget_id}/post.create",
        data={"csrf_token": anne.headers["X-CSRF-Token"], "title": "By form", "body": "Hello"},
        headers={"referer": page_url},
    )
    assert (
        created.status_code == 303 and created.headers["location"] == f"/spaces/1/pages/{page_id}"
    )
    async with server.runtime.db.read() as session:
        post = await session.scalar(select(BlogPost).where(BlogPost.widget_id == widget_id))
    commented = await lea.post(
        f"/spaces/1/widgets/{widget_id}/comment.create",
        data={"csrf_token": lea.headers["X-CSRF-Token"], "post_id": str(post.id), "text": "Yes"},
        headers={"referer": page_url},
    )
    assert commented.status_code == 303
    refused = await lea.post(
        f"/spaces/1/widgets/{widget_id}/post.create",
        data={"csrf_token": lea.headers["X-CSRF-Token"], "title": "No", "body": "No"},
        headers={"referer": page_url},
    )
    assert refused.status_code == 403 and "You may not do this here." in refused.text
    no_token = await lea.post(
        f"/spaces/1/widgets/{widget_id}/comment.create",
        data={"post_id": str(post.id), "text": "forged"},
    )
    assert no_token.status_code == 403
    shown = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert "By form" in shown and "<p>Hello</p>" in shown and ">Yes<" in shown
    assert "forged" not in shown


async def test_input_limits(server: RunningServer, login):
    anne = await login("anne")
    _, widget_id = await _blog(anne)
    post_id = await _post(anne, widget_id)
    for command, payload in [
        ("post.create", {"title": "", "body": "text"}),
        ("post.create", {"title": "x" * 201, "body": "text"}),
        ("post.create", {"title": "ok", "body": "<script>only a script</script>"}),
        ("post.create", {"title": "ok", "body": 42}),
        ("comment.create", {"post_id": post_id, "text": "   "}),
        ("comment.create", {"post_id": post_id, "text": "x" * 5001}),
        ("comment.create", {"post_id": "abc", "text": "hi"}),
        ("comment.create", {"post_id": True, "text": "hi"}),
        ("posts.list", {"before": -1}),
    ]:
        response = await anne.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 400, (command, payload, response.text)
    assert (
        await anne.post(_cmd(widget_id, "post.create"), json={"title": "x" * 200, "body": "b"})
    ).status_code == 200


async def test_ten_newest_posts_then_more(server: RunningServer, login):
    anne, paul = await login("anne"), await login("paul")
    page_id, widget_id = await _blog(anne)
    ids = [await _post(anne, widget_id, f"Post number {n:02d}") for n in range(1, 13)]
    shown = (await paul.get(f"/spaces/1/pages/{page_id}")).text
    assert "Post number 12" in shown and "Post number 03" in shown
    assert "Post number 02" not in shown and "Post number 01" not in shown
    assert shown.index("Post number 12") < shown.index("Post number 03")  # newest first
    assert "Only the 10 newest posts are shown here." in shown
    first = (await paul.post(_cmd(widget_id, "posts.list"), json={})).json()
    assert [p["id"] for p in first["posts"]] == ids[::-1][:10] and first["more"] is True
    older = (
        await paul.post(_cmd(widget_id, "posts.list"), json={"before": first["posts"][-1]["id"]})
    ).json()
    assert [p["id"] for p in older["posts"]] == [ids[1], ids[0]] and older["more"] is False


async def test_removing_the_widget_removes_posts_and_comments(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    _, widget_id = await _blog(anne)
    post_id = await _post(anne, widget_id)
    await _comment(lea, widget_id, post_id, "bye")
    removed = await anne.delete(f"/api/v1/spaces/1/widgets/{widget_id}")
    assert removed.status_code == 200, removed.text
    async with server.runtime.db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(BlogPost).where(BlogPost.widget_id == widget_id)
            )
            == 0
        )
        assert (
            await session.scalar(
                select(func.count())
                .select_from(BlogComment)
                .where(BlogComment.widget_id == widget_id)
            )
            == 0
        )
