"""Visit plans: who visits which school when, who observes which classroom, and semester coverage.

Rules (shared/DOMAIN.md, the manual's model 1): one school per session (morning, afternoon); a team member
is never booked at two schools in the same date and session; every school of a network is visited at least
once per semester. Functions named `*_tx` run inside the one write transaction (server/db.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from typing import Annotated, Any, Literal

import msgspec
import sqlite_utils

from core import clock, roles
from core.actor import Actor
from server import thaidate
from server.calendar import Term
from server.lookups import schools_of, teachers_at, team_candidates
from server.notice import Notice, Refused
from server.reference import upsert
from server.reports.coverage import visited
from server.vocabulary import GRADE_LABELS

HOUR = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Text = Annotated[str, msgspec.Meta(max_length=100)]


class AssignmentCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One classroom a team member observes for one hour."""

    observer_id: int
    teacher_id: Text
    grade: Text = ""
    room: Text = ""
    hour: Text = ""


class VisitCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    date: Text
    session: Literal["morning", "afternoon"]
    school_code: Text
    team: list[int]
    assignments: list[AssignmentCreate] = []


# -- creating a visit --------------------------------------------------------------------------------------


def create_visit_tx(db: sqlite_utils.Database, actor: Actor, data: VisitCreate) -> str:
    """Check every rule, then store the visit and its assignments with new change numbers; returns its id."""
    if actor.role not in roles.PLANNERS:
        raise Refused("forbidden")
    school = db.execute(
        "SELECT code, name, network_id FROM schools WHERE code = ?", [data.school_code]
    ).fetchone()
    if school is None or not actor.can_see(school[2]):
        raise Refused("invalid_plan", Notice("Choose a school of your networks"))
    network_id = school[2]
    reasons = _check_plan(db, data, network_id)
    if reasons:
        raise Refused("invalid_plan", *reasons)
    clashes = double_bookings(db, data.date, data.session, data.team)
    if clashes:
        raise Refused("team_member_double_booked", *clashes)
    visit_id = str(uuid.uuid4())
    upsert(
        db,
        "visits",
        [
            {
                "id": visit_id,
                "date": data.date,
                "session": data.session,
                "school_code": data.school_code,
                "network_id": network_id,
                "team": list(dict.fromkeys(data.team)),
                "created_by": actor.id,
            }
        ],
        pk="id",
    )
    upsert(db, "visit_assignments", assignment_rows(visit_id, data.assignments), pk="id")
    return visit_id


def assignment_rows(visit_id: str, assignments: list[AssignmentCreate]) -> list[dict[str, Any]]:
    """The `visit_assignments` rows of a visit's classrooms, numbered in the order given."""
    return [
        {
            "id": f"{visit_id}:{n}",
            "visit_id": visit_id,
            "position": n,
            "observer_id": a.observer_id,
            "teacher_id": a.teacher_id,
            "grade": a.grade or None,
            "room": a.room.strip() or None,
            "hour": a.hour or None,
        }
        for n, a in enumerate(assignments, start=1)
    ]


def _check_plan(db: sqlite_utils.Database, data: VisitCreate, network_id: str) -> list[Notice]:
    reasons = []
    try:
        dt.date.fromisoformat(data.date)
    except ValueError:
        reasons.append(Notice("Choose a valid date"))
    members = {c["id"]: c for c in team_candidates(db, network_id)}
    if not data.team:
        reasons.append(Notice("Choose at least one team member"))
    for user_id in data.team:
        if user_id not in members:
            reasons.append(Notice("User %(id)s is not a member of this network", {"id": user_id}))
    teachers = {t["id"] for t in teachers_at(db, data.school_code)}
    for n, a in enumerate(data.assignments, start=1):
        if a.observer_id not in data.team:
            reasons.append(Notice("Classroom %(n)s: the observer must be on the team", {"n": n}))
        if a.teacher_id not in teachers:
            reasons.append(Notice("Classroom %(n)s: choose a teacher of this school", {"n": n}))
        if a.grade and a.grade not in GRADE_LABELS:
            reasons.append(Notice("Classroom %(n)s: unknown grade", {"n": n}))
        if a.hour and not HOUR.match(a.hour):
            reasons.append(Notice("Classroom %(n)s: write the hour as 09:00", {"n": n}))
    return reasons


def double_bookings(
    db: sqlite_utils.Database,
    date: str,
    session: str,
    team: Iterable[int],
    *,
    except_visit: str | None = None,
) -> list[Notice]:
    """A notice for each team member already booked at another visit on this date and session."""
    wanted = set(team)
    notices = []
    rows = db.execute(
        "SELECT v.id, v.team, s.name FROM visits v JOIN schools s ON s.code = v.school_code "
        "WHERE v.date = ? AND v.session = ? AND v.cancelled_at IS NULL ORDER BY v.id",
        [date, session],
    )
    names = dict(db.execute("SELECT id, display_name FROM users").fetchall())
    for visit_id, team_json, school_name in rows:
        if visit_id == except_visit:
            continue
        for user_id in sorted(wanted & set(json.loads(team_json or "[]"))):
            notices.append(
                Notice(
                    "%(person)s is already booked at %(school)s on %(date)s (%(session)s)",
                    {
                        "person": names.get(user_id, str(user_id)),
                        "school": school_name,
                        "date": thaidate.format_date(date),
                        "session": SessionName(session),
                    },
                )
            )
    return notices


