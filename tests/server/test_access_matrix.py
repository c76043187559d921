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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.roles import SIGNED_IN
from server.access import PUBLIC
from server.app import create_app
from server.config import Settings
from tests.conftest import LiveServer, login
from tests.factories import SCHOOL_N01, batch, record

PERSONAS = ("admin", "director", "deputy1", "secretary1", "supervisor1", "team1", "supervisor2", "anonymous")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Litestar answers OPTIONS itself (no handler code runs, no data): not part of the matrix.
SKIPPED_METHODS = {"OPTIONS"}


def app_routes() -> set[tuple[str, str]]:
    """(method, path template) of every handler the app serves, straight from the app factory."""
    app = create_app(Settings(db_path=Path("/nonexistent/never-opened.db"), secret_key="x" * 40))
    return {
        (method, route.path)
        for route in app.routes
        for handler in route.route_handlers  # type: ignore[attr-defined]
        for method in handler.http_methods
        if method not in SKIPPED_METHODS
    }


def expect(ok: int, allowed: frozenset[str] | str, *, denied: int = 403, **others: int) -> dict[str, int]:
    """`ok` for the roles in `allowed`, `denied` for the other signed-in personas, 401 for anonymous;
    `others` overrides single personas (e.g. supervisor2=404 for a record of a foreign network)."""
    roles = {
        "admin": "admin",
        "director": "director",
        "deputy1": "deputy",
        "secretary1": "secretary",
        "supervisor1": "supervisor",
        "supervisor2": "supervisor",
        "team1": "team_member",
    }
    table = {"anonymous": ok if allowed == PUBLIC else 401}
    for persona, role in roles.items():
        table[persona] = ok if allowed == PUBLIC or role in allowed else denied
    return table | others


OBSERVERS = frozenset({"admin", "secretary", "supervisor", "team_member"})
PLANNERS = frozenset({"admin", "secretary", "supervisor", "team_member"})
IMPORTERS = frozenset({"admin", "secretary"})
ADMINS = frozenset({"admin"})
AREA = {"admin", "director"}
REPORTERS = frozenset({"admin", "director", "deputy", "area_director", "secretary", "supervisor"})
NETWORK_READERS = REPORTERS | {"team_member"}
SUBMITTERS = frozenset({"secretary", "supervisor"})
OWN_REPORTERS = frozenset({"secretary", "supervisor", "team_member"})


@dataclass
class Fixtures:
    """Things made once by supervisor1 in network N01, which the matrix asks about."""

    record_id: str
    visit_id: str
    photo: bytes
    photo_sha: str
    team1_id: int
    submission_id: int = 0


@dataclass
class Entry:
    method: str
    path: str
    url: Callable[[Fixtures], str]
    expected: dict[str, int]
    send: Callable[[str, Fixtures], dict[str, Any]] = lambda persona, fx: {}
    #: A further check on the answer: (persona, response).
    check: Callable[[str, httpx.Response], None] | None = None
    #: Log in afresh for this call (it ends the session).
    fresh: bool = False
    extra: list[Any] = field(default_factory=list)


def _push_body(persona: str, fx: Fixtures) -> dict[str, Any]:
    return {"json": batch(record())}


def _push_receipt(persona: str, r: httpx.Response) -> None:
    if r.status_code == 200:
        receipt = r.json()["receipts"][0]
        wanted = "rejected" if persona == "supervisor2" else "stored"
        assert receipt["status"] == wanted, (persona, receipt)
        if wanted == "rejected":
            assert receipt["code"] == "school_out_of_scope"


def _plan_body(persona: str, fx: Fixtures) -> dict[str, Any]:
    # Each persona plans a different day, so no plan is refused as double-booked.
    day = 10 + PERSONAS.index(persona)
    return {
        "json": {
            "date": f"2031-08-{day:02d}",
            "session": "morning",
            "school_code": SCHOOL_N01,
            "team": [fx.team1_id],
        }
    }


def _is_problem(code: str) -> Callable[[str, httpx.Response], None]:
    def check(persona: str, r: httpx.Response) -> None:
        if r.status_code >= 400 and r.status_code != 422:
            assert r.headers["content-type"].startswith("application/problem+json"), (persona, r.text[:200])

    return check


