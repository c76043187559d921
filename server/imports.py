"""Reference data in and out: schools, teachers and user accounts from XLSX or CSV, checked row by row before anything is
written, applied in one transaction, and undoable; exports in the same shapes.

The flow: `read_table` (bytes → header and rows, and the encoding found) → `check` (a report per row;
nothing written) → `stage_tx` (a valid file becomes a pending batch) → `apply_tx` (checked again, then
written through `server.reference.upsert` with the rows it replaces kept) → `undo_tx` (puts them back).

Users (admins only) go through `server.accounts`: a file never carries passwords; each new account gets a
one-time password, returned once in the applied report and stored only as its argon2 hash; an existing
account's name, role and networks are updated, its password never. Undo deactivates the accounts the
import added and restores the ones it changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from typing import Any, Literal

import msgspec
import openpyxl
import sqlite_utils

from forms.text import clean_text
from server import accounts, coordinates, sheets
from server.cells import safe_row, unread_cell
from server.notice import Notice, Refused
from server.reference import upsert
from server.vocabulary import GRADE_LABELS, LEARNING_AREAS
from sync.scope import Actor
from sync.scope_changes import note_removal

Kind = Literal["schools", "teachers", "users"]
IMPORT_ROLES = ("admin", "secretary")
MAX_ROWS = 20_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Column(msgspec.Struct, frozen=True):
    key: str
    header: str  # the Thai header written on export
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    "schools": (
        Column("code", "รหัสโรงเรียน", ("code", "school_code", "school code", "รหัส", "รหัสสถานศึกษา"), True),
        Column("name", "ชื่อโรงเรียน", ("name", "school_name", "school", "โรงเรียน", "ชื่อสถานศึกษา"), True),
        Column("network", "เครือข่าย", ("network", "network_id", "รหัสเครือข่าย", "ชื่อเครือข่าย"), True),
        Column("district", "อำเภอ", ("district", "amphoe")),
        Column("grades", "ระดับชั้น", ("grades", "grade", "ชั้นที่เปิดสอน", "ระดับชั้นที่เปิดสอน")),
        Column("latitude", "ละติจูด", ("latitude", "lat", "ละติจูด", "พิกัดละติจูด")),
        Column("longitude", "ลองจิจูด", ("longitude", "lon", "lng", "long", "ลองจิจูด", "พิกัดลองจิจูด")),
    ),
    "teachers": (
        Column("id", "รหัสครู", ("id", "teacher_id", "teacher code", "code", "รหัส"), True),
        Column("school_code", "รหัสโรงเรียน", ("school_code", "school code", "school", "รหัสสถานศึกษา"), True),
        Column("name", "ชื่อ-สกุล", ("name", "full name", "ชื่อ", "ชื่อ - สกุล", "ชื่อ-นามสกุล", "ชื่อครู"), True),
        Column("grades", "ระดับชั้น", ("grades", "grade", "ชั้นที่สอน")),
        Column(
            "learning_areas",
            "กลุ่มสาระการเรียนรู้",
            ("learning_areas", "learning area", "learning areas", "กลุ่มสาระ", "วิชา", "วิชาที่สอน"),
        ),
    ),
    "users": (
        Column("username", "ชื่อผู้ใช้", ("username", "user", "login", "user name", "ชื่อเข้าระบบ"), True),
        Column("name", "ชื่อ-สกุล", ("name", "display_name", "full name", "ชื่อ", "ชื่อ - สกุล", "ชื่อ-นามสกุล"), True),
        Column("role", "บทบาท", ("role", "ตำแหน่ง", "หน้าที่"), True),
        Column("networks", "เครือข่าย", ("networks", "network", "network_ids", "รหัสเครือข่าย", "ชื่อเครือข่าย")),
    ),
}
#: Headers a users file must not have: passwords never travel in a file.
PASSWORD_HEADERS = ("password", "password_hash", "passwd", "รหัสผ่าน")
PK = {"schools": "code", "teachers": "id", "users": "username"}
TABLE_COLUMNS = {
    "schools": ("code", "name", "network_id", "district", "grades", "latitude", "longitude"),
    "teachers": ("id", "school_code", "name", "grades", "learning_areas"),
    "users": ("username", "display_name", "role", "networks"),
}


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


# -- reading files -------------------------------------------------------------------------------------


def nfc(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    return unread_cell(clean_text(str(value)).strip())


def decode_csv(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a BOM), else the Thai Windows/TIS-620 code page. Returns text and encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    for codec, label in (("cp874", "Windows-874 (TIS-620)"), ("tis_620", "TIS-620")):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise Refused("import_invalid", Notice("The file is neither UTF-8 nor a Thai (TIS-620) encoding"))


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]], str]:
    """The header and the data rows of the first sheet (XLSX) or of a CSV file, all cells as NFC text,
    read in bounded memory and time (`server/sheets.py`)."""
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        rows, encoding = sheets.xlsx_rows(data), "XLSX"
    else:
        text, encoding = decode_csv(data)
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else ","
        delimiter = "\t" if sample.count("\t") > sample.count(delimiter) else delimiter
        rows = sheets.csv_rows(text, delimiter)
    table = []
    for row in rows:
        if any(c is not None and c != "" for c in row):
            table.append([nfc(c) for c in row])
            if len(table) > MAX_ROWS + 1:
                raise Refused("import_invalid", Notice("The file has more than %(n)s rows", {"n": MAX_ROWS}))
    if not table:
        raise Refused("import_invalid", Notice("The file is empty"))
    return table[0], table[1:], encoding


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", nfc(text).lower())


MOJIBAKE_LATIN = re.compile(r"à[¸¹º]|Ã[\x80-\xbf]|â€")
MOJIBAKE_THAI = re.compile(r"เ[ธน]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def looks_garbled(text: str) -> bool:
    """Text that went through the wrong encoding: UTF-8 read as Latin-1 or as Windows-874, or lost bytes."""
    if "\ufffd" in text or CONTROL.search(text) or MOJIBAKE_LATIN.search(text):
        return True
    thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
    pairs = len(MOJIBAKE_THAI.findall(text))
    return pairs >= 3 and pairs * 2 >= thai * 0.6


def map_columns(kind: Kind, headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Which column index holds each key; the required keys missing; the headers not used."""
    lookup = {}
    for col in COLUMNS[kind]:
        for name in (col.key, col.header, *col.aliases):
            lookup.setdefault(_header_key(name), col.key)
    found: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(headers):
        key = lookup.get(_header_key(header))
        if key and key not in found:
            found[key] = i
        elif header:
            ignored.append(header)
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in found]
    return found, missing, ignored


