"""Authentication: a session cookie names the user; everything outside PUBLIC requires one."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from server.auth import actor_for_token


class SessionAuth(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        token = connection.cookies.get(connection.app.state.settings.session_cookie)
        if not token:
            raise NotAuthorizedException()
        actor = await connection.app.state.db.read(actor_for_token, token)
        if actor is None:
            raise NotAuthorizedException()
        return AuthenticationResult(user=actor, auth=token)
