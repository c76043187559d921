"""Report work off the sync path: the CPU-heavy reports (themes, XLSX and CSV exports, PDFs) run in a small
pool of worker processes, never in the server process where the writer thread and the event loop answer
the tablets. With threads they would share one GIL with the writer; in their own processes they share
nothing but the database file (each worker reads it through its own connection, WAL lets it read while
the writer commits).

Each worker runs at the lowest CPU priority, so when the cores are busy a push goes before a secretary's
export, and keeps what is costly to load for the life of the process (PyThaiNLP's dictionary, WeasyPrint's
fonts: `functools.cache` in the report modules), loaded when it starts."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: How much lower than the server's the workers' CPU priority is (`nice`): the lowest, sync comes first.
NICENESS = 19

_conn: Any = None
#: A page in the print fonts: rendering it once decodes the fonts into the worker's font configuration.
WARM_HTML = (
    '<link rel="stylesheet" href="/static/css/fonts-print.css"><p style="font-family: Sarabun Thai, '
    'Sarabun Latin">ศึกษานิเทศก์ <b>2568</b></p>'
)


def _start(db_path: str) -> None:
    global _conn
    os.nice(NICENESS)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    from server.db import connect
    from server.reports import pdf, themes

    _conn = connect(db_path)
    # What is costly once per process, paid when the worker starts rather than by a secretary's report.
    themes.words("ครูใช้สื่อ")
    pdf.render(WARM_HTML)


def _exit_with(server_pid: int) -> None:
    """A worker never outlives its server, however the server ended (SIGKILL included)."""
    while os.getppid() == server_pid:
        time.sleep(1)
    os._exit(0)


def _read(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    return fn(_conn, *args)


def _run(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    return fn(*args)


class ReportWorkers:
    """Started on the first report, so a server nobody asks for a report never pays for the processes.
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

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
