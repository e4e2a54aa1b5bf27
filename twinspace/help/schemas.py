"""Schemas of the help JSON API (help/views.py): JSON types here, meaning in help/contacts.py."""

from __future__ import annotations

from pydantic import Field

from twinspace.schema import Answer, Body, Query


class HelpQuery(Query):
    country: str | None = Field(None, description="two-letter country code")


class NssContactOut(Answer):
    name: str
    email: str | None
    phone: str | None
    note: str | None


class AmbassadorOut(Answer):
    id: int
    name: str
    region: str | None
    email: str | None
    note: str | None


class CountryHelpOut(Answer):
    country: str
    name: str
    nss: list[NssContactOut]
    ambassadors: list[AmbassadorOut]


class GuideOut(Answer):
    slug: str
    title: str
    url: str


class HelpOut(Answer):
    countries: list[CountryHelpOut]
    guides: list[GuideOut]


class CardFields(Body):
    listed: bool | str | None = None  # true (or "1", "on", "true", "yes"): shown on /help
    email: str | None = None
    phone: str | None = None
    note: str | None = None


class CardOut(Answer):
    listed: bool
    email: str | None
    phone: str | None
    note: str | None


class NewAmbassador(Body):
    country: str
    name: str
    email: str
    region: str | None = None
    note: str | None = None


class AddedAmbassadorOut(Answer):
    id: int
    country: str
    name: str
