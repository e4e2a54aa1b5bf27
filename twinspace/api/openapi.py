"""The OpenAPI 3.1 document of ``/api/v1/``, built from the app's own routes and the
declarations beside their views (``twinspace/schema.py``); served at
``GET /api/v1/openapi.json``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from twinspace.ids import ID_DIGITS
from twinspace.schema import Error, Operation, declare, operation_of

API_PREFIX = "/api/v1/"
REF = "#/components/schemas/{model}"
PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
CONVERTERS = {
    "int": {"type": "integer", "minimum": 0, "maximum": 10**ID_DIGITS - 1},
    "path": {"type": "string"},
}
ERROR_TEXT = {
    400: "invalid: the body, a parameter or a value is not acceptable",
    401: "unauthorized: log in first (or wrong user name or password)",
    403: "forbidden, csrf_failed, locked...: not allowed",
    404: "not_found: no such thing, or not one the caller may see",
    405: "method_not_allowed",
    409: "conflict: the thing changed or exists already",
    413: "too_large: the upload is over the size limit or the quota",
    415: "unsupported: a file type that is not accepted",
    429: "rate_limited: too many attempts; retry_after says when to try again",
}


def api_operations(routes: Iterable[BaseRoute]) -> list[tuple[str, str, Route]]:
    """(method, path, route) of every ``/api/v1/`` operation, in routing order."""
    found = []
    for route in routes:
        if not isinstance(route, Route) or not route.path.startswith(API_PREFIX):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method.lower(), route.path, route))
    return found


class _Schemas:
    """Collects the named schemas (``components.schemas``) while describing operations."""

    def __init__(self) -> None:
        self.named: dict[str, Any] = {}

    def of(self, kind: Any) -> dict[str, Any]:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            schema = kind.model_json_schema(ref_template=REF)
            self._keep(schema.pop("$defs", {}))
            self.named[kind.__name__] = schema
            return {"$ref": REF.format(model=kind.__name__)}
        schema = TypeAdapter(kind).json_schema(ref_template=REF)
        self._keep(schema.pop("$defs", {}))
        return schema

    def _keep(self, definitions: dict[str, Any]) -> None:
        self.named.update(definitions)


def _parameters(path: str, operation: Operation, schemas: _Schemas) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": CONVERTERS.get(converter or "str", {"type": "string"}),
        }
        for name, converter in PARAM.findall(path)
    ]
    if operation.query is not None:
        described = operation.query.model_json_schema(ref_template=REF)
        schemas._keep(described.pop("$defs", {}))
        required = set(described.get("required", ()))
        for name, schema in described.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": schema}
            )
    return params


def _errors(method: str, path: str, operation: Operation) -> set[int]:
    codes = set(operation.errors) | {400}
    if PARAM.search(path):
        codes.add(404)
    if operation.auth != "none":
        # log in first; not allowed (or a wrong CSRF token); a missing thing and a
        # forbidden thing answer alike to outsiders
        codes.update({401, 403, 404})
    return codes


def _answer(status: int, kind: Any, operation: Operation, schemas: _Schemas) -> dict[str, Any]:
    if operation.media_type != "application/json":
        return {
            "description": operation.summary,
            "content": {operation.media_type: {"schema": {"type": "string"}}},
        }
    return {
        "description": operation.summary,
        "content": {"application/json": {"schema": schemas.of(kind)}},
    }


def _operation(
    method: str, path: str, route: Route, operation: Operation, schemas: _Schemas
) -> dict[str, Any]:
    words = re.findall(r"[a-z0-9]+", PARAM.sub(r"by_\1", path.removeprefix(API_PREFIX)))
    described: dict[str, Any] = {
        "operationId": "_".join([method, *words]),  # unique: one per method and path
        "summary": operation.summary,
        "tags": [path.removeprefix(API_PREFIX).split("/")[0]],
        "parameters": _parameters(path, operation, schemas),
        "responses": {
            str(operation.status): _answer(operation.status, operation.answer, operation, schemas)
        },
    }
    if operation.description:
        described["description"] = operation.description
    for code in sorted(_errors(method, path, operation)):
        described["responses"][str(code)] = {"$ref": f"#/components/responses/{code}"}
    if operation.upload:
        described["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "contentMediaType": "image/*"}},
                        "required": ["file"],
                    }
                }
            },
        }
    elif operation.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.of(operation.body)}},
        }
    if operation.auth == "user":
        described["security"] = (
            [{"session": [], "csrf": []}] if method != "get" else [{"session": []}]
        )
    elif operation.auth == "public":
        described["security"] = [
            {},
            {"session": [], "csrf": []} if method != "get" else {"session": []},
        ]
    else:
        described["security"] = [{}]
    return described


def undeclared(routes: Iterable[BaseRoute]) -> list[str]:
    """The ``/api/v1/`` operations that have no declaration (a test keeps this empty)."""
    return [
        f"{method.upper()} {path}"
        for method, path, route in api_operations(routes)
        if operation_of(route.endpoint, method) is None
    ]


def build_openapi(routes: Iterable[BaseRoute], version: str) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for method, path, route in api_operations(routes):
        operation = operation_of(route.endpoint, method) or Operation(
            "(not described yet)", answer=dict[str, Any]
        )
        openapi_path = PARAM.sub(r"{\1}", path)
        paths.setdefault(openapi_path, {})[method] = _operation(
            method, path, route, operation, schemas
        )
    error_ref = schemas.of(Error)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "TwinSpace API",
            "version": version,
            "description": (
                "Cookie-session JSON API. POST /api/v1/session logs in and answers a "
                "csrf_token; every later unsafe call sends it back in X-CSRF-Token. "
                "Errors answer {ok: false, error: <code>, message}. The narrative guide is "
                "docs/api.md; the Socket.IO protocol is docs/asyncapi.json."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.named.items())),
            "responses": {
                str(code): {
                    "description": text,
                    "content": {"application/json": {"schema": error_ref}},
                }
                for code, text in ERROR_TEXT.items()
            },
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "ts_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
    }


class OpenApiDocument(BaseModel):
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


@declare(
    "This document: the OpenAPI 3.1 description of /api/v1/", answer=OpenApiDocument, auth="none"
)
async def openapi_json(request: Request) -> Response:
    cached = getattr(request.app.state, "openapi", None)
    if cached is None:
        from twinspace import __version__

        body = json.dumps(build_openapi(request.app.routes, __version__)).encode()
        cached = (body, hashlib.sha256(body).hexdigest()[:32])
        request.app.state.openapi = cached
    body, etag = cached
    headers = {"Cache-Control": "public, max-age=3600", "ETag": f'"{etag}"'}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


routes = [Route("/api/v1/openapi.json", openapi_json, methods=["GET"])]
