"""What the label shows: the evidence as charts, the catalogue of examples a teacher may attach,
an application as JSON, and the badges (awards with their year, the European candidate mark)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.events import Event
from twinspace.i18n import N_
from twinspace.label.charts import Chart, Series
from twinspace.label.evidence import NO_SCHOOL, Evidence
from twinspace.label.models import CRITERIA, LabelApplication

CRITERIA_LABELS = {
    "creativity": N_("1. Creativity and pedagogical innovation"),
    "curriculum": N_("2. Integration into the curriculum"),
    "cooperation": N_("3. Cooperation between partner schools"),
    "ict": N_("4. Creative use of ICT"),
    "sustainability": N_("5. Sustainability and transferability"),
    "results": N_("6. Results and benefits"),
}
STATUS_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Sent to the national support service"),
    "awarded": N_("Quality label awarded"),
    "declined": N_("Declined"),
}
EXAMPLE_KIND_LABELS = {
    "page": N_("Page"),
    "blog": N_("Blog post"),
    "forum": N_("Forum topic"),
    "wiki": N_("Wiki page"),
}
_PAGE_ROOM = re.compile(r"^space:\d+:page:(\d+)$")


def school_label(evidence: Evidence, school_id: int, gettext) -> str:  # noqa: ANN001
    if school_id == NO_SCHOOL:
        return gettext(N_("Without a school"))
    return evidence.schools.get(school_id) or gettext(N_("Without a school"))


def evidence_charts(evidence: Evidence, gettext) -> list[Chart]:  # noqa: ANN001
    months, schools = evidence.months, list(evidence.schools)
    contributions = []
    for who, label in (
        ("pupils", N_("%(school)s: pupils")),
        ("teachers", N_("%(school)s: teachers")),
    ):
        for s in schools:
            values = [evidence.contributions.get(m, {}).get(s, {}).get(who, 0) for m in months]
            contributions.append(
                Series(gettext(label) % {"school": school_label(evidence, s, gettext)}, values)
            )
    return [
        Chart(
            "contributions",
            gettext(N_("Contributions per school and month (pupils and teachers)")),
            months,
            contributions,
        ),
        Chart(
            "cross-school",
            gettext(N_("Replies across schools (forum replies and blog comments)")),
            months,
            [
                Series(
                    gettext(N_("Forum replies")),
                    [evidence.cross_school_replies.get(m, {}).get("forum", 0) for m in months],
                ),
                Series(
                    gettext(N_("Blog comments")),
                    [evidence.cross_school_replies.get(m, {}).get("blog", 0) for m in months],
                ),
            ],
        ),
        Chart(
            "published",
            gettext(N_("Pages published and photos shown with consent")),
            months,
            [
                Series(
                    gettext(N_("Pages published")),
                    [evidence.pages_published.get(m, 0) for m in months],
                ),
                Series(
                    gettext(N_("Photos with consent")),
                    [evidence.photos_with_consent.get(m, 0) for m in months],
                ),
            ],
        ),
        Chart(
            "chat",
            gettext(N_("Chat messages per school and month")),
            months,
            [
                Series(
                    school_label(evidence, s, gettext),
                    [evidence.chat.get(m, {}).get(s, 0) for m in months],
                )
                for s in schools
            ],
        ),
    ]


async def example_catalogue(session: AsyncSession, space_id: int) -> dict[str, dict[str, Any]]:
    """What a teacher may attach as an example, from the event log: the TwinSpace's pages
    (not drafts), blog posts, forum topics and wiki pages that still exist.
    key ("page:12", "blog:3", …) → {"key", "kind", "title", "url"}."""
    rows = await session.scalars(
        select(Event)
        .where(
            Event.room.startswith(f"space:{space_id}:", autoescape=True),
            Event.type.in_(
                (
                    "page.added",
                    "page.updated",
                    "page.deleted",
                    "page.restored",
                    "blog.post_created",
                    "blog.post_deleted",
                    "forum.topic_created",
                    "forum.topic_deleted",
                    "wiki.page_created",
                    "wiki.page_renamed",
                    "wiki.page_deleted",
                )
            ),
        )
        .order_by(Event.id)
    )
    found: dict[str, dict[str, Any]] = {}
    for e in rows:
        match = _PAGE_ROOM.match(e.room)
        host = f"/spaces/{space_id}/pages/{match[1]}" if match else None
        kind, _, verb = e.type.partition(".")
        if kind == "page" and match is None:
            key = f"page:{e.data['id']}"
            if verb == "deleted" or e.data.get("is_draft"):
                found.pop(key, None)
            else:
                url = f"/spaces/{space_id}/pages/{e.data['id']}"
                found[key] = {"key": key, "kind": "page", "title": e.data["title"], "url": url}
        elif kind == "blog" and host:
            if verb == "post_created":
                post = e.data["post"]
                key = f"blog:{post['id']}"
                found[key] = {"key": key, "kind": "blog", "title": post["title"], "url": host}
            else:
                found.pop(f"blog:{e.data['post_id']}", None)
        elif kind == "forum" and host:
            if verb == "topic_created":
                topic = e.data["topic"]
                key = f"forum:{topic['id']}"
                found[key] = {"key": key, "kind": "forum", "title": topic["title"], "url": host}
            else:
                found.pop(f"forum:{e.data['topic_id']}", None)
        elif kind == "wiki" and host:
            if verb == "page_deleted":
                found.pop(f"wiki:{e.data['page_id']}", None)
            else:
                page = e.data["page"]
                key = f"wiki:{page['id']}"
                url = page.get("url") or host
                found[key] = {"key": key, "kind": "wiki", "title": page["title"], "url": url}
    return found


def application_json(app: LabelApplication, gettext) -> dict[str, Any]:  # noqa: ANN001
    return {
        "id": app.id,
        "project_id": app.project_id,
        "space_id": app.space_id,
        "applicant_id": app.applicant_id,
        "country": app.country_code,
        "year": app.year,
        "status": app.status,
        "status_label": gettext(STATUS_LABELS[app.status]),
        "criteria": {name: app.criteria.get(name, "") for name in CRITERIA},
        "examples": list(app.examples),
        "review_comment": app.review_comment,
        "created_at": app.created_at.isoformat(),
        "updated_at": app.updated_at.isoformat(),
        "submitted_at": app.submitted_at.isoformat() if app.submitted_at else None,
        "decided_at": app.decided_at.isoformat() if app.decided_at else None,
    }
