"""Work off the sync path. The CPU-heavy reports (themes, XLSX and CSV exports, PDFs) run in a small
pool of worker processes, never in the server process where the writer thread and the event loop answer
the tablets. With threads they would share one GIL with the writer; in their own processes they share
nothing but the database file (each worker reads it through its own connection, WAL lets it read while
the writer commits).

There is one worker fewer than there are cores (at least one, at most two): one core is left to the
server process (the event loop and the writer, which hold one GIL and so use about one core). Their CPU
priority is not lowered: on a machine busy with other work that starved the reports (a summary PDF took
41 s instead of 15 s). A worker keeps what is costly to load for the life of the process (PyThaiNLP's
dictionary, WeasyPrint's fonts: `functools.cache` in the report modules), loaded by its first report that
needs it.

A second pool prepares pushed records before the writer (sync/prepare.py: decode, clean, normalise,
validate, hash), a batch split over its workers, so the server process's one GIL is left with the lookups,
inserts and the commit. It has its own processes: a push never waits behind a report."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_conn: Any = None


def _start(db_path: str) -> None:
    global _conn
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    from server.db import connect

    _conn = connect(db_path)


def _exit_with(server_pid: int) -> None:
    """A worker never outlives its server, however the server ended (SIGKILL included)."""
    while os.getppid() == server_pid:
        time.sleep(1)
    os._exit(0)


def _read(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    return fn(_conn, *args)


def _run(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    return fn(*args)


class Workers:
    """Started on first use, so a server nobody asks for a report never pays for the processes.
    `spawn`, not `fork`: the server process has threads (the writer, the readers) that a fork would copy
    in whatever state they were in."""

    def __init__(self, db_path: Path, workers: int):
        self.db_path, self.workers = db_path, max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(str(self.db_path),),
            )
            for _ in range(self.workers):  # start every worker now, not one per report later
                self._pool.submit(_run, int, ())
        return self._pool

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(connection, *args)` in a worker, with the worker's own read connection."""
        return await asyncio.get_running_loop().run_in_executor(self._executor(), _read, fn, args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker (work that needs no database, e.g. HTML to PDF)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor(), _run, fn, args)

    async def map(self, fn: Callable[..., list[T]], items: list[Any], *args: Any) -> list[T]:
        """`fn(connection, chunk, *args)` over `items` cut into one chunk per worker, run side by side, each
        with its worker's read connection; the results joined in order. A pool whose worker died is
        replaced for the next call (this one raises)."""
        size = -(-len(items) // self.workers)
        loop = asyncio.get_running_loop()
        try:
            parts = await asyncio.gather(
                *(
                    loop.run_in_executor(self._executor(), _read, fn, (items[i : i + size], *args))
                    for i in range(0, len(items), size)
                )
            )
        except BrokenProcessPool:
            self.close()
            raise
        return [result for part in parts for result in part]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
