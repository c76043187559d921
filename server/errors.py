"""Errors become problem JSON (RFC 9457) in this one place, with a stable code from core/problems.py."""

from __future__ import annotations

import errno
import logging
import sqlite3
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    InternalServerException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect

from core.problems import problem
from server.i18n import _
from server.middleware import PasswordChangeRequired

log = logging.getLogger("nithet")


class ProblemBody(msgspec.Struct, kw_only=True):
    """The shape of every error answer (RFC 9457 problem JSON), for the OpenAPI schema."""

    type: str
    code: str
    title: str
    status: int
    detail: str | None = None
    #: With invalid_request: what did not validate. With invalid_plan etc.: the reasons.
    errors: list[Any] | None = None
    reasons: list[str] | None = None


#: How long a client should wait before retrying when the database is busy or full.
RETRY_AFTER = "30"


def _storage_full(exc: Exception) -> bool:
    if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


class ApiError(Exception):
    def __init__(self, code: str, detail: str = "", **extra: Any):
        self.code, self.detail, self.extra = code, detail, extra
        super().__init__(f"{code}: {detail}")


def problem_response(
    code: str, detail: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> Response[bytes]:
    p = problem(code)
    body = {"type": f"/docs/problems#{code}", "code": code, "title": _(p.title), "status": p.status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(
        msgspec.json.encode(body),
        status_code=p.status,
        media_type="application/problem+json",
        headers=headers,
    )


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, ApiError):
        return problem_response(exc.code, exc.detail, **exc.extra)
    if isinstance(exc, NotAuthorizedException):
        if _wants_html(request) and request.method == "GET":
            return Redirect(path=f"/login?next={request.url.path}")
        # A session cookie the server no longer accepts has expired; no cookie at all is simply missing
        # (e.g. the browser was killed before it wrote the new cookie to disk): the tablet words them apart.
        session = "expired" if request.cookies.get(request.app.state.settings.session_cookie) else "missing"
        return problem_response("not_authenticated", session=session)
    if isinstance(exc, PasswordChangeRequired):
        if _wants_html(request) and request.method == "GET":
            return Redirect(path="/account/password")
        return problem_response("password_change_required")
    if isinstance(exc, PermissionDeniedException):
        return problem_response("csrf_failed" if "CSRF" in str(exc.detail) else "forbidden")
    if isinstance(exc, NotFoundException):
        return problem_response("not_found")
    if isinstance(exc, MethodNotAllowedException):
        allow = (exc.headers or {}).get("allow", "")
        return problem_response("method_not_allowed", headers={"Allow": allow} if allow else None)
    if isinstance(exc, InternalServerException) and exc.detail == "client disconnected prematurely":
        # A tablet that lost its connection mid-upload: nothing was stored, nobody is waiting for an answer.
        log.info("client went away during %s %s", request.method, request.url.path)
        return problem_response("request_cut_off")
    if isinstance(exc, UnicodeDecodeError):
        # A multipart form's text part that is not UTF-8 (Litestar decodes a part without a filename as text).
        return problem_response("invalid_request", "a form field is not UTF-8 text")
    if isinstance(exc, ValidationException):
        return problem_response("invalid_request", str(exc.detail), errors=exc.extra or [])
    if _storage_full(exc):
        # Nothing was written: the write transaction rolled back. The tablet keeps its records and retries.
        log.error("storage full: %s", exc)
        return problem_response("storage_full", headers={"Retry-After": RETRY_AFTER})
    if isinstance(exc, sqlite3.OperationalError):
        log.warning("database unavailable: %s", exc)
        return problem_response("server_busy", headers={"Retry-After": RETRY_AFTER})
    if isinstance(exc, HTTPException) and exc.status_code == 413:
        return problem_response("batch_too_large")
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        return problem_response("invalid_request", str(exc.detail))
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response("server_error")
