"""Schemas of the network's profile, project kit, page template and project lifecycle API
(views_profile.py, views_kits.py, views_page_templates.py, views_lifecycle.py): JSON types
here, meaning in profiles.py, kits.py and the network's forms."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from twinspace.schema import Answer, Body, Query

Choices = list[str] | str | None  # a list, or one string of comma-separated choices
Number = int | str | None  # a whole number, also as digits in a string (as forms send it)


class ProfileChanges(Body):
    """Only the fields given change."""

    about: str | None = None
    languages: Choices = None
    subjects: Choices = None
    age_groups: Choices = None


class ProfileOut(Answer):
    ok: Literal[True]
    about: str
    languages: list[str]
    subjects: list[str]
    age_groups: list[str]
    photo_url: str | None


class PhotoOut(Answer):
    ok: Literal[True]
    photo_url: str | None


class KitFields(Body):
    title: str | None = None
    summary: str | None = None
    age_min: Number = None
    age_max: Number = None
    subjects: Choices = None
    tools: Choices = None
    objectives: str | None = None
    activities: str | None = None
    pages: list[Any] | None = None  # [{"title", "tools": [kind, ...]}], at most 12


class KitChanges(KitFields):
    status: str | None = None  # active or archived


class KitsQuery(Query):
    all: Literal["1"] | None = Field(None, description="1: archived kits too (administrators)")


class KitOut(Answer):
    id: int
    title: str
    summary: str
    age_min: int
    age_max: int
    subjects: list[str]
    tools: list[str]
    objectives: str
    activities: str
    pages: list[dict[str, Any]]
    status: str


class KitsOut(Answer):
    kits: list[KitOut]


class SavedKitOut(KitOut):
    ok: Literal[True]


class TemplatePageOut(Answer):
    title: str
    tools: list[str]
    note: str | None


class TemplateOut(Answer):
    key: str
    title: str
    description: str | None
    pages: list[TemplatePageOut]


class TemplatesOut(Answer):
    templates: list[TemplateOut]


class CreatedPageOut(Answer):
    id: int
    title: str


class AppliedTemplateOut(Answer):
    ok: Literal[True]
    pages: list[CreatedPageOut]


class SpaceStatusOut(Answer):
    ok: Literal[True]
    space_id: int
    status: str
