"""The one schema ledger: each change is a decorated function, applied once, in its own transaction."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from sync import scores as observation_scores

migrations = Migrations("nithet")


@migrations()
def m001_reference_data(db: sqlite_utils.Database) -> None:
    # `seq` on every synced table: a global, ever-growing change number (see sync/feed.py).
    db["counters"].create({"name": str, "value": int}, pk="name")
    db["counters"].insert({"name": "seq", "value": 0})
    db["networks"].create({"id": str, "name": str, "seq": int}, pk="id", not_null=["name"])
    db["schools"].create(
        {"code": str, "name": str, "network_id": str, "district": str, "grades": str, "seq": int},
        pk="code",
        not_null=["name", "network_id"],
        foreign_keys=[("network_id", "networks", "id")],
    )
    db["teachers"].create(
        {"id": str, "school_code": str, "name": str, "grades": str, "learning_areas": str, "seq": int},
        pk="id",
        not_null=["school_code", "name"],
        foreign_keys=[("school_code", "schools", "code")],
    )
    db["users"].create(
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
    db["users"].create_index(["username"], unique=True)
    db["user_networks"].create(
        {"user_id": int, "network_id": str},
        pk=("user_id", "network_id"),
        foreign_keys=[("user_id", "users", "id"), ("network_id", "networks", "id")],
    )
    db["sessions"].create(
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str},
        pk="token_hash",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["visits"].create(
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
    db["form_versions"].create(
        {"form_id": str, "version": int, "title": str, "definition": str, "published_at": str, "seq": int},
        pk=("form_id", "version"),
    )
    for table in ("networks", "schools", "teachers", "visits", "form_versions"):
        db[table].create_index(["seq"])
    db["schools"].create_index(["network_id", "seq"])
    db["teachers"].create_index(["school_code"])
    db["visits"].create_index(["network_id", "date"])


@migrations()
def m002_records(db: sqlite_utils.Database) -> None:
    # The current revision of each record; every revision (and every conflicting one) is in `revisions`.
    db["records"].create(
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
    db["records"].create_index(["network_id", "seq"])
    db["records"].create_index(["network_id", "form_id", "school_code"])
    db["records"].create_index(["seq"])
    db["revisions"].create(
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
    db["devices"].create(
        {"id": str, "user_id": int, "app_version": str, "pending": int, "last_sync_at": str},
        pk="id",
    )


@migrations()
def m003_attachments(db: sqlite_utils.Database) -> None:
    # Photos, content-addressed (sync/attachments.py); the files live beside the database.
    db["attachments"].create(
        {"sha256": str, "type": str, "bytes": int, "uploaded_by": int, "uploaded_at": str},
        pk="sha256",
        not_null=["type", "bytes"],
    )
    db["record_attachments"].create({"record_id": str, "sha256": str}, pk=("record_id", "sha256"))
    db["record_attachments"].create_index(["sha256"])


@migrations()
def m004_plans_terms_imports(db: sqlite_utils.Database) -> None:
    # Semester dates per academic year (BE); a missing term takes the defaults of server/calendar.py.
    db["terms"].create(
        {"academic_year": int, "semester": int, "start": str, "end": str},
        pk=("academic_year", "semester"),
        not_null=["start", "end"],
    )
    # Who observes which classroom at a planned visit; pulled with its visit (sync/feed.py).
    db["visit_assignments"].create(
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
    db["visit_assignments"].create_index(["visit_id"])
    db["visit_assignments"].create_index(["seq"])
    db["visits"].create_index(["date", "session"])
    # One reference-data import: the validated rows, then (once applied) the rows it replaced, for undo.
    db["import_batches"].create(
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
    db["records"].create_index(["visit_id"], index_name="idx_records_visit")


@migrations()
def m007_observation_scores(db: sqlite_utils.Database) -> None:
    # One narrow row per current observation (sync/scores.py), written with the record by sync/apply.py:
    # the network summary reads integers from it instead of parsing JSON (bench/NOTES.md, 1M records).
    observation_scores.create(db)
    observation_scores.backfill(db)


@migrations()
def m008_report_drafts(db: sqlite_utils.Database) -> None:
    # A supervisor's edits of a prefilled report (weekly activity log, 6-month report) before printing.
    db["report_drafts"].create(
        {"user_id": int, "kind": str, "period": str, "body": str, "updated_at": str},
        pk=("user_id", "kind", "period"),
        not_null=["body"],
    )


@migrations()
def m009_users_seq(db: sqlite_utils.Database) -> None:
    # Tablets pull the names of the users of their networks (the team's observers on the Today screen):
    # users get a change number like the other synced tables; every write to users sets a fresh one
    # (server/accounts.py insert_user/write_user).
    db["users"].add_column("seq", int)
    for (user_id,) in db.execute("SELECT id FROM users ORDER BY id").fetchall():
        seq = db.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value"
        ).fetchone()[0]
        db.execute("UPDATE users SET seq = ? WHERE id = ?", [seq, user_id])
    db["users"].create_index(["seq"], index_name="idx_users_seq")


@migrations()
def m010_office(db: sqlite_utils.Database) -> None:
    # The official frame of every printed document (server/office.py): one row, set by an admin.
    db["office"].create(
        {"id": int, "name": str, "address": str, "emblem": bytes, "emblem_type": str, "digits": str,
         "updated_at": str},
        pk="id",
    )  # fmt: skip


@migrations()
def m011_one_time_passwords(db: sqlite_utils.Database) -> None:
    # A generated password (new account, reset) works until `password_expires_at` (48 h) and must be
    # changed at the first login (`must_change`); a password the user chose has neither (server/passwords.py).
    db["users"].add_column("password_expires_at", str)
    db["users"].add_column("must_change", int, not_null_default=0)


@migrations()
def m012_attachment_network(db: sqlite_utils.Database) -> None:
    # A photo belongs to the network of the first record that stored it (sync/attachments.py): that
    # network (and its first uploader) decides who may read or cite it.
    db["attachments"].add_column("network_id", str)
    db.execute(
        "UPDATE attachments SET network_id = (SELECT r.network_id FROM record_attachments l "
        "JOIN records r ON r.id = l.record_id WHERE l.sha256 = attachments.sha256 "
        "ORDER BY r.created_at LIMIT 1)"
    )


@migrations()
def m013_devices_per_user(db: sqlite_utils.Database) -> None:
    # Sync health: a device row belongs to the user who pushes from it; another user's push on the same
    # tablet makes its own row instead of taking this one over.
    db["devices"].transform(pk=("id", "user_id"))


@migrations()
def m014_record_phrases(db: sqlite_utils.Database) -> None:
    # The theme phrases of a record's free texts (server/reports/themes.py), kept under the record's
    # content hash and the word lists' version: Thai is segmented once per record, not per page view.
    db["record_phrases"].create({"record_id": str, "content_key": str, "phrases": str}, pk="record_id")


@migrations()
def m015_submissions(db: sqlite_utils.Database) -> None:
    # The chain up (server/submissions.py): a report sent to the unit director, returned or acknowledged,
    # then forwarded to the deputy responsible. `subject` is the network (a network's report) or the
    # user (a supervisor's own reports); each sending freezes a version; every step is an event.
    db["submissions"].create(
        {"id": int, "kind": str, "subject": str, "network_id": str, "owner_id": int, "period": str,
         "title": str, "status": str, "version": int, "due": str, "created_at": str, "updated_at": str},
        pk="id",
        not_null=["kind", "subject", "period", "status", "version"],
    )  # fmt: skip
    db["submissions"].create_index(["kind", "subject", "period"], unique=True)
    db["submissions"].create_index(["status"])
    db["submission_versions"].create(
        {"submission_id": int, "version": int, "memo": str, "snapshot": str, "submitted_by": int,
         "submitted_at": str},
        pk=("submission_id", "version"),
        foreign_keys=[("submission_id", "submissions", "id")],
    )  # fmt: skip
    db["submission_events"].create(
        {"id": int, "submission_id": int, "version": int, "action": str, "actor_id": int, "at": str,
         "comment": str},
        pk="id",
        not_null=["submission_id", "action", "at"],
        foreign_keys=[("submission_id", "submissions", "id")],
    )  # fmt: skip
    db["submission_events"].create_index(["submission_id"])


@migrations()
def m016_travel_distances(db: sqlite_utils.Database) -> None:
    # The travel report's distances (server/reports/visits.py): the office's and the schools' coordinates
    # where known (WGS84 degrees); a school without them shows no distance.
    db["schools"].add_column("latitude", float)
    db["schools"].add_column("longitude", float)
    db["office"].add_column("latitude", float)
    db["office"].add_column("longitude", float)


@migrations()
def m017_policy_lists(db: sqlite_utils.Database) -> None:
    # The policy lists the area office publishes (server/policies.py): each builds a policy form version,
    # which tablets pull like any form version; the list itself is kept to edit next year's from it.
    db["policy_lists"].create(
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
    db["visits"].add_column("cancelled_at", str)


@migrations()
def m019_form_states(db: sqlite_utils.Database) -> None:
    # The form lifecycle (server/lifecycle.py): draft → published → closing → closed, and the networks and
    # roles a form is offered to (JSON lists, empty = all). A form without a row is published to everyone.
    db["form_states"].create(
        {"form_id": str, "state": str, "networks": str, "roles": str, "changed_at": str, "changed_by": str},
        pk="form_id",
        not_null=["state", "networks", "roles"],
    )


@migrations()
def m020_observation_checklist(db: sqlite_utils.Database) -> None:
    # The area report's checklist counts (sync/checklist.py, written with the record by sync/apply.py): a row
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
def m021_travel_days(db: sqlite_utils.Database) -> None:
    # The travel report's trip days (server/reports/trips.py): the departure and return times and the
    # purpose the traveller entered for a network's day of visits (HH:MM; none until entered).
    db["travel_days"].create(
        {"network_id": str, "date": str, "departure": str, "return_time": str, "purpose": str,
         "updated_by": int, "updated_at": str},
        pk=("network_id", "date"),
    )  # fmt: skip


def apply(db: sqlite_utils.Database) -> None:
    migrations.apply(db)
