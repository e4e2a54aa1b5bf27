"""A forgotten password: a signed one-time link by mail, valid one hour, then a new password
and every session of the account ended. Pupils have no address: their teacher resets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.mailer import is_email, send_later
from twinspace.accounts.models import AuthSession, LoginAttempt, User, UserKind
from twinspace.accounts.password_policy import password_problem
from twinspace.accounts.passwords import PasswordService
from twinspace.accounts.tokens import make_token, read_claim, signature_matches
from twinspace.db import Database, utcnow
from twinspace.errors import Invalid, RateLimited
from twinspace.i18n import N_
from twinspace.settings import Settings

RESET_TTL_SECONDS = 3600
RESET_WINDOW = timedelta(hours=1)
RESET_PER_EMAIL = 3  # requests per address (existing or not) and hour
RESET_PER_ACCOUNT = 3  # mails per account and hour, whatever address or casing asked
RESET_PER_CLIENT = 20  # requests per client (IP address) and hour
LINK_INVALID = N_("This link has expired or has been used already. Ask for a new one.")


class WeakPassword(Invalid):
    """The new password is refused; ``field`` names the form field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def may_receive_mail(user: User) -> bool:
    return user.kind != UserKind.PUPIL.value and user.is_active and bool(user.email)


def _fingerprint(user: User) -> str:
    return f"{user.password_hash}|{(user.email or '').lower()}|{user.is_active}"


async def count_recent(session: AsyncSession, key: str, window: timedelta) -> int:
    since = utcnow() - window
    value = await session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.at > since)
    )
    return int(value or 0)


def reset_mail(gettext: Callable[[str], str], user: User, link: str) -> tuple[str, str]:
    subject = gettext(N_("Choose a new TwinSpace password"))
    body = gettext(
        N_(
            "Hello %(name)s,\n\n"
            "Someone (we hope you) asked to choose a new password for the TwinSpace account "
            "%(username)s. Open this link within one hour to choose it:\n\n%(link)s\n\n"
            "The link works once. If you did not ask, ignore this mail: your password stays "
            "as it is.\n"
        )
    ) % {"name": user.display_name, "username": user.username, "link": link}
    return subject, body


async def check_request_reset(
    db: Database,
    settings: Settings,
    email: object,
    client: str,
    link_base: str,
    gettext: Callable[[str], str],
) -> None:
    """Send a reset link to every account with this address that may receive mail. The
    answer is the same whether or not such an account exists; the throttles count the
    address and the client before anything is looked up."""
    if not isinstance(email, str) or not is_email(email.strip().lower()):
        raise Invalid(N_("Enter a valid e-mail address."))
    address = email.strip().lower()
    email_key, client_key = f"reset-mail:{address}", f"reset-ip:{client[:64]}"
    async with db.unit_of_work() as uow:
        s = uow.session
        if (
            await count_recent(s, email_key, RESET_WINDOW) >= RESET_PER_EMAIL
            or await count_recent(s, client_key, RESET_WINDOW) >= RESET_PER_CLIENT
        ):
            raise RateLimited(
                N_("Too many requests for a new password. Wait an hour and try again.")
            )
        s.add_all([LoginAttempt(key=email_key), LoginAttempt(key=client_key)])
        users = list(await s.scalars(select(User).where(func.lower(User.email) == address)))
        to_send: list[User] = []
        for user in users:
            if not may_receive_mail(user):
                continue
            account_key = f"reset-user:{user.id}"
            if await count_recent(s, account_key, RESET_WINDOW) >= RESET_PER_ACCOUNT:
                continue  # silently: a refusal here would tell that the account exists
            s.add(LoginAttempt(key=account_key))
            to_send.append(user)
    for user in to_send:
        token = make_token(
            settings.secret_key, "reset", user.id, _fingerprint(user), RESET_TTL_SECONDS
        )
        subject, body = reset_mail(gettext, user, f"{link_base}/reset-password?token={token}")
        send_later(settings, user.email or address, subject, body)


async def get_reset_user(db: Database, settings: Settings, token: object) -> User:
    """The account a valid, unused, unexpired link is for."""
    claim = read_claim(token, "reset")
    if claim is None:
        raise Invalid(LINK_INVALID)
    async with db.read() as session:
        user = await session.get(User, claim.user_id)
    assert isinstance(token, str)
    if (
        user is None
        or not may_receive_mail(user)
        or not signature_matches(settings.secret_key, token, _fingerprint(user))
    ):
        raise Invalid(LINK_INVALID)
    return user


async def check_reset_password(
    db: Database, passwords: PasswordService, settings: Settings, token: object, password: object
) -> tuple[User, list[str]]:
    """Set the new password, mark the address verified (the link proved it) and end every
    session of the account; returns the user and the ended session ids."""
    user = await get_reset_user(db, settings, token)
    problem = password_problem(password, user.username)
    if problem:
        raise WeakPassword(problem)
    assert isinstance(password, str) and isinstance(token, str)
    new_hash = await passwords.hash(password)
    async with db.unit_of_work() as uow:
        s = uow.session
        current = await s.get(User, user.id, with_for_update=True, populate_existing=True)
        if current is None or not signature_matches(
            settings.secret_key, token, _fingerprint(current)
        ):
            raise Invalid(LINK_INVALID)  # used by a second tab a moment ago
        current.password_hash = new_hash
        if current.email_verified_at is None:
            current.email_verified_at = utcnow()
        ended = list(
            await s.scalars(select(AuthSession.id).where(AuthSession.user_id == current.id))
        )
        await s.execute(delete(AuthSession).where(AuthSession.user_id == current.id))
        await s.execute(delete(LoginAttempt).where(LoginAttempt.key == f"user:{current.username}"))
    return current, ended
