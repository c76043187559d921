"""Work that must not hold up anyone else: run off the event loop, in a worker thread, with a time limit.

A long loop in that work (reading an uploaded spreadsheet, checking it) calls `check_time()` now and then;
past the limit it raises `TooSlow` and the work stops. Should the work not reach a check in time, the
request is answered with `TooSlow` anyway when the limit (plus a grace second) is over, and the thread is
left to finish on its own. Either way sync and pages keep answering: the event loop never runs the work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
#: (when the work must stop, its time limit in seconds) while `in_worker` runs it in this thread.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("deadline", default=None)


class TooSlow(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"stopped after {seconds:g} s")


def check_time() -> None:
    """Raise `TooSlow` when the work this thread runs for `in_worker` is past its time limit."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise TooSlow(deadline[1])


async def in_worker(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """`fn(*args)` in a worker thread, answered within `seconds` (plus one of grace) or `TooSlow`."""

    def bounded() -> T:
        token = _deadline.set((time.monotonic() + seconds, seconds))
        try:
            return fn(*args)
        finally:
            _deadline.reset(token)

    try:
        with anyio.fail_after(seconds + 1):
            return await anyio.to_thread.run_sync(bounded, abandon_on_cancel=True)
    except TimeoutError:
        raise TooSlow(seconds) from None
