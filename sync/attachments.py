"""Attachments (photos): content-addressed by SHA-256, uploaded separately from the records that use them.

The tablet resizes a photo before its record can be finalized, keeps it under the SHA-256 of the resized
bytes, uploads it (`PUT /api/attachments/{sha256}`, idempotent) and only then pushes the record. A record
whose photo the server does not hold is answered `attachment_missing`: the tablet uploads and sends again.
Files live in a folder beside the database (`<db folder>/attachments/ab/abcdef…`), written atomically;
the `attachments` table lists them and `record_attachments` says which records use which.

Who may use a photo: whoever first uploaded it (`uploaded_by`) and, once a record has stored it, whoever
may see that first record's network (`attachments.network_id`). A record citing a photo its author
may not use is answered `attachment_missing`, exactly as if the server did not hold it, so a push never
tells whether a photo of another network exists. Photos no record uses are deleted after
`ORPHAN_DAYS`, and one user may hold at most `ORPHAN_QUOTA` bytes of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import msgspec
import sqlite_utils

from core.actor import Actor
from core.roles import OBSERVERS
from forms.model import PHOTO_MAX_BYTES, PHOTO_TYPES

SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Photos uploaded but used by no stored record are deleted after this many days.
ORPHAN_DAYS = 30
#: Bytes of such unused photos one user may hold (about 200 resized photos).
ORPHAN_QUOTA = 100 * 1024 * 1024
#: The first bytes of each accepted type.
MAGIC = {"image/jpeg": b"\xff\xd8\xff"}


class AttachmentError(Exception):
    """A refused upload; `code` is in the catalog (core/problems.py)."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}")


class AttachmentReceipt(msgspec.Struct, kw_only=True):
    sha256: str
    type: str
    bytes: int
    status: Literal["stored", "duplicate"]


def attachment_path(folder: Path, sha256: str) -> Path:
    if not SHA256.match(sha256):
        raise AttachmentError("not_found")
    return folder / sha256[:2] / sha256


def check_upload(sha256: str, body: bytes, content_type: str) -> str:
    """The checks that need no database: hash, type and size. Returns the media type."""
    media_type = content_type.split(";")[0].strip().lower()
    if not SHA256.match(sha256):
        raise AttachmentError("attachment_invalid", "the name must be the SHA-256 hex of the bytes")
    if len(body) > PHOTO_MAX_BYTES:
        raise AttachmentError("attachment_too_large", f"at most {PHOTO_MAX_BYTES} bytes")
    if media_type not in PHOTO_TYPES or not body.startswith(MAGIC[media_type]):
        raise AttachmentError("attachment_invalid", f"accepted types: {', '.join(PHOTO_TYPES)}")
    if hashlib.sha256(body).hexdigest() != sha256:
        raise AttachmentError("attachment_invalid", "the bytes do not match the SHA-256 in the address")
    return media_type


def store_attachment(
    db: sqlite_utils.Database,
    folder: Path,
    actor: Actor,
    sha256: str,
    body: bytes,
    content_type: str,
    *,
    now: str,
) -> AttachmentReceipt:
    """Keep an uploaded photo (inside the one write transaction); the same bytes again are a no-op."""
    if actor.role not in OBSERVERS:
        raise AttachmentError("forbidden")
    media_type = check_upload(sha256, body, content_type)
    path = attachment_path(folder, sha256)
    known = db.execute("SELECT 1 FROM attachments WHERE sha256 = ?", [sha256]).fetchone()
    if known and path.exists():
        return AttachmentReceipt(sha256=sha256, type=media_type, bytes=len(body), status="duplicate")
    if not known and orphan_bytes(db, actor.id) + len(body) > ORPHAN_QUOTA:
        raise AttachmentError(
            "attachment_quota", f"at most {ORPHAN_QUOTA} bytes of photos not yet in a record"
        )
    _write(path, body)
    if not known:
        db.table("attachments").insert(
            {
                "sha256": sha256,
                "type": media_type,
                "bytes": len(body),
                "uploaded_by": actor.id,
                "uploaded_at": now,
            }
        )
    return AttachmentReceipt(sha256=sha256, type=media_type, bytes=len(body), status="stored")


