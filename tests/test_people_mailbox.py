"""The mailbox: messages between members of the TwinSpace, to one or several; inbox and
sent; unread counts reach the recipients live."""

from __future__ import annotations

from tests.conftest import RunningServer
from tests.people_support import snapshot, user_id


async def test_send_to_several_read_and_live_unread(
    server: RunningServer, login, connect_as
) -> None:
    anne = await login("anne")
    lea_id, tom_id = await user_id(server, "lea"), await user_id(server, "tom")
    lea_live = await connect_as("lea")
    sent = await anne.post(
        "/api/v1/spaces/1/mailbox",
        json={"to": [lea_id, tom_id], "subject": "Measurements", "body": "Bring a thermometer."},
    )
    assert sent.status_code == 201, sent.text
    event = await lea_live.wait_for(lambda e: e["type"] == "mail.new")
    assert event["room"] == f"user:{lea_id}"
    assert (event["data"]["space_id"], event["data"]["unread"]) == (1, 1)
    lea = await login("lea")
    inbox = (await lea.get("/api/v1/spaces/1/mailbox")).json()
    assert inbox["unread"] == 1 and inbox["messages"][0]["subject"] == "Measurements"
    message = (await lea.get(f"/api/v1/spaces/1/mailbox/{sent.json()['id']}")).json()
    assert message["body"] == "Bring a thermometer."
    assert {r["user_id"] for r in message["to"]} == {lea_id, tom_id}
    read = await lea_live.wait_for(lambda e: e["type"] == "mail.read")
    assert read["data"]["unread"] == 0
    assert (await lea.get("/api/v1/spaces/1/mailbox")).json()["unread"] == 0
    sent_box = (await anne.get("/api/v1/spaces/1/mailbox", params={"box": "sent"})).json()
    assert [m["subject"] for m in sent_box["messages"]] == ["Measurements"]
    # someone who neither sent nor received it does not know it exists
    paul = await login("paul")
    assert (await paul.get(f"/api/v1/spaces/1/mailbox/{sent.json()['id']}")).status_code == 404
    assert (await paul.get(f"/spaces/1/mailbox/{sent.json()['id']}")).status_code == 404
    # pages: the inbox lists it, reading it shows it, replying is offered
    page = await (await login("tom")).get("/spaces/1/mailbox")
    assert page.status_code == 200 and "Measurements" in page.text and "Unread" in page.text


async def test_mail_form_and_refusals(server: RunningServer, login) -> None:
    lea = await login("lea")
    anne_id = await user_id(server, "anne")
    form = await lea.get(f"/spaces/1/mailbox/new?to={anne_id}")
    assert form.status_code == 200 and "Anne Moreau" in form.text
    token = lea.headers["X-CSRF-Token"]
    posted = await lea.post(
        "/spaces/1/mailbox/new",
        data={"csrf_token": token, "to": str(anne_id), "subject": "Hello", "body": "Hi!"},
    )
    assert posted.status_code == 303
    before = await snapshot(server)
    outsider = await user_id(server, "nss-fr")
    cases = [
        {"to": [outsider], "subject": "S", "body": "B"},  # not a member of the TwinSpace
        {"to": [], "subject": "S", "body": "B"},
        {"to": "x", "subject": "S", "body": "B"},
        {"to": [anne_id], "subject": "", "body": "B"},
        {"to": [anne_id], "subject": "S", "body": ""},
        {"to": [anne_id], "subject": "S" * 201, "body": "B"},
    ]
    for body in cases:
        answer = await lea.post("/api/v1/spaces/1/mailbox", json=body)
        assert answer.status_code == 400, (body, answer.text)
    kept = await lea.post(
        "/spaces/1/mailbox/new",
        data={"csrf_token": token, "subject": "Kept subject", "body": "Kept body"},
    )
    assert kept.status_code == 400 and "Kept body" in kept.text  # the form keeps what was typed
    nss = await login("nss-fr")
    assert (
        await nss.post(
            "/api/v1/spaces/1/mailbox", json={"to": [anne_id], "subject": "S", "body": "B"}
        )
    ).status_code == 404
    assert await snapshot(server) == before


async def test_visitors_and_pupils_do_not_exchange_private_messages(
    server: RunningServer, login
) -> None:
    ids = {name: await user_id(server, name) for name in ("anne", "lea", "paul")}
    paul, lea = await login("paul"), await login("lea")
    before = await snapshot(server)
    for client, to in ((paul, ids["lea"]), (lea, ids["paul"]), (paul, [ids["anne"], ids["lea"]])):
        answer = await client.post(
            "/api/v1/spaces/1/mailbox",
            json={"to": to if isinstance(to, list) else [to], "subject": "Hi", "body": "Hello"},
        )
        assert answer.status_code == 400 and "write to a teacher" in answer.json()["message"]
    assert await snapshot(server) == before
    form = await paul.get("/spaces/1/mailbox/new")
    assert "Anne Moreau" in form.text and "Léa" not in form.text
    to_teacher = await paul.post(
        "/api/v1/spaces/1/mailbox", json={"to": [ids["anne"]], "subject": "Hi", "body": "Hello"}
    )
    assert to_teacher.status_code == 201
