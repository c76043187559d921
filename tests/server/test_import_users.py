"""Importing user accounts (admins only): no password column, one-time passwords for new accounts shown
once and stored only hashed, existing accounts updated without touching their password, undo, export."""

from __future__ import annotations

import re

import pytest

from server import accounts, imports, spreadsheets
from server.auth import actor_for_token, check_credentials, create_session
from server.imports import apply_tx, parse, stage_tx, undo_tx
from server.notice import Refused
from tests.conftest import persona
from tests.server.test_imports import csv_bytes, errors_of, import_file, xlsx

HEADERS_TH = ["ชื่อผู้ใช้", "ชื่อ-สกุล", "บทบาท", "เครือข่าย"]


def test_xlsx_with_thai_headers_adds_users_with_one_time_passwords(demo_db):
    admin = persona(demo_db, "admin")
    old_hash = demo_db.execute("SELECT password_hash FROM users WHERE username = 'supervisor1'").fetchone()
    data = xlsx(
        [
            HEADERS_TH,
            ["sup.new", "ศน.ใหม่ ทดสอบ", "ศึกษานิเทศก์", "N01, แก้วมุกดาหาร"],
            ["Team.New", "ผอ.ใหม่ ทดสอบ", "ทีมเครือข่าย", "N03"],
            ["dir.new", "ผอ.กลุ่มนิเทศฯ ใหม่", "ผู้อำนวยการกลุ่มนิเทศ", ""],
            ["supervisor1", "ศน.วิภาวรรณ (แก้ชื่อ)", "supervisor", "N01,N02,N05"],
        ]
    )
    report = import_file(demo_db, admin, "users", "users.xlsx", data)
    assert report.counts == {"new": 3, "changed": 1, "same": 0, "error": 0}
    passwords = {r.row["username"]: r.password for r in report.rows if r.password}
    assert set(passwords) == {"sup.new", "team.new", "dir.new"}
    for username, password in passwords.items():
        assert check_credentials(demo_db, username, password) is not None
        stored = demo_db.execute("SELECT password_hash FROM users WHERE username = ?", [username]).fetchone()[
            0
        ]
        assert stored.startswith("$argon2") and password not in stored
    # Nothing kept in the batch holds a password.
    for row in demo_db.execute("SELECT rows, before, after_seq FROM import_batches"):
        for text in row:
            assert not any(p in (text or "") for p in passwords.values())
    expected = sorted({"N01", _network_id(demo_db, "แก้วมุกดาหาร")})
    assert accounts.find(demo_db, "sup.new")["networks"] == expected
    assert accounts.find(demo_db, "team.new")["role"] == "team_member"
    assert accounts.find(demo_db, "dir.new")["role"] == "director"
    sup1 = accounts.find(demo_db, "supervisor1")
    assert sup1["display_name"] == "ศน.วิภาวรรณ (แก้ชื่อ)" and sup1["networks"] == ["N01", "N02", "N05"]
    new_hash = demo_db.execute("SELECT password_hash FROM users WHERE username = 'supervisor1'").fetchone()
    assert new_hash == old_hash  # the password of an existing account is never touched


def _network_id(db, name: str) -> str:
    return db.execute("SELECT id FROM networks WHERE name = ?", [name]).fetchone()[0]


