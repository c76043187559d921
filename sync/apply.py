"""The rules that apply a pushed record: stored, duplicate, conflict or rejected — never dropped.

Everything here runs inside the server's one write transaction; the caller answers only after commit.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from core.actor import Actor
from core.roles import OBSERVERS
from core.sequences import next_seq
from forms.model import FormDef, Label
from forms.validate import validate
from sync.attachments import claim_attachments, link_attachments, missing_attachments
from sync.prepare import Prepared, against, prepare_all, rejected, sent_again
from sync.scope_changes import note_removal
from sync.stored import Stored, pack, unpack
from sync.wire import PushBatch, Receipt, RecordView

FormLookup = Callable[[str, int], FormDef | None]
log = logging.getLogger("nithet.sync")
#: What a FormLookup answers for a form that takes no more records (closed: server/lifecycle.py).
CLOSED = FormDef(id="closed", version=1, title=Label("closed"), sections=())


class DerivedRows(Protocol):
    """Writes the rows derived from a record's new current revision, in the record's own savepoint (the
    server's: server/reports/scores.py `write`, the reports' narrow observation row; ADR 0013)."""

    def __call__(
        self,
        db: sqlite_utils.Database,
        record_id: str,
        form_id: str,
        network_id: str,
        school_code: str,
        answers: Mapping[str, Any],
        *,
        new: bool,
    ) -> None: ...


def apply_batch(
    db: sqlite_utils.Database,
    actor: Actor,
    batch: PushBatch,
    forms: FormLookup,
    *,
    now: str,
    max_record_bytes: int,
    derived: DerivedRows,
    attachments: Path | None = None,
    prepared: list[Prepared | None] | None = None,
) -> list[Receipt]:
    """`derived`: writes the rows derived from each stored record (required, so none is forgotten).
    `attachments`: the folder of uploaded photos; a record whose photos are not all there is answered
    `attachment_missing` (None skips that check, for callers that hold no photos). `prepared`: the batch's
    records already decoded, validated and hashed by worker processes (sync/prepare.py), None where they
    were not (a resend, found by `sent_again`); None prepares them all here.

    A record the server already holds byte for byte (the tablet never got the answer and sent it again)
    is answered `duplicate` after one lookup: it is not decoded, cleaned or validated again."""
    raws = [bytes(raw) for raw in batch.records]
    again = {
        i: (rid, rev)
        for i, (rid, rev, network_id) in sent_again(db, raws).items()
        if actor.role in OBSERVERS and actor.can_see(network_id)
    }
    ready = prepared or [None] * len(raws)
    todo = [i for i, p in enumerate(ready) if p is None and i not in again]
    fresh = dict(zip(todo, prepare_all(db, [raws[i] for i in todo], max_record_bytes), strict=True))
    records = [fresh.get(i) or p for i, p in enumerate(ready)]
    refs = _References(db, [p for p in records if p is not None and p.record is not None])
    # Every check of a record runs before its first write, so a rejected record writes nothing.
    receipts = [
        Receipt(id=again[i][0], rev=again[i][1], status="duplicate")
        if p is None
        else p.receipt
        if p.receipt is not None
        else _isolated(db, actor, p, forms, refs, batch.device_id, now, derived, attachments)
        for i, p in enumerate(records)
    ]
    db.table("devices").upsert(
        {
            "id": batch.device_id,
            "user_id": actor.id,
            "app_version": batch.app_version,
            "pending": batch.pending,
            "last_sync_at": now,
        },
        pk=("id", "user_id"),  # a device row belongs to its user (m112)
    )
    return receipts


def _isolated(db: sqlite_utils.Database, actor: Actor, prepared: Prepared, *args: Any) -> Receipt:
    """One record in its own savepoint: an unexpected error while applying it undoes its writes and
    becomes its `rejected` receipt; the other records of the batch are still stored. A database that is
    busy, full or failing is not the record's fault: that error still ends the whole batch (503, retried)."""
    record = prepared.record
    assert record is not None
    try:
        with db.atomic():
            return _apply_one(db, actor, prepared, *args)
    except (sqlite3.OperationalError, OSError, MemoryError):
        raise
    except Exception as exc:
        log.warning("record %s rev %s could not be applied", record.id, record.rev, exc_info=exc)
        return rejected(record.id, record.rev, "record_failed", detail=type(exc).__name__)


