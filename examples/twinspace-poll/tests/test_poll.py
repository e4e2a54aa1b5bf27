"""The Poll tool from outside the repository: set up by a teacher, pupils vote once over
sockets and HTTP, every open page receives the counts live (never a name), the teacher
closes it, the public sees totals only on a published page, and a reconnecting client
catches up. Permissions come from TwinSpace's matrix."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from twinspace_poll.models import Vote

from tests.conftest import RunningServer
from twinspace.pages.registry import get_tool

QUESTION = {"question": "Which river is longer?", "choices": ["The Rhône", "The Rhine"]}


async def _poll_page(anne: httpx.AsyncClient, **setup: Any) -> tuple[int, int]:
    page = (
        await anne.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "Quiz"})
    ).json()
    added = await anne.post(
        f"/api/v1/spaces/1/pages/{page['id']}/widgets", json={"kind": "poll", **setup}
    )
    assert added.status_code in (200, 201), added.text
    return page["id"], added.json()["id"]


def _tool(widget_id: int, command: str, **fields: Any) -> dict[str, Any]:
    return {"space_id": 1, "widget_id": widget_id, "command": command, **fields}


def test_the_poll_comes_from_its_entry_point() -> None:
    tool = get_tool("poll")
    assert tool is not None and type(tool).__module__ == "twinspace_poll.tool"


async def test_pupils_vote_once_and_everyone_sees_the_counts_live(
    server: RunningServer, login, connect_as
) -> None:
    anne = await login("anne")
    page_id, widget_id = await _poll_page(anne, **QUESTION)
    room = f"space:1:page:{page_id}"
    watcher = await connect_as("anne")
    lea = await connect_as("lea")
    for client in (watcher, lea):
        assert (await client.call("join", {"room": room}))["ok"]

    voted = await lea.call("tool", _tool(widget_id, "vote", choice=2))
    assert voted["ok"] and voted["counts"] == [0, 1] and voted["total"] == 1
    event = await watcher.wait_for(lambda e: e["type"] == "poll.voted")
    assert event["room"] == room
    assert event["data"] == {"widget_id": widget_id, "counts": [0, 1], "total": 1, "closed": False}

    again = await lea.call("tool", _tool(widget_id, "vote", choice=1))
    assert again["ok"] is False and again["error"] == "conflict"
    wrong = await (await login("pia")).post(
        f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 3}
    )
    assert wrong.status_code == 400
    # a member votes through the JSON API too (the same command path)
    tina = await login("tina")
    assert (
        await tina.post(f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1})
    ).json()["counts"] == [1, 1]

    # a pupil neither changes nor closes the poll: the matrix says POST is not theirs
    refused = await lea.call("tool", _tool(widget_id, "close"))
    assert refused["error"] == "forbidden"
    # a visitor may read but not vote; an outsider is told the page does not exist
    paul = await login("paul")
    assert (
        await paul.post(f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1})
    ).status_code == 403
    outsider = await login("nss-fr")
    assert (
        await outsider.post(f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1})
    ).status_code == 404

    closed = await anne.post(f"/api/v1/spaces/1/widgets/{widget_id}/close", json={})
    assert closed.json() == {"ok": True, "counts": [1, 1], "total": 2, "closed": True}
    await lea.wait_for(lambda e: e["type"] == "poll.closed")
    late = await (await login("pia")).post(
        f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1}
    )
    assert late.status_code == 409

    shown = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert "Which river is longer?" in shown and "This poll is closed." in shown
    async with server.runtime.db.read() as session:
        votes = list(await session.scalars(select(Vote).where(Vote.widget_id == widget_id)))
    assert sorted(v.choice for v in votes) == [1, 2]


async def test_setup_checks_its_input_and_locks_once_voted(server: RunningServer, login) -> None:
    anne = await login("anne")
    _, widget_id = await _poll_page(anne)
    url = f"/api/v1/spaces/1/widgets/{widget_id}/setup"
    one = await anne.post(url, json={"question": "Yes?", "choices": ["Yes"]})
    assert one.status_code == 400 and one.json()["field"] == "choices"
    same = await anne.post(url, json={"question": "Yes?", "choices": ["Yes", "yes"]})
    assert same.status_code == 400
    empty = await anne.post(url, json={"question": "  ", "choices": ["a", "b"]})
    assert empty.json()["field"] == "question"
    lines = await anne.post(url, json={"question": "Tea?", "choices": "Yes\n\nNo\n"})
    assert lines.json()["choices"] == ["Yes", "No"]
    lea = await login("lea")
    assert (await lea.post(url, json=QUESTION)).status_code == 403
    assert (
        await lea.post(f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1})
    ).status_code == 200
    locked = await anne.post(url, json=QUESTION)
    assert locked.status_code == 409
    reset = await anne.post(f"/api/v1/spaces/1/widgets/{widget_id}/reset", json={})
    assert reset.json()["total"] == 0
    assert (await anne.post(url, json=QUESTION)).status_code == 200


async def test_public_page_shows_totals_only_and_the_public_never_votes(
    server: RunningServer, login
) -> None:
    anne = await login("anne")
    page_id, widget_id = await _poll_page(anne, **QUESTION)
    lea = await login("lea")
    await lea.post(f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1})
    mine = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert "your vote" in mine and 'name="choice"' not in mine
    published = await anne.post(
        f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
    )
    assert published.status_code == 200, published.text
    async with httpx.AsyncClient(base_url=server.url) as public:
        page = (await public.get(f"/spaces/1/pages/{page_id}")).text
        assert "Which river is longer?" in page and "1 vote" in page
        assert 'name="choice"' not in page and "your vote" not in page
        assert "Manage the poll" not in page
        refused = await public.post(
            f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": 1}
        )
        assert refused.status_code in (401, 403)
        french = (await public.get(f"/spaces/1/pages/{page_id}?lang=fr")).text
        assert "1 vote" in french and "Sondage" in french


async def test_a_reconnecting_client_catches_up(server: RunningServer, login, connect_as) -> None:
    anne = await login("anne")
    page_id, widget_id = await _poll_page(anne, **QUESTION)
    room = f"space:1:page:{page_id}"
    teacher = await connect_as("anne")
    joined = await teacher.call("join", {"room": room})
    last = joined["last_id"]
    await teacher.close()  # gone while pupils vote
    for name, choice in (("lea", 1), ("pia", 2)):
        client = await login(name)
        await client.post(f"/api/v1/spaces/1/widgets/{widget_id}/vote", json={"choice": choice})
    back = await connect_as("anne")
    assert (await back.call("join", {"room": room}))["ok"]
    caught = await back.call("catchup", {"room": room, "after": last})
    votes = [e for e in caught["events"] if e["type"] == "poll.voted"]
    assert [e["data"]["counts"] for e in votes] == [[1, 0], [1, 1]]


def test_the_poll_uses_only_the_public_plugin_api() -> None:
    """Every import of TwinSpace in the package goes through twinspace.plugin."""
    package = Path(__file__).resolve().parents[1] / "twinspace_poll"
    used = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used.update(alias.name for alias in node.names)
    assert {m for m in used if m.split(".")[0] == "twinspace"} == {"twinspace.plugin"}


def test_every_string_of_the_poll_is_in_french() -> None:
    from babel.messages.pofile import read_po

    locales = Path(__file__).resolve().parents[1] / "twinspace_poll" / "locales"
    with (locales / "messages.pot").open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (locales / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        french = {m.id: m for m in read_po(handle, locale="fr") if m.id}
    assert wanted == set(french)
    assert [m.id for m in french.values() if not m.string or m.fuzzy] == []


def test_the_poll_catalogue_adds_to_ours_without_changing_it() -> None:
    from twinspace.i18n import translations

    french = translations("fr")
    assert french.gettext("Close the poll") == "Clore le sondage"
    many = french.ngettext("%(n)s member found", "%(n)s members found", 4)
    assert many == "%(n)s membres trouvés"  # our plural rule still decides our plurals
