"""What a planner or a report chooses from: the networks a user sees, a network's schools and team members,
a school's teachers, the network of a school."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from core import roles
from core.actor import Actor


def networks_for(db: sqlite_utils.Database, actor: Actor) -> list[dict[str, str]]:
    rows = db.execute("SELECT id, name FROM networks ORDER BY id").fetchall()
    return [{"id": i, "name": n} for i, n in rows if actor.can_see(i)]


def schools_of(db: sqlite_utils.Database, network_id: str) -> list[dict[str, Any]]:
    rows = db.execute("SELECT code, name FROM schools WHERE network_id = ? ORDER BY name", [network_id])
    return [{"code": c, "name": n} for c, n in rows]


def team_candidates(db: sqlite_utils.Database, network_id: str) -> list[dict[str, Any]]:
    marks = ",".join("?" for _ in roles.TEAM_ROLES)
    sql = (
        "SELECT u.id, u.display_name, u.role FROM users u JOIN user_networks un ON un.user_id = u.id "
        f"WHERE un.network_id = ? AND u.active = 1 AND u.role IN ({marks}) ORDER BY u.display_name"
    )
    rows = db.execute(sql, [network_id, *roles.TEAM_ROLES])
    return [{"id": i, "name": n, "role": r} for i, n, r in rows]


def teachers_at(db: sqlite_utils.Database, school_code: str) -> list[dict[str, Any]]:
    rows = db.execute("SELECT id, name FROM teachers WHERE school_code = ? ORDER BY name", [school_code])
    return [{"id": i, "name": n} for i, n in rows]


def school_network(db: sqlite_utils.Database, school_code: str) -> str | None:
    row = db.execute("SELECT network_id FROM schools WHERE code = ?", [school_code]).fetchone()
    return row[0] if row else None