# -- grades and learning areas --------------------------------------------------------------------------

_GRADE_WORDS = {"อนุบาล": "k", "k": "k", "kg": "k", "kindergarten": "k", "อ1": "k", "อ2": "k", "อ3": "k"}


def _grade(token: str) -> str | None:
    t = re.sub(r"[\s.]+", "", token.lower())
    if t in _GRADE_WORDS:
        return _GRADE_WORDS[t]
    m = re.fullmatch(r"(?:ป|p|ประถมศึกษาปีที่|ประถม|grade)?([1-6])", t)
    return f"p{m.group(1)}" if m else None


def parse_grades(text: str) -> tuple[list[str], list[str]]:
    """`อนุบาล, ป.1-ป.6` → ['k', 'p1', …, 'p6']; also `p1;p2`, `1-3`. Returns (grades, bad tokens)."""
    order = list(GRADE_LABELS)
    grades, bad = set(), []
    text = re.sub(r"\s*[-–—]\s*", "-", text)
    text = re.sub(r"(ประถมศึกษาปีที่|ประถม|ป\.|grade|p)\s+(?=\d)", r"\1", text, flags=re.IGNORECASE)
    for token in filter(None, re.split(r"[,;/|、\s]+", text)):
        ends = token.split("-")
        parsed = [_grade(e) for e in ends]
        if len(ends) > 2 or None in parsed:
            bad.append(token)
        elif len(parsed) == 2:
            lo, hi = sorted(order.index(g) for g in parsed if g)
            grades.update(order[lo : hi + 1])
        else:
            grades.add(parsed[0])  # type: ignore[arg-type]
    return [g for g in order if g in grades], bad