class SessionName(str):
    """A session code that shows as its translated name."""

    __slots__ = ()

    def __str__(self) -> str:
        return str(Notice("Morning") if self == "morning" else Notice("Afternoon"))


# -- reading plans -------------------------------------------------------------------------------------------


def visits_in(db: sqlite_utils.Database, network_id: str, term: Term) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT v.id, v.date, v.session, v.school_code, s.name, v.team, "
        "(SELECT count(*) FROM visit_assignments a WHERE a.visit_id = v.id) "
        "FROM visits v JOIN schools s ON s.code = v.school_code "
        "WHERE v.network_id = ? AND v.date BETWEEN ? AND ? AND v.cancelled_at IS NULL "
        "ORDER BY v.date, v.session DESC",
        [network_id, term.start.isoformat(), term.end.isoformat()],
    ).fetchall()
    names = dict(db.execute("SELECT id, display_name FROM users").fetchall())
    return [
        {
            "id": i,
            "date": d,
            "session": s,
            "school_code": c,
            "school_name": n,
            "team": [names.get(u, str(u)) for u in json.loads(t or "[]")],
            "assignments": k,
        }
        for i, d, s, c, n, t, k in rows
    ]


def visit_detail(db: sqlite_utils.Database, actor: Actor, visit_id: str) -> dict[str, Any] | None:
    """A visit with its team and classrooms; None when missing or in a network the actor cannot see."""
    row = db.execute(
        "SELECT v.id, v.date, v.session, v.school_code, s.name, v.network_id, v.team, v.cancelled_at "
        "FROM visits v JOIN schools s ON s.code = v.school_code WHERE v.id = ?",
        [visit_id],
    ).fetchone()
    if row is None or not actor.can_see(row[5]):
        return None
    names = dict(db.execute("SELECT id, display_name FROM users").fetchall())
    assignments = [
        {"observer": names.get(o, str(o)), "teacher": t, "grade": g, "room": r, "hour": h}
        for o, t, g, r, h in db.execute(
            "SELECT a.observer_id, t.name, a.grade, a.room, a.hour FROM visit_assignments a "
            "JOIN teachers t ON t.id = a.teacher_id WHERE a.visit_id = ? ORDER BY a.hour, a.position",
            [visit_id],
        )
    ]
    return {
        "id": row[0],
        "date": row[1],
        "session": row[2],
        "school_code": row[3],
        "school_name": row[4],
        "network_id": row[5],
        "team": [names.get(u, str(u)) for u in json.loads(row[6] or "[]")],
        "assignments": assignments,
        "records": visit_records(db, visit_id),
        "cancelled": bool(row[7]),
    }


def visit_records(db: sqlite_utils.Database, visit_id: str) -> list[dict[str, Any]]:
    """The synced records of one visit, every observer's (a team visit is one visit on the server), by observer
    then form: id, observer, form title, the observed teacher (observations), last update."""
    rows = db.execute(
        "SELECT r.id, coalesce(u.display_name, ''), r.form_id, coalesce(f.title, r.form_id), t.name, r.updated_at "
        "FROM records r LEFT JOIN users u ON u.id = r.author_id "
        "LEFT JOIN form_versions f ON f.form_id = r.form_id AND f.version = r.form_version "
        "LEFT JOIN teachers t ON t.id = json_extract(r.answers, '$.teacher') "
        "WHERE r.visit_id = ? ORDER BY u.display_name, r.form_id, r.updated_at",
        [visit_id],
    ).fetchall()
    return [
        {"id": i, "observer": o, "form_id": fid, "form": title, "teacher": teacher, "updated_at": _local(at)}
        for i, o, fid, title, teacher, at in rows
    ]


def _local(timestamp: str | None) -> str:
    """A stored UTC timestamp as the area office's local date and time (Thailand), e.g. `2025-06-03 10:15`."""
    if not timestamp:
        return ""
    try:
        return dt.datetime.fromisoformat(timestamp).astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return timestamp


# -- coverage ------------------------------------------------------------------------------------------------


class CoverageRow(msgspec.Struct):
    code: str
    name: str
    status: Literal["visited", "planned", "not_planned"]
    visits: int
    records: int


class Coverage(msgspec.Struct):
    network_id: str
    term: Term
    rows: list[CoverageRow]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("visited", "planned", "not_planned")} | {"total": len(self.rows)}


def coverage(db: sqlite_utils.Database, network_id: str, term: Term) -> Coverage:
    """Every school of the network this term: visited (server/reports/coverage.py `visited`), planned (a visit
    this term, no record yet) or not planned."""
    span = [term.start.isoformat(), term.end.isoformat()]
    visits = dict(
        db.execute(
            "SELECT school_code, count(*) FROM visits "
            "WHERE network_id = ? AND date BETWEEN ? AND ? AND cancelled_at IS NULL GROUP BY school_code",
            [network_id, *span],
        ).fetchall()
    )
    records = visited(db, network_id, *span)
    rows = []
    for school in schools_of(db, network_id):
        code = school["code"]
        status: Literal["visited", "planned", "not_planned"] = (
            "visited" if records.get(code) else "planned" if visits.get(code) else "not_planned"
        )
        rows.append(CoverageRow(code, school["name"], status, visits.get(code, 0), records.get(code, 0)))
    order = {"not_planned": 0, "planned": 1, "visited": 2}
    rows.sort(key=lambda r: (order[r.status], r.name))
    return Coverage(network_id, term, rows)
