"""Drafts saved as typed, sending to one's own NSS, the NSS review (award or decline with a
comment), notifications at each step, badges and the European Quality Label candidate mark."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from tests.label_helpers import SPACE, TEXTS, apply, notes, set_project, start
from twinspace.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, label_min_days=0)


async def test_drafts_are_saved_as_typed_and_sent_complete_only(server, login):
    anne = await login("anne")
    app_id = (await start(anne)).json()["application"]["id"]
    one = await anne.patch(f"/api/v1/labels/{app_id}", json={"criteria": {"ict": "Wik"}})
    assert one.status_code == 200
    two = await anne.patch(f"/api/v1/labels/{app_id}", json={"criteria": {"ict": "Wiki and forum"}})
    assert two.json()["application"]["criteria"]["ict"] == "Wiki and forum"
    shown = (await anne.get(f"/api/v1/labels/{app_id}")).json()
    assert shown["application"]["criteria"] == {**dict.fromkeys(TEXTS, ""), "ict": "Wiki and forum"}
    assert shown["reader"] == "applicant" and "evidence" in shown
    incomplete = await anne.post(f"/api/v1/labels/{app_id}/submit")
    assert incomplete.status_code == 400
    assert set(incomplete.json()["missing"]) == set(TEXTS) - {"ict"}
    bad = await anne.patch(f"/api/v1/labels/{app_id}", json={"criteria": {"colour": "x"}})
    assert bad.status_code == 400
    too_long = await anne.patch(f"/api/v1/labels/{app_id}", json={"criteria": {"ict": "x" * 5001}})
    assert too_long.status_code == 400
    unknown = await anne.patch(f"/api/v1/labels/{app_id}", json={"examples": ["page:99999"]})
    assert unknown.status_code == 400
    pages = [e for e in shown["examples_available"] if e["kind"] == "page"]
    assert pages, shown["examples_available"]
    chosen = await anne.patch(f"/api/v1/labels/{app_id}", json={"examples": [pages[0]["key"]]})
    assert chosen.json()["application"]["examples"] == [pages[0]]
    # nobody else reads or writes a draft, not even the NSS
    for name in ("jonas", "nss-fr", "lea"):
        other = await login(name)
        assert (await other.get(f"/api/v1/labels/{app_id}")).status_code == 404
        assert (await other.patch(f"/api/v1/labels/{app_id}", json={})).status_code == 404
    assert await notes(server, "nss-fr") == []


async def test_nss_review_notifies_and_both_awards_make_a_european_candidate(server, login):
    anne, jonas = await login("anne"), await login("jonas")
    nss_fr, nss_de = await login("nss-fr"), await login("nss-de")
    fr = await apply(anne)
    assert [n[0] for n in await notes(server, "nss-fr")] == ["label.submitted"]
    assert await notes(server, "nss-de") == []  # each teacher applies to their own NSS
    assert [n[0] for n in await notes(server, "anne")] == ["label.sent"]
    # only the applicant's NSS sees and decides it
    queue = (await nss_fr.get("/api/v1/nss/labels")).json()
    assert [a["id"] for a in queue["applications"]] == [fr["id"]]
    assert (await nss_de.get("/api/v1/nss/labels")).json()["applications"] == []
    assert (await nss_de.get(f"/api/v1/labels/{fr['id']}")).status_code == 404
    assert (await nss_de.post(f"/api/v1/nss/labels/{fr['id']}/award", json={})).status_code == 404
    assert (await jonas.post(f"/api/v1/nss/labels/{fr['id']}/award", json={})).status_code == 403
    assert (await anne.get("/api/v1/nss/labels")).status_code == 403
    seen = (await nss_fr.get(f"/api/v1/labels/{fr['id']}")).json()
    assert seen["reader"] == "officer" and seen["evidence"]["totals"]["chat_messages"] >= 1
    no_reason = await nss_fr.post(f"/api/v1/nss/labels/{fr['id']}/decline", json={})
    assert no_reason.status_code == 400
    awarded = await nss_fr.post(
        f"/api/v1/nss/labels/{fr['id']}/award", json={"comment": "A model of cooperation."}
    )
    assert awarded.status_code == 200, awarded.text
    assert awarded.json()["application"]["status"] == "awarded"
    twice = await nss_fr.post(f"/api/v1/nss/labels/{fr['id']}/decline", json={"comment": "No"})
    assert twice.status_code == 409
    assert [n[0] for n in await notes(server, "anne")] == ["label.sent", "label.awarded"]
    badges = (await anne.get(f"/api/v1/spaces/{SPACE}/label")).json()["badges"]
    year = fr["year"]
    assert badges == {"national": [{"country": "FR", "year": year}], "european_candidate": []}
    # the German founder's NSS awards too: the project becomes a European candidate
    de = await apply(jonas)
    assert (await nss_de.post(f"/api/v1/nss/labels/{de['id']}/award", json={})).status_code == 200
    badges = (await jonas.get(f"/api/v1/spaces/{SPACE}/label")).json()["badges"]
    assert badges["european_candidate"] == [year]
    assert {b["country"] for b in badges["national"]} == {"FR", "DE"}
    for name in ("anne", "jonas"):
        assert (await notes(server, name))[-1][0] == "label.european_candidate"
    teacher = (await nss_fr.get(f"/api/v1/members/{anne_id(seen)}/labels")).json()
    assert teacher["labels"][0]["year"] == year and teacher["labels"][0]["country"] == "FR"
    # the badges: the TwinSpace, the teacher's profile, the public gallery
    mark = f"European Quality Label candidate {year}"
    assert mark in (await anne.get(f"/spaces/{SPACE}")).text
    profile = (await jonas.get(f"/members/{anne_id(seen)}")).text
    assert f"National Quality Label {year} — FR" in profile
    assert (await jonas.get(f"/api/v1/members/{anne_id(seen)}")).json()["labels"][0]["year"] == year
    space_profile = (await jonas.get(f"/spaces/{SPACE}/members/{anne_id(seen)}")).text
    assert f"National Quality Label {year} — FR" in space_profile
    published = await anne.post(
        f"/api/v1/spaces/{SPACE}/publish", json={"public": True, "confirm": True}
    )
    assert published.status_code == 200
    async with httpx.AsyncClient(base_url=server.url) as public:
        gallery = (await public.get("/api/v1/gallery")).json()["spaces"]
        assert gallery[0]["labels"]["european_candidate"] == [year]
        assert mark in (await public.get("/gallery")).text


def anne_id(view: dict) -> int:
    return view["applicant"]["id"]


async def test_a_declined_application_carries_the_comment(server, login):
    jonas, nss_de = await login("jonas"), await login("nss-de")
    de = await apply(jonas)
    declined = await nss_de.post(
        f"/api/v1/nss/labels/{de['id']}/decline", json={"comment": "Too little pupil work."}
    )
    assert declined.status_code == 200
    shown = (await jonas.get(f"/api/v1/labels/{de['id']}")).json()["application"]
    assert shown["status"] == "declined" and shown["review_comment"] == "Too little pupil work."
    assert (await notes(server, "jonas"))[-1][0] == "label.declined"
    decided = (await nss_de.get("/api/v1/nss/labels?status=declined")).json()["applications"]
    assert [a["id"] for a in decided] == [de["id"]]
    badges = (await jonas.get(f"/api/v1/spaces/{SPACE}/label")).json()["badges"]
    assert badges == {"national": [], "european_candidate": []}
    assert (await jonas.patch(f"/api/v1/labels/{de['id']}", json={})).status_code == 409


async def test_sending_checks_the_rules_again(server, login):
    anne = await login("anne")
    app_id = (await start(anne)).json()["application"]["id"]
    await anne.patch(f"/api/v1/labels/{app_id}", json={"criteria": TEXTS})
    await set_project(server, scope="national")
    refused = await anne.post(f"/api/v1/labels/{app_id}/submit")
    assert refused.status_code == 403 and refused.json()["reasons"] == ["not_european"]
    shown = (await anne.get(f"/api/v1/labels/{app_id}")).json()["application"]
    assert shown["status"] == "draft"


async def test_the_pages_work_without_javascript(server, login):
    anne, nss = await login("anne"), await login("nss-fr")
    token = anne.headers["X-CSRF-Token"]
    page = await anne.get(f"/spaces/{SPACE}/label")
    assert page.status_code == 200 and "Apply for the quality label" in page.text
    started = await anne.post(f"/spaces/{SPACE}/label/apply", data={"csrf_token": token})
    assert started.status_code == 303
    url = started.headers["location"]
    form = await anne.get(url)
    assert form.status_code == 200 and 'name="creativity"' in form.text
    incomplete = await anne.post(url, data={"csrf_token": token, "ict": "Wiki", "send": "1"})
    assert incomplete.status_code == 400 and "each of the six criteria" in incomplete.text
    sent = await anne.post(url, data={"csrf_token": token, **TEXTS, "send": "1"})
    assert sent.status_code == 303
    app_id = int(url.rsplit("/", 1)[1])
    queue = await nss.get("/nss/labels")
    assert f"/nss/labels/{app_id}" in queue.text
    review = await nss.get(f"/nss/labels/{app_id}")
    assert "Award the label" in review.text and TEXTS["ict"] in review.text
    decided = await nss.post(
        f"/nss/labels/{app_id}",
        data={"csrf_token": nss.headers["X-CSRF-Token"], "decision": "decline", "comment": ""},
    )
    assert decided.status_code == 400  # a decline says why
    decided = await nss.post(
        f"/nss/labels/{app_id}",
        data={"csrf_token": nss.headers["X-CSRF-Token"], "decision": "award", "comment": "Bravo"},
    )
    assert decided.status_code == 303
    french = await anne.get(f"/labels/{app_id}?lang=fr")
    assert "Label de qualité attribué" in french.text
