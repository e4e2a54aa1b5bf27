"""Guessing is throttled without lock-outs: failures count per account AND address, so a
stranger guessing a pupil's password from elsewhere never stops the pupil logging in from
school; past a global ceiling per account, strangers are slowed (429 with ``retry_after``)
while the school's own address is not."""

from __future__ import annotations

import dataclasses

import httpx

from tests.conftest import start_server, stop_server
from twinspace.settings import Settings

STRANGER = ("203.0.113.7", 50000)  # a documentation address: another network


def _from(app, client: tuple[str, int]) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://ts.test")


async def _try(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/session", json={"username": username, "password": password})


async def test_a_stranger_never_locks_a_pupil_out(settings: Settings) -> None:
    running = await start_server(
        dataclasses.replace(settings, login_account_limit=10, login_global_limit=15)
    )
    app = running.server.config.app
    try:
        async with httpx.AsyncClient(base_url=running.url) as school:
            # Anne logged in from the school's address earlier: it is the school's own.
            assert (await _try(school, "anne", "demo-pass")).status_code == 200
            async with _from(app, STRANGER) as stranger:
                for attempt in range(10):
                    answer = await _try(stranger, "lea", f"guess{attempt}")
                    assert answer.status_code == 401, answer.text
                blocked = await _try(stranger, "lea", "guess10")
                assert blocked.status_code == 429 and blocked.json()["error"] == "rate_limited"
                assert blocked.json()["retry_after"] > 0 and "retry-after" in blocked.headers
                # ...even with the right password: this address has used up its guesses
                assert (await _try(stranger, "lea", "demo-pass")).status_code == 429
            # Léa, at school, logs in at once, and her own typos are counted on their own.
            assert (await _try(school, "lea", "demo-pass")).status_code == 200
            for _ in range(3):
                assert (await _try(school, "lea", "typo")).status_code == 401
            assert (await _try(school, "lea", "demo-pass")).status_code == 200
            # A second stranger pushes the account past its global ceiling (15): slowed.
            async with _from(app, ("198.51.100.9", 50001)) as other:
                answers = [(await _try(other, "lea", f"g{i}")).status_code for i in range(4)]
                assert answers[:2] == [401, 401] and answers[-1] == 429, answers
                slowed = await _try(other, "lea", "demo-pass")
                assert slowed.status_code == 429 and 0 < slowed.json()["retry_after"] <= 30
            # The school's own address is never slowed: Léa and Tom log in as usual.
            assert (await _try(school, "lea", "demo-pass")).status_code == 200
            assert (await _try(school, "tom", "demo-pass")).status_code == 200
    finally:
        await stop_server(running)


async def test_per_address_limit_is_ten_per_account(settings: Settings) -> None:
    running = await start_server(settings)  # the defaults: 10 per account per address
    try:
        async with _from(running.server.config.app, STRANGER) as stranger:
            codes = [(await _try(stranger, "tom", f"x{i}")).status_code for i in range(11)]
            assert codes == [401] * 10 + [429]
            assert (await _try(stranger, "lea", "demo-pass")).status_code == 200  # other account
    finally:
        await stop_server(running)
