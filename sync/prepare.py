"""A pushed record's work before the writer: decode, clean the text, normalise and validate against its
form, hash, and pick out the codes the writer will look up. It only reads the database (the published form
versions, the hashes of the revisions already held). The server runs it in worker processes
(server/workers.py) before the single writer, so the writer only looks up, inserts and commits; without
workers (tests, the CLI) `sync/apply.py` runs it itself. A record that breaks it becomes its own
`record_failed` receipt: the others of its batch are prepared all the same."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import msgspec
import sqlite_utils

from core.problems import problem
from forms.model import FormDef
from forms.text import clean_all
from forms.validate import FieldProblem, normalize, validate
from sync.attachments import photos_of
from sync.depth import too_deep
from sync.stored import Stored, pack
from sync.wire import Receipt, RecordPush

log = logging.getLogger("nithet.sync")
FormKey = tuple[str, int]
_DECODER = msgspec.json.Decoder(RecordPush)


class _Ids(msgspec.Struct):
    """Only the id and revision of a pushed record (the rest of its JSON is skipped, not decoded)."""

    id: str
    rev: str


_IDS = msgspec.json.Decoder(_Ids)


class Prepared(msgspec.Struct, kw_only=True):
    """Either `receipt` (the record could not be read) or `record`, cleaned; when its form was known,
    normalised too, with its content hash, its validation problems and the values the writer looks up."""

    receipt: Receipt | None = None
    record: RecordPush | None = None
    #: The form version it was normalised and validated against (None: not known when prepared).
    form: FormKey | None = None
    digest: str = ""
    #: False: not validated (a replay of a stored revision); `problems` is then empty.
    validated: bool = False
    problems: list[FieldProblem] = []
    #: The short text answers (school codes and teacher ids live there) and the answers to teacher fields.
    codes: list[str] = []
    teachers: list[Any] = []
    #: The name of the error that preparing it raised: the record is answered `record_failed`.
    failed: str = ""
    #: `wire_digest` of the record as it was sent (kept with its revision: a resend is then a lookup).
    wire: bytes = b""
    #: Its answers as the database keeps them (packed here, off the writer; None: a replay, not packed).
    stored: Stored | None = None
    #: The photos its answers hold (`photos_of`; only a form with photo fields can hold any).
    photos: list[str] = []


def rejected(record_id: str | None, rev: str | None, code: str, **extra: Any) -> Receipt:
    return Receipt(id=record_id, rev=rev, status="rejected", code=code, message=problem(code).title, **extra)


def content_hash(record: RecordPush) -> str:
    body = {
        "form_id": record.form_id,
        "form_version": record.form_version,
        "visit_id": record.visit_id,
        "answers": record.answers,
    }
    return hashlib.sha256(msgspec.json.encode(body, order="sorted")).hexdigest()


def wire_digest(raw: bytes) -> bytes:
    """A record exactly as a tablet sent it. A tablet that never got its answer sends the same revision
    again, byte for byte: the same digest for the same id and revision is that resend."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def sent_again(db: sqlite_utils.Database, raws: list[bytes]) -> dict[int, tuple[str, str, str]]:
    """The records of a batch the server already holds byte for byte — their position → (id, rev, the
    network of their record) — found before anything is decoded, cleaned or validated: a resend costs this lookup.
    A revision held as a conflict is left out (its answer names the current revision: the full path)."""
    sent: dict[tuple[str, str, bytes], int] = {}
    for i, raw in enumerate(raws):
        try:
            ids = _IDS.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            continue  # the full path answers it
        sent[ids.id, ids.rev, wire_digest(raw)] = i
    out: dict[int, tuple[str, str, str]] = {}
    record_ids = sorted({rid for rid, _rev, _digest in sent})
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        sql = (
            "SELECT v.record_id, v.rev, v.wire_digest, r.network_id FROM revisions v "
            f"JOIN records r ON r.id = v.record_id WHERE v.record_id IN ({','.join('?' for _ in chunk)}) "
            "AND v.wire_digest IS NOT NULL AND v.state != 'conflict'"
        )
        for rid, rev, digest, network_id in db.execute(sql, chunk):
            at = sent.get((rid, rev, digest))
            if at is not None:
                out[at] = (rid, rev, network_id)
    return out


