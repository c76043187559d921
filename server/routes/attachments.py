"""Photo uploads, content-addressed by SHA-256: thin handlers over sync/attachments.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from litestar import Request, get, put
from litestar.response import File

from core.actor import Actor
from core.roles import OBSERVERS, SIGNED_IN
from server.access import who
from server.errors import ApiError
from sync.attachments import AttachmentError, AttachmentReceipt, readable_attachment, store_attachment


def attachments_folder(request: Request[Any, Any, Any]) -> Path:
    return Path(request.app.state.settings.db_path).parent / "attachments"


@put(
    "/api/attachments/{sha256:str}",
    status_code=200,
    **who(
        OBSERVERS,
        api=True,
        problems={422: "Not a JPEG, or the bytes do not match the SHA-256 (attachment_invalid)"},
    ),
)
async def upload(request: Request[Actor, Any, Any], sha256: str) -> AttachmentReceipt:
    """Upload the bytes of a resized photo; the same bytes again answer `duplicate`."""
    body = await request.body()
    now = dt.datetime.now(dt.UTC).isoformat()
    try:
        receipt: AttachmentReceipt = await request.app.state.db.write(
            store_attachment, attachments_folder(request), request.user, sha256, body,
            request.headers.get("content-type", ""), now=now,
        )  # fmt: skip
    except AttachmentError as exc:
        raise ApiError(exc.code, exc.detail) from None
    return receipt


@get("/api/attachments/{sha256:str}", **who(SIGNED_IN, api=True))
async def download(request: Request[Actor, Any, Any], sha256: str) -> File:
    found = await request.app.state.db.read(
        readable_attachment, attachments_folder(request), request.user, sha256
    )
    if found is None:
        raise ApiError("not_found")
    path, media_type = found
    # No `immutable` caching: on a shared browser the next user must not read it from the cache (no-store,
    # server/app.py).
    return File(path=path, media_type=media_type)
