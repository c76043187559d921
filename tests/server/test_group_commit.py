"""Group commit (server/db.py): writes that queue up while the writer is busy commit together, each in its
own savepoint — one that fails is rolled back alone and its caller gets the error; the others are stored."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlite_utils

from server.db import Database, connect


def _insert(db: sqlite_utils.Database, n: int) -> int:
    db.execute("INSERT INTO t (n) VALUES (?)", [n])
    if n == 3:
        raise ValueError("record 3 is bad")  # after its own insert: that insert must not survive
    return n


def _database(path: Path) -> Database:
    """A database file with one table, `t (n)`, behind the server's write path."""
    setup = connect(path)
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    return Database(path)


def _stored(path: Path) -> list[int]:
    check = connect(path)
    try:
        return [r[0] for r in check.execute("SELECT n FROM t ORDER BY n")]
    finally:
        check.close()


def test_queued_writes_commit_together_and_a_failing_one_alone_is_rolled_back(tmp_path: Path):
    path = tmp_path / "group.db"
    database = _database(path)
    gate, busy = threading.Event(), threading.Event()

    def hold(db: sqlite_utils.Database) -> None:
        busy.set()
        gate.wait(10)  # the writer is busy: the next writes queue up behind it

    def outcome(n: int) -> object:
        try:
            return database.write_sync(_insert, n)
        except ValueError as exc:
            return exc

    try:
        with ThreadPoolExecutor(6) as callers:  # six tablets' requests, each waiting for its answer
            first = callers.submit(database.write_sync, hold)
            assert busy.wait(10)
            queued = [callers.submit(outcome, n) for n in range(1, 6)]
            time.sleep(0.05)
            assert not any(f.done() for f in queued)  # nobody is answered before the commit that holds them
            gate.set()
            first.result(10)
            results = [f.result(10) for f in queued]
    finally:
        gate.set()
        database.close()
    assert results[:2] == [1, 2] and results[3:] == [4, 5]
    assert isinstance(results[2], ValueError)
    assert _stored(path) == [1, 2, 4, 5]


def test_a_write_error_reaches_its_caller_and_nothing_of_it_is_stored(tmp_path: Path):
    path = tmp_path / "one.db"
    database = _database(path)
    try:
        with pytest.raises(ValueError):
            database.write_sync(_insert, 3)
        assert database.write_sync(_insert, 7) == 7
    finally:
        database.close()
    assert _stored(path) == [7]