def parse_areas(text: str) -> tuple[list[str], list[str]]:
    by_name = {_header_key(v): k for k, v in LEARNING_AREAS.items()} | {k: k for k in LEARNING_AREAS}
    areas, bad = set(), []
    for token in filter(None, (t.strip() for t in re.split(r"[,;|\n]+", text))):
        key = by_name.get(_header_key(token))
        if key is None:
            bad.append(token)
        else:
            areas.add(key)
    return [a for a in LEARNING_AREAS if a in areas], bad


# -- checking rows (reads only) ---------------------------------------------------------------------------


def parse(db: sqlite_utils.Database, actor: Actor, kind: Kind, filename: str, data: bytes) -> Report:
    """The whole first step: read the file and check every row. Writes nothing."""
    report = Report(kind=kind, filename=filename)
    try:
        headers, table, report.encoding = read_table(filename, data)
    except Refused as exc:
        report.file_errors = exc.reasons
        return report
    if kind == "users" and actor.role != "admin":
        report.file_errors = [Notice("Only an administrator may import users")]
        return report
    found, missing, report.ignored_columns = map_columns(kind, headers)
    if kind == "users" and any(_header_key(h) in {_header_key(p) for p in PASSWORD_HEADERS} for h in headers):
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
    return [checker(ctx, RowReport(line, {k: nfc(v) for k, v in values.items()})) for line, values in items]


class _Context:
    def __init__(self, db: sqlite_utils.Database, actor: Actor, kind: Kind):
        self.actor, self.kind = actor, kind
        self.seen: dict[str, int] = {}
        self.networks: dict[str, str] = {}
        for net_id, name in db.execute("SELECT id, name FROM networks"):
            self.networks[nfc(net_id).lower()] = net_id
            self.networks[nfc(name).lower()] = net_id
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
    if ctx.actor.role != "admin":
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
        r.action = "same" if _user_snapshot(existing) == {**r.row, "active": 1} else "changed"
    return r


def _user_snapshot(user: dict[str, Any]) -> dict[str, Any]:
    return {k: user[k] for k in ("username", "display_name", "role", "networks", "active")}


# -- writing: stage, apply, undo ----------------------------------------------------------------------------


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
        db["import_batches"]
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
    db["import_batches"].update(
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
            before[row["username"]] = _user_snapshot(old)
            accounts.update_user(db, old["id"], row["display_name"], row["role"], row["networks"])
        after[row["username"]] = _user_snapshot(accounts.find(db, row["username"]))  # type: ignore[arg-type]
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
        if kind == "users" and actor.role != "admin":
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
        db["import_batches"].update(last["id"], {"status": "undone", "undone_at": _now()})
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
    db["import_batches"].update(last["id"], {"status": "undone", "undone_at": _now()})
    return {**last, "removed": len(added), "restored": len(restored)}


def _undo_users(db: sqlite_utils.Database, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Deactivate the accounts the import added, restore the name, role and networks of those it changed;
    refused when any of them changed since (passwords are never touched)."""
    reasons = []
    for username, snapshot in after.items():
        user = accounts.find(db, username)
        if user is None or _user_snapshot(user) != snapshot:
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


# -- export ---------------------------------------------------------------------------------------------


def export_rows(db: sqlite_utils.Database, actor: Actor, kind: Kind) -> tuple[list[str], list[list[str]]]:
    """The actor's schools or teachers with the Thai headers the importer reads back; users (admins only,
    active accounts, no password hashes) likewise."""
    headers = [c.header for c in COLUMNS[kind]]
    if kind == "users":
        if actor.role != "admin":
            return headers, []
        return headers, [
            [
                _safe_cell(u["username"]),
                _safe_cell(u["display_name"]),
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
        out.append([_safe_cell(v) for v in values])
    return headers, out


def _safe_cell(value: Any) -> str:
    """No cell may start a spreadsheet formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(headers))
    writer.writerows(safe_row(row) for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def to_xlsx(headers: list[str], rows: list[list[str]], title: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(safe_row(headers))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
