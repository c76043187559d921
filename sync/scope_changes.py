"""Scope changes reach the tablet: a pull names the scope it was made for (a token of the user's role,
networks and the area office's removal count); when the tablet's token is not the current one, its next
pull starts again from the beginning with `reset` set, and the tablet drops everything it pulled before
(never its unsent records) and keeps what the new pages bring.

What changes the token: the user's networks or role (an admin's edit, a users import), and any removal
that a change feed of upserts cannot carry — reference rows deleted by an undone import, a record moved to
another network. Those are rare, so a full pull again is the simple, always-correct answer."""

from __future__ import annotations

import hashlib

import sqlite_utils

from core.actor import Actor

#: The counters row counting removals (created on first use).
REMOVALS = "removals"


def scope_token(db: sqlite_utils.Database, actor: Actor) -> str:
    row = db.execute("SELECT value FROM counters WHERE name = ?", [REMOVALS]).fetchone()
    basis = f"{actor.id}|{actor.role}|{','.join(sorted(actor.network_ids))}|{row[0] if row else 0}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def note_removal(db: sqlite_utils.Database) -> None:
    """Rows left some user's scope in a way pulls cannot express: every tablet pulls its scope again."""
    db.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
        [REMOVALS],
    )
