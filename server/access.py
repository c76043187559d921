"""Who may call what, in one place.

Every route declares its callers with `who(...)` in its decorator (`@get("/plans", **who(SIGNED_IN))`;
the role sets are in core/roles.py); one guard (`role_guard`, installed on the app) checks that declaration
on every request. A route that declares nothing is refused (fail closed), and
tests/server/test_access_matrix.py fails for it.
Networks are checked by the queries themselves (a foreign network's record is 404, not 403).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from core.actor import Actor
from server.errors import ApiError, ProblemBody
from server.menu import MenuEntry

#: Anyone, signed in or not (login, the service worker, static files, the OpenAPI schema).
PUBLIC = "public"


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=ProblemBody, description=description, media_type="application/problem+json"
    )


#: The problem answers any route can give, documented in the OpenAPI schema (core/problems.py has the codes).
COMMON_PROBLEMS = {
    400: _problem("The request is not valid (invalid_request, malformed_batch)"),
    413: _problem("Too large (batch_too_large)"),
    503: _problem("The database is busy or full (server_busy, storage_full); retry after Retry-After"),
}
SIGNED_IN_PROBLEMS = {
    401: _problem("No valid session (not_authenticated): log in again"),
    403: _problem("The role cannot do this, or the CSRF header is missing (forbidden, csrf_failed)"),
    404: _problem("Not found, or in a network the caller cannot see (not_found)"),
}
#: What an HTML form post answers besides its page.
FORM_ANSWERS = {
    303: ResponseSpec(data_container=None, description="Saved: on to the page that shows it"),
    409: ResponseSpec(data_container=str, description="Refused as it stands now", media_type="text/html"),
    422: ResponseSpec(
        data_container=str, description="The form again, with the reasons", media_type="text/html"
    ),
}


def who(
    roles: frozenset[str] | str,
    *,
    api: bool = False,
    form: bool = False,
    problems: dict[int, str] | None = None,
    menu: MenuEntry | None = None,
) -> dict[str, Any]:
    """Decorator arguments that say who may call a route: `PUBLIC` or a set of roles.

    `api`: the route is part of the documented JSON API (the OpenAPI schema); pages are not.
    `form`: an HTML form post, documented with its typed body (server/form_bodies.py) under the tag
    "forms"; it answers a page, the page again with the reasons, or a redirect.
    `problems`: further problem answers the route gives, {status: description}.
    `menu`: the page's entry in the main menu, shown to exactly these roles (server/menu.py)."""
    responses: dict[int, ResponseSpec] = dict(COMMON_PROBLEMS)
    if form:
        responses |= FORM_ANSWERS
    if roles != PUBLIC:
        responses |= SIGNED_IN_PROBLEMS
    else:
        responses[403] = _problem("The CSRF header is missing (csrf_failed)")
    responses |= {status: _problem(text) for status, text in (problems or {}).items()}
    opt: dict[str, Any] = {"roles": roles} | ({"menu": menu} if menu else {})
    shown = {"include_in_schema": True, "tags": ["forms"]} if form else {"include_in_schema": api}
    return {"opt": opt, "responses": responses, **shown}


def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    roles = handler.opt.get("roles")
    if roles == PUBLIC:
        return
    if not roles:
        raise ApiError("forbidden", "this route declares no roles")
    user = connection.scope.get("user")
    if not isinstance(user, Actor):
        raise NotAuthorizedException()
    if user.role not in roles:
        raise ApiError("forbidden")


def require_role(actor: Actor, roles: frozenset[str]) -> None:
    if actor.role not in roles:
        raise ApiError("forbidden")


def require_network(actor: Actor, network_id: str | None) -> None:
    """A network the actor cannot see does not exist for them: 404, not 403."""
    if not actor.can_see(network_id):
        raise NotFoundException()
