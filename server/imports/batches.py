"""Writing a checked file: `stage_tx` keeps it as a pending batch, `apply_tx` checks it again against
today's data and writes it through `server.reference.upsert` (users through `server.accounts`), keeping
the rows it replaces, and `undo_tx` puts them back. Each runs in one transaction on the writer."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from core.actor import Actor
from core.roles import ADMINS
from server import accounts
from server.imports.checks import Report, check, user_snapshot
from server.imports.columns import PK, TABLE_COLUMNS
from server.notice import Notice, Refused
from server.reference import upsert
from sync.scope_changes import note_removal


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _networks_touched(db: sqlite_utils.Database, kind: str, rows: list[dict[str, Any]]) -> list[str]:
    if kind == "schools":
        return sorted({r["network_id"] for r in rows})
    if kind == "users":
        return sorted({n for r in rows for n in r["networks"]})
    codes = sorted({r["school_code"] for r in rows})
    marks = ",".join("?" for _ in codes)
    found = db.execute(f"SELECT DISTINCT network_id FROM schools WHERE code IN ({marks})", codes)
    return sorted(n for (n,) in found)


def stage_tx(db: sqlite_utils.Database, actor: Actor, report: Report) -> int:
    """Keep a valid file as a pending batch, to apply when the user confirms. Touches no reference data."""
    if not report.ok:
        raise Refused("import_invalid")
    rows = [{"line": r.line, "values": r.values} for r in report.rows]
    return int(
        db.table("import_batches")
        .insert(
            {
                "kind": report.kind,
                "status": "pending",
                "actor_id": actor.id,
                "filename": report.filename,
                "encoding": report.encoding,
                "rows": json.dumps(rows, ensure_ascii=False),
                "created_at": _now(),
            }
        )
        .last_pk  # type: ignore[arg-type]
    )


def apply_tx(db: sqlite_utils.Database, actor: Actor, batch_id: int) -> Report:
    """Check the pending batch again against today's data, then write it, keeping the rows it replaces."""
    batch = db.execute(
        "SELECT kind, filename, encoding, rows FROM import_batches "
        "WHERE id = ? AND status = 'pending' AND actor_id = ?",
        [batch_id, actor.id],
    ).fetchone()
    if batch is None:
        raise Refused("import_not_pending")
    kind, filename, encoding, rows_json = batch
    items = [(r["line"], r["values"]) for r in json.loads(rows_json)]
    report = Report(
        kind=kind, filename=filename, encoding=encoding, rows=check(db, actor, kind, items), batch_id=batch_id
    )
    if not report.ok:
        raise Refused("import_invalid", *[e for r in report.rows for e in r.errors][:20])
    if kind == "users":
        before, after = _apply_users(db, report)
    else:
        before, after = _apply_rows(db, kind, report)
    db.table("import_batches").update(
        batch_id,
        {
            "status": "applied",
            "applied_at": _now(),
            "network_ids": json.dumps(_networks_touched(db, kind, [r.row for r in report.rows])),
            "before": json.dumps(before, ensure_ascii=False),
            "after_seq": json.dumps(after, ensure_ascii=False),
        },
    )
    # Cancel this actor's other pending batches: they were checked against data that just changed.
    db.execute("DELETE FROM import_batches WHERE status = 'pending' AND actor_id = ?", [actor.id])
    return report


