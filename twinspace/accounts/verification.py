"""Confirming a member's e-mail address with a signed link (valid seven days) sent at
registration and on request. What an unconfirmed account may not do is decided in
permissions.access_reach_out."""

from __future__ import annotations

from collections.abc import Callable

from twinspace.accounts.mailer import send_later
from twinspace.accounts.models import LoginAttempt, User
from twinspace.accounts.recovery import RESET_WINDOW, count_recent, may_receive_mail
from twinspace.accounts.tokens import make_token, read_claim, signature_matches
from twinspace.db import Database, utcnow
from twinspace.errors import Invalid, RateLimited
from twinspace.i18n import N_
from twinspace.settings import Settings

VERIFY_TTL_SECONDS = 7 * 24 * 3600
RESEND_PER_HOUR = 5
VERIFY_LINK_INVALID = N_(
    "This confirmation link has expired or is for another address. Ask for a new one."
)


def is_verified(user: User) -> bool:
    return user.email_verified_at is not None


def verification_mail(gettext: Callable[[str], str], user: User, link: str) -> tuple[str, str]:
    subject = gettext(N_("Confirm your e-mail address for TwinSpace"))
    body = gettext(
        N_(
            "Hello %(name)s,\n\n"
            "Welcome to TwinSpace! Open this link to confirm that %(email)s is your address "
            "(account %(username)s):\n\n%(link)s\n\n"
            "The link works for seven days. If you did not register, ignore this mail.\n"
        )
    ) % {
        "name": user.display_name,
        "email": user.email,
        "username": user.username,
        "link": link,
    }
    return subject, body


def send_verification(
    settings: Settings, user: User, link_base: str, gettext: Callable[[str], str]
) -> None:
    if not may_receive_mail(user) or is_verified(user):
        return
    token = make_token(
        settings.secret_key, "verify", user.id, (user.email or "").lower(), VERIFY_TTL_SECONDS
    )
    subject, body = verification_mail(gettext, user, f"{link_base}/verify-email?token={token}")
    send_later(settings, user.email or "", subject, body)


async def check_resend_verification(
    db: Database, settings: Settings, user: User, link_base: str, gettext: Callable[[str], str]
) -> None:
    if is_verified(user):
        raise Invalid(N_("Your e-mail address is confirmed already."))
    if not may_receive_mail(user):
        raise Invalid(N_("This account has no e-mail address."))
    key = f"verify-user:{user.id}"
    async with db.unit_of_work() as uow:
        if await count_recent(uow.session, key, RESET_WINDOW) >= RESEND_PER_HOUR:
            raise RateLimited(N_("Too many confirmation mails. Wait an hour and try again."))
        uow.session.add(LoginAttempt(key=key))
    send_verification(settings, user, link_base, gettext)


async def check_verify_email(db: Database, settings: Settings, token: object) -> User:
    claim = read_claim(token, "verify")
    if claim is None:
        raise Invalid(VERIFY_LINK_INVALID)
    assert isinstance(token, str)
    async with db.unit_of_work() as uow:
        user = await uow.session.get(User, claim.user_id, with_for_update=True)
        if user is None or not signature_matches(
            settings.secret_key, token, (user.email or "").lower()
        ):
            raise Invalid(VERIFY_LINK_INVALID)
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
    return user
