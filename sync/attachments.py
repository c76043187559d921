"""Attachments (photos): content-addressed by SHA-256, uploaded separately from the records that use them.

The tablet resizes a photo before its record can be finalized, keeps it under the SHA-256 of the resized
bytes, uploads it (`PUT /api/attachments/{sha256}`, idempotent) and only then pushes the record. A record
whose photo the server does not hold is answered `attachment_missing`: the tablet uploads and sends again.
Files live in a folder beside the database (`<db folder>/attachments/ab/abcdef…`), written atomically;
the `attachments` table lists them and `record_attachments` says which records use which.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import msgspec
import sqlite_utils

from forms.model import PHOTO_MAX_BYTES, PHOTO_TYPES
from sync.scope import OBSERVER_ROLES, Actor

SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: The first bytes of each accepted type.
MAGIC = {"image/jpeg": b"\xff\xd8\xff"}


class AttachmentError(Exception):
    """A refused upload; `code` is in the catalog (sync/problems.py)."""

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
    if actor.role not in OBSERVER_ROLES:
        raise AttachmentError("forbidden")
    media_type = check_upload(sha256, body, content_type)
    path = attachment_path(folder, sha256)
    known = db.execute("SELECT 1 FROM attachments WHERE sha256 = ?", [sha256]).fetchone()
    if known and path.exists():
        return AttachmentReceipt(sha256=sha256, type=media_type, bytes=len(body), status="duplicate")
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
    db.table("attachments").upsert(
        {
            "sha256": sha256,
            "type": media_type,
            "bytes": len(body),
            "uploaded_by": actor.id,
            "uploaded_at": now,
        },
        pk="sha256",
    )
    return AttachmentReceipt(sha256=sha256, type=media_type, bytes=len(body), status="stored")


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


def missing_attachments(db: sqlite_utils.Database, folder: Path, answers: dict[str, Any]) -> list[str]:
    wanted = sorted(set(photos_in(answers)))
    if not wanted:
        return []
    marks = ",".join("?" for _ in wanted)
    held = {r[0] for r in db.execute(f"SELECT sha256 FROM attachments WHERE sha256 IN ({marks})", wanted)}
    return [sha for sha in wanted if sha not in held or not attachment_path(folder, sha).exists()]


def link_attachments(db: sqlite_utils.Database, record_id: str, answers: dict[str, Any]) -> None:
    rows = [{"record_id": record_id, "sha256": sha} for sha in sorted(set(photos_in(answers)))]
    if rows:
        db.table("record_attachments").insert_all(rows, pk=("record_id", "sha256"), ignore=True)


def readable_attachment(
    db: sqlite_utils.Database, folder: Path, actor: Actor, sha256: str
) -> tuple[Path, str] | None:
    """The file and type of a photo this user may see: one they uploaded, or one used by a record they
    may see."""
    if not SHA256.match(sha256):
        return None
    row = db.execute("SELECT type, uploaded_by FROM attachments WHERE sha256 = ?", [sha256]).fetchone()
    if row is None:
        return None
    allowed = actor.sees_all or row[1] == actor.id
    if not allowed:
        networks = [r[0] for r in db.execute(
            "SELECT DISTINCT r.network_id FROM record_attachments a JOIN records r ON r.id = a.record_id "
            "WHERE a.sha256 = ?", [sha256])]  # fmt: skip
        allowed = any(actor.can_see(n) for n in networks)
    path = attachment_path(folder, sha256)
    return (path, str(row[0])) if allowed and path.exists() else None
