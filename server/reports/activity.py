"""A supervisor's own reports, prefilled from their visits and editable before printing: the weekly
activity log (sent every Friday) and the 6-month performance report (October–March due 20 March,
April–September due 20 September). Edits are kept in `report_drafts` (m007)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from server import thaidate
from server.reports.common import VISIT_DATE, Conn

KINDS = ("weekly", "half")
SESSION_TH = {"morning": "ภาคเช้า", "afternoon": "ภาคบ่าย"}
TOOL_TH = {"observation": "สังเกตชั้นเรียน", "reflection": "ประชุมสะท้อนผล", "policy": "ติดตามนโยบาย",
           "literacy": "ตรวจสอบการอ่านเขียนคิดคำนวณ"}  # fmt: skip


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Friday of the week of `day` (the log is sent on Friday)."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=4)


def my_visits(conn: Conn, user_id: int, first: str, last: str) -> list[dict[str, Any]]:
    """(date, session, school) with the tools this user recorded there, oldest first."""
    visits: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for code, name, date, session, form_id in conn.execute(
        f"SELECT r.school_code, s.name, {VISIT_DATE}, json_extract(r.answers, '$.session'), r.form_id "
        "FROM records r JOIN schools s ON s.code = r.school_code "
        f"WHERE r.author_id = ? AND {VISIT_DATE} BETWEEN ? AND ?",
        [user_id, first, last],
    ).fetchall():
        visits[(date, session, code)][form_id] += 1
        names[code] = name
    return [
        {"date": d, "session": s, "school_code": c, "school": names[c], "tools": dict(tools)}
        for (d, s, c), tools in sorted(visits.items(), key=lambda kv: (kv[0][0], kv[0][1] != "morning"))
    ]


def prefill(kind: str, visits: list[dict[str, Any]]) -> str:
    """The first draft of the report body: one line per visit (weekly) or totals and lines (half)."""
    lines = []
    for v in visits:
        tools = ", ".join(f"{TOOL_TH.get(t, t)} {n} รายการ" for t, n in v["tools"].items())
        lines.append(
            f"{thaidate.format_date(v['date'])} {SESSION_TH.get(v['session'], v['session'])} "
            f"นิเทศ{v['school']} ({tools})"
        )
    if kind == "half":
        schools = len({v["school_code"] for v in visits})
        obs = sum(v["tools"].get("observation", 0) for v in visits)
        meetings = sum(v["tools"].get("reflection", 0) for v in visits)
        head = [
            f"ผลการปฏิบัติงาน: ออกนิเทศ {len(visits)} ครั้ง ใน {schools} โรงเรียน "
            f"สังเกตชั้นเรียน {obs} ชั้นเรียน ประชุมสะท้อนผล {meetings} ครั้ง",
            "",
            "รายละเอียดการออกนิเทศ:",
        ]
        lines = head + lines + ["", "ปัญหา อุปสรรค และข้อเสนอแนะ:", ""]
    return "\n".join(lines)


def draft(conn: Conn, user_id: int, kind: str, period: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT body, updated_at FROM report_drafts WHERE user_id = ? AND kind = ? AND period = ?",
        [user_id, kind, period],
    ).fetchone()
    return {"body": row[0], "updated_at": row[1]} if row else None


def save_draft_tx(db: Any, user_id: int, kind: str, period: str, body: str) -> None:
    """Inside the one write transaction (server/db.py)."""
    if kind not in KINDS:
        raise ValueError(kind)
    db["report_drafts"].upsert(
        {
            "user_id": user_id,
            "kind": kind,
            "period": period,
            "body": body[:20000],
            "updated_at": dt.datetime.now(dt.UTC).isoformat(),
        },
        pk=("user_id", "kind", "period"),
    )


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