class _References:
    """What a batch needs to look up, read once for the whole batch: the schools and teachers it names,
    which of its records the server already holds, and a block of change numbers."""

    def __init__(self, db: sqlite_utils.Database, prepared: list[Prepared]):
        records = [p.record for p in prepared if p.record is not None]
        codes = [v for p in prepared for v in p.codes]
        self.school_network: dict[str, str] = {}
        self.teacher_school: dict[str, str] = {}
        self.known_ids: set[str] = set()
        #: (record id, rev) → (content hash, state) of every revision the server holds of these records.
        self.revisions: dict[tuple[str, str], tuple[str, str]] = {}
        for chunk in _chunks(sorted({r.id for r in records}), 500):
            marks = ",".join("?" for _ in chunk)
            self.known_ids.update(
                r[0] for r in db.execute(f"SELECT id FROM records WHERE id IN ({marks})", chunk)
            )
            for rid, rev, digest, state in db.execute(
                f"SELECT record_id, rev, content_hash, state FROM revisions WHERE record_id IN ({marks})",
                chunk,
            ):
                self.revisions[rid, rev] = (digest, state)
        row = db.execute(
            "UPDATE counters SET value = value + ? WHERE name = 'seq' RETURNING value", [len(records)]
        ).fetchone()
        self._next_seq, self._last_seq = int(row[0]) - len(records) + 1, int(row[0])
        self.look_up(db, codes)

    def look_up(self, db: sqlite_utils.Database, codes: Iterable[str]) -> None:
        """The schools and teachers these codes name."""
        for chunk in _chunks(sorted(set(codes)), 500):
            marks = ",".join("?" for _ in chunk)
            self.school_network.update(
                db.execute(f"SELECT code, network_id FROM schools WHERE code IN ({marks})", chunk).fetchall()
            )
            self.teacher_school.update(
                db.execute(f"SELECT id, school_code FROM teachers WHERE id IN ({marks})", chunk).fetchall()
            )

    def seq(self, db: sqlite_utils.Database) -> int:
        """A change number from the batch's block (numbers left unused are only a gap in the sequence)."""
        if self._next_seq > self._last_seq:
            return next_seq(db)
        self._next_seq += 1
        return self._next_seq - 1


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _apply_one(
    db: sqlite_utils.Database,
    actor: Actor,
    prepared: Prepared,
    forms: FormLookup,
    refs: _References,
    device_id: str,
    now: str,
    derived: DerivedRows,
    attachments: Path | None = None,
) -> Receipt:
    record = prepared.record
    assert record is not None
    rid, rev = record.id, record.rev
    if actor.role not in OBSERVERS:
        return rejected(rid, rev, "forbidden")
    form = forms(record.form_id, record.form_version)
    if form is None or form is CLOSED:
        return rejected(rid, rev, "unknown_form" if form is None else "form_closed")
    if prepared.form != (form.id, form.version):  # published after it was prepared: prepared here
        prepared = against(record, form)
        refs.look_up(db, prepared.codes)
    if prepared.failed:
        return rejected(rid, rev, "record_failed", detail=prepared.failed)
    record = prepared.record
    assert record is not None
    school_field = form.school_field()
    school_code = record.answers.get(school_field.name) if school_field else None
    if not isinstance(school_code, str):
        return rejected(rid, rev, "school_out_of_scope")
    network_id = refs.school_network.get(school_code)
    if network_id is None or not actor.can_see(network_id):
        return rejected(rid, rev, "school_out_of_scope")
    digest = prepared.digest
    seen_hash, seen_state = refs.revisions.get((rid, rev), (None, None))
    if seen_hash == digest and seen_state != "conflict":
        # A replay (the tablet never got the answer): the same content was validated when it was stored,
        # so a duplicate costs a lookup, not a validation.
        return Receipt(id=rid, rev=rev, status="duplicate")
    for value in prepared.teachers:
        if value and refs.teacher_school.get(str(value)) != school_code:
            return rejected(rid, rev, "unknown_teacher")
    problems = prepared.problems if prepared.validated else validate(form, record.answers)
    if problems:
        return rejected(rid, rev, "invalid_answers", problems=problems)
    if attachments is not None and prepared.photos:
        missing = missing_attachments(db, attachments, prepared.photos, actor, network_id)
        if missing:
            return rejected(rid, rev, "attachment_missing", detail=", ".join(missing))
        claim_attachments(db, prepared.photos, network_id)

    if rid not in refs.known_ids:  # the common case: a new record, nothing to compare with
        return _store(db, actor, prepared, network_id, school_code, None, refs, device_id, now, derived)
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
    if current is not None and record.base_rev != current.rev:
        # Both versions are kept: this one as a conflict revision, flagged on the record.
        _add_revision(db, actor, prepared, device_id, now, "conflict")
        db.execute(
            "UPDATE records SET conflicts = conflicts + 1, seq = ?, updated_at = ? WHERE id = ?",
            [refs.seq(db), now, rid],
        )
        return Receipt(id=rid, rev=rev, status="conflict", current=_current(db, rid))
    return _store(db, actor, prepared, network_id, school_code, current, refs, device_id, now, derived)