MATRIX: list[Entry] = [
    # Accounts
    Entry("GET", "/login", lambda fx: "/login", expect(200, PUBLIC)),
    Entry(
        "POST",
        "/login",
        lambda fx: "/login",
        expect(401, PUBLIC),
        send=lambda p, fx: {"data": {"username": "nobody-matrix", "password": "wrong"}},
    ),
    Entry("POST", "/logout", lambda fx: "/logout", expect(303, SIGNED_IN), fresh=True),
    Entry("GET", "/account/password", lambda fx: "/account/password", expect(200, SIGNED_IN)),
    Entry(
        "POST",
        "/account/password",
        lambda fx: "/account/password",
        expect(401, SIGNED_IN),  # a wrong old password: refused, nothing changed
        send=lambda p, fx: {"data": {"old": "wrong", "new": "x" * 12, "confirm": "x" * 12}},
    ),
    Entry("GET", "/lang/{code:str}", lambda fx: "/lang/en", expect(302, PUBLIC)),
    # The tablet app
    Entry("GET", "/", lambda fx: "/", expect(200, SIGNED_IN)),
    Entry("GET", "/notebook", lambda fx: "/notebook", expect(200, SIGNED_IN)),
    Entry("GET", "/handover", lambda fx: "/handover", expect(200, SIGNED_IN)),
    Entry(
        "GET", "/forms/{form_id:str}/{version:int}", lambda fx: "/forms/observation/1", expect(200, SIGNED_IN)
    ),
    Entry(
        "GET",
        "/forms/{form_id:str}/{version:int}/print",
        lambda fx: "/forms/observation/2/print",
        expect(200, SIGNED_IN),
    ),
    Entry("GET", "/sw.js", lambda fx: "/sw.js", expect(200, PUBLIC)),
    Entry("GET", "/manifest.webmanifest", lambda fx: "/manifest.webmanifest", expect(200, PUBLIC)),
    Entry("GET", "/healthz", lambda fx: "/healthz", expect(200, PUBLIC)),
    # Sync protocol
    Entry("GET", "/api/me", lambda fx: "/api/me", expect(200, SIGNED_IN)),
    Entry(
        "POST",
        "/api/sync/push",
        lambda fx: "/api/sync/push",
        expect(200, OBSERVERS),
        send=_push_body,
        check=_push_receipt,
    ),
    Entry("GET", "/api/sync/pull", lambda fx: "/api/sync/pull", expect(200, SIGNED_IN)),
    Entry(
        "PUT",
        "/api/attachments/{sha256:str}",
        lambda fx: f"/api/attachments/{fx.photo_sha}",
        expect(200, OBSERVERS),
        send=lambda p, fx: {"content": fx.photo, "headers": {"content-type": "image/jpeg"}},
    ),
    Entry(
        "GET",
        "/api/attachments/{sha256:str}",
        lambda fx: f"/api/attachments/{fx.photo_sha}",
        # A photo no record uses yet: only its uploader (supervisor1) and the area roles may read it.
        expect(200, SIGNED_IN, supervisor2=404, team1=404, secretary1=404, deputy1=404),
    ),
    # Compiling results
    Entry("GET", "/observations", lambda fx: "/observations", expect(200, SIGNED_IN)),
    Entry(
        "GET",
        "/records/{record_id:str}",
        lambda fx: f"/records/{fx.record_id}",
        expect(200, SIGNED_IN, supervisor2=404),
        check=_is_problem("not_found"),
    ),
    # Administration
    Entry("GET", "/admin/forms", lambda fx: "/admin/forms", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/forms/check",
        lambda fx: "/admin/forms/check",
        expect(200, ADMINS),
        send=lambda p, fx: {"files": {"other": ("a.txt", b"x", "text/plain")}},
    ),
    Entry(
        "POST",
        "/admin/forms/publish",
        lambda fx: "/admin/forms/publish",
        expect(200, ADMINS),
        send=lambda p, fx: {"data": {"definition": "not toml ["}},
    ),
    Entry(
        "POST",
        "/admin/forms/{form_id:str}/state",
        lambda fx: "/admin/forms/no_such_form/state",
        expect(200, ADMINS),
        send=lambda p, fx: {"data": {"state": "closed"}},
    ),
    Entry("GET", "/admin/policies", lambda fx: "/admin/policies", expect(200, AREA)),
    Entry(
        "POST",
        "/admin/policies",
        lambda fx: "/admin/policies",
        expect(200, AREA),
        send=lambda p, fx: {"data": {"list_id": "not a year"}},  # refused: nothing is published
    ),
    # Visit plans
    Entry("GET", "/plans", lambda fx: "/plans?network=N01", expect(200, SIGNED_IN, supervisor2=404)),
    Entry("GET", "/plans/new", lambda fx: "/plans/new?network=N01", expect(200, PLANNERS, supervisor2=404)),
    Entry(
        "POST",
        "/plans",
        lambda fx: "/plans",
        # An empty plan: refused with its reasons (422) — or 404 for a network the caller cannot see.
        expect(422, PLANNERS, supervisor2=404),
        send=lambda p, fx: {"data": {"network": "N01", "date": "2031-08-01", "session": "morning"}},
    ),
    Entry(
        "POST",
        "/api/plans",
        lambda fx: "/api/plans",
        expect(201, PLANNERS, supervisor2=422),
        send=_plan_body,
    ),
    Entry(
        "GET",
        "/plans/{visit_id:str}",
        lambda fx: f"/plans/{fx.visit_id}",
        expect(200, SIGNED_IN, supervisor2=404),
        check=_is_problem("not_found"),
    ),
    Entry(
        "GET",
        "/plans/{visit_id:str}/edit",
        lambda fx: f"/plans/{fx.visit_id}/edit",
        expect(200, PLANNERS, supervisor2=404),
    ),
    Entry(
        "POST",
        "/plans/{visit_id:str}",
        lambda fx: f"/plans/{fx.visit_id}",
        # No school and no team: refused with its reasons (422), the visit unchanged.
        expect(422, PLANNERS, supervisor2=404),
        send=lambda p, fx: {"data": {"network": "N01", "date": "2031-08-01", "session": "morning"}},
    ),
    Entry(
        "POST",
        "/plans/{visit_id:str}/cancel",
        lambda fx: f"/plans/{fx.visit_id}/cancel",
        # Without the "yes, cancel" tick: back to the visit, not cancelled.
        expect(303, PLANNERS, supervisor2=404),
    ),
    # Reference data
    Entry("GET", "/admin/imports", lambda fx: "/admin/imports", expect(200, IMPORTERS)),
    Entry(
        "POST",
        "/admin/imports",
        lambda fx: "/admin/imports",
        expect(200, IMPORTERS),
        send=lambda p, fx: {"files": {"other": ("a.txt", b"x", "text/plain")}},
    ),
    Entry(
        "POST",
        "/admin/imports/{batch_id:int}/confirm",
        lambda fx: "/admin/imports/987654/confirm",
        expect(200, IMPORTERS),
    ),
    Entry("POST", "/admin/imports/undo", lambda fx: "/admin/imports/undo", expect(200, IMPORTERS)),
    Entry(
        "GET",
        "/admin/export/{kind:str}",
        lambda fx: "/admin/export/schools?format=csv",
        expect(200, IMPORTERS),
    ),
    # User accounts (server/routes/users.py); deactivating an unknown account is 404 (no persona is touched)
    Entry("GET", "/admin/users", lambda fx: "/admin/users", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/users/{username:str}/deactivate",
        lambda fx: "/admin/users/no.such.user/deactivate",
        expect(404, ADMINS),
    ),
    Entry(
        "POST",
        "/admin/users/{username:str}/reactivate",
        lambda fx: "/admin/users/no.such.user/reactivate",
        expect(404, ADMINS),
    ),
    Entry(
        "POST",
        "/admin/users/{username:str}/reset",
        lambda fx: "/admin/users/no.such.user/reset",
        expect(404, ADMINS),
    ),
    Entry(
        "POST",
        "/admin/users/{username:str}/edit",
        lambda fx: "/admin/users/no.such.user/edit",
        expect(404, ADMINS),
        send=lambda persona, fx: {"data": {"display_name": "x", "role": "supervisor", "networks": "N01"}},
    ),
    # Semester dates (server/routes/terms.py); the POST is refused (end before start), so nothing is stored
    Entry("GET", "/admin/terms", lambda fx: "/admin/terms", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/terms",
        lambda fx: "/admin/terms",
        expect(422, ADMINS),
        send=lambda p, fx: {
            "data": {"academic_year": "2569", "semester": "1", "start": "2026-10-31", "end": "2026-05-16"}
        },
    ),
    # The office's frame of printed documents (server/routes/office.py); the POST is refused (no digit
    # style chosen), so nothing is stored
    Entry("GET", "/admin/office", lambda fx: "/admin/office", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/office",
        lambda fx: "/admin/office",
        expect(422, ADMINS),
        send=lambda p, fx: {"data": {"name": "สพป.ทดสอบ", "digits": "roman"}, "files": {"emblem": ("", b"")}},
    ),
    # Coordinates (server/routes/coordinates.py); the POST is refused (a swapped pair), so nothing is stored
    Entry("GET", "/admin/coordinates", lambda fx: "/admin/coordinates", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/coordinates",
        lambda fx: "/admin/coordinates",
        expect(422, ADMINS),
        send=lambda p, fx: {"data": {"office-lat": "104.7", "office-lon": "16.5"}},
    ),
    # Reports (server/routes/reports.py): a network the caller cannot see is 404
    Entry("GET", "/reports", lambda fx: "/reports", expect(200, SIGNED_IN)),
    *(
        Entry("GET", path, lambda fx, url=url: url, expect(200, REPORTERS, supervisor2=404))
        for path, url in [
            ("/reports/network/{network_id:str}/visits", "/reports/network/N01/visits"),
            ("/reports/network/{network_id:str}/travel", "/reports/network/N01/travel"),
            ("/reports/network/{network_id:str}/committee", "/reports/network/N01/committee"),
            ("/reports/network/{network_id:str}/export.xlsx", "/reports/network/N01/export.xlsx"),
            (
                "/reports/network/{network_id:str}/export.csv",
                "/reports/network/N01/export.csv?tool=observation",
            ),
            (
                "/reports/network/{network_id:str}/notebook/{school_code:str}/{date:str}/{session:str}",
                f"/reports/network/N01/notebook/{SCHOOL_N01}/2026-11-20/morning",
            ),
        ]
    ),
    *(
        Entry("GET", path, lambda fx, url=url: url, expect(200, NETWORK_READERS, supervisor2=404))
        for path, url in [
            ("/reports/network/{network_id:str}", "/reports/network/N01"),
            ("/reports/network/{network_id:str}/print", "/reports/network/N01/print"),
            ("/reports/network/{network_id:str}/themes", "/reports/network/N01/themes"),
        ]
    ),
    # Trip days of the travel report: the network's secretary and supervisors; an empty form stores nothing
    Entry(
        "POST",
        "/reports/network/{network_id:str}/travel",
        lambda fx: "/reports/network/N01/travel?period=2568-1",
        expect(303, SUBMITTERS, supervisor2=404),
        send=lambda p, fx: {"data": {}},
    ),
    Entry("GET", "/reports/area", lambda fx: "/reports/area", expect(200, REPORTERS)),
    Entry("GET", "/reports/area/print", lambda fx: "/reports/area/print", expect(200, REPORTERS)),
    # The chain of reports (server/routes/submissions.py): secretary1 sent N01's report in `fixtures`
    Entry("GET", "/submissions", lambda fx: "/submissions", expect(200, SIGNED_IN)),
    Entry(
        "GET",
        "/submissions/network/{network_id:str}/new",
        lambda fx: "/submissions/network/N01/new",
        expect(200, SUBMITTERS, supervisor2=404),
    ),
    Entry(
        "POST",
        "/submissions/network/{network_id:str}",
        lambda fx: "/submissions/network/N01?period=2568-2",
        expect(422, SUBMITTERS, supervisor2=404),
        send=lambda p, fx: {"data": {"subject": ""}},  # an incomplete memo: refused, nothing sent
    ),
    Entry(
        "POST",
        "/reports/mine/{kind:str}/send",
        lambda fx: "/reports/mine/weekly/send?period=2026-11-16",
        expect(303, OWN_REPORTERS),
    ),
    *(
        Entry(
            "GET",
            path,
            lambda fx, url=url: url.format(id=fx.submission_id),
            expect(200, SIGNED_IN, supervisor2=404),
        )
        for path, url in [
            ("/submissions/{submission_id:int}", "/submissions/{id}"),
            ("/submissions/{submission_id:int}/print", "/submissions/{id}/print"),
        ]
    ),
    Entry(
        "POST",
        "/submissions/{submission_id:int}/decide",
        lambda fx: f"/submissions/{fx.submission_id}/decide",
        expect(303, frozenset({"director"})),
        send=lambda p, fx: {"data": {"action": "return", "comment": "แก้ไขตาราง"}},
    ),
    Entry(
        "POST",
        "/submissions/{submission_id:int}/note",
        lambda fx: f"/submissions/{fx.submission_id}/note",
        expect(409, frozenset({"deputy"})),  # returned, not forwarded: nothing to note yet
    ),
    Entry("GET", "/reports/sync", lambda fx: "/reports/sync", expect(200, REPORTERS)),
    Entry("GET", "/reports/mine/{kind:str}", lambda fx: "/reports/mine/weekly", expect(200, OWN_REPORTERS)),
    Entry(
        "POST",
        "/reports/mine/{kind:str}",
        lambda fx: "/reports/mine/weekly",
        expect(303, OWN_REPORTERS),
        send=lambda p, fx: {"data": {"body": "<b>บันทึก</b>"}},
    ),
    # Static files and the schema
    Entry("GET", "/static/{file_path:path}", lambda fx: "/static/css/app.css", expect(200, PUBLIC)),
    Entry("GET", "/schema", lambda fx: "/schema", expect(200, PUBLIC)),
    Entry("GET", "/schema/openapi.json", lambda fx: "/schema/openapi.json", expect(200, PUBLIC)),
    Entry("GET", "/schema/{path:str}", lambda fx: "/schema/swagger", expect(404, PUBLIC)),
]


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
