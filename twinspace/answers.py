"""Schemas of the session and TwinSpace routes (twinspace/api/session.py, spaces.py), and
the user summary other answers reuse."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from twinspace.schema import Answer, Body


class UserOut(Answer):
    id: int
    username: str
    display_name: str
    kind: str  # teacher, pupil, member, nss, admin...
    country: str | None


class Credentials(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class SessionOut(Answer):
    ok: Literal[True]
    user: UserOut
    csrf_token: str


class MeOut(UserOut):
    csrf_token: str


class SpaceOut(Answer):
    id: int
    title: str
    description: str | None
    scope: str
    status: str
    home_public: bool


class MySpaceOut(SpaceOut):
    role: str


class SpaceRightsOut(SpaceOut):
    role: str
    permissions: dict[str, dict[str, bool]]  # room → action → allowed


class MemberOut(Answer):
    user_id: int
    username: str
    display_name: str
    role: str
    country: str | None
    school: str | None


class MembersOut(Answer):
    members: list[MemberOut]


class PermissionsOut(Answer):
    role: str
    permissions: dict[str, dict[str, bool]]  # room → action → allowed


class AllowedOut(Answer):
    ok: Literal[True]
    role: str
