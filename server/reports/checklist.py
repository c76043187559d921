"""The narrow table of an observation's checklist answers the area report counts: one row per ticked
Active Learning item and one for the multigrade answer (`field`, `value`), keyed by network and visit date.

Why: the area report counted them by decoding every observation's JSON of the period — ~470 ms of its
~600 ms at 100,000 observations for the whole area, uncached (bench/chain.py); from this table it is one
GROUP BY per network on an index. Written with the record through server/reports/derived.py (same transaction, like
server/reports/scores.py); m022_observation_checklist in server/migrations/m02x.py backfills existing records with its own
frozen SQL, and tests/server/test_area_checklist.py checks that the two agree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlite_utils

TABLE = "observation_checklist"
#: The observation's answers kept here: a multiple choice (a row per value) or a single answer.
FIELDS = ("active_learning", "multigrade")


def rows(record_id: str, network_id: str, answers: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """(network, visit date, record, field, value) for each value chosen (none without a visit date)."""
    date = answers.get("visit_date")
    if not isinstance(date, str):
        return []
    out: dict[tuple[str, ...], None] = {}
    for field in FIELDS:
        value = answers.get(field)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                out[(network_id, date, record_id, field, v)] = None
    return list(out)


def write(
    db: sqlite_utils.Database,
    record_id: str,
    form_id: str,
    network_id: str,
    answers: Mapping[str, Any],
    *,
    new: bool,
) -> None:
    """After a record's current revision changed: its rows again (inside the caller's transaction)."""
    if not new:
        db.execute(f"DELETE FROM {TABLE} WHERE record_id = ?", [record_id])
    for row in rows(record_id, network_id, answers) if form_id == "observation" else []:
        db.execute(
            f"INSERT INTO {TABLE} (network_id, visit_date, record_id, field, value) VALUES (?, ?, ?, ?, ?)",
            row,
        )


def counts(db: Any, network_id: str, first: str, last: str) -> dict[tuple[str, str], int]:
    """{(field, value): observations} of one network and period."""
    sql = (
        f"SELECT field, value, count(*) FROM {TABLE} WHERE network_id = ? AND visit_date BETWEEN ? AND ? "
        "GROUP BY field, value"
    )
    return {(f, v): n for f, v, n in db.execute(sql, [network_id, first, last]).fetchall()}
