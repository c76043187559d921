"""Queries over synced observation records for the people who compile them."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from core.actor import Actor
from sync.stored import unpack


def _scope(actor: Actor, column: str = "r.network_id") -> tuple[str, list[Any]]:
    if actor.sees_all:
        return "1 = 1", []
    nets = sorted(actor.network_ids)
    return f"{column} IN ({','.join('?' for _ in nets) or 'NULL'})", nets


def list_records(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    school: str | None = None,
    form_id: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    where, params = _scope(actor)
    if school:
        where += " AND r.school_code = ?"
        params.append(school)
    if form_id:
        where += " AND r.form_id = ?"
        params.append(form_id)
    sql = (
        "SELECT r.id, r.form_id, r.form_version, r.school_code, s.name, r.answers, r.texts, r.updated_at, r.conflicts, "
        "u.display_name, (SELECT count(*) FROM revisions v WHERE v.record_id = r.id) "
        "FROM records r JOIN schools s ON s.code = r.school_code LEFT JOIN users u ON u.id = r.author_id "
        f"WHERE {where} ORDER BY r.updated_at DESC LIMIT ?"
    )
    out = []
    for (
        rid,
        form_id_,
        version,
        code,
        school_name,
        answers,
        texts,
        updated,
        conflicts,
        author,
        revisions,
    ) in db.execute(sql, [*params, limit]):
        out.append(
            {
                "id": rid,
                "form_id": form_id_,
                "form_version": version,
                "school_code": code,
                "school_name": school_name,
                "answers": unpack(answers, texts),
                "updated_at": updated,
                "conflicts": conflicts,
                "author": author,
                "revisions": revisions,
            }
        )
    return out


def schools_in_scope(db: sqlite_utils.Database, actor: Actor) -> list[dict[str, Any]]:
    where, params = _scope(actor, "network_id")
    rows = db.execute(
        f"SELECT code, name, network_id FROM schools WHERE {where} ORDER BY network_id, name", params
    )
    return [{"code": c, "name": n, "network_id": net} for c, n, net in rows]


def record_with_revisions(db: sqlite_utils.Database, actor: Actor, record_id: str) -> dict[str, Any] | None:
    """A record and every revision, conflicts included; None when missing or outside the actor's networks."""
    where, params = _scope(actor)
    row = db.execute(
        "SELECT r.id, r.form_id, r.form_version, r.school_code, s.name, r.rev, r.conflicts, r.created_at, r.updated_at, "
        "r.network_id "
        f"FROM records r JOIN schools s ON s.code = r.school_code WHERE r.id = ? AND {where}",
        [record_id, *params],
    ).fetchone()
    if row is None:
        return None
    rid, form_id, version, code, school_name, rev, conflicts, created, updated, network_id = row
    revisions = [
        {
            "rev": r,
            "base_rev": b,
            "state": st,
            "answers": unpack(a, p),
            "author": au,
            "author_username": un,
            "device_id": d,
            "received_at": t,
        }
        for r, b, st, a, p, au, un, d, t in db.execute(
            # The current revision's answers are the record's (m021).
            "SELECT v.rev, v.base_rev, v.state, coalesce(v.answers, r.answers), "
            "CASE WHEN v.answers IS NULL THEN r.texts ELSE v.texts END, u.display_name, u.username, "
            "v.device_id, v.received_at FROM revisions v JOIN records r ON r.id = v.record_id "
            "LEFT JOIN users u ON u.id = v.author_id WHERE v.record_id = ? "
            "ORDER BY v.received_at, v.rowid",
            [rid],
        )
    ]
    add_changes(revisions)
    return {
        "id": rid,
        "form_id": form_id,
        "form_version": version,
        "school_code": code,
        "school_name": school_name,
        "network_id": network_id,
        "rev": rev,
        "conflicts": conflicts,
        "created_at": created,
        "updated_at": updated,
        "revisions": revisions,
    }


def add_changes(revisions: list[dict[str, Any]]) -> None:
    """The audit trail: each revision's `changes` against the revision it was made from (its base, or the
    one before it), as (answer name, before, after); the first revision has none (it created the record)."""
    by_rev = {v["rev"]: v for v in revisions}
    for i, v in enumerate(revisions):
        base = by_rev.get(v["base_rev"]) if v["base_rev"] else (revisions[i - 1] if i else None)
        v["base_known"] = base is not None
        if base is None:
            v["changes"] = []
            continue
        before, after = base["answers"], v["answers"]
        v["changes"] = [
            (name, before.get(name), after.get(name))
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]
