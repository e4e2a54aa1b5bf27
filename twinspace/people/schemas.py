"""Schemas of the people API: pupils, roles, mailbox, profiles, calendar, invitations,
journal and activity feed (the views in people/*_views.py, journal.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from twinspace.schema import Answer, Body, Query


class PupilNames(Body):
    names: list[str] | str = Field(description="up to 100 names (a list, or one per line)")


class SlipOut(Answer):
    user_id: int
    name: str
    username: str
    password: str  # shown once: it is not stored in clear


class PupilsOut(Answer):
    ok: Literal[True]
    pupils: list[SlipOut]


class NewPassword(Body):
    password: str | None = Field(None, description="none: a new one is made up")


class PupilOut(Answer):
    ok: Literal[True]
    pupil: SlipOut


class RoleChange(Body):
    role: str


class RoleOut(Answer):
    ok: Literal[True]
    user_id: int
    role: str


class BoxQuery(Query):
    box: Literal["inbox", "sent"] | None = None


class MailboxOut(Answer):
    box: str
    unread: int
    messages: list[dict[str, Any]]


class NewMessage(Body):
    to: list[int | str] | int | str = Field(description="recipients' user ids")
    subject: str
    body: str


class CreatedOut(Answer):
    ok: Literal[True]
    id: int


class MessageOut(Answer):
    id: int
    subject: str
    body: str
    sender_id: int
    sender: str
    to: list[dict[str, Any]]
    at: str


class WallPostOut(Answer):
    id: int
    profile_user_id: int
    author_id: int
    author: str
    text: str
    at: str


class ProfileOut(Answer):
    user_id: int
    display_name: str
    role: str
    photo_url: str | None
    interests: str | None
    hobbies: str | None
    favourite_food: str | None


class ProfilePageOut(ProfileOut):
    wall: list[WallPostOut]


class ProfileChanges(Body):
    interests: str | None = None
    hobbies: str | None = None
    favourite_food: str | None = None


class SavedProfileOut(ProfileOut):
    ok: Literal[True]


class PhotoOut(Answer):
    ok: Literal[True]
    photo_url: str


class WallText(Body):
    text: str


class WallPostedOut(Answer):
    ok: Literal[True]
    post: WallPostOut


class MonthQuery(Query):
    month: str | None = Field(None, description="YYYY-MM")


class EventOut(Answer):
    id: int
    kind: str
    title: str
    starts_on: str
    ends_on: str
    note: str | None
    created_by: int | None


class EventsOut(Answer):
    events: list[EventOut]


class NewEvent(Body):
    kind: str
    title: str
    starts_on: str = Field(description="YYYY-MM-DD")
    ends_on: str | None = None
    note: str | None = None


class EventAddedOut(Answer):
    ok: Literal[True]
    event: EventOut


class SearchQuery(Query):
    q: str | None = None


class CandidatesOut(Answer):
    members: list[dict[str, Any]]


class InvitationOut(Answer):
    id: int
    space_id: int
    user_id: int
    scope: str
    role: str
    status: str
    created_at: str


class InvitationsOut(Answer):
    invitations: list[InvitationOut]


class NewInvitation(Body):
    user_id: int | None = None
    username: str | None = None
    scope: str = "space"
    role: str = "teacher_member"


class InvitationAnswerOut(Answer):
    ok: Literal[True]
    invitation: InvitationOut


class JournalOut(Answer):
    page_id: int | None
    widget_id: int | None


class JournalStartedOut(Answer):
    ok: Literal[True]
    page_id: int
    widget_id: int


class FeedQuery(Query):
    before: int | None = None
    after: int | None = None
    limit: int | None = None


class FeedOut(Answer):
    items: list[dict[str, Any]]
    before: int | None
