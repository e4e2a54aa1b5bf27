"""Members of the network: who is listed, their folded search text, search and profiles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from twinspace.accounts.models import Country, School, User
from twinspace.db import Database, utcnow
from twinspace.network.models import MemberSearch
from twinspace.network.text import PAGE_SIZE, Page, search_text, words_match
from twinspace.permissions import LISTED_KINDS, may_found


@cache
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def country_name(code: str | None, locale: str, fallback: str = "") -> str:
    if not code:
        return ""
    return _territories(locale).get(code, fallback or code)


@dataclass(frozen=True)
class Member:
    user: User
    school: School | None
    country_eligible: bool

    @property
    def eligible(self) -> bool:
        """An eTwinner: may find partners, found and co-found projects."""
        return may_found(self.user.kind, self.country_eligible)

    def json(self, locale: str = "en") -> dict[str, object]:
        school = self.school
        return {
            "id": self.user.id,
            "username": self.user.username,
            "display_name": self.user.display_name,
            "kind": self.user.kind,
            "eligible": self.eligible,
            "country": self.user.country_code,
            "country_name": country_name(self.user.country_code, locale),
            "school": (
                {"id": school.id, "name": school.name, "city": school.city} if school else None
            ),
        }


def member_text(user: User, school: School | None, country: Country | None) -> str:
    parts = [user.display_name, user.username]
    if school is not None:
        parts += [school.name, school.city]
    if country is not None:
        parts += [country.name, country.code, country_name(country.code, "fr")]
    return search_text(parts)


async def get_member(session: AsyncSession, user_id: int) -> Member | None:
    """A listed member (teacher or platform member, active); pupils and officers are not."""
    row = (
        await session.execute(
            select(User, Country.eligible)
            .outerjoin(Country, Country.code == User.country_code)
            .where(User.id == user_id, User.kind.in_(LISTED_KINDS), User.is_active.is_(True))
            .options(selectinload(User.school))
        )
    ).first()
    if row is None:
        return None
    user, eligible = row
    return Member(user, user.school, bool(eligible))


async def get_members_by_id(session: AsyncSession, ids: list[int]) -> dict[int, Member]:
    if not ids:
        return {}
    rows = await session.execute(
        select(User, Country.eligible)
        .outerjoin(Country, Country.code == User.country_code)
        .where(User.id.in_(ids))
        .options(selectinload(User.school))
    )
    return {u.id: Member(u, u.school, bool(e)) for u, e in rows}


async def is_eligible(session: AsyncSession, user: User) -> bool:
    eligible = await session.scalar(
        select(Country.eligible).where(Country.code == user.country_code)
    )
    return may_found(user.kind, bool(eligible))


async def index_missing_members(db: Database) -> None:
    """Members created outside registration (demo, administrators) get their search text."""
    async with db.read() as session:
        missing = list(
            await session.scalars(
                select(User.id)
                .outerjoin(MemberSearch, MemberSearch.user_id == User.id)
                .where(User.kind.in_(LISTED_KINDS), MemberSearch.user_id.is_(None))
                .limit(1000)
            )
        )
    if not missing:
        return
    async with db.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(User, Country)
            .outerjoin(Country, Country.code == User.country_code)
            .where(User.id.in_(missing))
            .options(selectinload(User.school))
        )
        for user, country in rows:
            await uow.session.merge(
                MemberSearch(
                    user_id=user.id,
                    text=member_text(user, user.school, country),
                    updated_at=utcnow(),
                )
            )


async def search_members(
    session: AsyncSession, query: str, country: str | None, page: int
) -> Page[Member]:
    where = [User.kind.in_(LISTED_KINDS), User.is_active.is_(True)]
    match = words_match(MemberSearch.text, query)
    if match is not None:
        where.append(match)
    if country:
        where.append(User.country_code == country.upper()[:2])
    base = (
        select(User, Country.eligible)
        .join(MemberSearch, MemberSearch.user_id == User.id)
        .outerjoin(Country, Country.code == User.country_code)
        .where(*where)
    )
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    rows = await session.execute(
        base.order_by(User.display_name, User.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .options(selectinload(User.school))
    )
    items = [Member(u, u.school, bool(e)) for u, e in rows]
    return Page(items, page, int(total or 0))
