"""Checking a file before anything is written: `parse` reads it and maps its columns, `check` reports
on every row (new, changed, the same, or its errors) against the reference data as it is. Reads only."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

import msgspec
import sqlite_utils

from core.actor import Actor
from core.roles import ADMINS
from server import accounts, coordinates
from server.imports.columns import COLUMNS, TABLE_COLUMNS, Kind, has_password_column, map_columns
from server.imports.grades import parse_areas, parse_grades
from server.imports.reading import looks_garbled, read_table
from server.notice import Notice, Refused
from server.spreadsheets import cell_text

#: The most rows a check lists (every row is checked; the counts cover them all).
LISTED = 500


class RowReport(msgspec.Struct):
    line: int
    values: dict[str, str]
    action: Literal["new", "changed", "same", "error"] = "new"
    errors: list[Notice] = []
    row: dict[str, Any] = {}  # normalized, as it will be stored
    password: str = ""  # users only: the one-time password of an account this import added, shown once


class Report(msgspec.Struct, kw_only=True):
    kind: str
    filename: str
    encoding: str = ""
    ignored_columns: list[str] = []
    file_errors: list[Notice] = []
    rows: list[RowReport] = []
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "same": 0, "error": 0}
        for r in self.rows:
            out[r.action] += 1
        return out

    def listed(self, everything: bool = False) -> tuple[list[RowReport], int]:
        """The rows worth a look: those with errors first, then the new and the changed, each in line order,
        at most `LISTED` unless `everything` (one-time passwords are shown only once); and how many there
        are. A page of 20,000 rows helps no one and holds the server's event loop while it is written."""
        worth = [r for r in self.rows if r.errors] + [
            r for r in self.rows if not r.errors and r.action != "same"
        ]
        return (worth if everything else worth[:LISTED]), len(worth)


def parse(db: sqlite_utils.Database, actor: Actor, kind: Kind, filename: str, data: bytes) -> Report:
    """The whole first step: read the file and check every row. Writes nothing."""
    report = Report(kind=kind, filename=filename)
    try:
        headers, table, report.encoding = read_table(filename, data)
    except Refused as exc:
        report.file_errors = exc.reasons
        return report
    if kind == "users" and actor.role not in ADMINS:
        report.file_errors = [Notice("Only an administrator may import users")]
        return report
    found, missing, report.ignored_columns = map_columns(kind, headers)
    if kind == "users" and has_password_column(headers):
        report.file_errors = [Notice("A users file must not hold passwords: remove the password column")]
        return report
    if missing:
        report.file_errors = [Notice("Missing columns: %(columns)s", {"columns": ", ".join(missing)})]
        return report
    items = [
        (line, {key: (row[i] if i < len(row) else "") for key, i in found.items()})
        for line, row in enumerate(table, start=2)
    ]
    report.rows = check(db, actor, kind, items)
    if not report.rows:
        report.file_errors = [Notice("The file has no data rows")]
    return report


def check(
    db: sqlite_utils.Database, actor: Actor, kind: Kind, items: Iterable[tuple[int, dict[str, str]]]
) -> list[RowReport]:
    checker = {"schools": _check_school, "teachers": _check_teacher, "users": _check_user}[kind]
    ctx = _Context(db, actor, kind)
    return [
        checker(ctx, RowReport(line, {k: cell_text(v) for k, v in values.items()})) for line, values in items
    ]


class _Context:
    def __init__(self, db: sqlite_utils.Database, actor: Actor, kind: Kind):
        self.actor, self.kind = actor, kind
        self.seen: dict[str, int] = {}
        self.networks: dict[str, str] = {}
        for net_id, name in db.execute("SELECT id, name FROM networks"):
            self.networks[cell_text(net_id).lower()] = net_id
            self.networks[cell_text(name).lower()] = net_id
        self.schools = {
            r[0]: r
            for r in db.execute(
                "SELECT code, name, network_id, district, grades, latitude, longitude FROM schools"
            )
        }
        self.teachers = (
            {
                r[0]: r
                for r in db.execute("SELECT id, school_code, name, grades, learning_areas FROM teachers")
            }
            if kind == "teachers"
            else {}
        )
        self.users = {u["username"]: u for u in accounts.list_users(db)} if kind == "users" else {}


def _common(ctx: _Context, r: RowReport, key: str, required: tuple[str, ...]) -> str:
    labels = {c.key: c.header for c in COLUMNS[ctx.kind]}
    for name, value in r.values.items():
        if looks_garbled(value):
            r.errors.append(
                Notice(
                    "%(column)s looks garbled (wrong encoding?): %(value)s",
                    {"column": labels[name], "value": value[:40]},
                )
            )
    for name in required:
        if not r.values.get(name):
            r.errors.append(Notice("%(column)s is empty", {"column": labels[name]}))
    pk = r.values.get(key, "")
    if pk:
        if pk in ctx.seen:
            r.errors.append(
                Notice(
                    "Code %(code)s is repeated (first on line %(line)s)", {"code": pk, "line": ctx.seen[pk]}
                )
            )
        else:
            ctx.seen[pk] = r.line
    return pk


