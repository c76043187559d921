"""Migrations m020–m029: report indexes and tables written at ingest, answers stored once and packed, trip days.

Frozen: each imports only the standard library, sqlite-utils and the ledger (server/migrations/__init__.py)."""

from __future__ import annotations

import sqlite_utils

from server.migrations.ledger import migrations


@migrations()
def m020_records_visited(db: sqlite_utils.Database) -> None:
    # "Schools visited" (server/reports/coverage.py `visited`) counts a record not linked to a planned visit by
    # its own visit date: this index answers that from the index alone (school, visit id), at 1,000,000 records.
    db.execute(
        "CREATE INDEX idx_records_visited ON records "
        "(network_id, json_extract(answers, '$.visit_date'), visit_id, school_code)"
    )


@migrations()
def m021_current_answers_once(db: sqlite_utils.Database) -> None:
    # The answers of a record's current revision are kept once, in `records.answers` (which the reports
    # query); its `revisions` row keeps NULL instead of a second full copy. A superseded, conflicting or
    # resolved revision keeps its own answers. Only a copy identical to the record's is dropped, so nothing
    # is lost. SQLite cannot drop NOT NULL from a column: the table is rebuilt (DDL frozen here).
    db.execute(
        """CREATE TABLE "revisions_new" (
   "record_id" TEXT,
   "rev" TEXT,
   "base_rev" TEXT,
   "content_hash" TEXT NOT NULL,
   "form_version" INTEGER,
   "answers" TEXT,
   "author_id" INTEGER,
   "device_id" TEXT,
   "received_at" TEXT,
   "state" TEXT NOT NULL,
   PRIMARY KEY ("record_id", "rev")
)"""
    )
    db.execute(
        "INSERT INTO revisions_new (record_id, rev, base_rev, content_hash, form_version, answers, author_id, "
        "device_id, received_at, state) "
        "SELECT v.record_id, v.rev, v.base_rev, v.content_hash, v.form_version, "
        "CASE WHEN v.state = 'current' AND v.answers = r.answers THEN NULL ELSE v.answers END, "
        "v.author_id, v.device_id, v.received_at, v.state "
        "FROM revisions v LEFT JOIN records r ON r.id = v.record_id AND r.rev = v.rev ORDER BY v.rowid"
    )
    db.execute("DROP TABLE revisions")
    db.execute("ALTER TABLE revisions_new RENAME TO revisions")


@migrations()
def m022_observation_checklist(db: sqlite_utils.Database) -> None:
    # The area report's checklist counts (server/reports/checklist.py, written with the record through server/reports/derived.py): a row
    # per ticked Active Learning item and one for the multigrade answer of every current observation.
    # The DDL and backfill are frozen here, as they stood when this migration was written.
    db.execute(
        "CREATE TABLE observation_checklist (network_id TEXT NOT NULL, visit_date TEXT NOT NULL, "
        "record_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, "
        "PRIMARY KEY (network_id, visit_date, record_id, field, value)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_observation_checklist_record ON observation_checklist (record_id)")
    observations = (
        "FROM records r, json_each(r.answers, '$.{}') j WHERE r.form_id = 'observation' "
        "AND json_type(r.answers, '$.visit_date') = 'text' AND j.type = 'text'"
    )
    for field in ("active_learning", "multigrade"):
        db.execute(
            "INSERT OR IGNORE INTO observation_checklist (network_id, visit_date, record_id, field, value) "
            f"SELECT r.network_id, json_extract(r.answers, '$.visit_date'), r.id, '{field}', j.value "
            + observations.format(field)
        )


@migrations()
def m023_travel_days(db: sqlite_utils.Database) -> None:
    # The travel report's trip days (server/reports/trips.py): the departure and return times and the
    # purpose the traveller entered for a network's day of visits (HH:MM; none until entered).
    db.table("travel_days").create(
        {"network_id": str, "date": str, "departure": str, "return_time": str, "purpose": str,
         "updated_by": int, "updated_at": str},
        pk=("network_id", "date"),
    )  # fmt: skip


@migrations()
def m024_revision_wire_digest(db: sqlite_utils.Database) -> None:
    # A digest of each revision exactly as the tablet sent it (sync/prepare.py `wire_digest`): a resend of
    # the same revision, byte for byte, is answered `duplicate` after one lookup, before any decoding or
    # validation. Revisions stored before have none: a resend of one of them takes the full path.
    db.execute("ALTER TABLE revisions ADD COLUMN wire_digest BLOB")


@migrations()
def m025_packed_texts(db: sqlite_utils.Database) -> None:
    # The long free texts of a record's answers are kept compressed beside them (sync/stored.py): `texts`
    # holds them, the answers' JSON has null in their place, and `answers_bytes` is the size of the answers
    # whole (the pull's estimate of a page). Rows stored before have no `texts`: their JSON is whole.
    db.execute("ALTER TABLE records ADD COLUMN texts BLOB")
    db.execute("ALTER TABLE records ADD COLUMN answers_bytes INTEGER")
    db.execute("ALTER TABLE revisions ADD COLUMN texts BLOB")
