"""Coverage: schools planned and visited, visits by session, classrooms, teachers and hours observed."""

from __future__ import annotations

from typing import Any

from server.reports import observed
from server.reports.common import VISIT_DATE, Conn

OTHER_FORMS = ("reflection", "policy", "literacy")


def schools(conn: Conn, network_id: str) -> list[dict[str, str]]:
    rows = conn.execute(
        "SELECT code, name FROM schools WHERE network_id = ? ORDER BY code", [network_id]
    ).fetchall()
    return [{"code": c, "name": n} for c, n in rows]


def planned(conn: Conn, network_id: str, first: str, last: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT school_code, count(*) FROM visits WHERE network_id = ? AND date BETWEEN ? AND ? "
        "GROUP BY school_code",
        [network_id, first, last],
    ).fetchall()
    return dict(rows)


def visits(conn: Conn, network_id: str, first: str, last: str) -> set[tuple[str, str, str]]:
    """(school, date, session) of every visit that left a record of any tool."""
    found = observed.sessions(conn, network_id, first, last)
    marks = ",".join("?" for _ in OTHER_FORMS)
    rows = conn.execute(
        f"SELECT DISTINCT school_code, {VISIT_DATE}, json_extract(answers, '$.session') FROM records "
        f"WHERE network_id = ? AND form_id IN ({marks}) AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, *OTHER_FORMS, first, last],
    ).fetchall()
    return found | {tuple(r) for r in rows}  # type: ignore[misc]


def coverage(conn: Conn, network_id: str, first: str, last: str, by_school: dict[str, Any]) -> dict[str, Any]:
    """Network coverage; `by_school` is observed.per_school for the same network and period."""
    all_schools = schools(conn, network_id)
    plan = planned(conn, network_id, first, last)
    seen = visits(conn, network_id, first, last)
    visited = {s for s, _d, _sess in seen}
    rows = []
    for school in all_schools:
        code = school["code"]
        agg = by_school.get(code, {})
        rows.append(
            {
                **school,
                "planned": plan.get(code, 0),
                "visited": code in visited,
                "visits": sum(1 for s, _d, _sess in seen if s == code),
                "observations": agg.get("n", 0),
                "teachers": agg.get("teachers", 0),
                "hours": round(agg.get("minutes", 0) / 60, 1),
            }
        )
    return {
        "schools": len(all_schools),
        "schools_planned": sum(1 for r in rows if r["planned"]),
        "schools_visited": sum(1 for r in rows if r["visited"]),
        "visits": len(seen),
        "morning": sum(1 for v in seen if v[2] == "morning"),
        "afternoon": sum(1 for v in seen if v[2] == "afternoon"),
        "observations": sum(r["observations"] for r in rows),
        "classrooms": sum(a["grades"] for a in by_school.values()),
        "teachers": sum(r["teachers"] for r in rows),
        "hours": round(sum(a["minutes"] for a in by_school.values()) / 60, 1),
        "by_learning_area": observed.counts_by(conn, "learning_area", network_id, first, last),
        "by_grade": observed.counts_by(conn, "grade", network_id, first, last),
        "rows": rows,
    }
