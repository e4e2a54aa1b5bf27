"""Dates, times and sizes in each reader's language and time zone: the same message read in
Paris (French), in Warsaw (English) and in New York; the zone the browser gives at login and
the one chosen in the profile; sizes with the locale's decimal mark; language links that keep
the query string."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from tests.conftest import RunningServer
from tests.people_support import user_id
from tests.support import DEMO_PASSWORD
from twinspace.accounts.models import User
from twinspace.i18n.formatting import filesize, number, start_reader, when
from twinspace.people.models import MailMessage

MOMENT = datetime(2026, 7, 14, 12, 49, tzinfo=UTC)  # 14:49 in Paris and Warsaw (summer time)


def time_of(html: str) -> tuple[str, str]:
    """The mail message's <time>: its machine-readable value and its words."""
    pattern = r'<time datetime="([^"]+)" data-when="auto" title="[^"]*">([^<]+)</time>'
    match = re.search(pattern, html)
    assert match, html[:400]
    return match.group(1), match.group(2)


async def form_login(base_url: str, username: str, time_zone: str | None) -> httpx.AsyncClient:
    """Log in through the HTML form, as a browser whose script filled in its time zone."""
    client = httpx.AsyncClient(base_url=base_url)
    form = {"username": username, "password": DEMO_PASSWORD, "next": "/"}
    if time_zone is not None:
        form["time_zone"] = time_zone
    response = await client.post("/login", data=form)
    assert response.status_code == 303, response.text
    return client


async def zone_of(server: RunningServer, username: str) -> str | None:
    async with server.runtime.db.read() as session:
        return await session.scalar(select(User.time_zone).where(User.username == username))


async def choose_zone(client: httpx.AsyncClient, zone: str) -> httpx.Response:
    token = client.headers["X-CSRF-Token"]
    return await client.post(
        "/settings/time-zone",
        data={"csrf_token": token, "time_zone": zone, "next": "/spaces/1/profile"},
    )


async def test_one_message_in_paris_warsaw_and_new_york(server: RunningServer, login) -> None:
    anne = await login("anne")
    lea_id, tom_id = await user_id(server, "lea"), await user_id(server, "tom")
    sent = await anne.post(
        "/api/v1/spaces/1/mailbox",
        json={"to": [lea_id, tom_id], "subject": "Sizes", "body": "The river is 2.1 km wide."},
    )
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["id"]
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(
            update(MailMessage).where(MailMessage.id == message_id).values(created_at=MOMENT)
        )
    url = f"/spaces/1/mailbox/{message_id}"

    lea, tom = await login("lea"), await login("tom")
    assert (await choose_zone(lea, "Europe/Paris")).status_code == 303
    assert (await choose_zone(tom, "Europe/Warsaw")).status_code == 303
    assert (await choose_zone(anne, "America/New_York")).status_code == 303

    paris = (await lea.get(url, params={"lang": "fr"})).text
    warsaw = (await tom.get(url, params={"lang": "en"})).text
    new_york = (await anne.get(url, params={"lang": "fr"})).text
    assert time_of(paris) == ("2026-07-14T12:49:00+00:00", "14 juil. 2026, 14:49")
    assert time_of(warsaw) == ("2026-07-14T12:49:00+00:00", "Jul 14, 2026, 2:49\u202fPM")
    assert time_of(new_york) == ("2026-07-14T12:49:00+00:00", "14 juil. 2026, 08:49")
    # the page hands its zone to the script that formats live items the same way
    assert 'data-tz="Europe/Paris"' in paris and 'data-just-now="à l’instant"' in paris
    assert 'data-tz="Europe/Warsaw"' in warsaw and 'data-just-now="just now"' in warsaw

    # a recent message says how long ago, in the reader's words, with the full form as title
    async with server.runtime.db.unit_of_work() as uow:
        recent = datetime.now(UTC) - timedelta(minutes=5, seconds=10)
        await uow.session.execute(
            update(MailMessage).where(MailMessage.id == message_id).values(created_at=recent)
        )
    assert time_of((await lea.get(url, params={"lang": "fr"})).text)[1] == "il y a 5 minutes"
    assert time_of((await tom.get(url, params={"lang": "en"})).text)[1] == "5 minutes ago"


