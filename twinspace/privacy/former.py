"""The installation's "Former member": whom erased people's contributions are attributed to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User, UserKind

FORMER_USERNAME = "former-member"
FORMER_NAME = "Former member"


async def former_member_id(session: AsyncSession) -> int:
    found = await session.scalar(select(User.id).where(User.username == FORMER_USERNAME))
    if found is not None:
        return found
    user = User(
        username=FORMER_USERNAME,
        display_name=FORMER_NAME,
        kind=UserKind.MEMBER.value,
        password_hash="!",  # matches no password
        is_active=False,
    )
    session.add(user)
    await session.flush()
    return user.id
