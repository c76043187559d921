"""A locked database or a full disk: the server answers 503 with Retry-After, quickly, and writes nothing
of the batch; once the lock is gone or space is free, the same batch is stored exactly once."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.config import Settings
from tests.conftest import PASSWORD
from tests.factories import batch, observation_answers, record


def in_process(db: Path, **settings: Any) -> Iterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(Settings(db_path=db, secret_key="s" * 48, **settings))
    with TestClient(app) as client:
        client.get("/login")
        token = client.cookies["csrftoken"]
        r = client.post(
            "/login",
            data={"username": "supervisor1", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the session's own token
        yield client


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    path.write_bytes(demo_template.read_bytes())
    return path


def stored(db: Path, ids: list[str]) -> int:
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" for _ in ids)
        return int(conn.execute(f"SELECT count(*) FROM records WHERE id IN ({marks})", ids).fetchone()[0])


def test_a_locked_database_answers_503_quickly_and_the_retry_stores_once(demo_copy: Path) -> None:
    for client in in_process(demo_copy, busy_timeout_ms=300):
        records = [record() for _ in range(5)]
        ids = [r["id"] for r in records]
        locker = sqlite3.connect(demo_copy, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock (e.g. a long script)
        try:
            started = time.monotonic()
            r = client.post("/api/sync/push", json=batch(*records))
            assert time.monotonic() - started < 3
            assert (r.status_code, r.json()["code"]) == (503, "server_busy")
            assert r.headers["retry-after"] == "30"
            assert r.headers["content-type"].startswith("application/problem+json")
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert stored(demo_copy, ids) == 0
        again = client.post("/api/sync/push", json=batch(*records))
        assert [x["status"] for x in again.json()["receipts"]] == ["stored"] * 5
        assert stored(demo_copy, ids) == 5


def test_a_full_disk_answers_503_storage_full_and_writes_nothing_of_the_batch(demo_copy: Path) -> None:
    with sqlite3.connect(demo_copy) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    # Room for the login's session row and little more: a batch of big records cannot fit.
    for client in in_process(demo_copy, max_db_pages=pages + 3):
        long_text = "ครูใช้คำถามกระตุ้นให้นักเรียนคิด " * 60
        records = [record(observation_answers(strengths=long_text)) for _ in range(60)]
        ids = [r["id"] for r in records]
        r = client.post("/api/sync/push", json=batch(*records))
        assert (r.status_code, r.json()["code"]) == (503, "storage_full"), r.text
        assert r.headers["retry-after"] == "30"
        assert stored(demo_copy, ids) == 0  # no partial write: the whole batch rolled back
        # The server still works: reads answer, and a small record fits.
        assert client.get("/api/sync/pull").status_code == 200
    for client in in_process(demo_copy):  # space freed (no cap): the same batch is stored, once
        again = client.post("/api/sync/push", json=batch(*records))
        assert {x["status"] for x in again.json()["receipts"]} == {"stored"}
        assert stored(demo_copy, ids) == 60
        with sqlite3.connect(demo_copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_full_disk_when_storing_a_photo_answers_storage_full(demo_copy: Path, monkeypatch) -> None:
    import errno

    import sync.attachments

    def no_space(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sync.attachments.os, "replace", no_space)
    import hashlib

    photo = b"\xff\xd8\xff\xe0" + b"x" * 1000
    sha = hashlib.sha256(photo).hexdigest()
    for client in in_process(demo_copy):
        r = client.put(f"/api/attachments/{sha}", content=photo, headers={"content-type": "image/jpeg"})
        assert (r.status_code, r.json()["code"]) == (503, "storage_full")
        assert r.headers["retry-after"] == "30"