def prepare_all(db: sqlite_utils.Database, raws: list[bytes], max_record_bytes: int) -> list[Prepared]:
    """Every record of a batch, in order (what a worker process runs, with its own read connection `db`).
    A revision `db` already holds with the same content is not validated again: a replay costs a lookup."""
    decoded = [_read(raw, max_record_bytes) for raw in raws]
    held = _held(db, [d.id for d in decoded if isinstance(d, RecordPush)])
    out = []
    for raw, d in zip(raws, decoded, strict=True):
        if isinstance(d, Receipt):
            out.append(Prepared(receipt=d))
            continue
        prepared = against(d, published(db, d.form_id, d.form_version), held.get((d.id, d.rev)))
        prepared.wire = wire_digest(raw)
        out.append(prepared)
    return out


_PUBLISHED: dict[FormKey, FormDef] = {}


def published(db: sqlite_utils.Database, form_id: str, version: int) -> FormDef | None:
    """A published form version, kept for the life of the process: a version never changes once
    published (server/reference.py). Whether it still takes records is the writer's question."""
    form = _PUBLISHED.get((form_id, version))
    if form is None:
        sql = "SELECT definition FROM form_versions WHERE form_id = ? AND version = ?"
        row = db.execute(sql, [form_id, version]).fetchone()
        if row is None:
            return None
        form = _PUBLISHED[form_id, version] = msgspec.json.decode(row[0], type=FormDef)
    return form


def _read(raw: bytes, max_record_bytes: int) -> RecordPush | Receipt:
    try:
        return _decode(raw, max_record_bytes)
    except Exception as exc:  # a record that breaks the decoder is that record's problem only
        log.warning("a pushed record could not be read", exc_info=exc)
        return rejected(*_best_effort_ids(raw), "record_failed", detail=type(exc).__name__)


def _held(db: sqlite_utils.Database, ids: list[str]) -> dict[tuple[str, str], str]:
    """(record id, rev) → content hash of the revisions of these records the database holds."""
    out: dict[tuple[str, str], str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" for _ in chunk)
        sql = f"SELECT record_id, rev, content_hash FROM revisions WHERE record_id IN ({marks})"
        out.update(((rid, rev), digest) for rid, rev, digest in db.execute(sql, chunk))
    return out


def against(record: RecordPush, form: FormDef | None, held: str | None = None) -> Prepared:
    """A decoded record normalised and validated against `form` (as it is, when its form is unknown).
    `held`: the content hash of the same revision already stored; the same content is not validated again
    (`validated` stays False: the writer validates it if it turns out not to be a duplicate after all)."""
    if form is None:
        return Prepared(record=record)
    try:
        record = msgspec.structs.replace(record, answers=normalize(form, record.answers))
        teacher_fields = {f.name for f in form.walk() if f.kind == "teacher"}
        digest = content_hash(record)
        replay = digest == held
        return Prepared(
            record=record,
            form=(form.id, form.version),
            digest=digest,
            validated=not replay,
            problems=[] if replay else validate(form, record.answers),
            codes=[v for v in _strings(record.answers) if len(v) <= 32],
            teachers=_values_of(record.answers, teacher_fields),
            stored=None if replay else pack(record.answers),
            photos=photos_of(record.answers) if any(f.kind == "photo" for f in form.walk()) else [],
        )
    except Exception as exc:
        log.warning("record %s rev %s could not be prepared", record.id, record.rev, exc_info=exc)
        return Prepared(record=record, failed=type(exc).__name__)


def _decode(raw: bytes, max_record_bytes: int) -> RecordPush | Receipt:
    if len(raw) > max_record_bytes:
        return rejected(*_best_effort_ids(raw), "record_too_large")
    if too_deep(raw):
        return rejected(*_best_effort_ids(raw), "malformed_record", detail="nested too deeply")
    try:
        record = _DECODER.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return rejected(*_best_effort_ids(raw), "malformed_record", detail=str(exc))
    # Before validation and hashing: the content hash is of the cleaned text (forms/text.py).
    return msgspec.structs.replace(record, answers=clean_all(record.answers))


def _best_effort_ids(raw: bytes) -> tuple[str | None, str | None]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    ids = data.get("id"), data.get("rev")
    return tuple(v if isinstance(v, str) and len(v) <= 64 else None for v in ids)  # type: ignore[return-value]


def _strings(answers: dict[str, Any]) -> list[str]:
    """The short text answers of a record, top level and inside repeat items (codes and ids live there)."""
    out = []
    for value in answers.values():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out += [
                v for item in value if isinstance(item, dict) for v in item.values() if isinstance(v, str)
            ]
    return out


def _values_of(answers: dict[str, Any], names: set[str]) -> list[Any]:
    """The answers to these fields, at the top level and in every repeat item."""
    out = [answers[n] for n in names if n in answers]
    for value in answers.values():
        if isinstance(value, list):
            out += [item[n] for item in value if isinstance(item, dict) for n in names if n in item]
    return out
