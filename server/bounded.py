"""Work that must not hold up anyone else: run in a report worker process (server/workers.py), with a time
limit.

A long loop in that work (reading an uploaded spreadsheet, checking it) calls `check_time()` now and then;
past the limit it raises `TooSlow` and the work stops. Should the work not reach a check in time, the
request is answered with `TooSlow` anyway when the limit (plus a grace second) is over, and the worker is
left to finish on its own. The work has a process of its own, and so a GIL of its own: the event loop and the
writer that answer the tablets never wait for it (in a thread of the server process, checking a 20,000-row
spreadsheet held a push back 0.3–1 s).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from server.workers import Workers

T = TypeVar("T")
#: (when the work must stop, its time limit in seconds) while `in_worker` runs it in this process.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("deadline", default=None)


class TooSlow(Exception):
    def __init__(self, seconds: float):
        super().__init__(seconds)  # the args a worker's exception is rebuilt from in the server process
        self.seconds = seconds

    def __str__(self) -> str:
        return f"stopped after {self.seconds:g} s"


def check_time() -> None:
    """Raise `TooSlow` when the work this process runs for `in_worker` is past its time limit."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise TooSlow(deadline[1])


def _bounded(conn: Any, fn: Callable[..., T], seconds: float, args: tuple[Any, ...]) -> T:
    """In the worker: `fn(conn, *args)` with its deadline set."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        return fn(conn, *args)
    finally:
        _deadline.reset(token)


async def in_worker(workers: Workers, fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """`fn(connection, *args)` in a worker of `workers`, with the worker's read connection, answered within
    `seconds` (plus one of grace) or `TooSlow`. `fn` and `args` go to the worker by pickle."""
    try:
        return await asyncio.wait_for(workers.read(_bounded, fn, seconds, args), seconds + 1)
    except TimeoutError:
        raise TooSlow(seconds) from None
