"""What a page costs in SQL statements (BEGIN included), for a teacher admin, a pupil and the
public (issue #14; the counts per page are in bench/README.md):

- at most 10 statements per page, on SQLite and PostgreSQL;
- no page's cost grows with the TwinSpace (no N+1): every room and tool page runs as many
  statements for a TwinSpace of 300 more members and 1,000 more posts as for the demo's.

A page is measured twice after a warm-up request and its smaller count kept: the app's own
background jobs (the daily maintenance runs once at start) may run a statement meanwhile.
The page cache is off here: these counts are what rendering a page costs (a page read again
from the cache costs one statement, tests/test_page_cache.py)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, insert, select

import twinspace.models  # noqa: F401  (every table)
from tests.conftest import RunningServer
from tests.support import StatementCounter, api_login
from twinspace.db import Base, utcnow
from twinspace.settings import Settings

MEMBERS, POSTS = 300, 1000
MAX_STATEMENTS = 10


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, page_cache_mb=0)


async def seed_big_space(server: RunningServer) -> None:
    tables = Base.metadata.tables
    users, memberships = tables["users"], tables["memberships"]
    posts, widgets = tables["tool_blog_posts"], tables["widgets"]
    async with server.runtime.db.unit_of_work() as uow:
        s = uow.session
        school = await s.scalar(select(users.c.school_id).where(users.c.username == "anne"))
        first = (await s.scalar(select(func.max(users.c.id)))) + 1
        await s.execute(
            insert(users),
            [
                {
                    "id": first + n,
                    "username": f"member{n}",
                    "display_name": f"Member {n}",
                    "password_hash": "!",
                    "kind": "pupil" if n % 3 else "teacher",
                    "country_code": "FR",
                    "school_id": school,
                    "is_active": True,
                    "created_at": utcnow(),
                }
                for n in range(MEMBERS)
            ],
        )
        await s.execute(
            insert(memberships),
            [
                {
                    "space_id": 1,
                    "user_id": first + n,
                    "role": "pupil_member" if n % 3 else "teacher_member",
                    "joined_at": utcnow(),
                }
                for n in range(MEMBERS)
            ],
        )
        blog = await s.scalar(
            select(widgets.c.id).where(widgets.c.kind == "blog").order_by(widgets.c.id)
        )
        now = utcnow()
        await s.execute(
            insert(posts),
            [
                {
                    "widget_id": blog,
                    "author_id": first + (n % MEMBERS),
                    "title": f"Post {n}",
                    "body": "<p>Measured the river again.</p>",
                    "hidden": False,
                    "created_at": now - timedelta(minutes=POSTS - n),
                }
                for n in range(POSTS)
            ],
        )


def pages_of(server: RunningServer) -> list[str]:
    return [
        "/",
        "/gallery",
        "/projects",
        "/spaces/1",
        "/spaces/1/members",
        "/spaces/1/activities",
        "/spaces/1/pages/1",
        "/spaces/1/pages/2",
        "/spaces/1/pages/3",
        "/spaces/1/pages/4",
        "/spaces/1/pages/5",
        "/spaces/1/teachers",
        "/spaces/1/pupils",
        "/spaces/1/chat/general",
        "/spaces/1/calendar",
        "/spaces/1/mailbox",
    ]


@pytest.mark.parametrize("who", ["anne", "lea", None])
async def test_every_page_costs_at_most_ten_statements(
    server: RunningServer, who: str | None
) -> None:
    small = await statements_per_page(server, who)
    await seed_big_space(server)
    big = await statements_per_page(server, who)
    assert small.keys() == big.keys()
    assert "/spaces/1/pages/1" in small  # the pages were measured (a page of each viewer)
    over = {
        path: (small[path], big[path])
        for path in small
        if max(small[path], big[path]) > MAX_STATEMENTS
    }
    assert not over, f"pages over {MAX_STATEMENTS} statements for {who or 'the public'}: {over}"


@pytest.mark.parametrize("who", ["anne", "lea", None])
async def test_no_page_costs_more_statements_in_a_bigger_twinspace(
    server: RunningServer, who: str | None
) -> None:
    small = await statements_per_page(server, who)
    await seed_big_space(server)
    big = await statements_per_page(server, who)
    grown = {path: (small[path], n) for path, n in big.items() if n > small.get(path, n)}
    assert not grown, f"statements that grow with the TwinSpace for {who or 'the public'}: {grown}"


async def statements_per_page(server: RunningServer, who: str | None) -> dict[str, int]:
    client = await api_login(server.url, who) if who else httpx.AsyncClient(base_url=server.url)
    counts: dict[str, int] = {}
    try:
        for path in pages_of(server):
            await client.get(path)  # warm caches of the process (translations, templates)
            measured = []
            for _ in range(2):
                with StatementCounter(server.runtime.db) as counter:
                    answer = await client.get(path)
                measured.append(counter.count)
            if answer.status_code == 200:
                counts[path] = min(measured)
    finally:
        await client.aclose()
    return counts
