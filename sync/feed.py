"""The pull side: what changed since a cursor, scoped to what the user may see."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import sqlite_utils

from core.actor import Actor
from sync.apply import RECORD_COLUMNS, record_view
from sync.scope_changes import scope_token
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

#: The most change numbers one page of pull covers (each number is at most one row).
WINDOW = 5000
#: The most bytes of JSON one page carries (before compression): a page must arrive within the tablet's
#: per-request timeout on a slow link, so that the cursor moves on (docs/sync-protocol.md).
PAGE_BYTES = 1_000_000
#: A record's JSON beyond its answers (ids, names of fields, dates), for the estimate of a page's size.
RECORD_OVERHEAD = 400


def pull(
    db: sqlite_utils.Database,
    actor: Actor,
    cursor: int,
    *,
    window: int = WINDOW,
    max_bytes: int = PAGE_BYTES,
    seen_scope: str = "",
) -> PullResult:
    """One page: the changes after `cursor`, at most `window` change numbers and at most `max_bytes` of
    JSON — unless one change alone is larger (a record is at most 256 KiB, far below the bound).
    `seen_scope`: the token of the tablet's last pull; when it is not the current one, start again."""
    with db.atomic():  # one read snapshot for every table
        token = scope_token(db, actor)
        reset = bool(seen_scope) and seen_scope != token
        cursor = 0 if reset else cursor
        top = db.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()[0]
        cursor = max(cursor, 0)
        upto = _fit(db, actor, cursor, min(top, cursor + window), max_bytes * 9 // 10)
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
    page = PullResult(
        cursor=upto,
        more=upto < top,
        top=top,
        scope=token,
        reset=reset,
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
    if upto - cursor > 1 and len(msgspec.json.encode(page)) > max_bytes:
        # The estimate leaves out the reference rows and is rough: the encoded page is what counts.
        return pull(
            db, actor, cursor, window=(upto - cursor) // 2, max_bytes=max_bytes, seen_scope=seen_scope
        )
    return page


def _fit(db: sqlite_utils.Database, actor: Actor, cursor: int, upto: int, budget: int) -> int:
    """The last change number up to which the page's records stay within `budget` bytes of JSON."""
    nets = [] if actor.sees_all else sorted(actor.network_ids)
    scope = "1 = 1" if actor.sees_all else f"network_id IN ({','.join('?' for _ in nets) or 'NULL'})"
    total = 0
    for seq, size in db.execute(
        f"SELECT seq, length(CAST(answers AS BLOB)) FROM records WHERE seq > ? AND seq <= ? AND {scope} "
        "ORDER BY seq",
        [cursor, upto, *nets],
    ):
        total += size + RECORD_OVERHEAD
        if total > budget:
            return max(int(seq) - 1, cursor + 1)
    return upto


def _list(text: str | None) -> list[Any]:
    return list(json.loads(text)) if text else []
