"""Coverage: schools planned and visited, visits by session, classrooms, teachers and hours observed.

"Schools visited" has one definition, here (`visited`), used by the network summary, the area report and the
plans page (server/plans.py): a school is visited in a period when a record of a visit to it falls in the
period — by its planned visit's date when the record is linked to one, else by the record's own visit date."""

from __future__ import annotations

from typing import Any

from server.reports import observed
from server.reports.common import Conn
from sync.stored import VISIT_DATE

OTHER_FORMS = ("reflection", "policy", "literacy")


def schools(conn: Conn, network_id: str) -> list[dict[str, str]]:
    rows = conn.execute(
        "SELECT code, name FROM schools WHERE network_id = ? ORDER BY code", [network_id]
    ).fetchall()
    return [{"code": c, "name": n} for c, n in rows]


def visited(conn: Conn, network_id: str, first: str, last: str) -> dict[str, int]:
    """{school_code: records that count as a visit to it in [first, last]} (schools without one left out).

    Two index-only reads: the records of the network's visits dated in the period (counted for the visit's
    school), and the records dated in the period that no existing visit claims (m020_records_visited)."""
    rows = conn.execute(
        "SELECT school_code, count(*) FROM ("
        " SELECT v.school_code FROM visits v JOIN records r ON r.visit_id = v.id"
        " WHERE v.network_id = ? AND v.date BETWEEN ? AND ?"
        " UNION ALL"
        f" SELECT school_code FROM records WHERE network_id = ? AND {VISIT_DATE} BETWEEN ? AND ?"
        " AND (visit_id IS NULL OR NOT EXISTS (SELECT 1 FROM visits WHERE id = visit_id))"
        ") GROUP BY school_code",
        [network_id, first, last, network_id, first, last],
    ).fetchall()
    return dict(rows)


def planned(conn: Conn, network_id: str, first: str, last: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT school_code, count(*) FROM visits WHERE network_id = ? AND date BETWEEN ? AND ? "
        "GROUP BY school_code",
        [network_id, first, last],
    ).fetchall()
    return dict(rows)


def other_visits(conn: Conn, network_id: str, first: str, last: str) -> set[tuple[str, str, str]]:
    """(school, date, session) of visits that left a reflection, policy or literacy record but no
    observation (those are counted from the observations, per school, in observed.per_school)."""
    marks = ",".join("?" for _ in OTHER_FORMS)
    rows = conn.execute(
        f"SELECT DISTINCT school_code, {VISIT_DATE}, json_extract(answers, '$.session') FROM records "
        f"WHERE network_id = ? AND form_id IN ({marks}) AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, *OTHER_FORMS, first, last],
    ).fetchall()
    return {(s, d, sess) for s, d, sess in rows if not observed.observed_at(conn, network_id, s, d, sess)}


def coverage(conn: Conn, network_id: str, first: str, last: str, by_school: dict[str, Any]) -> dict[str, Any]:
    """Network coverage; `by_school` is observed.per_school for the same network and period."""
    all_schools = schools(conn, network_id)
    plan = planned(conn, network_id, first, last)
    others = other_visits(conn, network_id, first, last)
    seen = visited(conn, network_id, first, last)
    grades, areas = observed.grades_and_areas(conn, network_id, first, last)
    rows = []
    for school in all_schools:
        code = school["code"]
        agg = by_school.get(code, {})
        extra = [v for v in others if v[0] == code]
        visits = agg.get("visits", 0) + len(extra)
        rows.append(
            {
                **school,
                "planned": plan.get(code, 0),
                "visited": code in seen,
                "visits": visits,
                "morning": agg.get("morning", 0) + sum(1 for v in extra if v[2] == "morning"),
                "observations": agg.get("n", 0),
                "teachers": agg.get("teachers", 0),
                "hours": round(agg.get("minutes", 0) / 60, 1),
            }
        )
    return {
        "schools": len(all_schools),
        "schools_planned": sum(1 for r in rows if r["planned"]),
        "schools_visited": sum(1 for r in rows if r["visited"]),
        "visits": sum(r["visits"] for r in rows),
        "morning": sum(r["morning"] for r in rows),
        "afternoon": sum(r["visits"] - r["morning"] for r in rows),
        "observations": sum(r["observations"] for r in rows),
        "classrooms": sum(a["grades"] for a in by_school.values()),
        "teachers": sum(r["teachers"] for r in rows),
        "hours": round(sum(a["minutes"] for a in by_school.values()) / 60, 1),
        "by_learning_area": areas,
        "by_grade": grades,
        "rows": rows,
    }
