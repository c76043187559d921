"""Migrations m010–m019: the office, accounts, submissions, travel, policy lists, form states.

Frozen: each imports only the standard library, sqlite-utils and the ledger (server/migrations/__init__.py)."""

from __future__ import annotations

import sqlite_utils

from server.migrations.ledger import migrations


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
