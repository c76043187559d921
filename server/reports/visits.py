"""Visits as the paper trail needs them: the travel report (who went where, when, morning or afternoon)
and the names a visit's records point to (the notebook entry is server/reports/notebook.py)."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from typing import Any

from server.reports import display
from server.reports.common import Conn
from sync.stored import VISIT_DATE


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


PURPOSE = {"observation": "สังเกตชั้นเรียน", "reflection": "ประชุมสะท้อนผล", "policy": "ติดตามนโยบาย",
           "literacy": "ตรวจสอบการอ่านเขียนคิดคำนวณ"}  # fmt: skip
EARTH_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def travel(conn: Conn, network_id: str, first: str, last: str) -> list[dict[str, Any]]:
    """One row per visit (school, date, session) with a record in the period: who went, where, when (the
    first record's start and the last one's end), for what (the tools used) and how far (there and back
    from the office, in a straight line, where the office and the school have coordinates).
    Who: the planned team of that visit, plus everyone who recorded there."""
    people = dict(conn.execute("SELECT id, display_name FROM users").fetchall())
    visits: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"who": set(), "tools": Counter(), "times": []}
    )
    for code, date, session, author, form_id, start, end in conn.execute(
        f"SELECT school_code, {VISIT_DATE}, json_extract(answers, '$.session'), author_id, form_id, "
        "json_extract(answers, '$.start_time'), json_extract(answers, '$.end_time') FROM records "
        f"WHERE network_id = ? AND form_id IN ('observation', 'reflection', 'policy', 'literacy') "
        f"AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall():
        visit = visits[(code, date, session)]
        visit["who"].add(people.get(author, ""))
        visit["tools"][form_id] += 1
        visit["times"] += [t for t in (start, end) if t]
    for code, date, session, team in conn.execute(
        "SELECT school_code, date, session, team FROM visits WHERE network_id = ? AND date BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall():
        if (code, date, session) in visits:
            visits[(code, date, session)]["who"] |= {people.get(i, "") for i in json.loads(team or "[]")}
    schools = {
        c: (n, d, (lat, lon) if lat is not None and lon is not None else None)
        for c, n, d, lat, lon in conn.execute(
            "SELECT code, name, district, latitude, longitude FROM schools WHERE network_id = ?", [network_id]
        ).fetchall()
    }
    office_row = conn.execute("SELECT latitude, longitude FROM office WHERE id = 1").fetchone()
    office = (office_row[0], office_row[1]) if office_row and None not in office_row else None
    out = []
    for (code, date, session), visit in sorted(
        visits.items(), key=lambda kv: (kv[0][1], kv[0][2] != "morning")
    ):
        name, district, place = schools.get(code, (code, "", None))
        times = sorted(visit["times"])
        out.append(
            {
                "date": date,
                "session": session,
                "school_code": code,
                "school": name,
                "district": district or "",
                "who": sorted(w for w in visit["who"] if w),
                "purpose": "นิเทศ ติดตาม: "
                + ", ".join(f"{PURPOSE.get(t, t)} {n}" for t, n in sorted(visit["tools"].items())),
                "start": times[0] if times else None,
                "end": times[-1] if times else None,
                "distance_km": round(2 * distance_km(office, place), 1) if office and place else None,
            }
        )
    return out
