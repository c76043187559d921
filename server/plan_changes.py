"""Plans that change: edit or cancel a planned visit, and the coverage warnings shown on a plan.

An edit checks the same rules as a new visit (server/plans.py), the visit itself excepted from the double
booking; it rewrites the visit's classrooms with new change numbers, so the team's tablets pull the whole
visit again. A cancelled visit stays, marked, so tablets learn of it; it no longer books its team.

Coverage (the manual: ครูทุกห้อง, คนละ 1 ห้องอย่างน้อย) is a warning, never a refusal: every teacher of the
school observed this semester, every team member observing at least one classroom of the visit.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from core import roles
from core.actor import Actor
from core.sequences import next_seq
from server.calendar import term_of
from server.lookups import teachers_at
from server.notice import Notice, Refused
from server.plans import (
    VisitCreate,
    _check_plan,
    assignment_rows,
    double_bookings,
)
from server.reference import upsert
from server.terms import load_terms


def _visit_network(db: sqlite_utils.Database, actor: Actor, visit_id: str) -> str:
    """The network of a visit the actor may change; Refused("not_found") otherwise."""
    row = db.execute("SELECT network_id FROM visits WHERE id = ?", [visit_id]).fetchone()
    if row is None or not actor.can_see(row[0]):
        raise Refused("not_found")
    if actor.role not in roles.PLANNERS:
        raise Refused("forbidden")
    return str(row[0])


def update_visit_tx(db: sqlite_utils.Database, actor: Actor, visit_id: str, data: VisitCreate) -> None:
    """Change a visit (date, session, school, team, classrooms) under the rules of a new one."""
    network_id = _visit_network(db, actor, visit_id)
    school = db.execute("SELECT network_id FROM schools WHERE code = ?", [data.school_code]).fetchone()
    if school is None or school[0] != network_id:
        raise Refused("invalid_plan", Notice("Choose a school of your networks"))
    reasons = _check_plan(db, data, network_id)
    if reasons:
        raise Refused("invalid_plan", *reasons)
    clashes = double_bookings(db, data.date, data.session, data.team, except_visit=visit_id)
    if clashes:
        raise Refused("team_member_double_booked", *clashes)
    db.execute(
        "UPDATE visits SET date = ?, session = ?, school_code = ?, team = ?, seq = ? WHERE id = ?",
        [
            data.date,
            data.session,
            data.school_code,
            json.dumps(list(dict.fromkeys(data.team))),
            next_seq(db),
            visit_id,
        ],
    )
    db.execute("DELETE FROM visit_assignments WHERE visit_id = ?", [visit_id])
    upsert(db, "visit_assignments", assignment_rows(visit_id, data.assignments), pk="id")


def cancel_visit_tx(db: sqlite_utils.Database, actor: Actor, visit_id: str) -> None:
    """Cancel a visit: marked (with a new change number, so tablets pull it), never deleted."""
    _visit_network(db, actor, visit_id)
    now = dt.datetime.now(dt.UTC).isoformat()
    db.execute("UPDATE visits SET cancelled_at = ?, seq = ? WHERE id = ?", [now, next_seq(db), visit_id])


def visit_values(db: sqlite_utils.Database, actor: Actor, visit_id: str) -> dict[str, Any] | None:
    """A visit as the plan form's values (to edit it); None when missing or not visible."""
    row = db.execute(
        "SELECT date, session, school_code, network_id, team, cancelled_at FROM visits WHERE id = ?",
        [visit_id],
    ).fetchone()
    if row is None or not actor.can_see(row[3]) or row[5]:
        return None
    rows = [
        {"observer": str(o), "teacher": t, "grade": g or "", "room": r or "", "hour": h or ""}
        for o, t, g, r, h in db.execute(
            "SELECT observer_id, teacher_id, grade, room, hour FROM visit_assignments "
            "WHERE visit_id = ? ORDER BY position",
            [visit_id],
        )
    ]
    return {
        "visit_id": visit_id,
        "network": row[3],
        "date": row[0],
        "session": row[1],
        "school_code": row[2],
        "team": [int(x) for x in json.loads(row[4] or "[]")],
        "rows": rows,
    }


def coverage_warnings(db: sqlite_utils.Database, visit_id: str) -> list[Notice]:
    """Team members without a classroom in this visit, and the school's teachers that no visit of this
    semester observes (cancelled visits do not count)."""
    row = db.execute("SELECT date, school_code, team FROM visits WHERE id = ?", [visit_id]).fetchone()
    if row is None:
        return []
    date, school_code, team_json = row
    names = dict(db.execute("SELECT id, display_name FROM users").fetchall())
    observers = {
        o for (o,) in db.execute("SELECT observer_id FROM visit_assignments WHERE visit_id = ?", [visit_id])
    }
    notices = [
        Notice("%(person)s has no classroom to observe in this visit", {"person": names.get(u, str(u))})
        for u in json.loads(team_json or "[]")
        if u not in observers
    ]
    try:
        term = term_of(dt.date.fromisoformat(date), load_terms(db))
    except ValueError:
        return notices
    planned = {
        t
        for (t,) in db.execute(
            "SELECT a.teacher_id FROM visit_assignments a JOIN visits v ON v.id = a.visit_id "
            "WHERE v.school_code = ? AND v.cancelled_at IS NULL AND v.date BETWEEN ? AND ?",
            [school_code, term.start.isoformat(), term.end.isoformat()],
        )
    }
    missing = [t["name"] for t in teachers_at(db, school_code) if t["id"] not in planned]
    if missing:
        notices.append(
            Notice(
                "Not yet observed this semester (%(n)s teachers): %(names)s",
                {"n": len(missing), "names": ", ".join(missing)},
            )
        )
    return notices
