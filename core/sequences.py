"""The global change sequence that the tablets' pull cursors follow."""

from __future__ import annotations

import sqlite_utils


def next_seq(db: sqlite_utils.Database) -> int:
    """The next number of the change sequence (inside the caller's write transaction)."""
    row = db.execute("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value").fetchone()
    return int(row[0])
