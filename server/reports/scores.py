"""The narrow per-observation table reports read: one row per current observation record, with the
fields a network summary counts (school, session, grade, learning area, teacher, minutes, snapshot
counts) and the nine element scores, out of the JSON.

Why: at 1,000,000 observations, reading 17,000 scattered JSON rows for one network and semester costs
~770 ms; the same figures from this table cost ~60 ms (bench/NOTES.md). One SQL projection defines the
row for the backfill; `row()` computes the same from the decoded answers on the write path (`write`,
which the push route hands to sync/apply.py as its `derived` rows: same transaction as the record; SQLite
3.40 re-parses the JSON for every json_extract, which cost a fifth of ingest). tests/server/test_reports.py
checks that the two agree. The table itself was created by migration m007, frozen there (ADR 0013).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlite_utils

from sync.stored import VISIT_DATE

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
        VISIT_DATE,
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


def backfill(db: sqlite_utils.Database) -> None:
    """Every current observation record (the bench's directly filled databases; m007 has its own copy)."""
    db.execute(f"DELETE FROM {TABLE}")
    db.execute(
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {PROJECTION} FROM records "
        f"WHERE form_id = 'observation' AND {VISIT_DATE} IS NOT NULL"
    )


def _minutes(start: Any, end: Any) -> int | None:
    def of(t: Any) -> int | None:
        if not isinstance(t, str) or len(t) < 5 or not (t[:2].isdigit() and t[3:5].isdigit()):
            return None
        return int(t[:2]) * 60 + int(t[3:5])

    a, b = of(start), of(end)
    return None if a is None or b is None else b - a


def row(record_id: str, network_id: str, school_code: str, answers: Mapping[str, Any]) -> list[Any] | None:
    """The row of PROJECTION, from a record's decoded answers (None when it has no visit date)."""
    if answers.get("visit_date") is None:
        return None
    snaps = [e for e in answers.get("time_on_task") or [] if isinstance(e, Mapping)]
    return [
        record_id,
        network_id,
        answers["visit_date"],
        school_code,
        answers.get("session"),
        answers.get("teacher"),
        answers.get("grade"),
        answers.get("learning_area"),
        _minutes(answers.get("start_time"), answers.get("end_time")),
        len(snaps),
        sum(1 for e in snaps if e.get("activity") == "yes"),
        sum(1 for e in snaps if e.get("off_task") == "0-1"),
        *(answers.get(name) for name in ELEMENTS),
    ]


def write(
    db: sqlite_utils.Database,
    record_id: str,
    form_id: str,
    network_id: str,
    school_code: str,
    answers: Mapping[str, Any],
    *,
    new: bool,
) -> None:
    """After a record's current revision changed: its row again (inside the caller's transaction)."""
    if not new:
        db.execute(f"DELETE FROM {TABLE} WHERE record_id = ?", [record_id])
    values = row(record_id, network_id, school_code, answers) if form_id == "observation" else None
    if values is not None:
        marks = ", ".join("?" for _ in values)
        db.execute(f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({marks})", values)
