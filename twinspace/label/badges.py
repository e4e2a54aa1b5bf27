"""The label's public face: the badges of awarded labels (country and year) for TwinSpaces and
teachers, and the "European Quality Label candidate" mark (both founders' countries awarded it
the same year). Other features show them through these functions only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.label.models import LabelApplication
from twinspace.network.models import Project


async def badges_for_spaces(session: AsyncSession, space_ids: list[int]) -> dict[int, dict]:
    """space id → {"national": [{"country", "year"}…], "european_candidate": [years]}."""
    found: dict[int, dict[str, Any]] = {
        sid: {"national": [], "european_candidate": []} for sid in space_ids
    }
    if not space_ids:
        return found
    rows = list(
        await session.execute(
            select(LabelApplication.space_id, LabelApplication.country_code, LabelApplication.year)
            .where(LabelApplication.space_id.in_(space_ids), LabelApplication.status == "awarded")
            .distinct()
            .order_by(LabelApplication.year.desc(), LabelApplication.country_code)
        )
    )
    if not rows:
        return found
    awarded: dict[tuple[int, int], set[str]] = defaultdict(set)
    for space_id, country, year in rows:
        found[space_id]["national"].append({"country": country, "year": year})
        awarded[(space_id, year)].add(country)
    founders = await _founder_countries(session, list({r[0] for r in rows}))
    for (space_id, year), countries in sorted(awarded.items(), key=lambda kv: -kv[0][1]):
        needed = founders.get(space_id, set())
        if len(needed) > 1 and needed <= countries:
            found[space_id]["european_candidate"].append(year)
    return found


async def _founder_countries(session: AsyncSession, space_ids: list[int]) -> dict[int, set[str]]:
    projects = list(await session.scalars(select(Project).where(Project.space_id.in_(space_ids))))
    ids = {p.founder_id for p in projects} | {p.cofounder_id for p in projects if p.cofounder_id}
    countries = dict(
        (await session.execute(select(User.id, User.country_code).where(User.id.in_(ids)))).all()
    )
    return {
        p.space_id: {
            c
            for c in (countries.get(p.founder_id), countries.get(p.cofounder_id or 0))
            if c is not None
        }
        for p in projects
        if p.space_id is not None
    }


async def badges_for_teacher(session: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """The labels a teacher was awarded: project title, TwinSpace, country, year."""
    rows = await session.execute(
        select(LabelApplication, Project.title)
        .join(Project, Project.id == LabelApplication.project_id)
        .where(LabelApplication.applicant_id == user_id, LabelApplication.status == "awarded")
        .order_by(LabelApplication.year.desc(), LabelApplication.id.desc())
    )
    return [
        {"project": title, "space_id": app.space_id, "country": app.country_code, "year": app.year}
        for app, title in rows
    ]
