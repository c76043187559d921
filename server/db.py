"""The database: one SQLite file, one writer thread (the only write path), readers per thread."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import sqlite_utils

from server.workers import Workers

T = TypeVar("T")

PRAGMAS = (
    # Before anything is written (a no-op on an existing file): a record's row (~2.4 KB: the answers' JSON
    # and their packed long texts, sync/stored.py) fits one to a 4 KB page, wasting the rest; 16 KB pages
    # hold six. 4.2 KB of database per observation instead of 5.6 (bench/NOTES.md).
    "PRAGMA page_size=16384",
    "PRAGMA journal_mode=WAL",
    # FULL: a commit is on disk before we acknowledge it, even if the machine loses power.
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)
#: How long a statement waits for a lock another process holds (a backup, the CLI) before it gives up and
#: the client is answered 503 `server_busy` with Retry-After; our own writes never wait (one writer thread).
BUSY_TIMEOUT_MS = 5000
#: The writer's page cache (SQLite's default is 2 MiB): a push inserts into a dozen indexes of the records,
#: revisions and report tables, and with the default the pages they land on are read again for every batch
#: once the tables outgrow it. Only the writer's: it is the one connection whose cache no other writes
#: invalidate.
WRITER_CACHE_KIB = 64 * 1024


def connect(path: Path | str, *, busy_ms: int = BUSY_TIMEOUT_MS, max_pages: int = 0) -> sqlite_utils.Database:
    """`max_pages` caps the file size (test-only: a full disk without filling one)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    if max_pages:
        conn.execute(f"PRAGMA max_page_count={int(max_pages)}")
    return sqlite_utils.Database(conn)


class Database:
    """Every write goes through `write`, run one at a time on a single connection in a single thread:
    no 'database is locked' between our own writers, and an answer returned from `write` means the
    transaction holding it has committed.

    Group commit: the writes that queue up while the writer is busy (an fsync'd commit takes a while) are
    run together in one transaction, each in its own savepoint — a write that fails is rolled back alone
    and its caller gets the error; the others commit with one fsync, and only then is anyone answered."""

    def __init__(
        self,
        path: Path | str,
        *,
        busy_ms: int = BUSY_TIMEOUT_MS,
        max_pages: int = 0,
        report_workers: int = 2,
        ingest_workers: int = 0,
    ):
        self.path = Path(path)
        self.busy_ms, self.max_pages = busy_ms, max_pages
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nithet-writer")
        self._writer_db: sqlite_utils.Database | None = None
        self._local = threading.local()
        self._queue: list[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]]] = []
        self._queue_lock = threading.Lock()
        #: CPU-heavy reports run here, in other processes, off the sync path (server/workers.py).
        self.reports = Workers(self.path, report_workers)
        #: Pushed records are prepared here before the writer (sync/prepare.py); 0: by the writer itself.
        self.ingest = Workers(self.path, ingest_workers) if ingest_workers > 0 else None

    def _submit(self, fn: Callable[..., T], args: tuple[Any, ...]) -> Future[T]:
        future: Future[T] = Future()
        with self._queue_lock:
            self._queue.append((fn, args, future))
            first = len(self._queue) == 1
        if first:  # otherwise a group already scheduled will take this write too
            self._writer.submit(self._run_group)
        return future

    def _run_group(self) -> None:
        with self._queue_lock:
            group, self._queue = self._queue, []
        if not group:
            return
        if self._writer_db is None:
            self._writer_db = connect(self.path, busy_ms=self.busy_ms, max_pages=self.max_pages)
            self._writer_db.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
        conn = self._writer_db.conn
        outcomes: list[tuple[bool, Any]] = []
        try:
            # IMMEDIATE: take the write lock first, so a lock held by another process is waited for (up to
            # the busy timeout) instead of failing half-way; `atomic()` inside a write nests as savepoints.
            conn.execute("BEGIN IMMEDIATE")
            for fn, args, _future in group:
                conn.execute("SAVEPOINT group_write")
                try:
                    outcomes.append((True, fn(self._writer_db, *args)))
                    conn.execute("RELEASE group_write")
                except BaseException as exc:
                    if not conn.in_transaction:  # SQLite rolled back the whole group (disk full, I/O error)
                        raise
                    conn.execute("ROLLBACK TO group_write")
                    conn.execute("RELEASE group_write")
                    outcomes.append((False, exc))
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            for _fn, _args, future in group:
                future.set_exception(exc)
            return
        for (ok, value), (_fn, _args, future) in zip(outcomes, group, strict=True):
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        call = functools.partial(fn, **kwargs) if kwargs else fn
        return await asyncio.wrap_future(self._submit(call, args))

    def write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """The same write path, for the CLI and start-up (no event loop)."""
        return self._submit(fn, args).result()

    def reader(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path, busy_ms=self.busy_ms)
        return db

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(lambda: fn(self.reader(), *args, **kwargs))

    def close(self) -> None:
        def _close() -> None:
            if self._writer_db is not None:
                self._writer_db.close()
                self._writer_db = None

        self._writer.submit(_close).result()
        self._writer.shutdown(wait=True)
        self.reports.close()
        if self.ingest is not None:
            self.ingest.close()
