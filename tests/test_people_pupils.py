"""Pupil accounts: created from a list of names, printed on slips, reset or replaced by a
teacher; bad input is refused and changes nothing."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import RunningServer
from tests.people_support import snapshot, user_id
from tests.support import api_login
from twinspace.accounts.models import User
from twinspace.people.passphrases import (
    LANGUAGES,
    estimate_bits,
    generate_password,
    generated_bits,
    strength_of,
    word_list,
)
from twinspace.spaces.models import Membership


async def test_teacher_creates_pupils_and_they_log_in(server: RunningServer, login) -> None:
    anne = await login("anne")
    answer = await anne.post(
        "/api/v1/spaces/1/pupils", json={"names": "Zoé Martin\n\n  Hugo  \nLéna"}
    )
    assert answer.status_code == 201, answer.text
    pupils = answer.json()["pupils"]
    assert [p["name"] for p in pupils] == ["Zoé Martin", "Hugo", "Léna"]
    for p in pupils:
        assert re.fullmatch(r"[a-z0-9]+\.[0-9]{3,5}", p["username"]), p["username"]
        # three words of the English list and two digits, e.g. "tiger-apple-cloud-42"
        *words, number = p["password"].split("-")
        assert len(words) == 3 and set(words) <= set(word_list("en")), p["password"]
        assert re.fullmatch(r"[1-9][0-9]", number) and p["strength"] == "strong"
    assert pupils[0]["username"].startswith("zoe.")
    async with server.runtime.db.read() as session:
        rows = list(
            await session.execute(
                select(User, Membership.role)
                .join(Membership, Membership.user_id == User.id)
                .where(User.id.in_([p["user_id"] for p in pupils]))
            )
        )
    assert {(u.kind, u.email, role) for u, role in rows} == {("pupil", None, "pupil_member")}
    assert all(p["password"] not in u.password_hash for u, _ in rows)  # only hashes stored
    pupil = await api_login(server.url, pupils[0]["username"], pupils[0]["password"])
    me = (await pupil.get("/api/v1/me")).json()
    await pupil.aclose()
    assert me["username"] == pupils[0]["username"]


async def test_slips_page_prints_usernames_and_passwords(server: RunningServer, login) -> None:
    anne = await login("anne")
    form = await anne.get("/spaces/1/pupil-accounts")
    assert form.status_code == 200
    page = await anne.post(
        "/spaces/1/pupil-accounts",
        data={"names": "Ana\nBen", "csrf_token": anne.headers["X-CSRF-Token"]},
    )
    assert page.status_code == 200
    assert page.text.count('class="slip"') == 2
    usernames = re.findall(r'class="slip__username">([^<]+)<', page.text)
    passwords = re.findall(r'class="slip__password">([^<]+)<', page.text)
    assert len(usernames) == len(passwords) == 2
    ben = await api_login(server.url, usernames[1], passwords[1])
    await ben.aclose()
    assert page.text.count('class="slip__strength') == 2 and "strong" in page.text
    french = await anne.post(
        "/spaces/1/pupil-accounts?lang=fr",
        data={"names": "Chloé", "csrf_token": anne.headers["X-CSRF-Token"]},
    )
    [mot] = re.findall(r'class="slip__password">([^<]+)<', french.text)
    assert set(mot.split("-")[:3]) <= set(word_list("fr")), mot


def test_generated_passwords_carry_at_least_28_bits() -> None:
    for lang in LANGUAGES:
        words = word_list(lang)
        assert len(words) >= 256 and all(re.fullmatch(r"[a-z]{2,8}", w) for w in words)
        assert generated_bits(lang) >= 28
        made = {generate_password(lang) for _ in range(200)}
        assert len(made) == 200  # no repeats in 200 draws
    assert strength_of(estimate_bits("soleil")) == "weak"
    assert strength_of(estimate_bits("aaaaaaa")) == "weak"
    assert strength_of(estimate_bits("K7#p!x2Q")) == "strong"
    assert strength_of(estimate_bits("trmpq")) == "fair"


async def test_reset_and_chosen_password(server: RunningServer, login) -> None:
    anne = await login("anne")
    lea = await user_id(server, "lea")
    pupil = await api_login(server.url, "lea")
    reset = await anne.post(f"/api/v1/spaces/1/pupils/{lea}/password", json={})
    assert reset.status_code == 200
    new = reset.json()["pupil"]["password"]
    assert (await pupil.get("/api/v1/me")).status_code == 401  # her sessions ended
    await pupil.aclose()
    again = await api_login(server.url, "lea", new)
    await again.aclose()
    chosen = await anne.post(f"/api/v1/spaces/1/pupils/{lea}/password", json={"password": "soleil"})
    assert chosen.json()["pupil"]["password"] == "soleil"
    assert chosen.json()["pupil"]["strength"] == "weak"  # a word of our lists: shown as weak
    await (await api_login(server.url, "lea", "soleil")).aclose()


async def test_bad_input_changes_nothing(server: RunningServer, login) -> None:
    anne = await login("anne")
    lea = await user_id(server, "lea")
    anne_id = await user_id(server, "anne")
    before = await snapshot(server)
    too_many = "\n".join(f"Pupil {i}" for i in range(200))
    cases = [
        ("/api/v1/spaces/1/pupils", {"names": too_many}, 400),
        ("/api/v1/spaces/1/pupils", {"names": "\n  \n"}, 400),
        ("/api/v1/spaces/1/pupils", {"names": ""}, 400),
        ("/api/v1/spaces/1/pupils", {"names": 12}, 400),
        ("/api/v1/spaces/1/pupils", {"names": "x" * 61}, 400),
        (f"/api/v1/spaces/1/pupils/{lea}/password", {"password": "abcd"}, 400),
        (f"/api/v1/spaces/1/pupils/{lea}/password", {"password": "abcdefghi"}, 400),
        (f"/api/v1/spaces/1/pupils/{lea}/password", {"password": "ab cde"}, 400),
        (f"/api/v1/spaces/1/pupils/{anne_id}/password", {}, 404),  # not a pupil
        ("/api/v1/spaces/1/pupils/99999/password", {}, 404),
    ]
    for url, body, status in cases:
        answer = await anne.post(url, json=body)
        assert answer.status_code == status, (url, body, answer.text)
        assert answer.json()["error"] in ("invalid", "not_found")
        assert answer.json()["message"]
    too_many_answer = await anne.post("/api/v1/spaces/1/pupils", json={"names": too_many})
    assert "100" in too_many_answer.json()["message"]
    page = await anne.post(
        "/spaces/1/pupil-accounts",
        data={"names": too_many, "csrf_token": anne.headers["X-CSRF-Token"]},
    )
    assert page.status_code == 400 and "Pupil 199" in page.text  # the form keeps the names
    assert await snapshot(server) == before


async def test_only_teachers_manage_pupils(server: RunningServer, login) -> None:
    lea = await user_id(server, "lea")
    before = await snapshot(server)
    for who, status in (("pia", 403), ("lea", 403), ("paul", 403), ("nss-fr", 404)):
        client = await login(who)
        created = await client.post("/api/v1/spaces/1/pupils", json={"names": "Eve"})
        assert created.status_code == status, (who, created.text)
        reset = await client.post(f"/api/v1/spaces/1/pupils/{lea}/password", json={})
        assert reset.status_code == status, (who, reset.text)
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        assert (await anonymous.post("/api/v1/spaces/1/pupils", json={})).status_code == 401
    tina = await login("tina")  # a teacher member may create pupils
    assert (await tina.post("/api/v1/spaces/1/pupils", json={"names": "Eve"})).status_code == 201
    after = await snapshot(server)
    assert after["users"] == before["users"] + 1


async def _someone_waits_on_a_lock(probe: AsyncConnection) -> bool:
    """PostgreSQL reads pg_stat_activity once per transaction: each look is its own."""
    waiting = await probe.scalar(
        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    )
    await probe.rollback()
    return bool(waiting)


async def test_a_username_taken_meanwhile_is_replaced_not_a_server_error(
    server: RunningServer, login
) -> None:
    """Another transaction (another teacher's class) holds every "zoe.NNN" name, not yet
    committed, while anne creates Zoé: her check sees them free, her insert waits on the
    other transaction and collides once it commits. Her whole transaction is tried again
    and picks a free name; nothing is half-written."""
    anne = await login("anne")
    engine = server.runtime.db.engine
    taken = [f"zoe.{n}" for n in range(100, 1000)]
    async with engine.connect() as other:
        transaction = await other.begin()
        await other.execute(
            insert(User),
            [
                {"username": u, "display_name": "Zoé", "kind": "pupil", "password_hash": "x"}
                for u in taken
            ],
        )
        creating = asyncio.create_task(
            anne.post("/api/v1/spaces/1/pupils", json={"names": "Zoé"}, timeout=60)
        )
        if engine.dialect.name == "postgresql":  # wait until anne's insert waits on our rows
            async with engine.connect() as probe:
                while not await _someone_waits_on_a_lock(probe):
                    assert not creating.done(), creating.result().text
                    await asyncio.sleep(0.05)
        # (SQLite writers queue on one lock: her check runs after our commit, no race there)
        await transaction.commit()
    answer = await creating
    assert answer.status_code == 201, answer.text
    (pupil,) = answer.json()["pupils"]
    assert pupil["username"] not in taken and re.fullmatch(r"zoe\.[0-9]{5}", pupil["username"])