def test_csv_with_english_headers_and_row_errors_writes_nothing(demo_db):
    admin = persona(demo_db, "admin")
    before = demo_db.execute("SELECT count(*) FROM users").fetchone()[0]
    data = csv_bytes(
        [
            ["username", "display name", "role", "networks"],
            ["ok.user", "ครู ดี", "secretary", "N01"],
            ["bad user", "ครู ผิด", "supervisor", "N01"],
            ["nonet", "ครู ไม่มีเครือข่าย", "supervisor", ""],
            ["norole", "ครู", "king", "N01"],
            ["badnet", "ครู", "supervisor", "N99"],
            ["ok.user", "ซ้ำ", "secretary", "N01"],
        ],
        bom=True,
    )
    report = parse(demo_db, admin, "users", "users.csv", data)
    assert not report.ok
    assert [r.action for r in report.rows] == ["new", "error", "error", "error", "error", "error"]
    msgids = [e.msgid for r in report.rows for e in r.errors]
    assert any("lower-case" in m for m in msgids)
    assert any("at least one network" in m for m in msgids)
    assert any("Unknown role" in m for m in msgids)
    assert any("Unknown network" in m for m in msgids)
    assert any("repeated" in m for m in msgids)
    with pytest.raises(Refused):
        stage_tx(demo_db, admin, report)
    assert demo_db.execute("SELECT count(*) FROM users").fetchone()[0] == before


def test_a_password_column_is_refused(demo_db):
    admin = persona(demo_db, "admin")
    data = csv_bytes([["username", "name", "role", "networks", "password"], ["x1", "x", "admin", ""]])
    report = parse(demo_db, admin, "users", "u.csv", data)
    assert not report.ok and "password" in report.file_errors[0].msgid


def test_only_admins_import_or_export_users(demo_db):
    secretary = persona(demo_db, "secretary1")
    data = csv_bytes([HEADERS_TH, ["sec.new", "x", "supervisor", "N01"]])
    report = parse(demo_db, secretary, "users", "u.csv", data)
    assert not report.ok and "administrator" in report.file_errors[0].msgid
    # Even a batch staged some other way is checked again on apply.
    admin = persona(demo_db, "admin")
    ok = parse(demo_db, admin, "users", "u.csv", data)
    batch = stage_tx(demo_db, admin, ok)
    demo_db.execute("UPDATE import_batches SET actor_id = ? WHERE id = ?", [secretary.id, batch])
    with pytest.raises(Refused):
        apply_tx(demo_db, secretary, batch)
    assert imports.export_rows(demo_db, secretary, "users")[1] == []


def test_deactivated_user_is_not_reactivated_by_import(demo_db):
    admin = persona(demo_db, "admin")
    accounts.deactivate(demo_db, "team1")
    report = parse(
        demo_db, admin, "users", "u.csv", csv_bytes([HEADERS_TH, ["team1", "x", "team_member", "N01"]])
    )
    assert not report.ok and "deactivated" in report.rows[0].errors[0].msgid


def test_undo_deactivates_added_users_and_restores_changed_ones(demo_db):
    admin = persona(demo_db, "admin")
    data = csv_bytes(
        [HEADERS_TH, ["brand.new", "ใหม่", "supervisor", "N01"], ["team1", "ชื่อใหม่", "secretary", "N02"]]
    )
    report = import_file(demo_db, admin, "users", "u.csv", data)
    password = next(r.password for r in report.rows if r.password)
    new_id = check_credentials(demo_db, "brand.new", password)
    token = create_session(demo_db, new_id, 8)
    secretary = persona(demo_db, "secretary1")
    assert (
        imports.last_applied(demo_db, secretary) is None
        or imports.last_applied(demo_db, secretary)["kind"] != "users"
    )
    undone = undo_tx(demo_db, admin)
    assert undone["kind"] == "users" and undone["removed"] == 1 and undone["restored"] == 1
    assert check_credentials(demo_db, "brand.new", password) is None
    assert actor_for_token(demo_db, token) is None
    team1 = accounts.find(demo_db, "team1")
    assert (team1["display_name"], team1["role"], team1["networks"]) == (
        "ผอ.ประเสริฐ ทดลอง",
        "team_member",
        ["N01"],
    )
    assert check_credentials(demo_db, "team1", "nithet2568") is not None


