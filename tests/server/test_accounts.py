"""User accounts: add with a one-time password (only its hash stored), deactivate ends sessions; the CLI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from server import accounts
from server.auth import actor_for_token, check_credentials, create_session
from server.cli import main
from server.db import connect
from server.notice import Refused


def test_add_user_stores_only_a_hash_and_the_password_logs_in(demo_db):
    user_id, password = accounts.add_user(demo_db, "Sup.New", "ศน.ใหม่ ทดสอบ", "supervisor", ["N01", "N02"])
    stored = demo_db.execute("SELECT username, password_hash FROM users WHERE id = ?", [user_id]).fetchone()
    assert stored[0] == "sup.new"
    assert password not in stored[1] and stored[1].startswith("$argon2")
    assert len(password) >= 10
    assert check_credentials(demo_db, "sup.new", password) == user_id
    assert accounts.find(demo_db, "sup.new")["networks"] == ["N01", "N02"]


@pytest.mark.parametrize(
    ("username", "name", "role", "networks", "message"),
    [
        ("bad name", "x", "supervisor", ["N01"], "lower-case letters"),
        ("ครู", "x", "supervisor", ["N01"], "lower-case letters"),
        ("newone", "", "supervisor", ["N01"], "name is empty"),
        ("newone", "x", "king", ["N01"], "Unknown role"),
        ("newone", "x", "supervisor", [], "at least one network"),
        ("newone", "x", "supervisor", ["N99"], "Unknown network"),
        ("supervisor1", "x", "supervisor", ["N01"], "is taken"),
    ],
)
def test_add_user_refuses_bad_accounts(demo_db, username, name, role, networks, message):
    before = demo_db.execute("SELECT count(*) FROM users").fetchone()[0]
    with pytest.raises(Refused) as exc:
        accounts.add_user(demo_db, username, name, role, networks)
    assert exc.value.code == "user_invalid"
    assert any(message in r.msgid for r in exc.value.reasons), exc.value.reasons
    assert demo_db.execute("SELECT count(*) FROM users").fetchone()[0] == before


def test_director_and_admin_need_no_network(demo_db):
    accounts.add_user(demo_db, "dir2", "ผอ.กลุ่มนิเทศฯ", "director", [])
    assert accounts.find(demo_db, "dir2")["role"] == "director"


def test_thai_role_names():
    assert accounts.parse_role("ศึกษานิเทศก์") == "supervisor"
    assert accounts.parse_role("ทีมเครือข่าย") == "team_member"
    assert accounts.parse_role("คณะผู้บริหารโรงเรียนในเครือข่าย") == "team_member"
    assert accounts.parse_role("เลขานุการเครือข่าย") == "secretary"
    assert accounts.parse_role("รองผู้อำนวยการ") == "deputy"
    assert accounts.parse_role("ผู้อำนวยการกลุ่มนิเทศ") == "director"
    assert accounts.parse_role("ผู้ดูแลระบบ") == "admin"
    assert accounts.parse_role("Team Member") == "team_member"
    assert accounts.parse_role("boss") is None


def test_deactivate_ends_sessions_and_login(demo_db):
    user_id, password = accounts.add_user(demo_db, "gone", "ไป แล้ว", "team_member", ["N01"])
    token = create_session(demo_db, user_id, 8)
    assert actor_for_token(demo_db, token) is not None
    assert accounts.deactivate(demo_db, "gone") == 1
    assert actor_for_token(demo_db, token) is None
    assert check_credentials(demo_db, "gone", password) is None
    with pytest.raises(Refused) as exc:
        accounts.deactivate(demo_db, "nobody")
    assert exc.value.code == "user_not_found"


def test_cli_add_prints_the_password_once_and_deactivate(demo_template, tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("NITHET_DB", str(path))
    monkeypatch.setenv("NITHET_SECRET", "test-secret")
    assert (
        main(["user", "add", "sup9", "--name", "ศน.เก้า", "--role", "supervisor", "--networks", "N01,N02"])
        == 0
    )
    out = capsys.readouterr().out
    password = re.search(r"shown only this once: (\S+)", out).group(1)
    db = connect(Path(path))
    try:
        assert check_credentials(db, "sup9", password) is not None
        assert accounts.find(db, "sup9")["networks"] == ["N01", "N02"]
    finally:
        db.close()
    assert main(["user", "add", "sup9", "--name", "x", "--role", "supervisor", "--networks", "N01"]) == 1
    assert "sup9" in capsys.readouterr().err
    assert main(["user", "add", "sup10", "--name", "x", "--role", "supervisor", "--networks", "N77"]) == 1
    assert "N77" in capsys.readouterr().err
    assert main(["user", "deactivate", "sup9"]) == 0
    assert "deactivated" in capsys.readouterr().out
    db = connect(Path(path))
    try:
        assert check_credentials(db, "sup9", password) is None
    finally:
        db.close()
    assert main(["user", "deactivate", "nobody"]) == 1
