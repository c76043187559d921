"""Who gets what, for EVERY route of the app: a persona matrix over real HTTP.

The matrix is checked against `app.routes`, so a new route without an entry here fails
`test_every_route_has_a_matrix_entry`. Personas (tests/conftest.py), in decreasing rights:
admin and director (area: all networks) · deputy1 (N01–N10) · secretary1 (N01) · supervisor1 (N01, N02) ·
team1 (N01) ·
supervisor2 (N03, N04: the foreign network) · anonymous. A record of a network the caller cannot see
is 404 (not found), never 403 with details.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer, login
from tests.factories import SCHOOL_N01, batch, record
from tests.server.access_matrix import PERSONAS, Entry, Fixtures, app_routes
from tests.server.access_routes import MATRIX


def test_every_route_has_a_matrix_entry() -> None:
    covered = {(e.method, e.path) for e in MATRIX}
    missing = app_routes() - covered
    assert not missing, f"routes without a persona matrix entry: {sorted(missing)}"
    assert not covered - app_routes(), (
        f"matrix entries for routes that do not exist: {covered - app_routes()}"
    )


@pytest.fixture(scope="module")
def clients(shared_server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    out: dict[str, httpx.Client] = {p: login(shared_server.url, p) for p in PERSONAS if p != "anonymous"}
    anonymous = httpx.Client(base_url=shared_server.url, timeout=30)
    anonymous.get("/login")
    anonymous.headers["x-csrftoken"] = anonymous.cookies["csrftoken"]  # so CSRF is not what refuses it
    out["anonymous"] = anonymous
    yield out
    for c in out.values():
        c.close()


@pytest.fixture(scope="module")
def fixtures(clients: dict[str, httpx.Client]) -> Fixtures:
    sup = clients["supervisor1"]
    rec = record()
    assert sup.post("/api/sync/push", json=batch(rec)).json()["receipts"][0]["status"] == "stored"
    me = sup.get("/api/me").json()["id"]
    visit = sup.post(
        "/api/plans",
        json={"date": "2031-08-30", "session": "morning", "school_code": SCHOOL_N01, "team": [me]},
    )
    assert visit.status_code == 201, visit.text
    photo = b"\xff\xd8\xff\xe0" + uuid.uuid4().bytes * 64
    sha = hashlib.sha256(photo).hexdigest()
    put = sup.put(f"/api/attachments/{sha}", content=photo, headers={"content-type": "image/jpeg"})
    assert put.json()["status"] == "stored"
    team1 = clients["team1"].get("/api/me").json()["id"]
    memo = {"agency": "เครือข่าย", "date": "2026-11-20", "subject": "รายงาน", "to": "ผอ.กลุ่มนิเทศฯ",
            "body": "จึงเรียนมาเพื่อโปรดทราบ", "signer": "เลขาฯ", "position": "เลขานุการเครือข่าย"}  # fmt: skip
    sent = clients["secretary1"].post("/submissions/network/N01?period=2568-1", data=memo)
    assert sent.status_code == 303, sent.text
    submission_id = int(sent.headers["location"].rsplit("/", 1)[1])
    return Fixtures(rec["id"], visit.json()["id"], photo, sha, team1, submission_id)


@pytest.mark.parametrize("entry", MATRIX, ids=[f"{e.method} {e.path}" for e in MATRIX])
def test_persona_matrix(
    entry: Entry, clients: dict[str, httpx.Client], fixtures: Fixtures, shared_server
) -> None:
    got: dict[str, int] = {}
    for persona in PERSONAS:
        client = clients[persona]
        if entry.fresh and persona != "anonymous":
            client = login(shared_server.url, persona)
        r = client.request(entry.method, entry.url(fixtures), **entry.send(persona, fixtures))
        got[persona] = r.status_code
        if r.status_code in (401, 403, 404) and entry.path.startswith("/api/"):
            assert r.headers["content-type"].startswith("application/problem+json"), r.text[:200]
        if entry.check:
            entry.check(persona, r)
        if entry.fresh and persona != "anonymous":
            client.close()
    assert got == entry.expected


def test_foreign_records_are_not_found_without_details(clients, fixtures) -> None:
    r = clients["supervisor2"].get(f"/api/attachments/{fixtures.photo_sha}")
    assert r.json()["code"] == "not_found" and "detail" not in r.json()
    page = clients["supervisor2"].get(f"/records/{fixtures.record_id}")
    assert page.status_code == 404 and page.json() == {
        "type": "/docs/problems#not_found",
        "code": "not_found",
        "title": page.json()["title"],
        "status": 404,
    }
    assert SCHOOL_N01 not in page.text
    # A record that does not exist answers exactly the same.
    missing = clients["supervisor2"].get(f"/records/{uuid.uuid4()}")
    assert (missing.status_code, missing.json()) == (404, page.json())


def test_a_browser_without_a_session_is_sent_to_the_login_page(shared_server) -> None:
    r = httpx.get(f"{shared_server.url}/observations", headers={"accept": "text/html"})
    assert r.status_code == 302 and r.headers["location"] == "/login?next=/observations"


def test_a_route_that_declares_no_roles_is_refused() -> None:
    from litestar import Litestar, get
    from litestar.testing import TestClient

    from server import errors
    from server.access import role_guard

    @get("/undeclared", sync_to_thread=False)
    def undeclared() -> str:
        return "secret"

    app = Litestar([undeclared], guards=[role_guard], exception_handlers={Exception: errors.handle})
    with TestClient(app) as client:
        r = client.get("/undeclared")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