def _add_revision(
    db: sqlite_utils.Database,
    actor: Actor,
    prepared: Prepared,
    device_id: str,
    now: str,
    state: str,
) -> Stored:
    record = prepared.record
    assert record is not None
    stored = prepared.stored or pack(record.answers)
    current = state == "current"  # the current revision's answers are the record's (m021)
    db.execute(
        "INSERT INTO revisions (record_id, rev, base_rev, content_hash, form_version, answers, texts, author_id, "
        "device_id, received_at, state, wire_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.id,
            record.rev,
            record.base_rev,
            prepared.digest,
            record.form_version,
            None if current else stored.answers,
            None if current else stored.texts,
            actor.id,
            device_id,
            now,
            state,
            prepared.wire or None,
        ],
    )
    link_attachments(db, record.id, prepared.photos)
    return stored


def _store(
    db: sqlite_utils.Database,
    actor: Actor,
    prepared: Prepared,
    network_id: str,
    school_code: str,
    current: RecordView | None,
    refs: _References,
    device_id: str,
    now: str,
    derived: DerivedRows,
) -> Receipt:
    """The record's new current revision: a new record, or an edit of the revision the server holds."""
    record, digest = prepared.record, prepared.digest
    assert record is not None
    rid, rev = record.id, record.rev
    if current is not None:
        # The revision it replaces takes its answers back from the record, which is about to change.
        db.execute(
            "UPDATE revisions SET state = 'superseded', "
            "texts = CASE WHEN answers IS NULL THEN (SELECT texts FROM records WHERE id = ?) ELSE texts END, "
            "answers = coalesce(answers, (SELECT answers FROM records WHERE id = ?)) "
            "WHERE record_id = ? AND rev = ?",
            [rid, rid, rid, current.rev],
        )
    if record.resolves:
        marks = ",".join("?" for _ in record.resolves)
        db.execute(
            "UPDATE revisions SET state = 'resolved' WHERE record_id = ? AND state = 'conflict' "
            f"AND rev IN ({marks})",  # placeholders only
            [rid, *record.resolves],
        )
    stored = _add_revision(db, actor, prepared, device_id, now, "current")
    values = [record.form_id, record.form_version, network_id, school_code, record.visit_id, rev, digest]
    values += [*stored, record.device_time, now]
    if current is None:
        db.execute(
            "INSERT INTO records (id, author_id, created_at, form_id, form_version, network_id, school_code, "
            "visit_id, rev, content_hash, answers, texts, answers_bytes, device_time, updated_at, conflicts, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
            [rid, actor.id, now, *values, refs.seq(db)],
        )
        refs.known_ids.add(rid)
    else:
        if current.network_id != network_id:
            note_removal(db)  # moved to another network: its old network's tablets drop it at their next pull
        db.execute(
            "UPDATE records SET form_id = ?, form_version = ?, network_id = ?, school_code = ?, visit_id = ?, "
            "rev = ?, content_hash = ?, answers = ?, texts = ?, answers_bytes = ?, device_time = ?, updated_at = ?, conflicts = "
            "(SELECT count(*) FROM revisions WHERE record_id = ? AND state = 'conflict'), seq = ? WHERE id = ?",
            [*values, rid, refs.seq(db), rid],
        )
    # The rows derived from it (the reports' narrow row), in the same transaction.
    derived(db, rid, record.form_id, network_id, school_code, record.answers, new=current is None)
    return Receipt(id=rid, rev=rev, status="stored")


RECORD_COLUMNS = (
    "id, rev, form_id, form_version, school_code, network_id, visit_id, author_id, answers, texts, "
    "updated_at, conflicts"
)


def record_view(row: tuple[Any, ...]) -> RecordView:
    rid, rev, form_id, version, school, network, visit, author, answers, texts, updated, conflicts = row
    return RecordView(
        id=rid,
        rev=rev,
        form_id=form_id,
        form_version=version,
        school_code=school,
        network_id=network,
        visit_id=visit,
        author_id=author,
        answers=unpack(answers, texts),
        updated_at=updated,
        conflicts=conflicts or 0,
    )


def _current(db: sqlite_utils.Database, record_id: str) -> RecordView | None:
    row = db.execute(f"SELECT {RECORD_COLUMNS} FROM records WHERE id = ?", [record_id]).fetchone()
    return record_view(row) if row else None
