"""Logging in and out: throttled password checks and server-side sessions."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, delete, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from twinspace.accounts.models import AuthSession, LoginAttempt, User
from twinspace.accounts.passwords import PasswordService
from twinspace.db import Base, Database, utcnow
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


TRUST_DAYS = 60  # an address where the account or its school logged in is "theirs" this long
SLOW_SECONDS = 30  # past the account's global ceiling: one try per this from elsewhere


@dataclass(frozen=True)
class Keys:
    """What failures are counted under: this account from this address; this address, any
    account; this account, from everywhere. And the marks of the addresses where this
    account, or someone of its school, logged in."""

    pair: str
    address: str
    account: str

    @classmethod
    def of(cls, name: str, address: str) -> Keys:
        return cls(f"pair:{name}@{address}", f"addr:{address}", f"user:{name}")


def _seen_keys(user: User | None, address: str) -> list[str]:
    if user is None:
        return []
    keys = [f"seen:user:{user.id}@{address}"]
    if user.school_id is not None:
        keys.append(f"seen:school:{user.school_id}@{address}")
    return keys


async def _failures(session: AsyncSession, key: str, settings: Settings) -> tuple[int, datetime]:
    """How many failures under ``key`` in the window, and when the oldest of them leaves it."""
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                LoginAttempt.key == key, LoginAttempt.at > since
            )
        )
    ).one()
    frees_at = (oldest or utcnow()) + timedelta(seconds=settings.login_window_seconds)
    return int(count or 0), frees_at


async def _last_failure(session: AsyncSession, key: str) -> datetime | None:
    return await session.scalar(select(func.max(LoginAttempt.at)).where(LoginAttempt.key == key))


async def _trusted(session: AsyncSession, user: User | None, address: str) -> bool:
    """The account, or a member of its school, logged in from this address lately: the
    school's own address (a class behind one router)."""
    keys = _seen_keys(user, address)
    if not keys:
        return False
    since = utcnow() - timedelta(days=TRUST_DAYS)
    found = await session.scalar(
        select(LoginAttempt.id).where(LoginAttempt.key.in_(keys), LoginAttempt.at > since).limit(1)
    )
    return found is not None


def _throttled(frees_at: datetime) -> RateLimited:
    wait = max(1, math.ceil((frees_at - utcnow()).total_seconds()))
    return RateLimited(
        N_("Too many failed attempts. Wait a few minutes and try again."), retry_after=wait
    )


async def check_throttle(
    session: AsyncSession, settings: Settings, keys: Keys, user: User | None, address: str
) -> None:
    """Guessing is throttled without lock-outs (docs/api.md, "Logging in"):
    - this account from this address: at most ``login_account_limit`` failures per window;
    - this address, all accounts: ``login_address_limit`` (not at the school's own address);
    - this account from everywhere past ``login_global_limit``: slowed to one try every
      ``SLOW_SECONDS`` from addresses that are not the school's, never blocked there.
    A stranger's failures elsewhere never stop a pupil logging in from school."""
    count, frees_at = await _failures(session, keys.pair, settings)
    if count >= settings.login_account_limit:
        raise _throttled(frees_at)
    trusted = await _trusted(session, user, address)
    if not trusted:
        count, frees_at = await _failures(session, keys.address, settings)
        if count >= settings.login_address_limit:
            raise _throttled(frees_at)
    count, _ = await _failures(session, keys.account, settings)
    if count >= settings.login_global_limit and not trusted:
        last = await _last_failure(session, keys.account)
        if last is not None and utcnow() < last + timedelta(seconds=SLOW_SECONDS):
            raise _throttled(last + timedelta(seconds=SLOW_SECONDS))


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
    keys = Keys.of(name, address[:64])
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.username == name))
        await check_throttle(session, settings, keys, user, address[:64])
    valid = await passwords.verify(user.password_hash if user else None, secret)
    if not valid or user is None or not user.is_active:
        async with db.unit_of_work() as uow:
            uow.session.add_all(
                [LoginAttempt(key=k) for k in (keys.pair, keys.address, keys.account)]
            )
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
        seen = _seen_keys(user, address[:64])
        await uow.session.execute(
            delete(LoginAttempt).where(LoginAttempt.key.in_([keys.pair, *seen]))
        )
        uow.session.add_all([LoginAttempt(key=k) for k in seen])  # this address is theirs
    return LoggedIn(token=token, session=auth, user=user)


def session_id_of(token: str | None) -> str | None:
    """The session id a cookie's token stands for (None: no such token can exist)."""
    if not token or len(token) > 128:
        return None
    return hash_token(token)


def is_live(auth: AuthSession, user: User) -> bool:
    return session_is_live(auth.expires_at, user.is_active)


def session_is_live(expires_at: datetime, user_is_active: bool) -> bool:
    return expires_at > utcnow() and user_is_active


M = TypeVar("M", bound=Base)


def _detached(model: type[M], keys: Sequence[str], values: Sequence[Any]) -> M:
    """An object of ``model`` from its columns, detached as one loaded through a session
    that has closed is: its columns set, nothing lazy, known as persistent by its key."""
    loaded = model(**dict(zip(keys, values, strict=True)))
    make_transient_to_detached(loaded)
    return loaded


def _column_keys(model: type[Base]) -> tuple[tuple[str, ...], list[Any]]:
    attributes = inspect(model).column_attrs
    return tuple(a.key for a in attributes), [a.columns[0] for a in attributes]


@dataclass(frozen=True)
class SessionUserRead:
    """A live session, its user and any extra columns about them, in ONE Core statement on
    a hot path (every socket event, every request that is not a cached page), read through
    ``Database.statement_rows``: on the loop's thread for a SQLite file, no ORM session.
    Build one per set of extra columns, once (SQLAlchemy memoizes the statement's key)."""

    statement: Select[tuple[Any, ...]]
    session_keys: tuple[str, ...]
    user_keys: tuple[str, ...]

    @classmethod
    def with_columns(cls, *extra: Any) -> SessionUserRead:
        session_keys, session_columns = _column_keys(AuthSession)
        user_keys, user_columns = _column_keys(User)
        statement = (
            select(*session_columns, *user_columns, *extra)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.id == bindparam("session_id"))
        )
        return cls(statement, session_keys, user_keys)

    async def __call__(
        self, db: Database, session_id: str
    ) -> tuple[AuthSession, User, Sequence[Any]] | None:
        found = await db.statement_rows(self.statement, {"session_id": session_id})
        if not found:
            return None
        row, split = found[0], len(self.session_keys)
        end = split + len(self.user_keys)
        auth = _detached(AuthSession, self.session_keys, row[:split])
        user = _detached(User, self.user_keys, row[split:end])
        return (auth, user, row[end:]) if is_live(auth, user) else None


_SESSION_USER = SessionUserRead.with_columns()


async def live_session_user(db: Database, session_id: str) -> User | None:
    """The user of a live session (None: ended, expired, or the account disabled)."""
    found = await _SESSION_USER(db, session_id)
    return found[1] if found is not None else None


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
