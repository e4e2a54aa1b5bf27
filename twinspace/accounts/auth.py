"""Logging in and out: throttled password checks and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import AuthSession, LoginAttempt, User
from twinspace.accounts.passwords import PasswordService
from twinspace.db import Database, utcnow
from twinspace.errors import Invalid, RateLimited, Unauthorized
from twinspace.i18n import N_
from twinspace.settings import Settings

USERNAME_MAX = 64
PASSWORD_MAX = 256


@dataclass(frozen=True)
class LoggedIn:
    token: str  # goes into the cookie; only its hash is stored
    session: AuthSession
    user: User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_credentials_shape(username: object, password: object) -> tuple[str, str]:
    if not isinstance(username, str) or not isinstance(password, str):
        raise Invalid(N_("Username and password are required."))
    username = normalise_username(username)
    if not username or not password:
        raise Invalid(N_("Username and password are required."))
    if len(username) > USERNAME_MAX or len(password) > PASSWORD_MAX:
        raise Invalid(N_("Username or password is too long."))
    return username, password


async def _failures_since(session: AsyncSession, key: str, settings: Settings) -> int:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    count = await session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.at > since)
    )
    return int(count or 0)


async def check_login(
    db: Database,
    passwords: PasswordService,
    settings: Settings,
    username: object,
    password: object,
    address: str,
) -> LoggedIn:
    """Validate, throttle, verify and open a session; record failures for throttling."""
    name, secret = check_credentials_shape(username, password)
    account_key, address_key = f"user:{name}", f"addr:{address}"
    async with db.read() as session:
        if (
            await _failures_since(session, account_key, settings) >= settings.login_account_limit
            or await _failures_since(session, address_key, settings) >= settings.login_address_limit
        ):
            raise RateLimited(N_("Too many failed attempts. Wait a few minutes and try again."))
        user = await session.scalar(select(User).where(User.username == name))
    valid = await passwords.verify(user.password_hash if user else None, secret)
    if not valid or user is None or not user.is_active:
        async with db.unit_of_work() as uow:
            uow.session.add_all([LoginAttempt(key=account_key), LoginAttempt(key=address_key)])
        raise Unauthorized(N_("Wrong username or password."))
    token = secrets.token_urlsafe(32)
    async with db.unit_of_work() as uow:
        auth = AuthSession(
            id=hash_token(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=utcnow() + timedelta(days=settings.session_days),
            address=address[:64],
        )
        uow.session.add(auth)
        await uow.session.execute(delete(LoginAttempt).where(LoginAttempt.key == account_key))
    return LoggedIn(token=token, session=auth, user=user)


async def get_session_user(
    session: AsyncSession, token: str | None
) -> tuple[AuthSession, User] | None:
    if not token or len(token) > 128:
        return None
    row = (
        await session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.id == hash_token(token))
        )
    ).first()
    if row is None:
        return None
    auth, user = row
    if auth.expires_at <= utcnow() or not user.is_active:
        return None
    return auth, user


async def do_end_session(db: Database, session_id: str) -> None:
    async with db.unit_of_work() as uow:
        await uow.session.execute(delete(AuthSession).where(AuthSession.id == session_id))


async def do_disable_user(db: Database, user_id: int) -> list[str]:
    """Disable an account and end all its sessions; returns the ended session ids."""
    async with db.unit_of_work() as uow:
        user = await uow.session.get(User, user_id)
        if user is None:
            return []
        user.is_active = False
        ids = list(
            await uow.session.scalars(select(AuthSession.id).where(AuthSession.user_id == user_id))
        )
        await uow.session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    return ids
