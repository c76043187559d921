"""The one schema ledger: each change is a decorated function, applied once, in its own transaction."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("nithet")


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


@migrations()
def m010_office(db: sqlite_utils.Database) -> None:
    # The official frame of every printed document (server/office.py): one row, set by an admin.
    db.table("office").create(
        {"id": int, "name": str, "address": str, "emblem": bytes, "emblem_type": str, "digits": str,
         "updated_at": str},
        pk="id",
    )  # fmt: skip


@migrations()
def m011_one_time_passwords(db: sqlite_utils.Database) -> None:
    # A generated password (new account, reset) works until `password_expires_at` (48 h) and must be
    # changed at the first login (`must_change`); a password the user chose has neither (server/passwords.py).
    db.table("users").add_column("password_expires_at", str)
    db.table("users").add_column("must_change", int, not_null_default=0)


@migrations()
def m012_attachment_network(db: sqlite_utils.Database) -> None:
    # A photo belongs to the network of the first record that stored it (sync/attachments.py): that
    # network (and its first uploader) decides who may read or cite it.
    db.table("attachments").add_column("network_id", str)
    db.execute(
        "UPDATE attachments SET network_id = (SELECT r.network_id FROM record_attachments l "
        "JOIN records r ON r.id = l.record_id WHERE l.sha256 = attachments.sha256 "
        "ORDER BY r.created_at LIMIT 1)"
    )


@migrations()
def m013_devices_per_user(db: sqlite_utils.Database) -> None:
    # Sync health: a device row belongs to the user who pushes from it; another user's push on the same
    # tablet makes its own row instead of taking this one over.
    db.table("devices").transform(pk=("id", "user_id"))


@migrations()
def m014_record_phrases(db: sqlite_utils.Database) -> None:
    # The theme phrases of a record's free texts (server/reports/themes.py), kept under the record's
    # content hash and the word lists' version: Thai is segmented once per record, not per page view.
    db.table("record_phrases").create({"record_id": str, "content_key": str, "phrases": str}, pk="record_id")


@migrations()
def m015_submissions(db: sqlite_utils.Database) -> None:
    # The chain up (server/submissions.py): a report sent to the unit director, returned or acknowledged,
    # then forwarded to the deputy responsible. `subject` is the network (a network's report) or the
    # user (a supervisor's own reports); each sending freezes a version; every step is an event.
    db.table("submissions").create(
        {"id": int, "kind": str, "subject": str, "network_id": str, "owner_id": int, "period": str,
         "title": str, "status": str, "version": int, "due": str, "created_at": str, "updated_at": str},
        pk="id",
        not_null=["kind", "subject", "period", "status", "version"],
    )  # fmt: skip
    db.table("submissions").create_index(["kind", "subject", "period"], unique=True)
    db.table("submissions").create_index(["status"])
    db.table("submission_versions").create(
        {"submission_id": int, "version": int, "memo": str, "snapshot": str, "submitted_by": int,
         "submitted_at": str},
        pk=("submission_id", "version"),
        foreign_keys=[("submission_id", "submissions", "id")],
    )  # fmt: skip
    db.table("submission_events").create(
        {"id": int, "submission_id": int, "version": int, "action": str, "actor_id": int, "at": str,
         "comment": str},
        pk="id",
        not_null=["submission_id", "action", "at"],
        foreign_keys=[("submission_id", "submissions", "id")],
    )  # fmt: skip
    db.table("submission_events").create_index(["submission_id"])


@migrations()
def m016_travel_distances(db: sqlite_utils.Database) -> None:
    # The travel report's distances (server/reports/visits.py): the office's and the schools' coordinates
    # where known (WGS84 degrees); a school without them shows no distance.
    db.table("schools").add_column("latitude", float)
    db.table("schools").add_column("longitude", float)
    db.table("office").add_column("latitude", float)
    db.table("office").add_column("longitude", float)


@migrations()
def m017_policy_lists(db: sqlite_utils.Database) -> None:
    # The policy lists the area office publishes (server/policies.py): each builds a policy form version,
    # which tablets pull like any form version; the list itself is kept to edit next year's from it.
    db.table("policy_lists").create(
        {
            "id": str,
            "label": str,
            "policies": str,
            "form_version": int,
            "published_at": str,
            "published_by": int,
        },
        pk="id",
        not_null=["label", "policies", "form_version"],
    )


@migrations()
def m018_visits_cancelled(db: sqlite_utils.Database) -> None:
    # A planned visit can be cancelled (server/plan_changes.py): it stays, marked, so tablets that pulled it
    # learn of the cancellation on their next pull and Today stops showing it.
    db.table("visits").add_column("cancelled_at", str)


@migrations()
def m019_form_states(db: sqlite_utils.Database) -> None:
    # The form lifecycle (server/lifecycle.py): draft → published → closing → closed, and the networks and
    # roles a form is offered to (JSON lists, empty = all). A form without a row is published to everyone.
    db.table("form_states").create(
        {"form_id": str, "state": str, "networks": str, "roles": str, "changed_at": str, "changed_by": str},
        pk="form_id",
        not_null=["state", "networks", "roles"],
    )


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


def apply(db: sqlite_utils.Database) -> None:
    migrations.apply(db)
