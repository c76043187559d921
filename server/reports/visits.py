"""Visits as the paper trail needs them: the travel report (who went where, when, morning or afternoon)
and the names a visit's records point to (the notebook entry is server/reports/notebook.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from server.reports import display
from server.reports.common import VISIT_DATE, Conn


def names(conn: Conn, network_id: str) -> display.Names:
    schools = dict(
        conn.execute("SELECT code, name FROM schools WHERE network_id = ?", [network_id]).fetchall()
    )
    teachers = dict(
        conn.execute(
            "SELECT t.id, t.name FROM teachers t JOIN schools s ON s.code = t.school_code WHERE s.network_id = ?",
            [network_id],
        ).fetchall()
    )

    def lookup(kind: str, value: Any) -> str:
        table = schools if kind == "school" else teachers
        return str(table.get(value, value))

    return lookup


def travel(conn: Conn, network_id: str, first: str, last: str) -> list[dict[str, Any]]:
    """One row per visit (school, date, session) with a record in the period: who went, where, when.
    Who: the planned team of that visit, plus everyone who recorded there."""
    people = dict(conn.execute("SELECT id, display_name FROM users").fetchall())
    visits: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for code, date, session, author in conn.execute(
        f"SELECT school_code, {VISIT_DATE}, json_extract(answers, '$.session'), author_id FROM records "
        f"WHERE network_id = ? AND form_id IN ('observation', 'reflection', 'policy', 'literacy') "
        f"AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall():
        visits[(code, date, session)].add(people.get(author, ""))
    for code, date, session, team in conn.execute(
        "SELECT school_code, date, session, team FROM visits WHERE network_id = ? AND date BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall():
        if (code, date, session) in visits:
            visits[(code, date, session)] |= {people.get(i, "") for i in json.loads(team or "[]")}
    schools = {
        c: (n, d)
        for c, n, d in conn.execute(
            "SELECT code, name, district FROM schools WHERE network_id = ?", [network_id]
        ).fetchall()
    }
    out = []
    for (code, date, session), who in sorted(
        visits.items(), key=lambda kv: (kv[0][1], kv[0][2] != "morning")
    ):
        name, district = schools.get(code, (code, ""))
        out.append(
            {
                "date": date,
                "session": session,
                "school_code": code,
                "school": name,
                "district": district or "",
                "who": sorted(w for w in who if w),
            }
        )
    return out