def _write(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    try:
        with tmp.open("wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # e.g. a full disk: no half-written file is left behind
        raise


def orphan_bytes(db: sqlite_utils.Database, user_id: int) -> int:
    """Bytes of the photos this user uploaded that no record uses yet."""
    row = db.execute(
        "SELECT coalesce(sum(bytes), 0) FROM attachments WHERE uploaded_by = ? AND network_id IS NULL",
        [user_id],
    ).fetchone()
    return int(row[0])


def expire_orphans(db: sqlite_utils.Database, folder: Path, now: dt.datetime) -> int:
    """Delete photos no record has used within ORPHAN_DAYS of their upload; returns how many."""
    cutoff = (now - dt.timedelta(days=ORPHAN_DAYS)).isoformat()
    old = [
        sha
        for (sha,) in db.execute(
            "SELECT sha256 FROM attachments WHERE network_id IS NULL AND uploaded_at < ? "
            "AND sha256 NOT IN (SELECT sha256 FROM record_attachments)",
            [cutoff],
        ).fetchall()
    ]
    for sha in old:
        db.execute("DELETE FROM attachments WHERE sha256 = ?", [sha])
        attachment_path(folder, sha).unlink(missing_ok=True)
    return len(old)


def photos_in(value: Any) -> Iterator[str]:
    """The SHA-256 of every photo answer (an object with `sha256`) anywhere in an answer set."""
    if isinstance(value, list):
        for v in value:
            yield from photos_in(v)
    elif isinstance(value, dict):
        sha = value.get("sha256")
        if isinstance(sha, str):
            yield sha
        else:
            for v in value.values():
                yield from photos_in(v)


def photos_of(answers: dict[str, Any]) -> list[str]:
    """A record's photos, each once, in order: what the three below take."""
    return sorted(set(photos_in(answers)))


def missing_attachments(
    db: sqlite_utils.Database, folder: Path, wanted: list[str], actor: Actor, network_id: str
) -> list[str]:
    """The photos of a record (`photos_of`) that its author cannot use: not on the server, or neither first
    uploaded by them nor first stored in the record's network. Both answer the same (`attachment_missing`)."""
    if not wanted:
        return []
    marks = ",".join("?" for _ in wanted)
    usable = {
        r[0]
        for r in db.execute(
            f"SELECT sha256 FROM attachments WHERE sha256 IN ({marks}) AND (network_id = ? OR "
            "(network_id IS NULL AND uploaded_by = ?))",
            [*wanted, network_id, actor.id],
        )
    }
    return [sha for sha in wanted if sha not in usable or not attachment_path(folder, sha).exists()]


def claim_attachments(db: sqlite_utils.Database, wanted: list[str], network_id: str) -> None:
    """A stored record's photos belong, from now on, to the network of the first record that used them."""
    if wanted:
        marks = ",".join("?" for _ in wanted)
        db.execute(
            f"UPDATE attachments SET network_id = ? WHERE network_id IS NULL AND sha256 IN ({marks})",
            [network_id, *wanted],
        )


def link_attachments(db: sqlite_utils.Database, record_id: str, photos: list[str]) -> None:
    rows = [{"record_id": record_id, "sha256": sha} for sha in photos]
    if rows:
        db.table("record_attachments").insert_all(rows, pk=("record_id", "sha256"), ignore=True)


def readable_attachment(
    db: sqlite_utils.Database, folder: Path, actor: Actor, sha256: str
) -> tuple[Path, str] | None:
    """The file and type of a photo this user may see: one they uploaded, or one first stored in a record
    of a network they may see."""
    if not SHA256.match(sha256):
        return None
    row = db.execute(
        "SELECT type, network_id, uploaded_by FROM attachments WHERE sha256 = ?", [sha256]
    ).fetchone()
    if row is None:
        return None
    allowed = actor.sees_all or actor.can_see(row[1]) or row[2] == actor.id
    path = attachment_path(folder, sha256)
    return (path, str(row[0])) if allowed and path.exists() else None
