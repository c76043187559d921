"""Role checks for online pages: one helper, so every handler says who may call it in one line."""

from __future__ import annotations

from litestar.exceptions import NotFoundException

from server.errors import ApiError
from sync.scope import Actor


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise ApiError("forbidden")


def require_network(actor: Actor, network_id: str | None) -> None:
    """A network the actor cannot see does not exist for them: 404, not 403."""
    if not actor.can_see(network_id):
        raise NotFoundException()
