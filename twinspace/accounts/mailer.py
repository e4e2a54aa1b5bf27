"""Sending e-mail: SMTP (``TWINSPACE_SMTP_URL``) off the event loop, or the log when no
mailer is configured (then an administrator reads the link there and passes it on)."""

from __future__ import annotations

import asyncio
import logging
import re
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from twinspace.settings import Settings

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 20.0
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
EMAIL_MAX = 254
_pending: set[asyncio.Task[None]] = set()  # mails being sent in the background


def is_email(text: object) -> bool:
    return isinstance(text, str) and len(text) <= EMAIL_MAX and bool(EMAIL_RE.match(text))


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_url)


def build_message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="twinspace")
    message.set_content(body)
    return message


def _send_sync(smtp_url: str, message: EmailMessage) -> None:
    url = urlsplit(smtp_url)
    host = url.hostname or "localhost"
    if url.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, url.port or 465, timeout=SMTP_TIMEOUT)
    elif url.scheme in ("smtp", "smtp+starttls"):
        client = smtplib.SMTP(host, url.port or 25, timeout=SMTP_TIMEOUT)
    else:
        raise ValueError(f"unsupported mail URL scheme: {url.scheme}")
    with client:
        if url.scheme == "smtp+starttls":
            client.starttls()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(message)


async def send_mail(settings: Settings, to: str, subject: str, body: str) -> bool:
    """Send one mail; False (and the mail in the log) when no mailer is configured or the
    server refused it. Never raises: a mail server down must not break the page."""
    message = build_message(settings, to, subject, body)
    if not settings.smtp_url:
        log.warning(
            "no mailer configured (TWINSPACE_SMTP_URL); mail to %s, subject %r:\n%s",
            to,
            subject,
            body,
        )
        return False
    try:
        await asyncio.to_thread(_send_sync, settings.smtp_url, message)
    except (OSError, smtplib.SMTPException, ValueError):
        log.exception("sending mail to %s failed; subject %r, text:\n%s", to, subject, body)
        return False
    return True


def send_later(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send in the background, so that the answer takes the same time whether or not a mail
    goes out (a reset request must not tell who has an account)."""
    task = asyncio.get_running_loop().create_task(send_mail(settings, to, subject, body))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
