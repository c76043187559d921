"""The one schema ledger: each change is a decorated function, applied once, in its own transaction, in the
order of its number. The functions live by decade of their numbers (`m00x.py`: m001–m009, `m01x.py`: m010–m019,
`m02x.py`: m020–m029; a new migration goes at the end of the last one). A migration freezes the shapes it
creates: these modules import only the standard library, sqlite-utils and the ledger (tests/test_layers.py)."""

from __future__ import annotations

import sqlite_utils

from server.migrations import m00x, m01x, m02x
from server.migrations.ledger import migrations

__all__ = ["apply", "m00x", "m01x", "m02x", "migrations"]


def apply(db: sqlite_utils.Database) -> None:
    migrations.apply(db)
