"""Aggregates of the observations of one network and period, per school, from the narrow
`observation_scores` table (server/reports/scores.py): one scan gives coverage, element scores and time on task."""

from __future__ import annotations

from typing import Any

from server.reports.common import Conn
from server.reports.scores import ELEMENTS, TABLE

SCORES = tuple(range(1, 6))
_MEAN = "(" + " + ".join(ELEMENTS) + ") / 9.0"
#: Visits per school (distinct date and session), and of them in the morning, from the observations.
_VISITS = "count(DISTINCT visit_date || session)"
_MORNING = "count(DISTINCT CASE WHEN session = 'morning' THEN visit_date END)"


def _columns(cutoffs: list[float]) -> str:
    cols = [
        "school_code",
        "count(*)",
        "count(DISTINCT teacher_id)",
        "coalesce(sum(minutes), 0)",
        "count(DISTINCT grade)",
        "sum(snapshots > 0)",
        "sum(CASE WHEN snapshots > 0 THEN snap_activity * 100.0 / snapshots END)",
        "sum(CASE WHEN snapshots > 0 THEN snap_on_task * 100.0 / snapshots END)",
        "sum(m)",
        _VISITS,
        _MORNING,
    ]
    # Band of the mean practice score `m`: highest cut-off first; the band index of each observation.
    for i, cut in enumerate(cutoffs):
        upper = f" AND m < {float(cutoffs[i - 1])!r}" if i else ""
        cols.append(f"sum(m >= {float(cut)!r}{upper})")
    for name in ELEMENTS:
        cols.append(f"count({name})")
        cols.append(f"sum({name})")
        cols.extend(f"sum({name} = {s})" for s in SCORES)
    return ", ".join(cols)


def per_school(conn: Conn, network_id: str, first: str, last: str, cutoffs: list[float]) -> dict[str, Any]:
    """{school_code: aggregates}; `cutoffs` are the practice band minimums, highest first."""
    sql = (
        f"SELECT {_columns(cutoffs)} FROM (SELECT *, {_MEAN} AS m FROM {TABLE} "
        "WHERE network_id = ? AND visit_date BETWEEN ? AND ?) GROUP BY school_code"
    )
    out = {}
    for row in conn.execute(sql, [network_id, first, last]).fetchall():
        code, n, teachers, minutes, grades, snap_n, activity, on_task, mean_sum, visits, morning = row[:11]
        bands = list(row[11 : 11 + len(cutoffs)])
        rest = row[11 + len(cutoffs) :]
        elements = {}
        for i, name in enumerate(ELEMENTS):
            count, total, *dist = rest[i * 7 : i * 7 + 7]
            elements[name] = {"n": count, "sum": total or 0, "dist": [d or 0 for d in dist]}
        out[code] = {
            "n": n,
            "teachers": teachers,
            "minutes": minutes,
            "grades": grades,
            "snap_n": snap_n or 0,
            "activity_sum": activity or 0.0,
            "on_task_sum": on_task or 0.0,
            "mean_sum": mean_sum or 0.0,
            "visits": visits,
            "morning": morning,
            "bands": [b or 0 for b in bands],
            "elements": elements,
        }
    return out


def grades_and_areas(
    conn: Conn, network_id: str, first: str, last: str
) -> tuple[dict[str, int], dict[str, int]]:
    """Observations per grade and per learning area, in one scan."""
    sql = (
        f"SELECT grade, learning_area, count(*) FROM {TABLE} WHERE network_id = ? AND visit_date BETWEEN ? AND ? "
        "GROUP BY grade, learning_area"
    )
    grades: dict[str, int] = {}
    areas: dict[str, int] = {}
    for grade, area, n in conn.execute(sql, [network_id, first, last]).fetchall():
        grades[grade] = grades.get(grade, 0) + n
        areas[area] = areas.get(area, 0) + n
    return grades, areas


def observed_at(conn: Conn, network_id: str, school: str, date: str, session: str) -> bool:
    """Whether a class was observed at this visit (a primary-key lookup)."""
    sql = f"SELECT 1 FROM {TABLE} WHERE network_id = ? AND visit_date = ? AND school_code = ? AND session = ? LIMIT 1"
    return conn.execute(sql, [network_id, date, school, session]).fetchone() is not None


def mean_by_period(
    conn: Conn, network_id: str, periods: list[tuple[str, str]]
) -> list[tuple[int, float | None]]:
    """(n, mean practice score) for each (first, last) period, in one scan (the trend chart)."""
    if not periods:
        return []
    cases = " ".join(f"WHEN visit_date BETWEEN ? AND ? THEN {i}" for i in range(len(periods)))
    params: list[Any] = [p for period in periods for p in period]
    sql = (
        f"SELECT CASE {cases} END AS k, count(*), avg({_MEAN}) FROM {TABLE} "
        "WHERE network_id = ? AND visit_date BETWEEN ? AND ? GROUP BY k"
    )
    first = min(p[0] for p in periods)
    last = max(p[1] for p in periods)
    found = {k: (n, m) for k, n, m in conn.execute(sql, [*params, network_id, first, last]).fetchall()}
    return [found.get(i, (0, None)) for i in range(len(periods))]
