"""Authentication: a session cookie names the user; everything outside PUBLIC requires one."""

from __future__ import annotations

import hmac

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from server.auth import actor_for_token, session_csrf_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SessionAuth(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        token = connection.cookies.get(connection.app.state.settings.session_cookie)
        if not token:
            raise NotAuthorizedException()
        actor = await connection.app.state.db.read(actor_for_token, token)
        if actor is None:
            raise NotAuthorizedException()
        settings = connection.app.state.settings
        if connection.scope["type"] == ScopeType.HTTP and connection.scope["method"] not in SAFE_METHODS:
            expected = session_csrf_token(token, settings.secret_key)
            if not hmac.compare_digest(connection.cookies.get(settings.csrf_cookie, ""), expected):
                raise PermissionDeniedException("CSRF token verification failed: not this session's token")
        if actor.must_change and connection.url.path not in ONLY_WHILE_ONE_TIME:
            raise PasswordChangeRequired()
        return AuthenticationResult(user=actor, auth=token)


#: All a user logged in with a one-time password may do: choose their own password, say who they are, log out.
ONLY_WHILE_ONE_TIME = frozenset({"/account/password", "/api/me", "/logout"})


class PasswordChangeRequired(PermissionDeniedException):
    """Pages redirect to /account/password; the API answers `password_change_required` (server/errors.py)."""
