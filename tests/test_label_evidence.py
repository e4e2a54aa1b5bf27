"""The evidence figures against a seeded TwinSpace whose activity is known event by event:
two schools (Lyon, Köln), their teachers and pupils, a visitor, three months of activity."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from tests.label_helpers import TEXTS
from tests.support import api_login
from twinspace.accounts.models import School, User
from twinspace.accounts.passwords import PasswordService
from twinspace.events import Event
from twinspace.network.models import Project
from twinspace.pages.models import Page, Widget
from twinspace.settings import Settings
from twinspace.spaces.models import Membership, Space
from twinspace.tools.wiki.models import WikiPage, WikiRevision, WikiUpdate

JAN, FEB, MAR = (datetime(2026, m, 12, 10, tzinfo=UTC) for m in (1, 2, 3))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, label_min_days=0)


async def seed(server) -> dict[str, int]:
    """The TwinSpace, its people and its activity; returns the ids of the people."""
    hashed = PasswordService().hash_sync("demo-pass")
    async with server.runtime.db.unit_of_work() as uow:
        s = uow.session
        lyon = School(name="École des Deux Rives", city="Lyon", country_code="FR")
        koeln = School(name="Rheinschule", city="Köln", country_code="DE")
        s.add_all([lyon, koeln])
        await s.flush()
        space = Space(title="Seeded rivers", scope="european", status="open", created_at=JAN)
        s.add(space)
        await s.flush()
        people: dict[str, User] = {}
        for name, kind, school, country, role in (
            ("ta", "teacher", lyon, "FR", "teacher_admin"),
            ("tb", "teacher", koeln, "DE", "teacher_admin"),
            ("pa1", "pupil", lyon, "FR", "pupil_member"),
            ("pa2", "pupil", lyon, "FR", "pupil_member"),
            ("pb1", "pupil", koeln, "DE", "pupil_member"),
            ("vis", "member", None, "FR", "visitor"),
        ):
            user = User(
                username=f"seed-{name}",
                display_name=name,
                kind=kind,
                country_code=country,
                school_id=school.id if school else None,
                password_hash=hashed,
            )
            s.add(user)
            await s.flush()
            people[name] = user
            s.add(Membership(space_id=space.id, user_id=user.id, role=role))
        s.add(
            Project(
                founder_id=people["ta"].id,
                founder_school_id=lyon.id,
                cofounder_id=people["tb"].id,
                cofounder_school_id=koeln.id,
                title="Seeded rivers",
                scope="european",
                status="open",
                space_id=space.id,
            )
        )
        page = Page(space_id=space.id, room="activities", title="Our work", created_at=JAN)
        page2 = Page(space_id=space.id, room="activities", title="Results", created_at=JAN)
        s.add_all([page, page2])
        await s.flush()
        widget = Widget(page_id=page.id, kind="wiki")
        s.add(widget)
        await s.flush()
        wiki1 = WikiPage(widget_id=widget.id, title="Our rivers")
        wiki2 = WikiPage(widget_id=widget.id, title="Only Lyon")
        s.add_all([wiki1, wiki2])
        await s.flush()
        p, sid = people, space.id
        here, chat = f"space:{sid}:page:{page.id}", f"space:{sid}:chat:general"
        activities = f"space:{sid}:activities"
        seqs: dict[str, int] = defaultdict(int)

        def ev(when, room, type_, data, who):  # noqa: ANN001, ANN202
            seqs[room] += 1
            s.add(
                Event(
                    room=room,
                    seq=seqs[room],
                    type=type_,
                    data=data,
                    actor_id=p[who].id if who else None,
                    created_at=when,
                )
            )

        ev(JAN, here, "blog.post_created", {"post": {"id": 501, "title": "Day one"}}, "ta")
        ev(JAN, here, "blog.comment_created", {"post_id": 501, "comment": {}}, "pb1")  # across
        ev(JAN, here, "blog.comment_created", {"post_id": 501, "comment": {}}, "pa1")  # same
        ev(JAN, here, "forum.topic_created", {"topic": {"id": 601, "title": "Floods"}}, "pa1")
        ev(JAN, here, "forum.reply_created", {"topic_id": 601, "reply": {}}, "tb")  # across
        for who in ("pa1", "pa2", "pb1"):
            ev(JAN, chat, "chat.message", {"message_id": 1, "text": "hi"}, who)
        ev(FEB, here, "forum.reply_created", {"topic_id": 601, "reply": {}}, "pb1")  # across
        ev(FEB, here, "forum.reply_created", {"topic_id": 601, "reply": {}}, "vis")  # no school
        public = {"id": page.id, "is_public": True}
        ev(FEB, f"space:{sid}:page:{page.id}", "page.visibility", public, "ta")
        ev(FEB, activities, "page.visibility", public, "ta")  # the same change, room list
        photos = {"album_id": None, "photo_ids": [71, 72, 73], "photos": [{"id": 71}, {"id": 72}]}
        ev(FEB, here, "gallery.photos_added", photos, "tb")
        ev(FEB, chat, "chat.message", {"message_id": 2, "text": "hallo"}, "tb")
        ev(MAR, here, "gallery.consent_changed", {"photo_id": 73, "consent": True}, "ta")
        ev(MAR, here, "gallery.consent_changed", {"photo_id": 71, "consent": False}, "ta")
        ev(MAR, activities, "page.visibility", {"id": page2.id, "is_public": True}, "ta")
        ev(MAR, activities, "page.visibility", {"id": page.id, "is_public": False}, "ta")
        for wiki, who in ((wiki1, "pa1"), (wiki2, "pa2")):
            data = {"page": {"id": wiki.id, "title": wiki.title}}
            ev(MAR, here, "wiki.page_created", data, who)
        # wiki authorship: page 1 by pupils of both schools; page 2 by Lyon's pupils and teachers
        for wiki, authors in ((wiki1, ["pa1", "pb1"]), (wiki2, ["pa1", "pa2", "tb"])):
            s.add(
                WikiRevision(
                    page_id=wiki.id,
                    number=1,
                    seq=1,
                    reason="first",
                    state=b"",
                    authors=[p[a].id for a in authors],
                )
            )
        s.add(WikiUpdate(page_id=wiki2.id, seq=1, author_id=p["ta"].id, data=b""))
    return {"space": sid, "lyon": lyon.id, "koeln": koeln.id, "none": 0}


def _month(rows: list[dict], month: str) -> dict:
    return next(r for r in rows if r["month"] == month)


async def test_evidence_figures_of_a_seeded_twinspace(server):
    ids = await seed(server)
    ta = await api_login(server.url, "seed-ta")
    try:
        started = await ta.post(f"/api/v1/spaces/{ids['space']}/label/applications")
        assert started.status_code == 201, started.text
        app_id = started.json()["application"]["id"]
        evidence = (await ta.get(f"/api/v1/labels/{app_id}")).json()["evidence"]
        assert evidence["totals"] == {
            "pupil_contributions": 9,
            "teacher_contributions": 4,
            "cross_school_replies": 3,
            "multi_school_wiki_pages": 1,
            "pages_published": 2,
            "public_pages_now": 1,
            "photos_with_consent": 2,
            "chat_messages": 4,
        }
        lyon, koeln = str(ids["lyon"]), str(ids["koeln"])
        assert evidence["months"][:3] == ["2026-01", "2026-02", "2026-03"]
        jan = _month(evidence["contributions"], "2026-01")["schools"]
        assert jan[lyon] == {"pupils": 4, "teachers": 1}
        assert jan[koeln] == {"pupils": 2, "teachers": 1}
        feb = _month(evidence["contributions"], "2026-02")["schools"]
        assert feb[lyon] == {"pupils": 0, "teachers": 0}
        assert feb[koeln] == {"pupils": 1, "teachers": 2}
        assert _month(evidence["contributions"], "2026-03")["schools"][lyon]["pupils"] == 2
        cross = evidence["cross_school_replies"]
        assert _month(cross, "2026-01") == {"month": "2026-01", "forum": 1, "blog": 1}
        assert _month(cross, "2026-02") == {"month": "2026-02", "forum": 1, "blog": 0}
        assert evidence["multi_school_wiki_pages"] == [
            {
                "id": evidence["multi_school_wiki_pages"][0]["id"],
                "title": "Our rivers",
                "schools": 2,
            }
        ]
        assert _month(evidence["pages_published"], "2026-02")["pages"] == 1
        assert _month(evidence["pages_published"], "2026-03")["pages"] == 1
        assert (
            _month(evidence["photos_with_consent"], "2026-02")["photos"] == 1
        )  # 72 (71 withdrawn)
        assert _month(evidence["photos_with_consent"], "2026-03")["photos"] == 1  # 73
        chat = evidence["chat"]
        assert _month(chat, "2026-01")["schools"] == {lyon: 2, koeln: 1, "0": 0}
        assert _month(chat, "2026-02")["schools"] == {lyon: 0, koeln: 1, "0": 0}
        # the examples a teacher may attach come from the same log
        keys = {
            e["key"]
            for e in (await ta.get(f"/api/v1/labels/{app_id}")).json()["examples_available"]
        }
        assert {"blog:501", "forum:601"} <= keys
        # the page: charts as SVG images named by their title, each with its data table
        html = (await ta.get(f"/labels/{app_id}")).text
        assert html.count('role="img"') == 4
        assert html.count('<table class="label-data"') == 4
        row = re.search(r'<table class="label-data" id="table-chat">.*?</table>', html, re.S)
        assert row and '<th scope="row">2026-01</th><td>2</td><td>1</td>' in row.group(0)
        saved = await ta.patch(f"/api/v1/labels/{app_id}", json={"criteria": TEXTS})
        assert saved.status_code == 200
    finally:
        await ta.aclose()
