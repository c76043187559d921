"""Migrations m001–m009: the first schema (reference data, records, attachments, plans, reports).

Frozen: each imports only the standard library, sqlite-utils and the ledger (server/migrations/__init__.py)."""

from __future__ import annotations

import sqlite_utils

from server.migrations.ledger import migrations


@migrations()
def m001_reference_data(db: sqlite_utils.Database) -> None:
    # `seq` on every synced table: a global, ever-growing change number (see sync/feed.py).
    db.table("counters").create({"name": str, "value": int}, pk="name")
    db.table("counters").insert({"name": "seq", "value": 0})
    db.table("networks").create({"id": str, "name": str, "seq": int}, pk="id", not_null=["name"])
    db.table("schools").create(
        {"code": str, "name": str, "network_id": str, "district": str, "grades": str, "seq": int},
        pk="code",
        not_null=["name", "network_id"],
        foreign_keys=[("network_id", "networks", "id")],
    )
    db.table("teachers").create(
        {"id": str, "school_code": str, "name": str, "grades": str, "learning_areas": str, "seq": int},
        pk="id",
        not_null=["school_code", "name"],
        foreign_keys=[("school_code", "schools", "code")],
    )
    db.table("users").create(
        {
            "id": int,
            "username": str,
            "display_name": str,
            "password_hash": str,
            "role": str,
            "active": int,
            "created_at": str,
        },
        pk="id",
        not_null=["username", "display_name", "password_hash", "role"],
        defaults={"active": 1},
    )
    db.table("users").create_index(["username"], unique=True)
    db.table("user_networks").create(
        {"user_id": int, "network_id": str},
        pk=("user_id", "network_id"),
        foreign_keys=[("user_id", "users", "id"), ("network_id", "networks", "id")],
    )
    db.table("sessions").create(
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str},
        pk="token_hash",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("visits").create(
        {
            "id": str,
            "date": str,
            "session": str,
            "school_code": str,
            "network_id": str,
            "team": str,
            "created_by": int,
            "seq": int,
        },
        pk="id",
        not_null=["date", "session", "school_code", "network_id"],
        foreign_keys=[("school_code", "schools", "code"), ("network_id", "networks", "id")],
    )
    db.table("form_versions").create(
        {"form_id": str, "version": int, "title": str, "definition": str, "published_at": str, "seq": int},
        pk=("form_id", "version"),
    )
    for table in ("networks", "schools", "teachers", "visits", "form_versions"):
        db.table(table).create_index(["seq"])
    db.table("schools").create_index(["network_id", "seq"])
    db.table("teachers").create_index(["school_code"])
    db.table("visits").create_index(["network_id", "date"])


@migrations()
def m002_records(db: sqlite_utils.Database) -> None:
    # The current revision of each record; every revision (and every conflicting one) is in `revisions`.
    db.table("records").create(
        {
            "id": str,
            "form_id": str,
            "form_version": int,
            "network_id": str,
            "school_code": str,
            "visit_id": str,
            "author_id": int,
            "rev": str,
            "content_hash": str,
            "answers": str,
            "device_time": str,
            "created_at": str,
            "updated_at": str,
            "conflicts": int,
            "seq": int,
        },
        pk="id",
        not_null=["form_id", "form_version", "network_id", "school_code", "rev", "answers"],
        defaults={"conflicts": 0},
    )
    db.table("records").create_index(["network_id", "seq"])
    db.table("records").create_index(["network_id", "form_id", "school_code"])
    db.table("records").create_index(["seq"])
    db.table("revisions").create(
        {
            "record_id": str,
            "rev": str,
            "base_rev": str,
            "content_hash": str,
            "form_version": int,
            "answers": str,
            "author_id": int,
            "device_id": str,
            "received_at": str,
            "state": str,  # current | superseded | conflict | resolved
        },
        pk=("record_id", "rev"),
        not_null=["content_hash", "answers", "state"],
    )
    db.table("devices").create(
        {"id": str, "user_id": int, "app_version": str, "pending": int, "last_sync_at": str},
        pk="id",
    )


@migrations()
def m003_attachments(db: sqlite_utils.Database) -> None:
    # Photos, content-addressed (sync/attachments.py); the files live beside the database.
    db.table("attachments").create(
        {"sha256": str, "type": str, "bytes": int, "uploaded_by": int, "uploaded_at": str},
        pk="sha256",
        not_null=["type", "bytes"],
    )
    db.table("record_attachments").create({"record_id": str, "sha256": str}, pk=("record_id", "sha256"))
    db.table("record_attachments").create_index(["sha256"])


@migrations()
def m004_plans_terms_imports(db: sqlite_utils.Database) -> None:
    # Semester dates per academic year (BE); a missing term takes the defaults of server/calendar.py.
    db.table("terms").create(
        {"academic_year": int, "semester": int, "start": str, "end": str},
        pk=("academic_year", "semester"),
        not_null=["start", "end"],
    )
    # Who observes which classroom at a planned visit; pulled with its visit (sync/feed.py).
    db.table("visit_assignments").create(
        {
            "id": str,
            "visit_id": str,
            "position": int,
            "observer_id": int,
            "teacher_id": str,
            "grade": str,
            "room": str,
            "hour": str,
            "seq": int,
        },
        pk="id",
        not_null=["visit_id", "observer_id", "teacher_id"],
        foreign_keys=[
            ("visit_id", "visits", "id"),
            ("observer_id", "users", "id"),
            ("teacher_id", "teachers", "id"),
        ],
    )
    db.table("visit_assignments").create_index(["visit_id"])
    db.table("visit_assignments").create_index(["seq"])
    db.table("visits").create_index(["date", "session"])
    # One reference-data import: the validated rows, then (once applied) the rows it replaced, for undo.
    db.table("import_batches").create(
        {
            "id": int,
            "kind": str,  # schools | teachers
            "status": str,  # pending | applied | undone
            "actor_id": int,
            "filename": str,
            "encoding": str,
            "network_ids": str,  # JSON list: the networks the rows touch
            "rows": str,  # JSON list of normalized rows
            "before": str,  # JSON {pk: previous row or null}
            "after_seq": str,  # JSON {pk: seq written}, to refuse an undo over later edits
            "created_at": str,
            "applied_at": str,
            "undone_at": str,
        },
        pk="id",
        not_null=["kind", "status", "rows"],
    )


