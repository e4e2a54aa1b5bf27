"""Schemas of the accounts' JSON API served by web/account_mail.py and web/school_views.py:
the bodies are checked for their JSON types here, their meaning by recovery, verification and
schools."""

from __future__ import annotations

from typing import Literal

from twinspace.schema import Answer, Body


class UserOut(Answer):  # as twinspace.answers.UserOut (a layer above accounts)
    id: int
    username: str
    display_name: str
    kind: str
    country: str | None


class ResetRequest(Body):
    email: str


class ResetRequestOut(Answer):
    ok: Literal[True]
    mail_configured: bool
    message: str


class ResetConfirm(Body):
    token: str
    password: str


class MessageOut(Answer):
    ok: Literal[True]
    message: str


class MailSentOut(Answer):
    ok: Literal[True]
    mail_configured: bool


class VerifyConfirm(Body):
    token: str


class VerifiedOut(Answer):
    ok: Literal[True]
    user: UserOut


class SchoolChanges(Body):
    """Only the fields given change; null or "" empties an optional one."""

    school_name: str | None = None
    school_city: str | None = None
    school_address: str | None = None
    school_number: str | None = None
    school_phone: str | None = None
    school_email: str | None = None
    school_head_email: str | None = None


class SchoolRecordOut(Answer):
    id: int
    name: str
    city: str | None
    country: str
    national_number: str | None
    address: str | None
    phone: str | None
    email: str | None
    head_email: str | None
