"""The pull side: what changed since a cursor, scoped to what the user may see."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from sync.apply import RECORD_COLUMNS, record_view
from sync.scope import Actor
from sync.wire import (
    AssignmentView,
    FormVersionView,
    NetworkView,
    PullResult,
    SchoolView,
    TeacherView,
    UserView,
    VisitView,
)

#: How many change numbers one page of pull covers; each number is at most one row, so a page is bounded.
WINDOW = 5000


def pull(db: sqlite_utils.Database, actor: Actor, cursor: int, *, window: int = WINDOW) -> PullResult:
    with db.atomic():  # one read snapshot for every table
        top = db.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()[0]
        upto = min(top, max(cursor, 0) + window)
        nets = sorted(actor.network_ids)

        def scope(column: str) -> str:
            return "1 = 1" if actor.sees_all else f"{column} IN ({','.join('?' for _ in nets) or 'NULL'})"

        params: list[Any] = [] if actor.sees_all else nets

        def rows(sql: str, extra: list[Any] | None = None) -> list[tuple[Any, ...]]:
            return db.execute(sql, [cursor, upto, *(extra if extra is not None else params)]).fetchall()

        networks = rows(f"SELECT id, name FROM networks WHERE seq > ? AND seq <= ? AND {scope('id')}")
        schools = rows(
            "SELECT code, name, network_id, district, grades FROM schools "
            f"WHERE seq > ? AND seq <= ? AND {scope('network_id')}"
        )
        teachers = rows(
            "SELECT t.id, t.school_code, t.name, t.grades, t.learning_areas FROM teachers t "
            f"JOIN schools s ON s.code = t.school_code WHERE t.seq > ? AND t.seq <= ? AND {scope('s.network_id')}"
        )
        # A visit is sent again, whole (every assignment), when it or one of its assignments changed.
        changed_visits = (
            "SELECT id FROM visits WHERE (seq > ? AND seq <= ? "
            "OR id IN (SELECT visit_id FROM visit_assignments WHERE seq > ? AND seq <= ?)) "
            f"AND {scope('network_id')}"
        )
        visits = rows(
            "SELECT id, date, session, school_code, network_id, team, cancelled_at IS NOT NULL FROM visits "
            f"WHERE id IN ({changed_visits}) ORDER BY seq",
            [cursor, upto, *params],
        )
        assignments: dict[str, list[AssignmentView]] = {}
        for visit_id, *fields in rows(
            "SELECT visit_id, observer_id, teacher_id, grade, room, hour FROM visit_assignments "
            f"WHERE visit_id IN ({changed_visits}) ORDER BY visit_id, position",
            [cursor, upto, *params],
        ):
            assignments.setdefault(visit_id, []).append(AssignmentView(*fields))
        forms = rows("SELECT form_id, version, title FROM form_versions WHERE seq > ? AND seq <= ?", [])
        # Users carry no network of their own: one is sent to whoever shares a network with them.
        users = rows(
            "SELECT u.id, u.display_name, u.role FROM users u WHERE u.seq > ? AND u.seq <= ? AND u.active = 1 "
            + (
                ""
                if actor.sees_all
                else f"AND u.id IN (SELECT user_id FROM user_networks WHERE {scope('network_id')})"
            )
            + " ORDER BY u.id"
        )
        records = rows(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE seq > ? AND seq <= ? AND {scope('network_id')}"
        )
    return PullResult(
        cursor=upto,
        more=upto < top,
        networks=[NetworkView(*r) for r in networks],
        schools=[SchoolView(c, n, net, d, _list(g)) for c, n, net, d, g in schools],
        teachers=[TeacherView(i, s, n, _list(g), _list(a)) for i, s, n, g, a in teachers],
        visits=[
            VisitView(i, d, s, sc, n, [int(x) for x in _list(t)], assignments.get(i, []), bool(c))
            for i, d, s, sc, n, t, c in visits
        ],
        forms=[FormVersionView(*r) for r in forms],
        records=[record_view(r) for r in records],
        users=[UserView(*r) for r in users],
    )


def _list(text: str | None) -> list[Any]:
    return list(json.loads(text)) if text else []
