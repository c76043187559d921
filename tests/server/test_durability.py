"""A server killed (SIGKILL) in the middle of concurrent pushes: every acknowledged record is there after
restart, exactly once, and the tablets' retries add no duplicates."""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx
import pytest

from tests.conftest import LiveServer
from tests.factories import batch, record


@pytest.mark.parametrize(
    ("names", "kill_after"),
    [
        (("supervisor1", "team1", "secretary1"), 100),
        # More tablets, killed later (an admin's laptop pushing too).
        (("supervisor1", "team1", "secretary1", "admin"), 500),
    ],
)
def test_acknowledged_records_survive_a_kill_and_retries_add_no_duplicates(tmp_path, names, kill_after):
    server = LiveServer(tmp_path / "nithet.db").start()
    tablets = {name: [record() for _ in range(300)] for name in names}
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()

    clients = {name: server.client(name) for name in tablets}  # logged in before any push starts

    def tablet(name: str) -> None:
        client = clients[name]
        records = tablets[name]
        for i in range(0, len(records), 20):
            try:
                r = client.post(
                    "/api/sync/push", json=batch(*records[i : i + 20], device_id=f"tablet-{name}")
                )
            except httpx.HTTPError:
                return  # the connection dropped: the tablet keeps its records and retries later
            if r.status_code != 200:
                return
            with lock:
                for receipt in r.json()["receipts"]:
                    assert receipt["status"] == "stored", receipt
                    acknowledged[receipt["id"]] = receipt["rev"]

    threads = [threading.Thread(target=tablet, args=(name,)) for name in tablets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < kill_after and time.monotonic() < deadline:
        time.sleep(0.005)
    server.kill()
    for t in threads:
        t.join(timeout=60)
    total = sum(len(v) for v in tablets.values())
    assert kill_after <= len(acknowledged) < total, "the kill must land in the middle of the pushes"

    # After the restart every acknowledged record is there, with the acknowledged revision.
    with sqlite3.connect(server.db_path) as db:
        stored = dict(db.execute("SELECT id, rev FROM records").fetchall())
    assert {rid: stored.get(rid) for rid in acknowledged} == acknowledged

    # Every tablet retries everything it has not seen acknowledged (and, to be harsh, everything).
    server.start()
    try:
        for name, records in tablets.items():
            client = server.client(name)
            for i in range(0, len(records), 50):
                r = client.post(
                    "/api/sync/push", json=batch(*records[i : i + 50], device_id=f"tablet-{name}")
                )
                for receipt in r.json()["receipts"]:
                    expected = {"duplicate"} if receipt["id"] in acknowledged else {"stored", "duplicate"}
                    assert receipt["status"] in expected, receipt
        with sqlite3.connect(server.db_path) as db:
            assert db.execute("SELECT count(*), count(DISTINCT id) FROM records").fetchone() == (total, total)
            assert db.execute("SELECT count(*) FROM revisions").fetchone() == (total,)
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        server.stop()
