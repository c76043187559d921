"""Accounts a real office can run: password rules, one-time passwords that expire and must be changed,
reset and reactivation, login throttling per account and per address, `init` with a first admin, demo
passwords made per database, and `no-store` answers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from server import accounts
from server.app import create_app
from server.auth import LoginLimiter, login_keys
from server.config import Settings
from server.db import connect
from server.passwords import problems
from tests.conftest import PASSWORD, ROOT
from tests.factories import batch, record

STRONG = "ช้างเผือก-ทุ่งนา-2569"


@pytest.fixture
def app(demo_template: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:  # type: ignore[type-arg]
    db = tmp_path / "demo.db"
    db.write_bytes(demo_template.read_bytes())
    with TestClient(create_app(Settings(db_path=db, secret_key="s" * 48))) as client:
        yield client, db


def log_in(client: TestClient, username: str, password: str) -> object:  # type: ignore[type-arg]
    client.get("/login")
    token = client.cookies["csrftoken"]
    form = {"username": username, "password": password, "_csrf_token": token}
    answer = client.post("/login", data=form, follow_redirects=False)
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the session's own token
    return answer


def run_cli(
    db: Path, *args: str, stdin: str = "", demo_password: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NITHET_DB": str(db), "PYTHONPATH": str(ROOT)}
    env.pop("NITHET_DEMO_PASSWORD", None)
    return subprocess.run(
        [sys.executable, "-m", "server", *args], input=stdin, cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1234567890", "at least 12"),
        ("short", "at least 12"),
        ("password1234", "most common"),
        ("qwertyuiop123", "most common"),
        ("supervisor1-is-me", "username"),
        ("My-SUPERVISOR1-pass", "username"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    found = " ".join(n.msgid % n.params for n in problems(password, "supervisor1"))
    assert reason in found


def test_a_long_uncommon_password_without_the_username_is_accepted() -> None:
    assert problems(STRONG, "supervisor1") == []


def test_a_one_time_password_must_be_changed_before_anything_else(app) -> None:  # type: ignore[no-untyped-def]
    client, db_path = app
    db = connect(db_path)
    _, one_time = accounts.add_user(db, "sup.new", "ศน.ใหม่", "supervisor", ["N01"])
    assert log_in(client, "sup.new", one_time).status_code == 303
    home = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert home.status_code in (302, 303) and home.headers["location"] == "/account/password"
    pull = client.get("/api/sync/pull")
    assert pull.status_code == 403 and pull.json()["code"] == "password_change_required"
    # The new password follows the rules; a common one is refused and nothing changes.
    weak = client.post(
        "/account/password", data={"old": one_time, "new": "password1234", "confirm": "password1234"}
    )
    assert weak.status_code == 422 and client.get("/", follow_redirects=False).status_code != 200
    changed = client.post("/account/password", data={"old": one_time, "new": STRONG, "confirm": STRONG})
    assert changed.status_code == 200
    assert client.get("/").status_code == 200 and client.get("/api/sync/pull").status_code == 200


def test_a_one_time_password_expires_after_48_hours(app) -> None:  # type: ignore[no-untyped-def]
    client, db_path = app
    db = connect(db_path)
    _, one_time = accounts.add_user(db, "sup.late", "ศน.มาช้า", "supervisor", ["N01"])
    expires = db.execute("SELECT password_expires_at FROM users WHERE username = 'sup.late'").fetchone()[0]
    created = db.execute("SELECT created_at FROM users WHERE username = 'sup.late'").fetchone()[0]
    assert 47.9 < (_iso(expires) - _iso(created)).total_seconds() / 3600 <= 48
    db.execute(
        "UPDATE users SET password_expires_at = '2020-01-01T00:00:00+00:00' WHERE username = 'sup.late'"
    )
    db.conn.commit()
    r = log_in(client, "sup.late", one_time)
    assert r.status_code == 401 and "หมดอายุ" in r.text  # type: ignore[attr-defined]


def _iso(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromisoformat(text)


def test_reset_gives_a_new_one_time_password_and_ends_sessions(app) -> None:  # type: ignore[no-untyped-def]
    client, db_path = app
    assert log_in(client, "team1", PASSWORD).status_code == 303
    assert client.get("/api/me").status_code == 200
    db = connect(db_path)
    new = accounts.reset_password(db, "team1")
    db.conn.commit()
    assert client.get("/api/me").status_code == 401  # the old session ended
    assert log_in(client, "team1", PASSWORD).status_code == 401
    assert log_in(client, "team1", new).status_code == 303
    assert client.get("/api/me").json()["username"] == "team1"
    home = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert home.headers["location"] == "/account/password"


def test_a_deactivated_account_can_be_reactivated(app) -> None:  # type: ignore[no-untyped-def]
    client, db_path = app
    db = connect(db_path)
    accounts.deactivate(db, "team1")
    db.conn.commit()
    assert log_in(client, "team1", PASSWORD).status_code == 401
    accounts.reactivate(db, "team1")
    db.conn.commit()
    assert log_in(client, "team1", PASSWORD).status_code == 303


def test_editing_an_account_checks_it_like_a_new_one(demo_db) -> None:  # type: ignore[no-untyped-def]
    user = accounts.edit_user(demo_db, "supervisor2", None, None, ["N05"])
    assert user["networks"] == ["N05"] and user["role"] == "supervisor"
    with pytest.raises(accounts.Refused):
        accounts.edit_user(demo_db, "supervisor2", None, None, [])  # a supervisor needs a network


def test_spraying_one_guess_over_many_usernames_is_slowed(app) -> None:  # type: ignore[no-untyped-def]
    client, _ = app
    client.app.state.limiter = LoginLimiter(window=3600)  # a slow shared test machine must not outlast it
    statuses = [log_in(client, f"user{i}", "Password123!").status_code for i in range(45)]  # type: ignore[attr-defined]
    assert statuses[:40] == [401] * 40 and set(statuses[40:]) == {429}
    # The address is slowed for every account, even with the right password.
    assert log_in(client, "team1", PASSWORD).status_code == 429


def test_guessing_one_account_from_many_addresses_is_slowed() -> None:
    limiter = LoginLimiter()
    for i in range(20):
        assert not any(limiter.blocked(k) for k in login_keys("team1", f"10.0.0.{i}"))
        for k in login_keys("team1", f"10.0.0.{i}"):
            limiter.failed(k)
    assert any(limiter.blocked(k) for k in login_keys("team1", "10.0.9.9"))
    assert not any(limiter.blocked(k) for k in login_keys("team2", "10.0.9.9"))


def test_the_login_limiter_keeps_bounded_memory() -> None:
    limiter = LoginLimiter(max_keys=1000)
    for i in range(50_000):
        limiter.failed(f"address|192.0.{i // 256}.{i % 256}")
    assert len(limiter) == 1000


def test_init_makes_an_office_database_with_its_first_admin(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    refused = run_cli(db, "init", "--password-stdin", stdin="1234567890\n")
    assert refused.returncode == 1 and "12" in refused.stderr
    done = run_cli(db, "init", "--admin", "somchai", "--password-stdin", stdin=f"{STRONG}\n")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT username, role FROM users").fetchall() == [("somchai", "admin")]
        assert conn.execute("SELECT count(*) FROM networks").fetchone()[0] == 0  # no demo data
    with TestClient(create_app(Settings(db_path=db, secret_key="s" * 48))) as client:
        assert log_in(client, "somchai", STRONG).status_code == 303


def test_demo_passwords_are_made_for_each_database(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "nithet.db", tmp_path / "b" / "nithet.db"
    for db in (first, second):
        db.parent.mkdir()
        result = run_cli(db, "demo")
        assert result.returncode == 0, result.stderr
        assert "demo-logins.txt" in result.stdout and "nithet2568" not in result.stdout
    logins = [
        dict(line.split()[:2] for line in (db.parent / "demo-logins.txt").read_text().splitlines())
        for db in (first, second)
    ]
    assert logins[0]["admin"] != logins[1]["admin"] and len(logins[0]["admin"]) >= 12
    assert oct((first.parent / "demo-logins.txt").stat().st_mode & 0o777) == "0o600"
    with TestClient(create_app(Settings(db_path=first, secret_key="s" * 48))) as client:
        assert log_in(client, "supervisor1", logins[0]["supervisor1"]).status_code == 303
        assert log_in(client, "admin", PASSWORD).status_code == 401


def test_private_answers_are_not_stored_by_the_browser(app) -> None:  # type: ignore[no-untyped-def]
    client, _ = app
    log_in(client, "secretary1", PASSWORD)
    for path in ("/", "/api/sync/pull", "/reports", "/observations", "/login"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "no-store" not in client.get("/static/css/app.css").headers.get("cache-control", "")


def test_logging_in_over_another_session_ends_it(app) -> None:  # type: ignore[no-untyped-def]
    client, db_path = app
    log_in(client, "supervisor1", PASSWORD)
    old = client.cookies["nithet_session"]
    log_in(client, "team1", PASSWORD)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    assert old != client.cookies["nithet_session"]


def test_the_csrf_token_is_bound_to_the_session(app) -> None:  # type: ignore[no-untyped-def]
    client, _ = app
    client.get("/login")
    before = client.cookies["csrftoken"]
    log_in(client, "supervisor1", PASSWORD)
    assert client.cookies["csrftoken"] != before
    assert client.post("/api/sync/push", json=batch(record())).status_code == 200
    # A token from before the login (a planted one) is refused, though Litestar signed it.
    client.cookies.set("csrftoken", before)
    client.headers["x-csrftoken"] = before
    r = client.post("/api/sync/push", json=batch(record()))
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")


def test_the_admin_page_resets_reactivates_and_edits_accounts(app) -> None:  # type: ignore[no-untyped-def]
    client, db_path = app
    log_in(client, "admin", PASSWORD)
    page = client.post("/admin/users/team1/reset")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    one_time = page.text.split('data-username="team1">', 1)[1].split("<", 1)[0]
    assert len(one_time) == 12
    client.post("/admin/users/team1/deactivate")
    edited = client.post(
        "/admin/users/supervisor2/edit",
        data={"display_name": "ศน.ธนากร", "role": "supervisor", "networks": "N05"},
    )
    assert edited.status_code == 200  # back on the list (303 followed)
    bad = client.post(
        "/admin/users/supervisor2/edit", data={"display_name": "x", "role": "supervisor", "networks": ""}
    )
    assert (bad.status_code == 422 and "network" in bad.text.lower()) or "เครือข่าย" in bad.text
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT active FROM users WHERE username = 'team1'").fetchone() == (0,)
        nets = conn.execute(
            "SELECT network_id FROM user_networks JOIN users u ON u.id = user_id WHERE u.username = 'supervisor2'"
        ).fetchall()
        assert nets == [("N05",)]
    client.post("/admin/users/team1/reactivate")
    client.post("/logout")
    assert log_in(client, "team1", one_time).status_code == 303


def test_the_command_line_edits_resets_and_reactivates(demo_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "nithet.db"
    db.write_bytes(demo_template.read_bytes())
    edited = run_cli(db, "user", "edit", "supervisor2", "--networks", "N05, N06")
    assert edited.returncode == 0 and "N05, N06" in edited.stdout, edited.stderr
    assert run_cli(db, "user", "edit", "supervisor2", "--networks", "N99").returncode == 1
    reset = run_cli(db, "user", "reset-password", "team1")
    assert reset.returncode == 0, reset.stderr
    one_time = reset.stdout.strip().rsplit(" ", 1)[1]
    assert run_cli(db, "user", "deactivate", "team1").returncode == 0
    assert run_cli(db, "user", "reactivate", "team1").returncode == 0
    assert run_cli(db, "user", "reset-password", "nobody").returncode == 1
    with TestClient(create_app(Settings(db_path=db, secret_key="s" * 48))) as client:
        assert log_in(client, "team1", one_time).status_code == 303
        assert log_in(client, "team1", PASSWORD).status_code == 401