def _finish(r: RowReport, existing: tuple[Any, ...] | None, columns: tuple[str, ...]) -> RowReport:
    if r.errors:
        r.action = "error"
        return r
    if existing is None:
        r.action = "new"
    else:
        stored = [
            json.loads(v) if c in ("grades", "learning_areas") and v else v
            for c, v in zip(columns, existing, strict=True)
        ]
        current = [r.row.get(c) if r.row.get(c) not in ("", []) else None for c in columns]
        stored = [v if v not in ("", []) else None for v in stored]
        # Lists are sets here: the same grades in another order are no change.
        current, stored = ([sorted(v) if isinstance(v, list) else v for v in vs] for vs in (current, stored))
        r.action = "same" if stored == current else "changed"
    return r


def _check_school(ctx: _Context, r: RowReport) -> RowReport:
    code = _common(ctx, r, "code", ("code", "name", "network"))
    network_text = r.values.get("network", "")
    network_id = ctx.networks.get(network_text.lower())
    if network_text and network_id is None:
        r.errors.append(Notice("Unknown network: %(network)s", {"network": network_text}))
    elif network_id and not ctx.actor.can_see(network_id):
        r.errors.append(Notice("Network %(network)s is not one of yours", {"network": network_text}))
    existing = ctx.schools.get(code)
    if existing and not ctx.actor.can_see(existing[2]):
        r.errors.append(Notice("School %(code)s belongs to a network that is not yours", {"code": code}))
    grades, bad = parse_grades(r.values.get("grades", ""))
    if bad:
        r.errors.append(Notice("Unknown grade values: %(values)s", {"values": ", ".join(bad)}))
    point, bad_point = coordinates.parse(r.values.get("latitude"), r.values.get("longitude"))
    r.errors += bad_point
    # A file without the two columns keeps the stored coordinates.
    if "latitude" not in r.values and "longitude" not in r.values:
        point = (existing[5], existing[6]) if existing else (None, None)
    r.row = {
        "code": code,
        "name": r.values.get("name", ""),
        "network_id": network_id,
        "district": r.values.get("district") or None,
        "grades": grades,
        "latitude": point[0],
        "longitude": point[1],
    }
    return _finish(r, existing, TABLE_COLUMNS["schools"])


def _check_teacher(ctx: _Context, r: RowReport) -> RowReport:
    teacher_id = _common(ctx, r, "id", ("id", "school_code", "name"))
    school_code = r.values.get("school_code", "")
    school = ctx.schools.get(school_code)
    if school_code and school is None:
        r.errors.append(Notice("Unknown school: %(code)s", {"code": school_code}))
    elif school and not ctx.actor.can_see(school[2]):
        r.errors.append(
            Notice("School %(code)s belongs to a network that is not yours", {"code": school_code})
        )
    existing = ctx.teachers.get(teacher_id)
    if existing and existing[1] in ctx.schools and not ctx.actor.can_see(ctx.schools[existing[1]][2]):
        r.errors.append(Notice("Teacher %(id)s belongs to a network that is not yours", {"id": teacher_id}))
    grades, bad = parse_grades(r.values.get("grades", ""))
    if bad:
        r.errors.append(Notice("Unknown grade values: %(values)s", {"values": ", ".join(bad)}))
    areas, bad_areas = parse_areas(r.values.get("learning_areas", ""))
    if bad_areas:
        r.errors.append(Notice("Unknown learning areas: %(values)s", {"values": ", ".join(bad_areas)}))
    r.row = {
        "id": teacher_id,
        "school_code": school_code,
        "name": r.values.get("name", ""),
        "grades": grades,
        "learning_areas": areas,
    }
    return _finish(r, existing, TABLE_COLUMNS["teachers"])


def _check_user(ctx: _Context, r: RowReport) -> RowReport:
    r.values["username"] = r.values.get("username", "").lower()
    username = _common(ctx, r, "username", ("username", "name", "role"))
    if ctx.actor.role not in ADMINS:
        r.errors.append(Notice("Only an administrator may import users"))
    role_text = r.values.get("role", "")
    role = accounts.parse_role(role_text)
    network_ids, bad = accounts.parse_networks(r.values.get("networks", ""), ctx.networks)
    if bad:
        r.errors.append(Notice("Unknown network: %(network)s", {"network": ", ".join(bad)}))
    if username and r.values.get("name") and role_text:
        r.errors += accounts.problems(username, r.values["name"], role, network_ids, role_text)
    existing = ctx.users.get(username)
    if existing and not existing["active"]:
        r.errors.append(
            Notice("User %(username)s is deactivated; an import does not reactivate", {"username": username})
        )
    r.row = {
        "username": username,
        "display_name": r.values.get("name", ""),
        "role": role,
        "networks": network_ids,
    }
    if r.errors:
        r.action = "error"
    elif existing is None:
        r.action = "new"
    else:
        r.action = "same" if user_snapshot(existing) == {**r.row, "active": 1} else "changed"
    return r


def user_snapshot(user: dict[str, Any]) -> dict[str, Any]:
    return {k: user[k] for k in ("username", "display_name", "role", "networks", "active")}
