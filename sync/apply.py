"""The rules that apply a pushed record: stored, duplicate, conflict or rejected — never dropped.

Everything here runs inside the server's one write transaction; the caller answers only after commit.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils

from forms.model import FormDef
from forms.validate import validate
from sync.attachments import link_attachments, missing_attachments
from sync.problems import problem
from sync.scope import OBSERVER_ROLES, Actor
from sync.wire import PushBatch, Receipt, RecordPush, RecordView

FormLookup = Callable[[str, int], FormDef | None]


def next_seq(db: sqlite_utils.Database) -> int:
    """The next number of the global change sequence that pull cursors follow."""
    row = db.execute("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value").fetchone()
    return int(row[0])


def content_hash(record: RecordPush) -> str:
    body = {
        "form_id": record.form_id,
        "form_version": record.form_version,
        "visit_id": record.visit_id,
        "answers": record.answers,
    }
    return hashlib.sha256(msgspec.json.encode(body, order="sorted")).hexdigest()


def nfc(value: Any) -> Any:
    """Every string of an answer set in Unicode NFC, so the same Thai text typed on two keyboards is one
    value (the tablet normalizes too; the server does not trust it to)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    return value


def rejected(record_id: str | None, rev: str | None, code: str, **extra: Any) -> Receipt:
    return Receipt(id=record_id, rev=rev, status="rejected", code=code, message=problem(code).title, **extra)


def apply_batch(
    db: sqlite_utils.Database,
    actor: Actor,
    batch: PushBatch,
    forms: FormLookup,
    *,
    now: str,
    max_record_bytes: int,
    attachments: Path | None = None,
) -> list[Receipt]:
    """`attachments`: the folder of uploaded photos; a record whose photos are not all there is answered
    `attachment_missing` (None skips that check, for callers that hold no photos)."""
    receipts = []
    for raw in batch.records:
        # A savepoint per record: one record's failure never leaves half of it written.
        with db.atomic():
            receipts.append(
                _apply_one(db, actor, bytes(raw), forms, batch.device_id, now, max_record_bytes, attachments)
            )
    db.table("devices").upsert(
        {
            "id": batch.device_id,
            "user_id": actor.id,
            "app_version": batch.app_version,
            "pending": batch.pending,
            "last_sync_at": now,
        },
        pk="id",
    )
    return receipts


def _best_effort_ids(raw: bytes) -> tuple[str | None, str | None]:
    try:
        data = json.loads(raw)
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    ids = data.get("id"), data.get("rev")
    return tuple(v if isinstance(v, str) and len(v) <= 64 else None for v in ids)  # type: ignore[return-value]


