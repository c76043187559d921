"""Shared fixtures: a real, migrated SQLite file per test, and the demo data's personas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlite_utils

from server.auth import actor_for_user
from server.db import connect
from server.demo import seed
from server.migrations import apply as migrate
from sync.scope import Actor

#: A Monday in semester 1 of academic year 2568; the demo plans its week of visits from it.
DEMO_TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def fresh_db(tmp_path) -> Iterator[sqlite_utils.Database]:
    db = connect(tmp_path / "nithet.db")
    migrate(db)
    yield db
    db.close()


@pytest.fixture
def demo_db(fresh_db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The demo area office: 19 networks, 243 schools; admin, supervisor1 (N01, N02), secretary1 (N01)…"""
    with fresh_db.atomic():
        seed(fresh_db, DEMO_TODAY)
    return fresh_db


def persona(db: sqlite_utils.Database, username: str) -> Actor:
    row = db.execute(
        "SELECT id, username, display_name, role FROM users WHERE username = ?", [username]
    ).fetchone()
    return actor_for_user(db, row)
