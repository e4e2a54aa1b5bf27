"""A real SMTP server (aiosmtpd) on a free loopback port that hands every received message
to the test's event loop, so a test waits for the mail instead of sleeping."""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support import free_port

LINK_RE = re.compile(r"https?://\S+/(?:reset-password|verify-email)\?token=\S+")


class Inbox:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[EmailMessage] = asyncio.Queue()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.loop.call_soon_threadsafe(self.queue.put_nowait, message)
        return "250 Message accepted for delivery"

    async def next(self, timeout: float = 10) -> EmailMessage:
        return await asyncio.wait_for(self.queue.get(), timeout)

    def start(self) -> Inbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def link_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = LINK_RE.search(body.get_content())
    assert found, body.get_content()
    return found.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]
