"""Reflection meetings: meetings held, teachers reflected with, actions agreed, support requested,
development focuses by element, and the after-action review (AAR) of each teacher summarised per school:
how many teachers reflected with, how many answered all four AAR questions, and the answers by question
(no teacher names; the qualitative compile of themes is server/reports/themes.py).

The share of actions done by the next visit comes from the next meeting: reflection version 2 closes each
earlier action as done / in progress / not done (`previous_actions`, docs/adr/0002-closing-earlier-actions.md).
Meetings of version 1 close none. Under 3 closed actions the share is suppressed (`done_pct` None)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from server.reports.common import Conn, form, percent, records

#: The four AAR questions of each teacher's reflection (ทบทวนหลังการปฏิบัติ), in the order asked.
AAR = ("aar_intended", "aar_happened", "aar_why", "aar_next")


def aar(conn: Conn, meetings: list[dict[str, Any]]) -> dict[str, Any]:
    """The AAR answers per school: teachers, teachers with all four answers, the answers by question."""
    definition = form(conn, "reflection")
    fields = [definition.field(name) if definition else None for name in AAR]
    questions = [(name, f.label) for name, f in zip(AAR, fields, strict=True) if f is not None]
    schools: dict[str, dict[str, Any]] = {}
    for m in meetings:
        school = schools.setdefault(
            m["school_code"], {"teachers": 0, "complete": 0, "answers": {name: [] for name in AAR}}
        )
        for teacher in m["answers"].get("teachers", []):
            texts = {name: (teacher.get(name) or "").strip() for name in AAR}
            school["teachers"] += 1
            school["complete"] += all(texts.values())
            for name, text in texts.items():
                if text:
                    school["answers"][name].append(text)
    return {
        "questions": questions,
        "schools": schools,
        "teachers": sum(s["teachers"] for s in schools.values()),
        "complete": sum(s["complete"] for s in schools.values()),
    }


def reflection(conn: Conn, network_id: str, first: str, last: str) -> dict[str, Any]:
    meetings = records(conn, "reflection", network_id, first, last)
    actions = [a for m in meetings for a in m["answers"].get("actions") or []]
    teachers = [t for m in meetings for t in m["answers"].get("teachers") or []]
    focuses = Counter(f for t in teachers for f in t.get("focuses") or [])
    support = [a for a in actions if a.get("support_needed") == "yes"]
    closed = [a for m in meetings for a in m["answers"].get("previous_actions") or []]
    done = sum(1 for a in closed if a.get("previous_status") == "done")
    return {
        "meetings": len(meetings),
        "schools": len({m["school_code"] for m in meetings}),
        "teachers": len(teachers),
        "actions": len(actions),
        "support_requests": len(support),
        "in_notebook": sum(1 for m in meetings if m["answers"].get("written_in_notebook") == "yes"),
        "focuses": dict(focuses.most_common()),
        "closed": len(closed),
        "done_pct": percent(done, len(closed)) if len(closed) >= 3 else None,
        "aar": aar(conn, meetings),
    }
