"""`python -m server backup PATH` while the server serves and writes; `restore PATH` only when stopped,
and only from a backup that passes its integrity check."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import PASSWORD, ROOT, LiveServer
from tests.factories import batch, record


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NITHET_DB": str(db), "PYTHONPATH": str(ROOT), "NITHET_DEMO_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def consistent(db: Path) -> tuple[int, int]:
    """(records, records whose current revision is missing): a torn copy would show the second > 0."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        torn = conn.execute(
            "SELECT count(*) FROM records r WHERE NOT EXISTS "
            "(SELECT 1 FROM revisions v WHERE v.record_id = r.id AND v.rev = r.rev)"
        ).fetchone()[0]
    return records, torn


def test_backup_while_writing_then_restore_into_a_stopped_server(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "live" / "nithet.db")
    server.db_path.parent.mkdir()
    server.start()
    try:
        client = server.client("supervisor1")
        photo = b"\xff\xd8\xff\xe0" + os.urandom(5000)
        sha = hashlib.sha256(photo).hexdigest()
        assert client.put(
            f"/api/attachments/{sha}", content=photo, headers={"content-type": "image/jpeg"}
        ).is_success
        stop = threading.Event()
        pushed: list[str] = []

        def keep_pushing() -> None:
            with server.client("team1") as tablet:
                while not stop.is_set():
                    records = [record() for _ in range(10)]
                    r = tablet.post("/api/sync/push", json=batch(*records))
                    assert r.status_code == 200
                    pushed.extend(x["id"] for x in records)

        writer = threading.Thread(target=keep_pushing)
        writer.start()
        try:
            while len(pushed) < 30:
                stop.wait(0.05)
            done = cli(server.db_path, "backup", str(tmp_path / "backup"))
        finally:
            stop.set()
            writer.join()
        assert done.returncode == 0, done.stderr
        records, torn = consistent(tmp_path / "backup" / "nithet.db")
        assert 30 <= records <= len(pushed) and torn == 0
        assert (tmp_path / "backup" / "attachments" / sha[:2] / sha).read_bytes() == photo
        assert "records" in (tmp_path / "backup" / "backup.json").read_text()

        # A second backup into the same folder is refused; a restore while the server runs is refused.
        assert cli(server.db_path, "backup", str(tmp_path / "backup")).returncode == 1
        refused = cli(server.db_path, "restore", str(tmp_path / "backup"))
        assert refused.returncode == 1 and "Stop the server first" in refused.stderr
    finally:
        server.stop()

    # Restore onto a new machine (an empty folder), start the server there: the records and photo are back.
    target = tmp_path / "new" / "nithet.db"
    restored = cli(target, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert consistent(target) == (records, 0)
    again = LiveServer(target).start()
    try:
        with again.client("supervisor1") as client:
            assert len(client.get("/api/sync/pull").json()["records"]) == records
            assert client.get(f"/api/attachments/{sha}").content == photo
    finally:
        again.stop()


def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "nithet.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + os.urandom(4000))
    target = tmp_path / "live" / "nithet.db"
    done = cli(target, "restore", str(folder))
    assert done.returncode == 1 and "nothing was restored" in done.stderr
    assert not target.exists()
