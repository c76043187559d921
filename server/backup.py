"""Backup and restore: the SQLite database (online backup API) and the attachments folder.

`python -m server backup PATH` runs while the server serves and writes: SQLite's backup API copies one
consistent snapshot of the database. Photos are copied after the snapshot; a record is only stored once
its photos are on disk, so every photo the snapshot's records name is already there to copy.

`python -m server restore PATH` refuses while a server runs on the same database (the server holds a lock
file beside it), checks the backup with `PRAGMA integrity_check` first, then copies it in.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

DB_NAME = "nithet.db"
ATTACHMENTS = "attachments"


class BackupError(Exception):
    pass


class BackupInfo(msgspec.Struct, kw_only=True):
    created_at: str
    records: int
    revisions: int
    attachments: int


def attachments_of(db_path: Path) -> Path:
    return db_path.parent / ATTACHMENTS


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".serving")


@contextmanager
def serving_lock(db_path: Path) -> Iterator[None]:
    """Held by `serve` for the life of the process (the kernel drops it even on SIGKILL)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(db_path).open("w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"a server is already running on {db_path}") from None
        yield


def integrity(db_file: Path) -> str:
    try:
        conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _copy_attachments(source: Path, target: Path) -> int:
    count = 0
    if not source.is_dir():
        return 0
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix == ".part":
            continue
        dest = target / path.relative_to(source)
        if dest.exists() and dest.stat().st_size == path.stat().st_size:
            count += 1
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".part")
        shutil.copyfile(path, tmp)
        tmp.replace(dest)
        count += 1
    return count


def backup(db_path: Path, target: Path) -> BackupInfo:
    """Write `target/nithet.db` (one consistent snapshot), `target/attachments/`, `target/backup.json`."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; choose a new folder")
    if not db_path.exists():
        raise BackupError(f"no database at {db_path}")
    target.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(db_path)
    dest = sqlite3.connect(target / DB_NAME)
    try:
        source.execute("PRAGMA busy_timeout=10000")
        # pages=-1: the whole database in one step, inside one read transaction: a consistent snapshot
        # even while the server keeps writing (WAL lets it).
        source.backup(dest, pages=-1)
        records = dest.execute("SELECT count(*) FROM records").fetchone()[0]
        revisions = dest.execute("SELECT count(*) FROM revisions").fetchone()[0]
    finally:
        dest.close()
        source.close()
    check = integrity(target / DB_NAME)
    if check != "ok":
        raise BackupError(f"the backup failed its integrity check: {check}")
    files = _copy_attachments(attachments_of(db_path), target / ATTACHMENTS)
    info = BackupInfo(
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        records=records,
        revisions=revisions,
        attachments=files,
    )
    (target / "backup.json").write_bytes(msgspec.json.format(msgspec.json.encode(info)))
    return info


def restore(source: Path, db_path: Path) -> BackupInfo:
    """Replace the database at `db_path` with the backup in `source` (the server must be stopped)."""
    backup_db = source / DB_NAME
    if not backup_db.is_file():
        raise BackupError(f"no {DB_NAME} in {source}")
    check = integrity(backup_db)
    if check != "ok":
        raise BackupError(f"the backup is damaged ({check}); nothing was restored")
    with serving_lock(db_path):
        src = sqlite3.connect(f"file:{backup_db}?mode=ro", uri=True)
        dest = sqlite3.connect(db_path)
        try:
            src.backup(dest, pages=-1)
            dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            records = dest.execute("SELECT count(*) FROM records").fetchone()[0]
            revisions = dest.execute("SELECT count(*) FROM revisions").fetchone()[0]
        finally:
            dest.close()
            src.close()
        files = _copy_attachments(source / ATTACHMENTS, attachments_of(db_path))
    if integrity(db_path) != "ok":
        raise BackupError("the restored database failed its integrity check")
    return BackupInfo(
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        records=records,
        revisions=revisions,
        attachments=files,
    )
