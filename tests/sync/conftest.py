"""A fresh database with the demo reference data, and personas as Actors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from forms.loader import builtin_forms
from server import demo
from server.auth import actor_for_user
from server.db import connect
from server.migrations import apply as migrate
from server.reference import load_forms, publish_form
from sync.scope import Actor


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seed.db"
    db = connect(path)
    with db.atomic():
        migrate(db)
        for form in builtin_forms():
            publish_form(db, form)
        demo.seed(db, dt.date(2026, 11, 20))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def fresh_db(seeded_template: Path, tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    path = tmp_path / "nithet.db"
    path.write_bytes(seeded_template.read_bytes())
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def forms(fresh_db: sqlite_utils.Database):  # type: ignore[no-untyped-def]
    catalog = load_forms(fresh_db)
    return lambda form_id, version: catalog.get((form_id, version))


def persona(db: sqlite_utils.Database, username: str) -> Actor:
    row = db.execute("SELECT id, username, display_name, role FROM users WHERE username = ?", [username]).fetchone()
    return actor_for_user(db, row)
