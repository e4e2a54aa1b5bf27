"""How long partner-finding and people searches take as the network grows.

Fills a temporary SQLite database (or TWINSPACE_DATABASE_URL, for PostgreSQL) with N
postings and N members, then times the queries the pages run (full-text words, a subject
facet, country and age filters, a deep page), each against the same run's full scan of the
table (``SELECT count(*) ... WHERE search_text LIKE '%zzzz%'``) as the baseline:

    .venv/bin/python bench/network_search.py --postings 20000 --repeat 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from twinspace.accounts.models import School, User
from twinspace.db import Database
from twinspace.migrate import upgrade
from twinspace.network.members import member_text, search_members
from twinspace.network.models import MemberSearch, Posting
from twinspace.network.postings import PostingFilters, index_posting, search_postings
from twinspace.network.vocab import LANGUAGES, SUBJECTS

WORDS = [
    *("river", "bridge", "weather", "birds", "kitchen", "legends", "music", "games"),
    *("theatre", "poetry", "robots", "climate", "forest", "sea", "mountain", "recipes"),
    *("school", "village", "town", "history", "art", "europe", "water", "energy"),
]
COUNTRIES = ["FR", "DE", "ES", "IT", "PL", "PT", "SE", "FI", "GR", "RO", "NL", "BE"]


async def fill(db: Database, count: int) -> None:
    rng = random.Random(7)
    async with db.unit_of_work() as uow:
        schools = []
        for i in range(max(10, count // 20)):
            school = School(name=f"School {i}", city=f"Town {i}", country_code=COUNTRIES[i % 12])
            uow.session.add(school)
            schools.append(school)
        await uow.session.flush()
        users = []
        for i in range(count):
            school = schools[i % len(schools)]
            user = User(
                username=f"bench-{i}",
                display_name=f"Teacher {rng.choice(WORDS).title()} {i}",
                kind="teacher",
                country_code=school.country_code,
                school_id=school.id,
                password_hash="x",
            )
            uow.session.add(user)
            users.append((user, school))
        await uow.session.flush()
        for user, school in users:
            uow.session.add(MemberSearch(user_id=user.id, text=member_text(user, school, None)))
            low = rng.randint(5, 15)
            posting = Posting(
                author_id=user.id,
                title=" ".join(rng.sample(WORDS, 4)).capitalize(),
                subjects=rng.sample(list(SUBJECTS), 2),
                languages=rng.sample(LANGUAGES, 2),
                age_min=low,
                age_max=low + rng.randint(1, 4),
                description=" ".join(rng.choices(WORDS, k=60)),
            )
            posting.search_text = index_posting(posting, user)
            uow.session.add(posting)


async def timed(label: str, repeat: int, run) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    p90 = sorted(samples)[int(repeat * 0.9) - 1]
    print(f"  {label:<42} median {median:7.2f} ms   p90 {p90:7.2f} ms")
    return median


async def main(url: str, count: int, repeat: int) -> None:
    db = Database(url)
    started = time.perf_counter()
    await fill(db, count)
    took = time.perf_counter() - started
    print(f"{count} postings and members written in {took:.1f} s ({url.split(':')[0]})")

    async def scan():
        async with db.read() as s:
            await s.scalar(
                select(func.count()).select_from(Posting).where(Posting.search_text.like("%zzzz%"))
            )

    async def postings(filters: PostingFilters, page: int = 1):
        async with db.read() as s:
            await search_postings(s, filters, page)

    async def people(query: str):
        async with db.read() as s:
            await search_members(s, query, "", 1)

    base = await timed("baseline: full LIKE scan (count)", repeat, scan)
    cases = [
        ("postings, no filter, page 1", lambda: postings(PostingFilters())),
        ("postings, q='river bridge'", lambda: postings(PostingFilters(query="river bridge"))),
        ("postings, subject=history", lambda: postings(PostingFilters(subject="history"))),
        ("postings, country=FR age=10", lambda: postings(PostingFilters(country="FR", age=10))),
        (
            "postings, q='climate' + language=fr",
            lambda: postings(PostingFilters(query="climate", language="fr")),
        ),
        ("postings, no filter, page 50", lambda: postings(PostingFilters(), 50)),
        ("people, q='teacher river'", lambda: people("teacher river")),
    ]
    for label, run in cases:
        median = await timed(label, repeat, run)
        print(f"  {'':<42} = {median / base:5.2f} x baseline")
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = (
            os.environ.get("TWINSPACE_DATABASE_URL") or f"sqlite+aiosqlite:///{Path(tmp) / 'b.db'}"
        )
        upgrade(url)  # Alembic runs its own event loop: before ours
        asyncio.run(main(url, args.postings, args.repeat))
