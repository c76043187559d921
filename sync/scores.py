"""The narrow per-observation table reports read: one row per current observation record, with the
fields a network summary counts (school, session, grade, learning area, teacher, minutes, snapshot
counts) and the nine element scores, out of the JSON.

Why: at 1,000,000 observations, reading 17,000 scattered JSON rows for one network and semester costs
~770 ms; the same figures from this table cost ~60 ms (bench/NOTES.md). One SQL projection defines the
row, used both by the migration's backfill and by the write path (sync/apply.py, same transaction as
the record), so the two can never disagree.
"""

from __future__ import annotations

import sqlite_utils

TABLE = "observation_scores"
ELEMENTS = (
    "positive_climate",
    "behaviour_expectations",
    "lesson_facilitation",
    "checks_for_understanding",
    "feedback",
    "critical_thinking",
    "autonomy",
    "perseverance",
    "social_collaboration",
)
_MINUTES = (
    "(CAST(substr(json_extract(answers, '$.end_time'), 1, 2) AS INTEGER) * 60"
    " + CAST(substr(json_extract(answers, '$.end_time'), 4, 2) AS INTEGER))"
    " - (CAST(substr(json_extract(answers, '$.start_time'), 1, 2) AS INTEGER) * 60"
    " + CAST(substr(json_extract(answers, '$.start_time'), 4, 2) AS INTEGER))"
)
_SNAPS = "(SELECT count(*) FROM json_each(answers, '$.time_on_task'){})"
COLUMNS = (
    "record_id, network_id, visit_date, school_code, session, teacher_id, grade, learning_area, "
    "minutes, snapshots, snap_activity, snap_on_task, " + ", ".join(ELEMENTS)
)
PROJECTION = ", ".join(
    [
        "id",
        "network_id",
        "json_extract(answers, '$.visit_date')",
        "school_code",
        "json_extract(answers, '$.session')",
        "json_extract(answers, '$.teacher')",
        "json_extract(answers, '$.grade')",
        "json_extract(answers, '$.learning_area')",
        _MINUTES,
        _SNAPS.format(""),
        _SNAPS.format(" WHERE json_extract(value, '$.activity') = 'yes'"),
        _SNAPS.format(" WHERE json_extract(value, '$.off_task') = '0-1'"),
        *(f"json_extract(answers, '$.{name}')" for name in ELEMENTS),
    ]
)


def create(db: sqlite_utils.Database) -> None:
    scores = ", ".join(f"{name} INTEGER" for name in ELEMENTS)
    db.execute(
        f"CREATE TABLE {TABLE} (record_id TEXT NOT NULL, network_id TEXT NOT NULL, visit_date TEXT NOT NULL, "
        "school_code TEXT NOT NULL, session TEXT, teacher_id TEXT, grade TEXT, learning_area TEXT, "
        f"minutes INTEGER, snapshots INTEGER, snap_activity INTEGER, snap_on_task INTEGER, {scores}, "
        "PRIMARY KEY (network_id, visit_date, record_id)) WITHOUT ROWID"
    )
    db.execute(f"CREATE UNIQUE INDEX idx_{TABLE}_record ON {TABLE} (record_id)")


def backfill(db: sqlite_utils.Database) -> None:
    """Every current observation record (the migration, and the bench's directly filled databases)."""
    db.execute(f"DELETE FROM {TABLE}")
    db.execute(
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {PROJECTION} FROM records "
        "WHERE form_id = 'observation' AND json_extract(answers, '$.visit_date') IS NOT NULL"
    )


def write(db: sqlite_utils.Database, record_id: str) -> None:
    """After a record's current revision changed: its row again (inside the caller's transaction)."""
    db.execute(f"DELETE FROM {TABLE} WHERE record_id = ?", [record_id])
    db.execute(
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {PROJECTION} FROM records "
        "WHERE id = ? AND form_id = 'observation' AND json_extract(answers, '$.visit_date') IS NOT NULL",
        [record_id],
    )
