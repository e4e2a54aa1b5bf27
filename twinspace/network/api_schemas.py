"""Schemas of the network's JSON API (network/api.py, api_projects.py, countries.py): the
bodies are checked for their JSON types here, their meaning by the network's own forms."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from twinspace.answers import UserOut
from twinspace.schema import Answer, Body, Query

Text = str | None


class Registration(Body):
    username: str
    display_name: str
    email: str
    password: str
    country: str
    institution: Literal["school", "other"] = "school"
    school_id: int | Literal["", "new"] | None = None
    school_name: Text = None
    school_city: Text = None


class RegisteredOut(Answer):
    ok: Literal[True]
    user: UserOut
    csrf_token: str


class CountryOut(Answer):
    code: str
    name: str
    eligible: bool


class CountriesOut(Answer):
    countries: list[CountryOut]


class SchoolsQuery(Query):
    country: str = Field(description="two-letter country code")


class SchoolOut(Answer):
    id: int
    name: str
    city: str | None


class SchoolsOut(Answer):
    schools: list[SchoolOut]


class Page(Answer):
    page: int
    pages: int
    total: int


class PostingFields(Body):
    title: str
    subjects: list[str] | str
    languages: list[str] | str
    age_min: int
    age_max: int
    description: str


class PostingChanges(Body):
    title: str | None = None
    subjects: list[str] | str | None = None
    languages: list[str] | str | None = None
    age_min: int | None = None
    age_max: int | None = None
    description: str | None = None


class PostingsQuery(Query):
    q: str | None = None
    subject: str | None = None
    language: str | None = None
    country: str | None = None
    age: int | None = None
    page: int | None = None


class PostingOut(Answer):
    id: int
    title: str
    subjects: list[str]
    languages: list[str]
    age_min: int | None
    age_max: int | None
    description: str
    status: str
    created_at: str
    updated_at: str
    author_id: int


class SavedPostingOut(PostingOut):
    ok: Literal[True]


class PostingsOut(Page):
    postings: list[PostingOut]


class MembersQuery(Query):
    q: str | None = None
    country: str | None = None
    page: int | None = None


class NetworkMemberOut(Answer):
    id: int
    username: str
    display_name: str
    kind: str
    eligible: bool | None
    country: str | None
    country_name: str | None
    school: dict[str, Any] | None


class NetworkMembersOut(Page):
    members: list[NetworkMemberOut]


class MemberPageOut(NetworkMemberOut):
    postings: list[PostingOut]
    contact: str | dict[str, Any] | None


class ContactRequestOut(Answer):
    id: int
    message: str | None
    created_at: str
    member: NetworkMemberOut


class ContactBookOut(Answer):
    contacts: list[NetworkMemberOut]
    incoming: list[ContactRequestOut]
    outgoing: list[ContactRequestOut]


class ContactAsk(Body):
    user_id: int
    message: str | None = None


class ContactStateOut(Answer):
    ok: Literal[True]
    status: str


class NewContactRequestOut(ContactStateOut):
    id: int


class ProjectDraft(Body):
    model_config = {"extra": "forbid"}  # an unknown field is refused, not ignored

    school_id: int | None = None
    cofounder_id: int | None = None
    title: str | None = None
    description: str | None = None
    languages: list[str] | str | None = None
    # numbers also as the digits a form field holds (the form autosaves as typed); the
    # project form's own rules say what a valid age or count is, field by field
    age_min: int | str | None = None
    age_max: int | str | None = None
    pupils_count: int | str | None = None
    subjects: list[str] | str | None = None
    tools: list[str] | str | None = None
    objectives: str | None = None
    procedure: str | None = None
    results: str | None = None


class NewProjectDraft(ProjectDraft):
    kit_id: int | str | None = None  # a project kit to start from ("", "none" or null: none)


class ProjectsQuery(Query):
    status: str | None = Field(None, description="a tab: drafts, waiting, open, closed...")


class ProjectOut(Answer):
    id: int
    status: str
    stage: str
    scope: str | None
    founder: dict[str, Any] | None
    cofounder: dict[str, Any] | None
    approvals: list[dict[str, Any]]
    space_id: int | None


class ProjectAnswerOut(ProjectOut):
    ok: Literal[True]


class ProjectsOut(Answer):
    projects: list[ProjectOut]


class NssQueueOut(Answer):
    country: str | None
    projects: list[ProjectOut]


class Refusal(Body):
    reason: str | None = None


class NewCountry(Body):
    code: str
    name: str
    eligible: bool = True


class Eligibility(Body):
    eligible: bool


class CountrySetOut(Answer):
    ok: Literal[True]
    code: str
    eligible: bool


class CountryAddedOut(CountrySetOut):
    name: str
