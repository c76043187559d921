"""Settings, read once from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    db_path: Path
    secret_key: str
    port: int = 8000
    secure_cookies: bool = False
    session_hours: int = 24 * 14
    max_batch_records: int = 200
    max_body_bytes: int = 8 * 1024 * 1024
    max_record_bytes: int = 256 * 1024
    #: How long a write waits for a lock held by another process before answering 503 (NITHET_BUSY_MS).
    busy_timeout_ms: int = 5000
    #: Test-only: cap the database at this many pages, to test a full disk (NITHET_MAX_DB_PAGES).
    max_db_pages: int = 0
    #: Worker processes for CPU-heavy reports, off the sync path (NITHET_REPORT_WORKERS; server/workers.py).
    report_workers: int = 2
    #: The area office's time zone (NITHET_TZ): today's date and local times (core/clock.py).
    timezone: str = "Asia/Bangkok"
    #: Worker processes that prepare pushed records before the writer, one per core (NITHET_INGEST_WORKERS;
    #: 0: the writer prepares them itself).
    ingest_workers: int = 2

    @property
    def session_cookie(self) -> str:
        """Behind HTTPS the `__Host-` prefix: the browser then takes it only if Secure, for this host, path /."""
        return "__Host-nithet_session" if self.secure_cookies else "nithet_session"

    @property
    def csrf_cookie(self) -> str:
        return "__Host-csrftoken" if self.secure_cookies else "csrftoken"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        db_path = Path(env.get("NITHET_DB", str(ROOT / "data" / "nithet.db")))
        return cls(
            db_path=db_path,
            secret_key=env.get("NITHET_SECRET") or _stored_secret(db_path.parent),
            port=int(env.get("PORT", "8000")),
            secure_cookies=env.get("NITHET_SECURE_COOKIES", "") == "1",
            session_hours=int(env.get("NITHET_SESSION_HOURS", str(24 * 14))),
            busy_timeout_ms=int(env.get("NITHET_BUSY_MS", "5000")),
            max_db_pages=int(env.get("NITHET_MAX_DB_PAGES", "0")),
            report_workers=int(
                env.get("NITHET_REPORT_WORKERS", str(max(1, min(2, (os.cpu_count() or 2) - 1))))
            ),
            timezone=env.get("NITHET_TZ") or "Asia/Bangkok",
            ingest_workers=int(env.get("NITHET_INGEST_WORKERS", str(os.cpu_count() or 1))),
        )


def _stored_secret(folder: Path) -> str:
    """A secret generated on first start and kept beside the database, so sessions survive restarts."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
