"""The visit's entry in the school's supervision notebook (สมุดนิเทศ): a narrative in the manual's spirit
(กัลยาณมิตร) made from the visit's observations and reflection meeting — the classrooms observed, the
strengths, what to develop, the agreed actions with who and when, the support asked of the area office,
and the people who sign. Never a teacher's scores."""

from __future__ import annotations

from typing import Any

from forms.model import FormDef
from server.reports import display
from server.reports.common import Conn, form
from server.reports.visits import names
from sync.stored import VISIT_DATE, unpack


def _minutes(start: str | None, end: str | None) -> int:
    try:
        (h1, m1), (h2, m2) = (map(int, t.split(":")[:2]) for t in (start or "", end or ""))
    except ValueError:
        return 0
    return max(0, (h2 * 60 + m2) - (h1 * 60 + m1))


def _label(definition: FormDef, name: str, value: Any, lookup: display.Names, lang: str) -> str:
    field = definition.field(name)
    if field is None or value in (None, "", []):
        return ""
    return display.value_text(definition, field, value, lookup, lang)


def _unique(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def entry(
    conn: Conn, network_id: str, school_code: str, date: str, session: str, lang: str = "th"
) -> dict[str, Any] | None:
    """None when the school is not in the network or nothing was recorded at that visit."""
    school = conn.execute(
        "SELECT code, name, district FROM schools WHERE code = ? AND network_id = ?",
        [school_code, network_id],
    ).fetchone()
    if school is None:
        return None
    rows = conn.execute(
        "SELECT r.form_id, r.form_version, r.answers, r.texts, u.display_name, u.role FROM records r "
        "LEFT JOIN users u ON u.id = r.author_id "
        f"WHERE r.network_id = ? AND r.form_id IN ('observation', 'reflection') AND {VISIT_DATE} = ? "
        "AND r.school_code = ? AND json_extract(r.answers, '$.session') = ? "
        "ORDER BY json_extract(r.answers, '$.start_time'), r.id",
        [network_id, date, school_code, session],
    ).fetchall()
    if not rows:
        return None
    lookup = names(conn, network_id)
    classes: list[dict[str, Any]] = []
    strengths: list[str] = []
    develop: list[str] = []
    actions: list[dict[str, str]] = []
    supervisors: dict[str, str] = {}
    teachers: list[str] = []
    next_visit = ""
    for form_id, version, raw, packed, author, role in rows:
        definition = form(conn, form_id, version)
        if definition is None:
            continue
        answers = unpack(raw, packed)
        if author:
            supervisors.setdefault(author, role or "")
        if form_id == "observation":
            minutes = _minutes(answers.get("start_time"), answers.get("end_time"))
            teacher = _label(definition, "teacher", answers.get("teacher"), lookup, lang)
            teachers.append(teacher)
            classes.append(
                {
                    "teacher": teacher,
                    "grade": _label(definition, "grade", answers.get("grade"), lookup, lang),
                    "area": _label(definition, "learning_area", answers.get("learning_area"), lookup, lang),
                    "topic": answers.get("topic") or "",
                    "time": f"{answers.get('start_time', '')}–{answers.get('end_time', '')}",
                    "minutes": minutes,
                }
            )
            strengths.append(answers.get("strengths") or "")
            develop.append(answers.get("develop_text") or "")
            continue
        strengths.append(answers.get("agreed_strengths") or "")
        for item in answers.get("teachers") or []:
            teachers.append(_label(definition, "teacher", item.get("teacher"), lookup, lang))
            strengths.append(item.get("agreed_strengths") or "")
            develop.append(item.get("aar_next") or "")
        for item in answers.get("actions") or []:
            actions.append(
                {
                    "action": item.get("action") or "",
                    "owner": item.get("owner") or "",
                    "due": item.get("due_date") or "",
                    "support": item.get("support_text") or "" if item.get("support_needed") == "yes" else "",
                }
            )
        next_visit = answers.get("next_follow_up") or next_visit
    return {
        "school": {"code": school[0], "name": school[1], "district": school[2] or ""},
        "date": date,
        "session": session,
        "classes": classes,
        "minutes": sum(c["minutes"] for c in classes),
        "strengths": _unique(strengths),
        "develop": _unique(develop),
        "actions": actions,
        "support": _unique([a["support"] for a in actions]),
        "next_visit": next_visit,
        "supervisors": [{"name": n, "role": r} for n, r in sorted(supervisors.items())],
        "teachers": _unique(teachers),
    }
