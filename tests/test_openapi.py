"""The OpenAPI 3.1 document of /api/v1/: built from the routes' own declarations, served
publicly and cached, every route in it, and the same schemas refuse bad bodies."""

from __future__ import annotations

import httpx

from tests.conftest import RunningServer
from twinspace.api.openapi import api_operations, build_openapi, undeclared
from twinspace.schema import Ok, declare, operation_of

OPENAPI = "/api/v1/openapi.json"


def _routes(server: RunningServer):
    app = server.server.config.app.other_asgi_app  # socketio.ASGIApp → middlewares → Starlette
    while not hasattr(app, "routes"):
        app = app.app
    return app.routes


async def test_every_api_route_is_declared_and_documented(server: RunningServer) -> None:
    routes = _routes(server)
    assert undeclared(routes) == []  # add @declare(...) beside the view (docs/api.md)
    async with httpx.AsyncClient(base_url=server.url) as client:
        document = (await client.get(OPENAPI)).json()
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    wanted = {
        (method, path.replace(":int", "").replace(":str", ""))
        for method, path, _ in api_operations(routes)
    }
    assert len(wanted) > 80
    assert wanted == documented
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    create = document["paths"]["/api/v1/spaces/{space_id}/pupils"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "404"}
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.rsplit("/", 1)[-1] in document["components"]["schemas"]


async def test_the_document_is_public_cached_and_openapi_3_1(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        first = await client.get(OPENAPI)
        assert first.status_code == 200
        document = first.json()
        assert document["openapi"] == "3.1.0"
        assert document["jsonSchemaDialect"].endswith("2020-12/schema")
        assert "public" in first.headers["cache-control"]
        again = await client.get(OPENAPI, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304


async def test_a_body_that_breaks_the_schema_answers_invalid(server: RunningServer, login) -> None:
    anne = await login("anne")
    for body in ({"names": 5}, {"names": [1, 2]}, {"names": None}):
        answer = await anne.post("/api/v1/spaces/1/pupils", json=body)
        assert answer.status_code == 400, answer.text
        data = answer.json()
        assert data["error"] == "invalid" and data["message"] and data["field"].startswith("names")
        assert all(data["fields"].values())
    missing = await anne.post("/api/v1/spaces/1/pupils", json={})  # the view's own words
    assert missing.status_code == 400 and missing.json()["error"] == "invalid"
    french = await anne.post(
        "/api/v1/spaces/1/pupils",
        json={"title": 5, "names": ["Zoé"]},
        headers={"Accept-Language": "fr"},
    )
    assert french.status_code == 201  # unknown fields are ignored
    french = await anne.post(
        "/api/v1/spaces/1/pupils", json={"names": 5}, headers={"Accept-Language": "fr"}
    )
    assert french.json()["fields"]["names"] == "Ceci doit être une liste."
    accepted = await anne.post("/api/v1/spaces/1/pupils", json={"names": ["Zoé"]})
    assert accepted.status_code == 201  # a good body still goes through


def test_a_view_can_declare_one_operation_per_method() -> None:
    @declare("move", method="POST")
    @declare("remove", method="DELETE")
    async def view(request):  # noqa: ANN001, ANN202
        return None

    assert operation_of(view, "POST").summary == "move"  # type: ignore[union-attr]
    assert operation_of(view, "DELETE").summary == "remove"  # type: ignore[union-attr]
    assert operation_of(view, "GET") is None
    document = build_openapi([], "0")
    assert document["paths"] == {} and "Error" in document["components"]["schemas"]
    assert Ok.model_json_schema()["required"] == ["ok"]


async def test_numbers_no_column_holds_answer_invalid_not_500(server: RunningServer, login) -> None:
    anne = await login("anne")
    huge = 10**20
    for path, body in [
        ("/api/v1/contact-requests", {"user_id": huge}),
        ("/api/v1/notifications/read", {"ids": [huge]}),
        ("/api/v1/spaces/1/chat/general/edit", {"message_id": huge, "text": "x"}),
        ("/api/v1/spaces/1/rooms/activities/pages", {"title": "x", "parent_id": -huge}),
        ("/api/v1/spaces/1/mailbox", {"to": ["²"], "subject": "a", "body": "b"}),
    ]:
        answer = await anne.post(path, json=body)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid", (
            path,
            answer.text,
        )
    for path in [
        "/api/v1/postings?age=²",
        "/api/v1/notifications?before=²",
        "/api/v1/spaces/1/feed?limit=²",
        "/api/v1/spaces/1/chat/general/messages?before=99999999999999999999",
        "/api/v1/spaces/1/moderation/log?before=99999999999999999999",
        "/api/v1/spaces/1234567890/members",  # ten digits: no route
    ]:
        assert (await anne.get(path)).status_code in (200, 400, 404), path
