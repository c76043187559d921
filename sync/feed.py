"""The pull side: what changed since a cursor, scoped to what the user may see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import msgspec
import sqlite_utils

from core.actor import Actor
from sync.apply import RECORD_COLUMNS, record_view
from sync.scope_changes import scope_token
from sync.stored import VISIT_DATE
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


class Round(msgspec.Struct, frozen=True):
    """Where an ordered pull stands (docs/sync-protocol.md): it covers the changes after `cursor` up to
    `top`, the newest change number when it began; the reference rows are held up to `ref`, the records from
    `before` up to `top`. Changes made meanwhile get numbers above `top`: the next round brings them."""

    top: int
    ref: int
    before: int


def pull(
    db: sqlite_utils.Database,
    actor: Actor,
    cursor: int,
    *,
    window: int = WINDOW,
    max_bytes: int = PAGE_BYTES,
    seen_scope: str = "",
    ordered: Round | None = None,
    keep_since: str = "",
) -> PullResult:
    """One page: the changes after `cursor`, at most `window` change numbers and at most `max_bytes` of
    JSON — unless one change alone is larger (a record is at most 256 KiB, far below the bound).
    `seen_scope`: the token of the tablet's last pull; when it is not the current one, start again.
    `ordered`: the reference data and plans first, then the records newest first (`Round(0, 0, 0)` starts
    a round); without it the changes come in the order they were made.
    `keep_since` (ISO date; ordered pulls only): the history leaves out the records the tablet would prune at
    once (`_kept`)."""
    with db.atomic():  # one read snapshot for every table
        token = scope_token(db, actor)
        reset = bool(seen_scope) and seen_scope != token
        cursor = max(0 if reset else cursor, 0)
        top = db.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()[0]
        if ordered is None:
            upto = _fit(db, actor, cursor, min(top, cursor + window), max_bytes * 9 // 10)
            page = _page(db, actor, (cursor, upto), (cursor, upto))
            page.cursor, page.more = upto, upto < top
        else:
            held = cursor <= ordered.ref <= ordered.top and cursor < ordered.before <= ordered.top + 1
            if reset or ordered.top <= cursor or not held:  # a new round (or one the tablet garbled)
                ordered = Round(top=top, ref=cursor, before=top + 1)
            kept = _kept(actor, keep_since)
            page, span = _ordered(db, actor, cursor, ordered, window, max_bytes, kept)
            page.more = page.more or page.cursor < top
        page.top, page.scope, page.reset = top, token, reset
    if ordered is None:
        span = page.cursor - cursor
    if span > 1 and len(msgspec.json.encode(page)) > max_bytes:
        # The estimate leaves out the reference rows and is rough: the encoded page is what counts.
        return pull(db, actor, cursor, window=span // 2, max_bytes=max_bytes, seen_scope=seen_scope,
                    ordered=ordered, keep_since=keep_since)  # fmt: skip
    return page


def _ordered(
    db: sqlite_utils.Database, actor: Actor, cursor: int, at: Round, window: int, max_bytes: int, kept: Kept
) -> tuple[PullResult, int]:
    """The next page of a round: reference rows up to the round's top, then records going back in time;
    and how many change numbers it spans."""
    if at.ref < at.top:
        ref = min(at.top, at.ref + window)
        page = _page(db, actor, (at.ref, ref), None)
        page.phase, page.ref, page.before, span = "reference", ref, at.before, ref - at.ref
    else:
        low = _fit_back(db, actor, cursor, at.before, window, max_bytes * 9 // 10, kept)
        page = _page(db, actor, None, (low - 1, at.before - 1), kept)
        page.phase, page.ref, page.before, span = "history", at.ref, low, at.before - low
    page.round, page.cursor, page.more = at.top, cursor, True
    if page.phase == "history" and not _records_between(db, actor, cursor, page.before, kept):
        # The round is done: everything up to its top is held.
        page.round, page.ref, page.before, page.more = 0, 0, 0, False
        page.cursor = at.top
    return page, span


#: An SQL condition on `records` and its parameters.
Kept = tuple[str, list[Any]]
EVERY: Kept = ("1 = 1", [])


def _kept(actor: Actor, since: str) -> Kept:
    """The records a tablet keeps (pwa/static/js/prune.js `pruneTablet`, `stillNeeded`): those changed on
    or after `since` (the previous term's first day, server/calendar.py `keep_since`) and each school's
    newest reflection meeting, whose agreed actions Today reads. Anything older would leave the tablet at
    its next prune: a first pull does not send it. A record changed later gets a new change number and comes
    with the next pull."""
    if not since:
        return EVERY
    where, params = _scope(actor, "network_id")
    newest = (
        f"SELECT school_code, max({VISIT_DATE}) AS day FROM records "
        f"WHERE form_id = 'reflection' AND {where} GROUP BY school_code"
    )
    return (
        f"(updated_at >= ? OR (form_id = 'reflection' AND (school_code, {VISIT_DATE}) IN ({newest})))",
        [since, *params],
    )


def _scope(actor: Actor, column: str) -> tuple[str, list[Any]]:
    nets = sorted(actor.network_ids)
    if actor.sees_all:
        return "1 = 1", []
    return f"{column} IN ({','.join('?' for _ in nets) or 'NULL'})", nets


def _records_between(db: sqlite_utils.Database, actor: Actor, low: int, high: int, kept: Kept) -> bool:
    """Whether any record the actor sees (and `kept`) has a change number strictly between `low` and `high`."""
    where, params = _scope(actor, "network_id")
    sql = f"SELECT 1 FROM records WHERE seq > ? AND seq < ? AND {where} AND {kept[0]} LIMIT 1"
    return db.execute(sql, [low, high, *params, *kept[1]]).fetchone() is not None


def _fit_back(
    db: sqlite_utils.Database, actor: Actor, cursor: int, before: int, window: int, budget: int, kept: Kept
) -> int:
    """The lowest change number from which the records below `before` stay within `budget` bytes of JSON
    (newest first) and `window` change numbers."""
    low, total = max(cursor + 1, before - window), 0
    for seq, size in _sizes(db, actor, low - 1, before - 1, newest_first=True, kept=kept):
        total += size
        if total > budget:
            return min(seq + 1, before - 1)
    return low


def _page(
    db: sqlite_utils.Database,
    actor: Actor,
    reference: tuple[int, int] | None,
    records: tuple[int, int] | None,
    kept: Kept = EVERY,
) -> PullResult:
    """The reference rows changed in (low, high] of `reference` and the records changed in (low, high] of
    `records` (newest first in an ordered pull; None: none of them)."""
    nets = sorted(actor.network_ids)

    def scope(column: str) -> str:
        return _scope(actor, column)[0]

    params: list[Any] = [] if actor.sees_all else nets
    lo, hi = reference or (0, 0)

    def rows(sql: str, extra: list[Any] | None = None) -> list[tuple[Any, ...]]:
        if reference is None:
            return []
        return db.execute(sql, [lo, hi, *(extra if extra is not None else params)]).fetchall()

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
        [lo, hi, *params],
    )
    assignments: dict[str, list[AssignmentView]] = {}
    for visit_id, *fields in rows(
        "SELECT visit_id, observer_id, teacher_id, grade, room, hour FROM visit_assignments "
        f"WHERE visit_id IN ({changed_visits}) ORDER BY visit_id, position",
        [lo, hi, *params],
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
    found = []
    if records is not None:
        found = db.execute(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE seq > ? AND seq <= ? AND {scope('network_id')} "
            f"AND {kept[0]} ORDER BY seq DESC",
            [*records, *params, *kept[1]],
        ).fetchall()
    return PullResult(
        cursor=0,
        more=False,
        networks=[NetworkView(*r) for r in networks],
        schools=[SchoolView(c, n, net, d, _list(g)) for c, n, net, d, g in schools],
        teachers=[TeacherView(i, s, n, _list(g), _list(a)) for i, s, n, g, a in teachers],
        visits=[
            VisitView(i, d, s, sc, n, [int(x) for x in _list(t)], assignments.get(i, []), bool(c))
            for i, d, s, sc, n, t, c in visits
        ],
        forms=[FormVersionView(*r) for r in forms],
        records=[record_view(r) for r in found],
        users=[UserView(*r) for r in users],
    )


def _fit(db: sqlite_utils.Database, actor: Actor, cursor: int, upto: int, budget: int) -> int:
    """The last change number up to which the page's records stay within `budget` bytes of JSON."""
    total = 0
    for seq, size in _sizes(db, actor, cursor, upto):
        total += size
        if total > budget:
            return max(seq - 1, cursor + 1)
    return upto


def _sizes(
    db: sqlite_utils.Database,
    actor: Actor,
    low: int,
    high: int,
    *,
    newest_first: bool = False,
    kept: Kept = EVERY,
) -> Iterator[tuple[int, int]]:
    """(change number, estimated bytes of JSON) of the records the actor sees (and `kept`) changed in
    (low, high]."""
    where, params = _scope(actor, "network_id")
    for seq, size in db.execute(
        f"SELECT seq, coalesce(answers_bytes, length(CAST(answers AS BLOB))) + {RECORD_OVERHEAD} FROM records "
        f"WHERE seq > ? AND seq <= ? AND {where} AND {kept[0]} ORDER BY seq {'DESC' if newest_first else 'ASC'}",
        [low, high, *params, *kept[1]],
    ):
        yield int(seq), int(size)


def _list(text: str | None) -> list[Any]:
    return list(json.loads(text)) if text else []