def _apply_users(db: sqlite_utils.Database, report: Report) -> tuple[dict[str, Any], dict[str, Any]]:
    """Add or update the accounts; `before` and `after` are snapshots (no password hashes) for undo."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for r in report.rows:
        if r.action == "same":
            continue
        row = r.row
        old = accounts.find(db, row["username"])
        if old is None:
            _, r.password = accounts.add_user(
                db, row["username"], row["display_name"], row["role"], row["networks"]
            )
            before[row["username"]] = None
        else:
            before[row["username"]] = user_snapshot(old)
            accounts.update_user(db, old["id"], row["display_name"], row["role"], row["networks"])
        after[row["username"]] = user_snapshot(accounts.find(db, row["username"]))  # type: ignore[arg-type]
    return before, after


def _apply_rows(
    db: sqlite_utils.Database, kind: str, report: Report
) -> tuple[dict[str, Any], dict[str, Any]]:
    table, pk, columns = kind, PK[kind], TABLE_COLUMNS[kind]
    changed = [r.row for r in report.rows if r.action != "same"]
    before: dict[str, Any] = {}
    for row in changed:
        old = db.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {pk} = ?",
            [row[pk]],
        ).fetchone()
        before[row[pk]] = dict(zip(columns, old, strict=True)) if old else None
    upsert(db, table, changed, pk=pk)
    after = {
        key: seq
        for key, seq in db.execute(
            f"SELECT {pk}, seq FROM {table} WHERE {pk} IN (SELECT value FROM json_each(?))",
            [json.dumps(list(before))],
        )
    }
    return before, after


def last_applied(db: sqlite_utils.Database, actor: Actor) -> dict[str, Any] | None:
    """The newest applied import whose networks the actor can all see: the one 'undo' would undo.
    Only an admin undoes a users import."""
    for batch_id, kind, filename, created, nets, before in db.execute(
        "SELECT id, kind, filename, applied_at, network_ids, before FROM import_batches "
        "WHERE status = 'applied' ORDER BY id DESC LIMIT 50"
    ):
        if kind == "users" and actor.role not in ADMINS:
            continue
        if all(actor.can_see(n) for n in json.loads(nets or "[]")):
            return {
                "id": batch_id,
                "kind": kind,
                "filename": filename,
                "applied_at": created,
                "rows": len(json.loads(before)),
            }
    return None


def undo_tx(db: sqlite_utils.Database, actor: Actor) -> dict[str, Any]:
    """Restore the rows the last import replaced and remove the rows it added, unless they changed since
    or are in use (a teacher of an added school, a planned classroom, a record)."""
    last = last_applied(db, actor)
    if last is None:
        raise Refused("nothing_to_undo")
    kind = last["kind"]
    pk, columns = PK[kind], TABLE_COLUMNS[kind]
    before_json, after_json = db.execute(
        "SELECT before, after_seq FROM import_batches WHERE id = ?", [last["id"]]
    ).fetchone()
    before: dict[str, Any] = json.loads(before_json)
    after: dict[str, Any] = json.loads(after_json)
    if kind == "users":
        counts = _undo_users(db, before, after)
        db.table("import_batches").update(last["id"], {"status": "undone", "undone_at": _now()})
        return {**last, **counts}
    reasons = []
    for key, seq in after.items():
        row = db.execute(f"SELECT seq FROM {kind} WHERE {pk} = ?", [key]).fetchone()
        if row is None or row[0] != seq:
            reasons.append(Notice("%(code)s was changed after the import", {"code": key}))
        elif before.get(key) is None and _in_use(db, kind, key):
            reasons.append(Notice("%(code)s is already in use", {"code": key}))
    if reasons:
        raise Refused("import_undo_blocked", *reasons[:20])
    added = [k for k, v in before.items() if v is None]
    db.execute(f"DELETE FROM {kind} WHERE {pk} IN (SELECT value FROM json_each(?))", [json.dumps(added)])
    restored = [
        {
            c: (json.loads(v) if c in ("grades", "learning_areas") and v else v)
            for c, v in old.items()
            if c in columns
        }
        for old in before.values()
        if old is not None
    ]
    upsert(db, kind, restored, pk=pk)
    note_removal(db)  # tablets that pulled the removed rows drop them at their next pull
    db.table("import_batches").update(last["id"], {"status": "undone", "undone_at": _now()})
    return {**last, "removed": len(added), "restored": len(restored)}


def _undo_users(db: sqlite_utils.Database, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Deactivate the accounts the import added, restore the name, role and networks of those it changed;
    refused when any of them changed since (passwords are never touched)."""
    reasons = []
    for username, snapshot in after.items():
        user = accounts.find(db, username)
        if user is None or user_snapshot(user) != snapshot:
            reasons.append(Notice("%(code)s was changed after the import", {"code": username}))
    if reasons:
        raise Refused("import_undo_blocked", *reasons[:20])
    removed = restored = 0
    for username, old in before.items():
        if old is None:
            accounts.deactivate(db, username)
            removed += 1
        else:
            user = accounts.find(db, username)
            accounts.update_user(db, user["id"], old["display_name"], old["role"], old["networks"])  # type: ignore[index]
            restored += 1
    return {"removed": removed, "restored": restored}


def _in_use(db: sqlite_utils.Database, kind: str, key: str) -> bool:
    if kind == "schools":
        checks = [
            ("SELECT 1 FROM teachers WHERE school_code = ?", key),
            ("SELECT 1 FROM visits WHERE school_code = ?", key),
            ("SELECT 1 FROM records WHERE school_code = ?", key),
        ]
    else:
        checks = [
            ("SELECT 1 FROM visit_assignments WHERE teacher_id = ?", key),
            ("SELECT 1 FROM records WHERE json_extract(answers, '$.teacher') = ?", key),
        ]
    return any(db.execute(sql, [value]).fetchone() for sql, value in checks)
