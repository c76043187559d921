"""The one schema ledger: every migration function is registered, in order, and applies once."""

from __future__ import annotations

import re
from pathlib import Path

from server import migrations


def test_every_migration_function_is_in_the_ledger_in_order():
    folder = Path(migrations.__file__).parent
    source = "".join((folder / f"{part}.py").read_text() for part in ("m00x", "m01x", "m02x"))
    defined = re.findall(r"^def (m\d{3}_\w+)\(", source, flags=re.M)
    registered = [m.name for m in migrations.migrations._migrations]
    assert registered == defined
    numbers = [int(name[1:4]) for name in registered]
    assert numbers == list(range(1, len(numbers) + 1))  # 1, 2, 3…: in order, each number once, no gap


def test_migrating_twice_changes_nothing(fresh_db):
    schema = fresh_db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    migrations.apply(fresh_db)
    assert fresh_db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert not migrations.migrations.pending(fresh_db)
