"""Schemas of the notifications API (notifications/views.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from twinspace.schema import Answer, Body, Query


class PageQuery(Query):
    before: int | None = Field(None, description="the id of the oldest notification seen")
    limit: int | None = Field(None, description="how many (at most 100)")


class NotificationOut(Answer):
    id: int
    kind: str
    text: str
    url: str | None
    read: bool
    at: str


class NotificationsOut(Answer):
    notifications: list[NotificationOut]
    unread: int
    more: bool


class UnreadOut(Answer):
    unread: int


class MarkRead(Body):
    ids: list[int] | None = Field(None, description="these notifications, or")
    all: Literal[True] | None = Field(None, description="every notification")


class MarkedOut(Answer):
    ok: Literal[True]
    unread: int
