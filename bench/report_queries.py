"""The queries a network summary needs, for one network and one semester.

NOTE: a stand-in. These belong in the real report module (`server/reports`) once it exists; the
benchmark should then time that module instead of this file (bench/reports.py picks it up when
`server.reports.network_summary` is importable).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bench.data import RATINGS
from sync.stored import VISIT_DATE  # the expression SQLite's report indexes are built on

WHERE = f"network_id = ? AND form_id = 'observation' AND {VISIT_DATE} BETWEEN ? AND ?"

COUNT = f"SELECT count(*) FROM records WHERE {WHERE}"
PER_SCHOOL = (
    f"SELECT school_code, count(*) FROM records WHERE {WHERE} GROUP BY school_code ORDER BY school_code"
)
_SCORES = ", ".join(f"json_extract(answers, '$.{n}') AS {n}" for n in RATINGS)
_AGGREGATES = ", ".join(
    f"avg({n})" + "".join(f", sum({n} = {score})" for score in range(1, 6)) for n in RATINGS
)
PER_ELEMENT = f"WITH r AS (SELECT {_SCORES} FROM records WHERE {WHERE}) SELECT {_AGGREGATES} FROM r"


def network_summary(conn: sqlite3.Connection, network_id: str, first: str, last: str) -> dict[str, Any]:
    args = (network_id, first, last)
    count = conn.execute(COUNT, args).fetchone()[0]
    row = conn.execute(PER_ELEMENT, args).fetchone()
    elements = {
        name: {"mean": row[i * 6], "distribution": list(row[i * 6 + 1 : i * 6 + 6])}
        for i, name in enumerate(RATINGS)
    }
    schools = [{"school": code, "observations": n} for code, n in conn.execute(PER_SCHOOL, args)]
    return {"count": count, "elements": elements, "schools": schools}


QUERIES = {"count": COUNT, "per_element": PER_ELEMENT, "per_school": PER_SCHOOL}