async def test_zone_from_the_browser_at_login_and_from_the_profile(server: RunningServer) -> None:
    assert await zone_of(server, "lea") is None
    # an unknown zone (or none: a browser without the script) changes nothing
    for sent in ("Mars/Olympus_Mons", "", None):
        await (await form_login(server.url, "lea", sent)).aclose()
        assert await zone_of(server, "lea") is None
    await (await form_login(server.url, "lea", "Europe/Warsaw")).aclose()
    assert await zone_of(server, "lea") == "Europe/Warsaw"
    # the next login from a laptop set to another zone does not undo it ...
    client = await form_login(server.url, "lea", "Europe/Lisbon")
    assert await zone_of(server, "lea") == "Europe/Warsaw"
    # ... the profile does; it offers the zones, with the person's own chosen
    page = (await client.get("/spaces/1/profile")).text
    assert '<option value="Europe/Warsaw" selected>' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = await client.post(
        "/settings/time-zone", data={"csrf_token": token, "time_zone": "Nowhere/Else"}
    )
    assert refused.status_code == 400 and "Choose a time zone from the list." in refused.text
    assert await zone_of(server, "lea") == "Europe/Warsaw"
    chosen = await client.post(
        "/settings/time-zone",
        data={"csrf_token": token, "time_zone": "Europe/Lisbon", "next": "/spaces/1/profile"},
    )
    assert (chosen.status_code, chosen.headers["location"]) == (303, "/spaces/1/profile")
    assert await zone_of(server, "lea") == "Europe/Lisbon"
    # without the security token nothing changes
    forged = await client.post("/settings/time-zone", data={"time_zone": "Asia/Tokyo"})
    assert forged.status_code == 403
    assert await zone_of(server, "lea") == "Europe/Lisbon"
    await client.aclose()
    # someone not logged in cannot set a zone (the browser's cookie serves them)
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        answer = await visitor.post("/settings/time-zone", data={"time_zone": "Asia/Tokyo"})
        assert answer.status_code == 401


async def test_public_pages_use_the_browser_zone_cookie_and_keep_the_query(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url, cookies={"ts_tz": "Europe/Warsaw"}) as web:
        page = (await web.get("/gallery", params={"subject": "science", "lang": "fr"})).text
    assert 'data-tz="Europe/Warsaw"' in page
    # the language links keep the query string and name the languages in their own language
    assert '<a href="?subject=science&amp;lang=fr" lang="fr" hreflang="fr"' in page
    assert '<a href="?subject=science&amp;lang=en" lang="en" hreflang="en"' in page
    assert ">Français</a>" in page and ">English</a>" in page
    assert '<meta name="description" content="TwinSpace est' in page
    # the public header leads to the gallery and to registration
    assert 'href="/gallery"' in page and 'href="/register"' in page
    async with httpx.AsyncClient(base_url=server.url, cookies={"ts_tz": "Not/AZone"}) as web:
        assert 'data-tz="UTC"' in (await web.get("/")).text
        # a published TwinSpace describes itself to search engines with its own words
        public = (await web.get("/spaces/1/activities")).text
        assert '<meta name="description" content="Pupils in Lyon and Köln study' in public


def test_numbers_sizes_and_dates_follow_the_locale() -> None:
    start_reader("fr", "Europe/Paris")
    assert filesize(int(2.1 * 1024 * 1024)) == "2,1\u00a0Mo"
    assert filesize(3 * 1024) == "3\u00a0Ko"
    assert number(1234567) == "1\u202f234\u202f567"
    calendar_day = when(MOMENT.date())
    assert calendar_day == '<time datetime="2026-07-14" data-when="date">14 juil. 2026</time>'
    future = when(MOMENT, now=MOMENT - timedelta(days=1))
    assert ">14 juil. 2026, 14:49</time>" in future
    start_reader("en", "Europe/Warsaw")
    assert filesize(int(2.1 * 1024 * 1024)) == "2.1 MB"
    assert number(1234567) == "1,234,567"
    assert ">just now</time>" in when(MOMENT, now=MOMENT + timedelta(seconds=30))
    assert ">3 hours ago</time>" in when(MOMENT, now=MOMENT + timedelta(hours=3, minutes=59))
    assert ">Jul 14, 2026, 2:49\u202fPM</time>" in when(MOMENT, now=MOMENT + timedelta(hours=6))
