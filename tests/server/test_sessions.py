"""Sessions and CSRF: cookie flags, the CSRF token on every state-changing route, login rate limiting,
argon2id hashes, password change (other sessions end), expired sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.config import Settings
from tests.conftest import PASSWORD, LiveServer, login
from tests.factories import batch, record
from tests.server.access_matrix import STATE_CHANGING, Fixtures, app_routes
from tests.server.access_routes import MATRIX


@pytest.fixture
def app_client(demo_template: Path, tmp_path: Path) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """The app in-process over a copy of the demo database, behind HTTPS (secure cookies on)."""
    db = tmp_path / "demo.db"
    db.write_bytes(demo_template.read_bytes())
    app = create_app(Settings(db_path=db, secret_key="s" * 48, secure_cookies=True))
    with TestClient(app, base_url="https://nithet.test") as client:
        yield client


def set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_session_and_csrf_cookies_are_httponly_samesite_and_secure_behind_https(app_client) -> None:
    page = app_client.get("/login")
    csrf = set_cookies(page)["__Host-csrftoken"].lower()
    assert "secure" in csrf and "samesite=lax" in csrf and "path=/" in csrf and "domain" not in csrf
    token = app_client.cookies["__Host-csrftoken"]
    r = app_client.post(
        "/login",
        data={"username": "supervisor1", "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # The __Host- prefix: the browser keeps it only when Secure, for this host alone, on path /.
    session = set_cookies(r)["__Host-nithet_session"].lower()
    assert "httponly" in session and "samesite=lax" in session and "secure" in session
    assert "path=/" in session and "domain" not in session
    # The cookie naming the signed-in account is readable by the tablet's scripts, and holds no secret.
    signed_in = set_cookies(r)["nithet_user"].lower()
    assert "httponly" not in signed_in and signed_in.startswith("nithet_user=") and "secure" in signed_in


def test_cookies_are_not_secure_on_plain_http_by_default(shared_server: LiveServer) -> None:
    client = httpx.Client(base_url=shared_server.url)
    client.get("/login")
    r = client.post(
        "/login",
        data={"username": "team1", "password": PASSWORD, "_csrf_token": client.cookies["csrftoken"]},
    )
    session = set_cookies(r)["nithet_session"].lower()
    assert "httponly" in session and "samesite=lax" in session and "secure" not in session


def test_every_state_changing_route_refuses_a_request_without_the_csrf_token(shared_server) -> None:
    changing = {(m, p) for m, p in app_routes() if m in STATE_CHANGING}
    entries = [e for e in MATRIX if (e.method, e.path) in changing]
    assert {(e.method, e.path) for e in entries} == changing
    fx = Fixtures(record_id="x", visit_id="x", photo=b"\xff\xd8\xff", photo_sha="0" * 64, team1_id=1)
    admin = login(shared_server.url, "admin")
    del admin.headers["x-csrftoken"]
    htmx = {"hx-request": "true"}
    for entry in entries:
        for headers in ({}, htmx):  # htmx requests are no exception
            send = entry.send("admin", fx)
            send["headers"] = {**send.get("headers", {}), **headers}
            r = admin.request(entry.method, entry.url(fx), **send)
            assert (r.status_code, r.json()["code"]) == (403, "csrf_failed"), (entry.method, entry.path)
    # A wrong token is no better than none.
    admin.headers["x-csrftoken"] = "forged"
    r = admin.post("/api/sync/push", json=batch(record()))
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")


def test_login_is_rate_limited(shared_server) -> None:
    client = httpx.Client(base_url=shared_server.url)
    client.get("/login")
    token = client.cookies["csrftoken"]

    def attempt(password: str) -> int:
        form = {"username": "director", "password": password, "_csrf_token": token}
        return client.post("/login", data=form).status_code

    assert [attempt("wrong") for _ in range(8)] == [401] * 8
    # Locked out now, even with the right password.
    assert attempt(PASSWORD) == 429


def test_passwords_are_stored_as_argon2id(shared_server) -> None:
    with sqlite3.connect(shared_server.db_path) as db:
        hashes = [h for (h,) in db.execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_changing_the_password_needs_the_old_one_and_ends_other_sessions(live_server: LiveServer) -> None:
    tablet = login(live_server.url, "team1")
    laptop = login(live_server.url, "team1")
    assert laptop.get("/account/password").status_code == 200
    new = "ใหม่-new-password-2568"
    wrong = laptop.post("/account/password", data={"old": "nope", "new": new, "confirm": new})
    assert wrong.status_code == 401
    short = laptop.post("/account/password", data={"old": PASSWORD, "new": "x", "confirm": "x"})
    assert short.status_code == 422
    mismatch = laptop.post("/account/password", data={"old": PASSWORD, "new": new, "confirm": new + "!"})
    assert mismatch.status_code == 422
    assert tablet.get("/api/me").status_code == 200  # nothing changed yet

    done = laptop.post("/account/password", data={"old": PASSWORD, "new": new, "confirm": new})
    assert done.status_code == 200
    assert laptop.get("/api/me").status_code == 200  # this session stays
    assert tablet.get("/api/me").status_code == 401  # the other one ended
    login(live_server.url, "team1", new)
    with pytest.raises(AssertionError):
        login(live_server.url, "team1", PASSWORD)


def test_an_expired_session_is_401_for_the_sync_api(live_server: LiveServer) -> None:
    client = login(live_server.url, "supervisor1")
    assert client.get("/api/sync/pull").status_code == 200
    with sqlite3.connect(live_server.db_path) as db:
        db.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
    r = client.post("/api/sync/push", json=batch(record()))
    assert (r.status_code, r.json()["code"]) == (401, "not_authenticated")
    assert r.json()["session"] == "expired"
    assert client.get("/api/sync/pull").status_code == 401
    # No session cookie at all (the browser lost it): "missing", so the tablet asks to log in again
    # instead of saying the session expired.
    client.cookies.delete("nithet_session")
    assert client.get("/api/sync/pull").json()["session"] == "missing"
