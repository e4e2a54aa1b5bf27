"""How pupils appear to anyone who is not a member of their TwinSpace: "A pupil of <school>,
<country>" — never a name, an initial, a username, an id, a photo or a profile link.

One place for the rule, used by every tool (through the widget context), by the page
catch-up, the Home, the feed and the public gallery. ``anonymise`` rewrites the person objects
of a JSON payload (``{"id": …, "name": …}`` under a person key) for the public: it runs on
every live event of a room the public may be in, on catch-up for non-members, and on every
tool command answered to a non-member."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import Country, School, User, UserKind
from twinspace.i18n import N_
from twinspace.permissions import PUPIL_ROLES
from twinspace.spaces.models import Membership

# Keys under which a payload holds a person object {"id": user id, "name": ...}
PERSON_KEYS = frozenset({"author", "uploader", "user", "editor", "by", "creator", "owner"})
# Keys whose value is a user id
PERSON_ID_KEYS = frozenset(
    {"user_id", "author_id", "uploader_id", "uploaded_by", "created_by", "actor_id"}
)
PUPIL = N_("A pupil")
PUPIL_OF = N_("A pupil of %(place)s")


def pupil_label(gettext: Callable[[str], str], place: str | None) -> str:
    """What the public reads instead of a pupil's name."""
    return gettext(PUPIL_OF) % {"place": place} if place else gettext(PUPIL)


def public_person(gettext: Callable[[str], str], place: str | None) -> dict[str, Any]:
    """A pupil as a JSON person object for the public: no id, no name."""
    return {"id": None, "name": pupil_label(gettext, place), "pupil": True}


async def school_places(session: AsyncSession, school_ids: set[int]) -> dict[int, str]:
    """School id -> "School name, Country"."""
    wanted = {i for i in school_ids if i}
    if not wanted:
        return {}
    rows = await session.execute(
        select(School.id, School.name, Country.name)
        .outerjoin(Country, Country.code == School.country_code)
        .where(School.id.in_(wanted))
    )
    return {sid: ", ".join(p for p in (name, country) if p) for sid, name, country in rows}


async def space_school_places(session: AsyncSession, space_id: int) -> dict[int, str]:
    """The schools of a TwinSpace's members: school id -> "School name, Country"."""
    schools = (
        select(User.school_id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.space_id == space_id, User.school_id.is_not(None))
    )
    rows = await session.execute(
        select(School.id, School.name, Country.name)
        .outerjoin(Country, Country.code == School.country_code)
        .where(School.id.in_(schools))
    )
    return {sid: ", ".join(p for p in (name, country) if p) for sid, name, country in rows}


def member_school_places(members: list[Membership]) -> dict[int, str]:
    """``space_school_places`` from memberships loaded with user, school and country."""
    return {
        school.id: ", ".join(p for p in (school.name, school.country.name) if p)
        for school in (m.user.school for m in members)
        if school is not None
    }


async def pupil_places(session: AsyncSession, space_id: int, ids: set[int]) -> dict[int, str]:
    """Of these user ids, the pupils (of this TwinSpace by role, or pupil accounts who left)
    with their "school, country" ("" when they have no school)."""
    wanted = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return {}
    rows = await session.execute(
        select(User.id, User.kind, User.school_id, Membership.role)
        .outerjoin(Membership, and_(Membership.user_id == User.id, Membership.space_id == space_id))
        .where(User.id.in_(wanted))
    )
    pupil_roles = {r.value for r in PUPIL_ROLES}
    schools: dict[int, int | None] = {}
    for user_id, kind, school_id, role in rows:
        if role in pupil_roles or (role is None and kind == UserKind.PUPIL.value):
            schools[user_id] = school_id
    places = await school_places(session, {s for s in schools.values() if s})
    return {uid: places.get(sid or 0, "") for uid, sid in schools.items()}


def person_ids(data: Any, parent: str = "") -> set[int]:
    """The user ids of the person objects in a payload."""
    found: set[int] = set()
    if isinstance(data, dict):
        if parent in PERSON_KEYS and isinstance(data.get("id"), int):
            found.add(data["id"])
        for key, value in data.items():
            if key in PERSON_ID_KEYS and isinstance(value, int):
                found.add(value)
            found |= person_ids(value, key)
    elif isinstance(data, list):
        for value in data:
            found |= person_ids(value, parent)
    return found


def anonymise(
    data: Any, places: dict[int, str], gettext: Callable[[str], str], parent: str = ""
) -> Any:
    """A copy of ``data`` where each person object of a pupil (``places``' keys) is replaced
    by the public form."""
    if isinstance(data, dict):
        pid = data.get("id")
        if parent in PERSON_KEYS and isinstance(pid, int) and pid in places:
            return public_person(gettext, places[pid])
        return {
            key: None
            if key in PERSON_ID_KEYS and isinstance(value, int) and value in places
            else anonymise(value, places, gettext, key)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [anonymise(value, places, gettext, parent) for value in data]
    return data


async def public_form(
    session: AsyncSession, space_id: int, data: Any, gettext: Callable[[str], str]
) -> Any:
    """``data`` as anyone outside the TwinSpace may see it."""
    places = await pupil_places(session, space_id, person_ids(data))
    return anonymise(data, places, gettext) if places else data


async def public_events(
    session: AsyncSession,
    space_id: int,
    events: list[dict[str, Any]],
    gettext: Callable[[str], str] = lambda s: s,
) -> list[dict[str, Any]]:
    """Catch-up for a non-member: the events' person objects of pupils anonymised (events
    stored before this rule carried a pupil's first name and id)."""
    places = await pupil_places(session, space_id, person_ids([e["data"] for e in events]))
    if not places:
        return events
    return [{**e, "data": anonymise(e["data"], places, gettext)} for e in events]
