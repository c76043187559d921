"""A supervisor's own reports, prefilled from their visits and editable before printing: the daily
official-duty log (a week's bundle, sent every Friday) and the 6-month performance report (October–March due 20 March,
April–September due 20 September). Edits are kept in `report_drafts` (m007)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import msgspec

from server import thaidate
from server.reports.common import Conn
from server.vocabulary import SESSION_LABELS
from sync.stored import VISIT_DATE

KINDS = ("weekly", "half")
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


class Reporter(msgspec.Struct, frozen=True):
    """Who writes the report, for its first part (ข้อมูลผู้รายงาน) and second (หน้าที่ตามคำสั่ง)."""

    name: str
    position: str = "ศึกษานิเทศก์"
    networks: tuple[str, ...] = ()


def _visit_line(v: dict[str, Any]) -> str:
    tools = ", ".join(f"{TOOL_TH.get(t, t)} {n} รายการ" for t, n in v["tools"].items())
    return f"{SESSION_LABELS.get(v['session'], v['session'])} นิเทศ{v['school']} ({tools})"


def duty_log(visits: list[dict[str, Any]], monday: dt.date) -> str:
    """The daily official-duty log of a week (บันทึกการปฏิบัติราชการ): a heading per working day with the
    visits recorded that day, and a line for the day's other duties (meetings, training, office work)."""
    lines: list[str] = []
    for offset in range(5):
        day = monday + dt.timedelta(days=offset)
        lines.append(f"{thaidate.format_date(day.isoformat())}")
        done = [v for v in visits if v["date"] == day.isoformat()]
        lines += [f"- {_visit_line(v)}" for v in done]
        lines += ["- งานอื่นตามภารกิจ: ", ""]
    return "\n".join(lines).rstrip() + "\n"


def half_year(visits: list[dict[str, Any]], reporter: Reporter) -> str:
    """The six-month report on the manual's outline: ๑ ข้อมูลผู้รายงาน ๒ หน้าที่ความรับผิดชอบที่ได้รับมอบหมาย
    ๓ ผลการปฏิบัติราชการ (๓.๑ งานตามมาตรฐานตำแหน่ง: นิเทศ ศึกษาค้นคว้า วิจัย ติดตามตรวจสอบและประเมินผล;
    ๓.๒ งานตามภารกิจกลุ่มงาน; ๓.๓ งานกลุ่มสาระการเรียนรู้; ๓.๔ งานอื่น ๆ) ๔ แนวทางการพัฒนางานในรอบ ๖ เดือนต่อไป;
    ๓.๑ prefilled from the supervisor's own visits."""
    schools = len({v["school_code"] for v in visits})
    obs = sum(v["tools"].get("observation", 0) for v in visits)
    meetings = sum(v["tools"].get("reflection", 0) for v in visits)
    policy = sum(v["tools"].get("policy", 0) for v in visits)
    literacy = sum(v["tools"].get("literacy", 0) for v in visits)
    networks = ", ".join(reporter.networks) or "-"
    lines = [
        "๑. ข้อมูลผู้รายงาน",
        f"ชื่อ {reporter.name} ตำแหน่ง {reporter.position}",
        "",
        "๒. หน้าที่ความรับผิดชอบที่ได้รับมอบหมาย (ตามคำสั่ง)",
        f"ศึกษานิเทศก์ผู้รับผิดชอบเครือข่าย {networks}",
        "",
        "๓. ผลการปฏิบัติราชการ",
        "๓.๑ งานตามมาตรฐานตำแหน่ง",
        f"(๑) งานนิเทศ: ออกนิเทศ {len(visits)} ครั้ง ใน {schools} โรงเรียน สังเกตชั้นเรียน {obs} ชั้นเรียน "
        f"ประชุมสะท้อนผล {meetings} ครั้ง",
        *(f"    {thaidate.format_date(v['date'])} {_visit_line(v)}" for v in visits),
        "(๒) งานศึกษาค้นคว้าทางวิชาการ: ",
        "(๓) งานวิจัย: ",
        f"(๔) งานติดตามตรวจสอบและประเมินผล: ติดตามนโยบาย {policy} ครั้ง ตรวจสอบการอ่านเขียนคิดคำนวณ {literacy} ครั้ง",
        "๓.๒ งานตามภารกิจกลุ่มงาน: ",
        "๓.๓ งานกลุ่มสาระการเรียนรู้: ",
        "๓.๔ งานอื่น ๆ (งานกลุ่มสถานศึกษา งานพิเศษ งานโครงการ ฯลฯ): ",
        "",
        "๔. แนวทางการพัฒนางานในรอบ ๖ เดือนต่อไป",
        "",
    ]
    return "\n".join(lines)


def prefill(kind: str, visits: list[dict[str, Any]], first: dt.date, reporter: Reporter) -> str:
    """The first draft of a report body, which the supervisor edits before printing or sending."""
    return duty_log(visits, first) if kind == "weekly" else half_year(visits, reporter)


def reporter(conn: Conn, user_id: int, name: str, role: str) -> Reporter:
    networks = tuple(
        r[0] for r in conn.execute(
            "SELECT n.name FROM user_networks u JOIN networks n ON n.id = u.network_id WHERE u.user_id = ? "
            "ORDER BY n.id", [user_id])
    )  # fmt: skip
    positions = {"secretary": "เลขานุการเครือข่าย", "team_member": "ผู้อำนวยการสถานศึกษา"}
    return Reporter(name, positions.get(role, "ศึกษานิเทศก์"), networks)


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
