"""The network's rules in permissions.py, cell by cell: who is in the network, who is
listed, who founds, which officer acts; and the TwinSpace visitor kept out of it."""

from __future__ import annotations

import pytest

from tests.conftest import RunningServer
from twinspace.errors import Forbidden, NotFound
from twinspace.permissions import (
    access_found,
    access_network,
    access_network_profile,
    access_nss,
    access_site_admin,
    in_network,
    is_listed,
    may_found,
)

KINDS = ("teacher", "member", "pupil", "nss", "admin", None, "guest")

# kind, has an institution -> (in the network, listed)
CELLS = {
    ("teacher", True): (True, True),
    ("teacher", False): (True, True),
    ("member", True): (True, True),
    ("member", False): (False, False),  # an invited visitor: TwinSpace only
    ("pupil", True): (False, False),
    ("pupil", False): (False, False),
    ("nss", False): (True, False),
    ("admin", False): (True, False),
    (None, False): (False, False),
    ("guest", True): (False, False),
}


@pytest.mark.parametrize(("cell", "expected"), CELLS.items())
def test_network_and_listing(cell, expected) -> None:
    kind, institution = cell
    assert (in_network(kind, institution), is_listed(kind, institution)) == expected
    if expected[0]:
        access_network(kind, institution)
    else:
        with pytest.raises(NotFound):
            access_network(kind, institution)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("eligible", [True, False])
def test_only_eligible_teachers_found(kind, eligible: bool) -> None:
    allowed = kind == "teacher" and eligible
    assert may_found(kind, eligible) is allowed
    if allowed:
        access_found(kind, eligible)
    else:
        with pytest.raises(Forbidden):
            access_found(kind, eligible)


@pytest.mark.parametrize(
    ("kind", "country", "countries", "error"),
    [
        ("nss", "FR", {"FR", "DE"}, None),
        ("nss", "DE", {"FR", "DE"}, None),
        ("nss", "ES", {"FR", "DE"}, NotFound),  # another country's project does not exist
        ("nss", None, {"FR"}, Forbidden),
        ("teacher", "FR", {"FR"}, Forbidden),
        ("admin", "FR", {"FR"}, Forbidden),
        ("pupil", "FR", {"FR"}, Forbidden),
    ],
)
def test_officers_act_for_their_country(kind, country, countries, error) -> None:
    if error is None:
        access_nss(kind, country, countries)
    else:
        with pytest.raises(error):
            access_nss(kind, country, countries)


@pytest.mark.parametrize("kind", KINDS)
def test_only_site_admins_manage_countries(kind) -> None:
    if kind == "admin":
        access_site_admin(kind)
    else:
        with pytest.raises(Forbidden):
            access_site_admin(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_only_listed_people_edit_a_network_profile(kind) -> None:
    if kind in ("teacher", "member"):
        access_network_profile(kind)
    else:
        with pytest.raises(Forbidden):
            access_network_profile(kind)


async def test_the_twinspace_visitor_stays_out_of_the_network(server: RunningServer, login):
    paul = await login("paul")  # kind "member" without an institution: the demo's visitor
    for path in ("/api/v1/postings", "/api/v1/members", "/api/v1/projects", "/postings", "/people"):
        assert (await paul.get(path)).status_code == 404, path
    home = await paul.get("/")
    assert 'href="/postings"' not in home.text
    anne = await login("anne")
    assert 'href="/postings"' in (await anne.get("/")).text
    paul_id = (await paul.get("/api/v1/me")).json()["id"]
    assert (await anne.get(f"/api/v1/members/{paul_id}")).status_code == 404


async def test_network_writes_need_the_csrf_token(server: RunningServer, login):
    from tests.network_helpers import snapshot

    anne = await login("anne")
    token = anne.headers.pop("X-CSRF-Token")
    before = await snapshot(server)
    calls = [
        ("POST", "/api/v1/postings", {"title": "x"}),
        ("POST", "/api/v1/contact-requests", {"user_id": 2}),
        ("POST", "/api/v1/projects", {}),
        ("POST", "/api/v1/projects/1/accept", None),
        ("DELETE", "/api/v1/contacts/2", None),
    ]
    for method, path, body in calls:
        answer = await anne.request(method, path, json=body)
        assert answer.status_code == 403 and answer.json()["error"] == "csrf_failed", path
    forms = ["/postings/new", "/projects/new", "/projects/1/answer", "/contacts/2/remove"]
    for path in forms:
        assert (await anne.post(path, data={"title": "x"})).status_code == 403, path
    anne.headers["X-CSRF-Token"] = token
    assert await snapshot(server) == before
