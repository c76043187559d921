"""Reflection meetings: meetings held, teachers reflected with, actions agreed, support requested,
development focuses by element.

The share of actions done by the next visit comes from the next meeting: reflection version 2 closes each
earlier action as done / in progress / not done (`previous_actions`, docs/adr/0002-closing-earlier-actions.md).
Meetings of version 1 close none. Under 3 closed actions the share is suppressed (`done_pct` None)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from server.reports.common import Conn, percent, records


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
    }