@migrations()
def m005_report_indexes(db: sqlite_utils.Database) -> None:
    # Reports summarise one network's records of a form over a period (a semester): index the answers'
    # visit date so a summary reads only that period's records, and the school so that counts per
    # school come from the index alone. Queries must use exactly `json_extract(answers, '$.visit_date')`
    # for SQLite to use it (measured in bench/RESULTS.md).
    db.execute(
        "CREATE INDEX idx_records_report_period ON records "
        "(network_id, form_id, json_extract(answers, '$.visit_date'), school_code)"
    )


@migrations()
def m006_records_by_visit(db: sqlite_utils.Database) -> None:
    # A team visit: every observer's records share the visit id; the visit page lists them (server/plans.py).
    db.table("records").create_index(["visit_id"], index_name="idx_records_visit")


@migrations()
def m007_observation_scores(db: sqlite_utils.Database) -> None:
    # One narrow row per current observation (server/reports/scores.py), written with the record by
    # sync/apply.py: the network summary reads integers from it instead of parsing JSON (bench/NOTES.md,
    # 1M records). Frozen as it was written (ADR 0013): the table and the backfill's projection, in SQL.
    elements = (
        "positive_climate, behaviour_expectations, lesson_facilitation, checks_for_understanding, feedback, "
        "critical_thinking, autonomy, perseverance, social_collaboration"
    )
    db.execute(
        "CREATE TABLE observation_scores (record_id TEXT NOT NULL, network_id TEXT NOT NULL, "
        "visit_date TEXT NOT NULL, school_code TEXT NOT NULL, session TEXT, teacher_id TEXT, grade TEXT, "
        "learning_area TEXT, minutes INTEGER, snapshots INTEGER, snap_activity INTEGER, "
        "snap_on_task INTEGER, positive_climate INTEGER, behaviour_expectations INTEGER, "
        "lesson_facilitation INTEGER, checks_for_understanding INTEGER, feedback INTEGER, "
        "critical_thinking INTEGER, autonomy INTEGER, perseverance INTEGER, social_collaboration INTEGER, "
        "PRIMARY KEY (network_id, visit_date, record_id)) WITHOUT ROWID"
    )
    db.execute("CREATE UNIQUE INDEX idx_observation_scores_record ON observation_scores (record_id)")
    minutes = (
        "(CAST(substr(json_extract(answers, '$.end_time'), 1, 2) AS INTEGER) * 60"
        " + CAST(substr(json_extract(answers, '$.end_time'), 4, 2) AS INTEGER))"
        " - (CAST(substr(json_extract(answers, '$.start_time'), 1, 2) AS INTEGER) * 60"
        " + CAST(substr(json_extract(answers, '$.start_time'), 4, 2) AS INTEGER))"
    )
    snaps = "(SELECT count(*) FROM json_each(answers, '$.time_on_task')"
    db.execute(
        "INSERT INTO observation_scores (record_id, network_id, visit_date, school_code, session, teacher_id, "
        f"grade, learning_area, minutes, snapshots, snap_activity, snap_on_task, {elements}) "
        "SELECT id, network_id, json_extract(answers, '$.visit_date'), school_code, "
        "json_extract(answers, '$.session'), json_extract(answers, '$.teacher'), "
        f"json_extract(answers, '$.grade'), json_extract(answers, '$.learning_area'), {minutes}, {snaps}), "
        f"{snaps} WHERE json_extract(value, '$.activity') = 'yes'), "
        f"{snaps} WHERE json_extract(value, '$.off_task') = '0-1'), "
        + ", ".join(f"json_extract(answers, '$.{name}')" for name in elements.split(", "))
        + " FROM records WHERE form_id = 'observation' AND json_extract(answers, '$.visit_date') IS NOT NULL"
    )


@migrations()
def m008_report_drafts(db: sqlite_utils.Database) -> None:
    # A supervisor's edits of a prefilled report (weekly activity log, 6-month report) before printing.
    db.table("report_drafts").create(
        {"user_id": int, "kind": str, "period": str, "body": str, "updated_at": str},
        pk=("user_id", "kind", "period"),
        not_null=["body"],
    )


@migrations()
def m009_users_seq(db: sqlite_utils.Database) -> None:
    # Tablets pull the names of the users of their networks (the team's observers on the Today screen):
    # users get a change number like the other synced tables; every write to users sets a fresh one
    # (server/accounts.py insert_user/write_user).
    db.table("users").add_column("seq", int)
    for (user_id,) in db.execute("SELECT id FROM users ORDER BY id").fetchall():
        seq = db.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value"
        ).fetchone()[0]
        db.execute("UPDATE users SET seq = ? WHERE id = ?", [seq, user_id])
    db.table("users").create_index(["seq"], index_name="idx_users_seq")
