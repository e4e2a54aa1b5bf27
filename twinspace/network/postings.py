"""Partner finding: publishing, editing and withdrawing postings; listing and searching them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Conflict, NotFound
from twinspace.i18n import N_
from twinspace.network.forms import Fields
from twinspace.network.members import country_name
from twinspace.network.models import Posting
from twinspace.network.text import PAGE_SIZE, Page, facet_match, search_text, words_match
from twinspace.network.vocab import LANGUAGES, SUBJECTS


def check_posting_fields(body: Any) -> dict[str, Any]:
    f = Fields(body)
    f.text("title", max_length=200)
    f.choices("subjects", SUBJECTS)
    f.choices("languages", LANGUAGES)
    f.age_range()
    f.text("description", max_length=5000, multiline=True)
    f.raise_if_invalid()
    return f.values


def index_posting(posting: Posting, author: User) -> str:
    facets = [("s", s) for s in posting.subjects] + [("l", lang) for lang in posting.languages]
    words = [posting.title, posting.description, *(SUBJECTS[s] for s in posting.subjects)]
    return search_text(words, facets)


async def do_publish_posting(uow: UnitOfWork, author: User, values: dict[str, Any]) -> Posting:
    posting = Posting(author_id=author.id, **values)
    posting.search_text = index_posting(posting, author)
    uow.session.add(posting)
    await uow.session.flush()
    return posting


async def get_own_posting(uow: UnitOfWork, author: User, posting_id: int) -> Posting:
    """The author's active posting; anybody else's answers as missing."""
    posting = await uow.session.get(Posting, posting_id, with_for_update=True)
    if posting is None or posting.author_id != author.id or posting.status != "active":
        raise NotFound(N_("No such posting."))
    return posting


async def do_edit_posting(
    uow: UnitOfWork, author: User, posting_id: int, values: dict[str, Any]
) -> Posting:
    posting = await get_own_posting(uow, author, posting_id)
    for name, value in values.items():
        setattr(posting, name, value)
    posting.search_text = index_posting(posting, author)
    posting.updated_at = utcnow()
    return posting


async def do_withdraw_posting(uow: UnitOfWork, author: User, posting_id: int) -> None:
    posting = await uow.session.get(Posting, posting_id, with_for_update=True)
    if posting is None or posting.author_id != author.id:
        raise NotFound(N_("No such posting."))
    if posting.status != "active":
        raise Conflict(N_("This posting is already withdrawn."))
    posting.status = "withdrawn"
    posting.updated_at = utcnow()


@dataclass(frozen=True)
class PostingFilters:
    query: str = ""
    country: str = ""
    subject: str = ""
    language: str = ""
    age: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> PostingFilters:
        age_raw = str(params.get("age", "")).strip()
        country = str(params.get("country", "")).strip().upper()[:2]
        subject = str(params.get("subject", "")).strip()
        language = str(params.get("language", "")).strip()
        return cls(
            query=str(params.get("q", ""))[:200],
            country=country if country.isalpha() else "",
            subject=subject if subject in SUBJECTS else "",
            language=language if language in LANGUAGES else "",
            age=int(age_raw) if age_raw.isdecimal() and int(age_raw) < 100 else None,
        )

    def params(self) -> dict[str, str]:
        values = {
            "q": self.query,
            "country": self.country,
            "subject": self.subject,
            "language": self.language,
            "age": "" if self.age is None else str(self.age),
        }
        return {k: v for k, v in values.items() if v}


async def search_postings(session: AsyncSession, filters: PostingFilters, page: int) -> Page:
    where = [Posting.status == "active", User.is_active.is_(True)]
    match = words_match(Posting.search_text, filters.query)
    if match is not None:
        where.append(match)
    if filters.subject:
        where.append(facet_match(Posting.search_text, "s", filters.subject))
    if filters.language:
        where.append(facet_match(Posting.search_text, "l", filters.language))
    if filters.country:
        where.append(User.country_code == filters.country)
    if filters.age is not None:
        where += [Posting.age_min <= filters.age, Posting.age_max >= filters.age]
    base = select(Posting).join(User, User.id == Posting.author_id).where(*where)
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    rows = await session.scalars(
        base.order_by(Posting.created_at.desc(), Posting.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .options(selectinload(Posting.author).selectinload(User.school))
    )
    return Page(list(rows), page, int(total or 0))


async def get_posting(session: AsyncSession, posting_id: int) -> Posting | None:
    return await session.scalar(
        select(Posting)
        .where(Posting.id == posting_id)
        .options(selectinload(Posting.author).selectinload(User.school))
    )


async def get_postings_by(session: AsyncSession, author_id: int) -> list[Posting]:
    rows = await session.scalars(
        select(Posting)
        .where(Posting.author_id == author_id, Posting.status == "active")
        .order_by(Posting.created_at.desc())
        .limit(50)
    )
    return list(rows)


def posting_json(posting: Posting, locale: str = "en", *, author: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": posting.id,
        "title": posting.title,
        "subjects": posting.subjects,
        "languages": posting.languages,
        "age_min": posting.age_min,
        "age_max": posting.age_max,
        "description": posting.description,
        "status": posting.status,
        "created_at": posting.created_at.isoformat(),
        "updated_at": posting.updated_at.isoformat(),
        "author_id": posting.author_id,
    }
    if author:
        user = posting.author
        data["author"] = {
            "id": user.id,
            "display_name": user.display_name,
            "country": user.country_code,
            "country_name": country_name(user.country_code, locale),
            "school": user.school.name if user.school else None,
            "city": user.school.city if user.school else None,
        }
    return data
