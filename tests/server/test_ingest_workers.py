"""Pushed records are prepared (decoded, cleaned, normalised, validated, hashed) in the ingest worker
processes before the writer (sync/prepare.py, server/workers.py). The answers are the same as when the
writer prepares them itself, a poison record is still its own receipt, and a worker that dies loses
nothing: the writer prepares that batch, and a new pool takes the next."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import LiveServer
from tests.factories import SCHOOL_N03, TEACHER_N01, TEACHER_N03, batch, observation_answers, record
from tests.server.test_reports_off_sync import children


def workers(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    return [c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _mixed() -> list[Any]:
    """A batch with every outcome a record can have in it, valid ones around them."""
    invalid = observation_answers(present=30)  # more pupils present than enrolled
    records: list[Any] = [record() for _ in range(12)]
    records[1:1] = [
        record(invalid),
        record(form_id="nosuch"),
        record(observation_answers(school=SCHOOL_N03, teacher=TEACHER_N03)),
        record(observation_answers(teacher=TEACHER_N03)),
        record(observation_answers(topic="  ก\u0e33  \u200b", teacher=TEACHER_N01)),  # text to clean
        {"id": "not-a-uuid", "rev": "r-1"},
        "not an object",
    ]
    return records


def _push(server: LiveServer, records: list[Any]) -> list[dict[str, Any]]:
    with server.client("supervisor1") as tablet:
        r = tablet.post("/api/sync/push", json=batch(*records, device_id="tablet-ingest-01"))
        assert r.status_code == 200, r.text
        receipts: list[dict[str, Any]] = r.json()["receipts"]
        return receipts


def _stored(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT id, rev, content_hash, answers, texts FROM records ORDER BY id"
        ).fetchall()


def test_workers_and_the_writer_answer_a_batch_alike(tmp_path: Path):
    records = _mixed()
    results = {}
    for count in ("2", "0"):
        server = LiveServer(tmp_path / count / "nithet.db", env={"NITHET_INGEST_WORKERS": count})
        server.db_path.parent.mkdir()
        server.start()
        try:
            first, replay = _push(server, records), _push(server, records)
            assert server.proc is not None
            helpers = workers(server.proc.pid)
        finally:
            server.stop()
        results[count] = (first, replay, _stored(server.db_path), len(helpers))
    first, replay, stored, helpers = results["2"]
    assert helpers == 2 and results["0"][3] == 0  # the batch went through the workers, or not at all
    assert (first, replay, stored) == results["0"][:3]
    statuses = [(r["status"], r.get("code")) for r in first]
    assert statuses.count(("stored", None)) == 13
    assert {code for _, code in statuses} >= {
        "invalid_answers", "unknown_form", "school_out_of_scope", "unknown_teacher", "malformed_record"
    }  # fmt: skip
    assert [r["status"] for r in replay].count("duplicate") == 13
    assert len(stored) == 13


def test_a_dead_ingest_worker_loses_no_push(tmp_path: Path):
    server = LiveServer(tmp_path / "nithet.db", env={"NITHET_INGEST_WORKERS": "2"}).start()
    try:
        assert [r["status"] for r in _push(server, [record() for _ in range(10)])] == ["stored"] * 10
        assert server.proc is not None
        helpers = workers(server.proc.pid)
        assert len(helpers) == 2
        os.kill(helpers[0], signal.SIGKILL)
        # The batch in flight when the pool is found broken is prepared by the writer; the next gets a new pool.
        for _ in range(2):
            assert [r["status"] for r in _push(server, [record() for _ in range(10)])] == ["stored"] * 10
        assert len(workers(server.proc.pid)) == 2 and helpers[0] not in workers(server.proc.pid)
    finally:
        server.stop()
    assert len(_stored(server.db_path)) == 30
