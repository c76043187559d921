"""The actor's schools, teachers or users as a file the importer reads back unchanged: the Thai headers of
`server/imports/columns.py`, grades and learning areas by their Thai labels."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from core.actor import Actor
from core.roles import ADMINS
from server import accounts
from server.imports.columns import COLUMNS, Kind
from server.vocabulary import GRADE_LABELS, LEARNING_AREAS


def export_rows(db: sqlite_utils.Database, actor: Actor, kind: Kind) -> tuple[list[str], list[list[str]]]:
    """The actor's schools or teachers with the Thai headers the importer reads back; users (admins only,
    active accounts, no password hashes) likewise."""
    headers = [c.header for c in COLUMNS[kind]]
    if kind == "users":
        if actor.role not in ADMINS:
            return headers, []
        return headers, [
            [
                _text(u["username"]),
                _text(u["display_name"]),
                accounts.ROLE_NAMES[u["role"]][0] if u["role"] in accounts.ROLE_NAMES else u["role"],
                ", ".join(u["networks"]),
            ]
            for u in accounts.list_users(db, active_only=True)
        ]
    if kind == "schools":
        sql = (
            "SELECT code, name, network_id, district, grades, latitude, longitude, network_id FROM schools "
            "ORDER BY 3, 1"
        )
    else:
        sql = (
            "SELECT t.id, t.school_code, t.name, t.grades, t.learning_areas, s.network_id FROM teachers t "
            "JOIN schools s ON s.code = t.school_code ORDER BY s.network_id, t.school_code, t.id"
        )
    out = []
    for *values, network_id in db.execute(sql):
        if not actor.can_see(network_id):
            continue
        if kind == "schools":
            values[4] = ", ".join(GRADE_LABELS[g] for g in json.loads(values[4] or "[]") if g in GRADE_LABELS)
        else:
            values[3] = ", ".join(GRADE_LABELS[g] for g in json.loads(values[3] or "[]") if g in GRADE_LABELS)
            values[4] = ", ".join(
                LEARNING_AREAS[a] for a in json.loads(values[4] or "[]") if a in LEARNING_AREAS
            )
        out.append([_text(v) for v in values])
    return headers, out


def _text(value: Any) -> str:
    return "" if value is None else str(value)
