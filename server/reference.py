"""Reference data writes: every row that tablets pull gets a fresh change number."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import msgspec
import sqlite_utils

from core.sequences import next_seq
from forms.model import FormDef


def upsert(
    db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]], pk: str | tuple[str, ...]
) -> int:
    """Upsert rows, each with a new `seq`, JSON-encoding list values. Returns how many."""
    batch = []
    for row in rows:
        encoded = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()}
        batch.append({**encoded, "seq": next_seq(db)})
    if batch:
        db.table(table).upsert_all(batch, pk=pk)
    return len(batch)


def publish_form(db: sqlite_utils.Database, form: FormDef) -> bool:
    """Publish a form version once; an existing version is never changed. True when newly published."""
    exists = db.execute(
        "SELECT 1 FROM form_versions WHERE form_id = ? AND version = ?", [form.id, form.version]
    ).fetchone()
    if exists:
        return False
    upsert(
        db,
        "form_versions",
        [
            {
                "form_id": form.id,
                "version": form.version,
                "title": form.title.th,
                "definition": msgspec.json.encode(form).decode(),
                "published_at": dt.datetime.now(dt.UTC).isoformat(),
            }
        ],
        pk=("form_id", "version"),
    )
    return True


def load_forms(db: sqlite_utils.Database) -> dict[tuple[str, int], FormDef]:
    return {
        (form_id, version): msgspec.json.decode(definition, type=FormDef)
        for form_id, version, definition in db.execute(
            "SELECT form_id, version, definition FROM form_versions"
        )
    }
