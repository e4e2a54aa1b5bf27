"""Each person's time zone: detected by the browser at login, chosen in the profile."""

from __future__ import annotations

from sqlalchemy import update

from twinspace.accounts.models import User
from twinspace.db import Database
from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.i18n.formatting import valid_zone


async def do_detect_time_zone(db: Database, user: User, detected: object) -> None:
    """At login: remember the browser's zone for a person who has none yet (a zone they chose
    in their profile stays); an unknown or missing value changes nothing."""
    zone = valid_zone(detected)
    if zone is None or user.time_zone:
        return
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(User).where(User.id == user.id, User.time_zone.is_(None)).values(time_zone=zone)
        )
    user.time_zone = zone


async def check_set_time_zone(db: Database, user: User, chosen: object) -> str:
    zone = valid_zone(chosen)
    if zone is None:
        raise Invalid(N_("Choose a time zone from the list."))
    async with db.unit_of_work() as uow:
        await uow.session.execute(update(User).where(User.id == user.id).values(time_zone=zone))
    user.time_zone = zone
    return zone
