"""Declaring an API operation next to its view: what it takes, what it answers, which errors.

    class NewPosting(Body):
        title: str = Field(max_length=120)

    @declare("Publish a posting", body=NewPosting, answer=PostingOut, status=201,
             errors=(409,))
    async def create_posting(request): ...

One declaration does three things: ``json_body(request)`` checks the body against ``body``
(a bad body answers 400 ``invalid`` with the field and the problem, never a 500), the
OpenAPI document (``twinspace/api/openapi.py``) describes the route with these schemas, and a
test checks that every ``/api/v1/`` route has one. The schemas are pydantic v2 models: their
JSON Schema (2020-12) is what OpenAPI 3.1 uses. This module sits at the bottom of the
layers: it imports nothing of ours but ``errors``, ``i18n`` and ``payloads``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from twinspace import payloads
from twinspace.errors import Invalid
from twinspace.i18n import N_

Handler = TypeVar("Handler", bound=Callable[..., Any])
Auth = Literal["user", "public", "none"]  # a session needed / optional / never looked at
ATTRIBUTE = "__api_operation__"


class Body(BaseModel):
    """A request body: the declared fields are checked; unknown ones are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)  # JSON types, no coercion


class Answer(BaseModel):
    """An answer's body: the declared fields are always there; more may come."""

    model_config = ConfigDict(extra="allow")


class Query(BaseModel):
    """Query parameters (documented; the view reads and checks them itself)."""


class Ok(Answer):
    ok: Literal[True]


class Error(Answer):
    ok: Literal[False]
    error: str  # a stable code: invalid, unauthorized, forbidden, not_found, conflict, ...
    message: str  # in the reader's language


@dataclass(frozen=True)
class Operation:
    summary: str
    answer: Any = Ok  # a model, list[Model], dict[str, Any], ...
    body: type[BaseModel] | None = None
    query: type[Query] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    auth: Auth = "user"
    media_type: str = "application/json"  # of the answer
    upload: bool = False  # the body is multipart/form-data with a "file" part
    description: str = ""
    extra_answers: Mapping[int, Any] = field(default_factory=dict)


def declare(
    summary: str,
    *,
    answer: Any = Ok,
    body: type[BaseModel] | None = None,
    query: type[Query] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    auth: Auth = "user",
    media_type: str = "application/json",
    upload: bool = False,
    description: str = "",
    method: str | None = None,
) -> Callable[[Handler], Handler]:
    """Attach an Operation to a view (see the module's docstring). A view that serves two
    routes with different methods takes one ``declare(..., method="DELETE")`` per method."""
    operation = Operation(
        summary, answer, body, query, status, errors, auth, media_type, upload, description
    )

    def attach(handler: Handler) -> Handler:
        declared = dict(getattr(handler, ATTRIBUTE, {}))
        declared[method.upper() if method else None] = operation
        setattr(handler, ATTRIBUTE, declared)
        return handler

    return attach


def operation_of(endpoint: object, method: str | None = None) -> Operation | None:
    declared: dict[str | None, Operation] = getattr(endpoint, ATTRIBUTE, {})
    return declared.get(method.upper() if method else None) or declared.get(None)


INT_MAX = payloads.INT_MAX  # the largest id any integer column holds


# what a reader is told about a field of the wrong kind, by pydantic's error type
PROBLEMS = {
    "string_type": N_("This must be text."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "bool_type": N_("This must be true or false."),
    "list_type": N_("This must be a list."),
    "dict_type": N_("This must be an object."),
    "model_type": N_("This must be an object."),
    "literal_error": N_("Choose from the list."),
    "enum": N_("Choose from the list."),
    "extra_forbidden": N_("Unknown field."),
    "string_too_long": N_("This is too long."),
    "too_long": N_("This is too long."),
}
OTHER_PROBLEM = N_("This value is not acceptable.")


def _field(error: Mapping[str, Any]) -> str:
    location = error.get("loc", ())  # ("names", "list[str]", 0): the body's field comes first
    return str(location[0]) if location else "body"


def check_body(endpoint: object, method: str | None, body: dict[str, Any]) -> None:
    """Raise Invalid (400) when a field of ``body`` has the wrong JSON type for the
    endpoint's declared body. A missing field is left to the view, which says what is
    required in its own words (the document still marks it required)."""
    operation = operation_of(endpoint, method)
    if operation is not None and operation.body is not None:
        check_against(
            operation.body, body, N_("The request body does not match the API's description.")
        )


def check_against(model: type[BaseModel], body: dict[str, Any], message: str) -> None:
    """Raise Invalid naming each field of ``body`` whose value ``model`` does not accept
    (missing fields are left to the caller). Used for HTTP bodies and socket payloads."""
    try:
        model.model_validate(body)
    except ValidationError as exc:
        wrong = [e for e in exc.errors(include_url=False) if e.get("type") != "missing"]
        if not wrong:
            return
        fields: dict[str, str] = {}
        for error in wrong:  # the first problem of each field (a union lists several)
            fields.setdefault(_field(error), PROBLEMS.get(error["type"], OTHER_PROBLEM))
        raise Invalid(message, field=next(iter(fields)), fields=fields) from None
