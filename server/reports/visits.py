"""Visits as the paper trail needs them: the school's notebook copy of one visit (its observations and
reflection meeting) and the travel report (who went where, when, morning or afternoon)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from server.reports import display
from server.reports.common import VISIT_DATE, Conn, form

NOTEBOOK_FORMS = ("observation", "reflection")


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


def notebook(
    conn: Conn, network_id: str, school_code: str, date: str, session: str, lang: str = "th"
) -> dict[str, Any] | None:
    """The notebook copy of one visit; None when the school is not in the network or nothing was recorded."""
    school = conn.execute(
        "SELECT code, name, district FROM schools WHERE code = ? AND network_id = ?",
        [school_code, network_id],
    ).fetchone()
    if school is None:
        return None
    marks = ",".join("?" for _ in NOTEBOOK_FORMS)
    rows = conn.execute(
        "SELECT r.id, r.form_id, r.form_version, r.answers, u.display_name FROM records r "
        "LEFT JOIN users u ON u.id = r.author_id "
        f"WHERE r.network_id = ? AND r.form_id IN ({marks}) AND {VISIT_DATE} = ? AND r.school_code = ? "
        "AND json_extract(r.answers, '$.session') = ? ORDER BY r.form_id DESC, json_extract(r.answers, '$.start_time')",
        [network_id, *NOTEBOOK_FORMS, date, school_code, session],
    ).fetchall()
    if not rows:
        return None
    lookup = names(conn, network_id)
    parts = []
    for rid, form_id, version, answers, author in rows:
        definition = form(conn, form_id, version)
        if definition is None:
            continue
        parts.append(
            {
                "id": rid,
                "form_id": form_id,
                "title": definition.title.text(lang),
                "author": author,
                "sections": display.sections(definition, json.loads(answers), lookup, lang),
            }
        )
    observers = sorted({p["author"] for p in parts if p["author"]})
    return {
        "school": {"code": school[0], "name": school[1], "district": school[2]},
        "date": date,
        "session": session,
        "observers": observers,
        "parts": parts,
    }


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