def test_undo_refused_when_a_user_changed_since(demo_db):
    admin = persona(demo_db, "admin")
    import_file(
        demo_db, admin, "users", "u.csv", csv_bytes([HEADERS_TH, ["team1", "ชื่อใหม่", "team_member", "N01"]])
    )
    team1 = accounts.find(demo_db, "team1")
    accounts.update_user(demo_db, team1["id"], "แก้อีกที", "team_member", ["N01"])
    with pytest.raises(Refused) as exc:
        undo_tx(demo_db, admin)
    assert exc.value.code == "import_undo_blocked"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_reads_back_as_unchanged_and_has_no_hashes(demo_db, fmt):
    admin = persona(demo_db, "admin")
    headers, rows = imports.export_rows(demo_db, admin, "users")
    assert headers == HEADERS_TH
    blob = (
        spreadsheets.xlsx_bytes([spreadsheets.Sheet("users", headers, rows)])
        if fmt == "xlsx"
        else spreadsheets.csv_bytes(headers, rows)
    )
    assert b"argon2" not in blob
    report = parse(demo_db, admin, "users", f"users.{fmt}", blob)
    assert report.ok, errors_of(report)
    assert report.counts["same"] == len(rows) >= 6
    assert not re.search(r"\$argon2", str(rows))


def test_users_import_over_http_shows_the_password_once(shared_server):
    from tests.conftest import login

    admin = shared_server.client("admin")
    files = {
        "file": (
            "users.csv",
            csv_bytes([HEADERS_TH, ["http.new", "ศน.เอชทีทีพี", "ศึกษานิเทศก์", "N01"]]),
            "text/csv",
        )
    }
    check = admin.post("/admin/imports", data={"kind": "users"}, files=files, headers={"hx-request": "true"})
    assert check.status_code == 200, check.text
    confirm_url = re.search(r'hx-post="(/admin/imports/\d+/confirm)"', check.text).group(1)
    applied = admin.post(confirm_url, headers={"hx-request": "true"})
    assert applied.headers["cache-control"] == "no-store"
    password = re.search(r"<code>([^<]+)</code>", applied.text).group(1)
    newcomer = login(shared_server.url, "http.new", password)
    assert newcomer.get("/api/me").json()["role"] == "supervisor"
    newcomer.close()
    assert password not in admin.post(confirm_url, headers={"hx-request": "true"}).text  # shown once
    exported = admin.get("/admin/export/users?format=csv")
    assert "http.new" in exported.content.decode("utf-8-sig") and "argon2" not in exported.text
    page = admin.get("/admin/imports")
    assert 'value="users"' in page.text

    secretary = shared_server.client("secretary1")
    assert secretary.get("/admin/export/users?format=csv").status_code == 403
    assert 'value="users"' not in secretary.get("/admin/imports").text
    refused = secretary.post(
        "/admin/imports", data={"kind": "users"}, files=files, headers={"hx-request": "true"}
    )
    assert refused.status_code == 200 and "/confirm" not in refused.text
    secretary.close()

    undone = admin.post("/admin/imports/undo", headers={"hx-request": "true"})
    assert undone.status_code == 200 and "error-box" not in undone.text
    admin.close()
    with pytest.raises(AssertionError):
        login(shared_server.url, "http.new", password)


def test_admin_users_page_lists_and_deactivates(shared_server):
    from tests.conftest import login

    admin = shared_server.client("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "supervisor1" in page.text and "N01, N02" in page.text
    assert 'action="/admin/users/admin/deactivate"' not in page.text  # not oneself
    victim = login(shared_server.url, "supervisor2")
    r = admin.post("/admin/users/supervisor2/deactivate")
    assert r.status_code == 303 and r.headers["location"] == "/admin/users"
    assert victim.get("/api/me").status_code == 401  # the session ended
    victim.close()
    assert admin.post("/admin/users/admin/deactivate").status_code == 200  # refused with a message
    assert admin.get("/api/me").status_code == 200
    assert shared_server.client("secretary1").get("/admin/users").status_code == 403
    admin.close()
