"""Attachments: hash, type and size checked; idempotent; a record whose photo is missing is not stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

import msgspec
import pytest
import sqlite_utils

from core.actor import Actor
from forms.loader import builtin_forms
from server.db import connect
from server.demo import seed
from server.migrations import apply as migrate
from server.reports import derived
from sync.apply import apply_batch
from sync.attachments import AttachmentError, readable_attachment, store_attachment
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
                                 max_record_bytes=256 * 1024, derived=derived.write, attachments=folder)  # fmt: skip
        return receipt.code or receipt.status

    assert push() == "attachment_missing"
    assert demo_db.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    store_attachment(demo_db, folder, SUPERVISOR, SHA, JPEG, "image/jpeg", now=NOW)
    assert push() == "stored"
    assert push() == "duplicate"
    team = Actor(id=9, username="t", display_name="t", role="team_member", network_ids=frozenset({"N01"}))
    assert readable_attachment(demo_db, folder, team, SHA) is not None


def _policy_answers(school: str, sha: str) -> dict[str, object]:
    answers: dict[str, object] = {
        "school": school,
        "visit_date": "2025-06-10",
        "session": "morning",
        "informant": "ผอ.",
    }
    answers |= {f"p0{i}_status": "not_applicable" for i in range(1, 7)}
    answers["photo"] = {"sha256": sha, "type": "image/jpeg", "bytes": len(JPEG), "width": 10, "height": 10}
    return answers


def _push(db: sqlite_utils.Database, actor: Actor, batch: PushBatch, folder: Path) -> tuple[str, str]:
    forms = {(f.id, f.version): f for f in builtin_forms()}
    (receipt,) = apply_batch(db, actor, batch, lambda i, v: forms.get((i, v)), now=NOW,
                             max_record_bytes=256 * 1024, derived=derived.write, attachments=folder)  # fmt: skip
    return receipt.code or receipt.status, receipt.detail or ""


def test_a_photo_of_another_network_is_neither_cited_nor_read(
    demo_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    folder = tmp_path / "attachments"
    store_attachment(demo_db, folder, SUPERVISOR, SHA, JPEG, "image/jpeg", now=NOW)
    assert _push(demo_db, SUPERVISOR, _batch(_policy_answers("49010001", SHA)), folder)[0] == "stored"
    # supervisor2 (N03) cites the N01 photo's hash: answered exactly like a hash the server never saw.
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    cited = _push(demo_db, OTHER, _batch(_policy_answers("49030001", SHA)), folder)
    never = _push(demo_db, OTHER, _batch(_policy_answers("49030001", unknown)), folder)
    assert cited == ("attachment_missing", SHA) and never == ("attachment_missing", unknown)
    assert readable_attachment(demo_db, folder, OTHER, SHA) is None
    assert demo_db.execute("SELECT count(*) FROM records WHERE network_id = 'N03'").fetchone()[0] == 0


def test_unused_photos_expire_and_each_user_has_a_quota(
    demo_db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync import attachments

    folder = tmp_path / "attachments"
    used, unused = JPEG, b"\xff\xd8\xff\xe0" + b"orphan" * 100
    unused_sha = hashlib.sha256(unused).hexdigest()
    store_attachment(demo_db, folder, SUPERVISOR, SHA, used, "image/jpeg", now=NOW)
    store_attachment(demo_db, folder, SUPERVISOR, unused_sha, unused, "image/jpeg", now=NOW)
    _push(demo_db, SUPERVISOR, _batch(_policy_answers("49010001", SHA)), folder)
    assert attachments.orphan_bytes(demo_db, SUPERVISOR.id) == len(unused)

    # A third photo over the quota of unused photos is refused; the used one does not count.
    monkeypatch.setattr(attachments, "ORPHAN_QUOTA", len(unused) + 10)
    third = b"\xff\xd8\xff\xe0" + b"third!" * 100
    with pytest.raises(AttachmentError) as caught:
        store_attachment(
            demo_db, folder, SUPERVISOR, hashlib.sha256(third).hexdigest(), third, "image/jpeg", now=NOW
        )
    assert caught.value.code == "attachment_quota"

    # 30 days later the unused photo is gone, file and row; the used one stays.
    assert attachments.expire_orphans(demo_db, folder, dt.datetime(2025, 7, 9, tzinfo=dt.UTC)) == 0
    assert attachments.expire_orphans(demo_db, folder, dt.datetime(2025, 7, 11, tzinfo=dt.UTC)) == 1
    assert not (folder / unused_sha[:2] / unused_sha).exists() and (folder / SHA[:2] / SHA).exists()
    assert readable_attachment(demo_db, folder, SUPERVISOR, unused_sha) is None


def test_a_device_row_belongs_to_the_user_who_pushes(demo_db: sqlite_utils.Database, tmp_path: Path) -> None:
    empty = PushBatch(device_id="shared-tablet", records=[])
    _ = [
        apply_batch(demo_db, a, empty, lambda i, v: None, now=NOW, max_record_bytes=1, derived=derived.write)
        for a in (SUPERVISOR, OTHER)
    ]
    rows = demo_db.execute("SELECT id, user_id FROM devices ORDER BY user_id").fetchall()
    assert rows == [("shared-tablet", SUPERVISOR.id), ("shared-tablet", OTHER.id)]
