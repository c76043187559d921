"""The database: one SQLite file, one writer thread (the only write path), readers per thread."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import sqlite_utils

T = TypeVar("T")

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: a commit is on disk before we acknowledge it, even if the machine loses power.
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def connect(path: Path | str) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return sqlite_utils.Database(conn)


class Database:
    """Every write goes through `write`, run one at a time on a single connection in a single thread,
    each inside one transaction: no 'database is locked' between our own writers, and an answer
    returned from `write` means the transaction has committed."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nithet-writer")
        self._writer_db: sqlite_utils.Database | None = None
        self._local = threading.local()

    def _run_write(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._writer_db is None:
            self._writer_db = connect(self.path)
        db = self._writer_db
        with db.atomic():
            return fn(db, *args)

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        call = functools.partial(fn, **kwargs) if kwargs else fn
        return await loop.run_in_executor(self._writer, self._run_write, call, args)

    def write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """The same write path, for the CLI and start-up (no event loop)."""
        return self._writer.submit(self._run_write, fn, args).result()

    def reader(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
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
