"""What every report shares: the smallest group shown, the forms' definitions, scope of networks."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol

import msgspec

from forms.model import FormDef
from sync.stored import VISIT_DATE, unpack

#: Groups with fewer members than this are suppressed (shown "n<3"): formative, never identifying.
MIN_GROUP = 3


class Conn(Protocol):
    """A sqlite3.Connection or a sqlite_utils.Database: reports only call `execute`."""

    def execute(self, sql: str, parameters: Any = ...) -> Any: ...


def network_stamp(conn: Conn, network_id: str) -> tuple[Any, ...]:
    """Changes whenever a row a network's figures come from changes (every synced write takes a new seq):
    what a report kept in memory is checked against (server/reports/area.py, themes.py)."""
    database = conn.execute("PRAGMA database_list").fetchone()[2]  # the file: one process may open several
    seqs = conn.execute(
        "SELECT (SELECT max(seq) FROM records WHERE network_id = ?), "
        "(SELECT max(seq) FROM visits WHERE network_id = ?), (SELECT max(seq) FROM schools WHERE network_id = ?), "
        "(SELECT max(seq) FROM form_versions)",
        [network_id, network_id, network_id],
    ).fetchone()
    return (database, *seqs)


def shown(n: int) -> bool:
    return n >= MIN_GROUP


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.fmean(values), 2) if values else None


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.median(values), 1) if values else None


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@cache
def _decode(definition: str) -> FormDef:
    return msgspec.json.decode(definition, type=FormDef)


def form(conn: Conn, form_id: str, version: int | None = None) -> FormDef | None:
    """A published form version (the latest when `version` is None)."""
    if version is None:
        row = conn.execute(
            "SELECT definition FROM form_versions WHERE form_id = ? ORDER BY version DESC LIMIT 1", [form_id]
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT definition FROM form_versions WHERE form_id = ? AND version = ?", [form_id, version]
        ).fetchone()
    return _decode(row[0]) if row else None


def records(conn: Conn, form_id: str, network_id: str, first: str, last: str) -> list[dict[str, Any]]:
    """The current records of a form in one network and period (through the report index)."""
    rows = conn.execute(
        "SELECT id, school_code, form_version, answers, texts, author_id FROM records "
        f"WHERE network_id = ? AND form_id = ? AND {VISIT_DATE} BETWEEN ? AND ? ORDER BY {VISIT_DATE}, id",
        [network_id, form_id, first, last],
    ).fetchall()
    return [
        {"id": i, "school_code": s, "form_version": v, "answers": unpack(a, t), "author_id": u}
        for i, s, v, a, t, u in rows
    ]
