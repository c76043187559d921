"""Attachments: hash, type and size checked; idempotent; a record whose photo is missing is not stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

import msgspec
import pytest
import sqlite_utils

from forms.loader import builtin_forms
from server.db import connect
from server.demo import seed
from server.migrations import apply as migrate
from sync.apply import apply_batch
from sync.attachments import AttachmentError, readable_attachment, store_attachment
from sync.scope import Actor
from sync.wire import PushBatch

JPEG = b"\xff\xd8\xff\xe0" + b"nithet" * 100
SHA = hashlib.sha256(JPEG).hexdigest()
SUPERVISOR = Actor(
    id=3, username="supervisor1", display_name="s", role="supervisor", network_ids=frozenset({"N01"})
)
OTHER = Actor(
    id=4, username="supervisor2", display_name="o", role="supervisor", network_ids=frozenset({"N03"})
)
NOW = "2025-06-10T00:00:00+00:00"


@pytest.fixture
def demo_db(tmp_path: Path) -> sqlite_utils.Database:
    db = connect(tmp_path / "n.db")
    migrate(db)
    seed(db, dt.date(2025, 6, 10))
    return db


def test_upload_checks_hash_type_and_size(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    folder = tmp_path / "attachments"
    gif = b"GIF89a"
    for body, ctype, sha in (
        (JPEG, "image/jpeg", "0" * 64),
        (gif, "image/jpeg", hashlib.sha256(gif).hexdigest()),
        (JPEG, "image/png", SHA),
    ):
        with pytest.raises(AttachmentError) as caught:
            store_attachment(demo_db, folder, SUPERVISOR, sha, body, ctype, now=NOW)
        assert caught.value.code == "attachment_invalid"
    big = b"\xff\xd8\xff" + bytes(2 * 1024 * 1024)
    with pytest.raises(AttachmentError) as caught:
        store_attachment(
            demo_db, folder, SUPERVISOR, hashlib.sha256(big).hexdigest(), big, "image/jpeg", now=NOW
        )
    assert caught.value.code == "attachment_too_large"


def test_upload_is_idempotent(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    folder = tmp_path / "attachments"
    assert store_attachment(demo_db, folder, SUPERVISOR, SHA, JPEG, "image/jpeg", now=NOW).status == "stored"
    assert (
        store_attachment(demo_db, folder, SUPERVISOR, SHA, JPEG, "image/jpeg", now=NOW).status == "duplicate"
    )
    assert (folder / SHA[:2] / SHA).read_bytes() == JPEG
    assert readable_attachment(demo_db, folder, SUPERVISOR, SHA) is not None
    assert readable_attachment(demo_db, folder, OTHER, SHA) is None  # not theirs, no record they may see


def _batch(answers: dict[str, object]) -> PushBatch:
    record = {
        "id": str(uuid.uuid4()),
        "rev": "r1",
        "form_id": "policy",
        "form_version": 1,
        "answers": answers,
    }
    return PushBatch(device_id="device-0001", records=[msgspec.Raw(msgspec.json.encode(record))])


def test_record_with_a_missing_photo_is_not_stored(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    folder = tmp_path / "attachments"
    forms = {(f.id, f.version): f for f in builtin_forms()}
    answers: dict[str, object] = {
        "school": "49010001",
        "visit_date": "2025-06-10",
        "session": "morning",
        "informant": "ผอ.",
    }
    answers |= {f"p0{i}_status": "not_applicable" for i in range(1, 7)}
    answers["photo"] = {"sha256": SHA, "type": "image/jpeg", "bytes": len(JPEG), "width": 10, "height": 10}
    batch = _batch(answers)

    def push() -> str:
        (receipt,) = apply_batch(demo_db, SUPERVISOR, batch, lambda i, v: forms.get((i, v)), now=NOW,
                                 max_record_bytes=256 * 1024, attachments=folder)  # fmt: skip
        return receipt.code or receipt.status

    assert push() == "attachment_missing"
    assert demo_db.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    store_attachment(demo_db, folder, SUPERVISOR, SHA, JPEG, "image/jpeg", now=NOW)
    assert push() == "stored"
    assert push() == "duplicate"
    team = Actor(id=9, username="t", display_name="t", role="team_member", network_ids=frozenset({"N01"}))
    assert readable_attachment(demo_db, folder, team, SHA) is not None