def _apply_one(
    db: sqlite_utils.Database,
    actor: Actor,
    raw: bytes,
    forms: FormLookup,
    device_id: str,
    now: str,
    max_record_bytes: int,
    attachments: Path | None = None,
) -> Receipt:
    if len(raw) > max_record_bytes:
        return rejected(*_best_effort_ids(raw), "record_too_large")
    try:
        record = msgspec.json.decode(raw, type=RecordPush)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return rejected(*_best_effort_ids(raw), "malformed_record", detail=str(exc))
    # Before validation and hashing: the content hash is of the normalized answers.
    record = msgspec.structs.replace(record, answers=nfc(record.answers))
    rid, rev = record.id, record.rev
    if actor.role not in OBSERVER_ROLES:
        return rejected(rid, rev, "forbidden")
    form = forms(record.form_id, record.form_version)
    if form is None:
        return rejected(rid, rev, "unknown_form")
    school_field = form.school_field()
    school_code = record.answers.get(school_field.name) if school_field else None
    school = _school(db, school_code)
    if school is None or not actor.can_see(school["network_id"]):
        return rejected(rid, rev, "school_out_of_scope")
    for field in form.walk():
        value = record.answers.get(field.name)
        if field.kind == "teacher" and value and not _teacher_at(db, value, school["code"]):
            return rejected(rid, rev, "unknown_teacher")
    problems = validate(form, record.answers)
    if problems:
        return rejected(rid, rev, "invalid_answers", problems=problems)
    if attachments is not None:
        missing = missing_attachments(db, attachments, record.answers)
        if missing:
            return rejected(rid, rev, "attachment_missing", detail=", ".join(missing))

    digest = content_hash(record)
    seen = db.execute(
        "SELECT content_hash, state FROM revisions WHERE record_id = ? AND rev = ?", [rid, rev]
    ).fetchone()
    if seen is not None:
        if seen[0] != digest:
            return rejected(rid, rev, "revision_reused")
        if seen[1] == "conflict":
            # The same answer as the first time: a retry must never turn a conflict into a success.
            return Receipt(id=rid, rev=rev, status="conflict", current=_current(db, rid))
        return Receipt(id=rid, rev=rev, status="duplicate")

    current = _current(db, rid)
    if current is not None and not actor.can_see(current.network_id):
        return rejected(rid, rev, "school_out_of_scope")
    revision = {
        "record_id": rid,
        "rev": rev,
        "base_rev": record.base_rev,
        "content_hash": digest,
        "form_version": record.form_version,
        "answers": msgspec.json.encode(record.answers).decode(),
        "author_id": actor.id,
        "device_id": device_id,
        "received_at": now,
    }
    if current is not None and record.base_rev != current.rev:
        # Both versions are kept: this one as a conflict revision, flagged on the record.
        db.table("revisions").insert({**revision, "state": "conflict"})
        link_attachments(db, rid, record.answers)
        db.execute(
            "UPDATE records SET conflicts = conflicts + 1, seq = ?, updated_at = ? WHERE id = ?",
            [next_seq(db), now, rid],
        )
        return Receipt(id=rid, rev=rev, status="conflict", current=_current(db, rid))

    if current is not None:
        db.execute(
            "UPDATE revisions SET state = 'superseded' WHERE record_id = ? AND rev = ?", [rid, current.rev]
        )
    if record.resolves:
        marks = ",".join("?" for _ in record.resolves)
        db.execute(
            "UPDATE revisions SET state = 'resolved' WHERE record_id = ? AND state = 'conflict' "
            f"AND rev IN ({marks})",  # placeholders only
            [rid, *record.resolves],
        )
    db.table("revisions").insert({**revision, "state": "current"})
    link_attachments(db, rid, record.answers)
    open_conflicts = db.execute(
        "SELECT count(*) FROM revisions WHERE record_id = ? AND state = 'conflict'", [rid]
    ).fetchone()[0]
    row = {
        "form_id": record.form_id,
        "form_version": record.form_version,
        "network_id": school["network_id"],
        "school_code": school["code"],
        "visit_id": record.visit_id,
        "rev": rev,
        "content_hash": digest,
        "answers": revision["answers"],
        "device_time": record.device_time,
        "updated_at": now,
        "conflicts": open_conflicts,
        "seq": next_seq(db),
    }
    if current is None:
        db.table("records").insert({"id": rid, "author_id": actor.id, "created_at": now, **row})
    else:
        db.table("records").update(rid, row)
    return Receipt(id=rid, rev=rev, status="stored")


def _school(db: sqlite_utils.Database, code: Any) -> dict[str, Any] | None:
    if not isinstance(code, str):
        return None
    row = db.execute("SELECT code, network_id FROM schools WHERE code = ?", [code]).fetchone()
    return {"code": row[0], "network_id": row[1]} if row else None


def _teacher_at(db: sqlite_utils.Database, teacher_id: Any, school_code: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM teachers WHERE id = ? AND school_code = ?", [str(teacher_id), school_code]
    ).fetchone()
    return row is not None


RECORD_COLUMNS = (
    "id, rev, form_id, form_version, school_code, network_id, visit_id, author_id, answers, "
    "updated_at, conflicts"
)


def record_view(row: tuple[Any, ...]) -> RecordView:
    rid, rev, form_id, version, school, network, visit, author, answers, updated, conflicts = row
    return RecordView(
        id=rid,
        rev=rev,
        form_id=form_id,
        form_version=version,
        school_code=school,
        network_id=network,
        visit_id=visit,
        author_id=author,
        answers=msgspec.json.decode(answers),
        updated_at=updated,
        conflicts=conflicts or 0,
    )


def _current(db: sqlite_utils.Database, record_id: str) -> RecordView | None:
    row = db.execute(f"SELECT {RECORD_COLUMNS} FROM records WHERE id = ?", [record_id]).fetchone()
    return record_view(row) if row else None
