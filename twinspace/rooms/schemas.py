"""Schemas of the rooms' JSON API: publishing the home, the public gallery, pages and their
applications (rooms/views.py, rooms/pages/api.py) and the chat (rooms/chat/*views.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from twinspace.schema import Answer, Body, Query


class Publication(Body):
    public: bool
    confirm: bool | None = Field(None, description="true once the caller saw the report")


class HomePublishedOut(Answer):
    ok: Literal[True]
    home_public: bool


class GalleryQuery(Query):
    subject: str | None = None


class GalleryOut(Answer):
    spaces: list[dict[str, Any]]


class ToolOut(Answer):
    kind: str
    label: str
    description: str


class ToolsOut(Answer):
    tools: list[ToolOut]


class PageOut(Answer):
    id: int
    title: str
    room: str
    parent_id: int | None
    position: int
    is_draft: bool
    is_public: bool


class PagesOut(Answer):
    pages: list[PageOut]


class WidgetOut(Answer):
    id: int
    kind: str
    position: int
    label: str


class PageWithWidgetsOut(PageOut):
    room_name: str
    widgets: list[WidgetOut]


class NewPage(Body):
    title: str
    parent_id: int | None = None
    draft: bool = False


class PageChange(Body):
    """What the change needs: rename → title, nest → parent_id, draft → is_draft,
    move → position; restore and trash need nothing."""

    title: str | None = None
    parent_id: int | None = None
    is_draft: bool | None = None
    position: int | None = None


class TrashedOut(Answer):
    ok: Literal[True]
    id: int
    restorable_days: int


class PublicationReportOut(Answer):
    items: list[dict[str, Any]]
    pupil_names: list[str]


class NewWidget(Body):
    model_config = {"extra": "allow"}  # the tool's own settings

    kind: str


class WidgetMove(Body):
    position: int


class ToolCommand(Body):
    model_config = {"extra": "allow"}  # each tool's command takes its own fields


class CommandOut(Answer):
    ok: bool


class ChatRoomOut(Answer):
    name: str
    room: str  # the Socket.IO room: space:<id>:chat:<name>


class ChatRoomsOut(Answer):
    rooms: list[ChatRoomOut]


class HistoryQuery(Query):
    before: int | None = Field(None, description="messages older than this id")
    limit: int | None = Field(None, description="1 to 200 (50)")


class ChatLineOut(Answer):
    id: int
    text: str
    author: dict[str, Any]
    at: str


class ChatHistoryOut(Answer):
    messages: list[ChatLineOut]
    more: bool


class ChatText(Body):
    text: str
    client_id: str | None = Field(None, description="the client's id, to resend safely")


class ChatCommand(Body):
    """The chat command's own fields (as the ``chat:<command>`` socket event takes them)."""

    model_config = {"extra": "allow"}


class ChatAnswerOut(Answer):
    ok: Literal[True]


class ModerationQueueOut(Answer):
    held: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    mutes: list[dict[str, Any]]
    words: list[dict[str, Any]]
    retention_days: int | None


class FilterWord(Body):
    language: str
    word: str


class FilterWordOut(Answer):
    ok: Literal[True]
    id: int
    language: str
    word: str


class LogQuery(Query):
    before: int | None = None


class ModerationLogOut(Answer):
    entries: list[dict[str, Any]]
    more: bool


class NewChatRoom(Body):
    name: str = Field(description="1 to 40 lower-case letters, digits or dashes")
    title: str | None = None
    audience: str | None = None
    supervision: str | None = None


class ChatRoomCreatedOut(Answer):
    ok: Literal[True]
    name: str
    room: str


class ChatSettings(Body):
    retention_days: int | None = Field(description="days the history is kept (null: always)")


class ChatSettingsOut(Answer):
    ok: Literal[True]
    retention_days: int | None
