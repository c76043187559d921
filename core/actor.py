"""Who is asking, and what they may see: the one place that decides a user's networks."""

from __future__ import annotations

import msgspec

from core.roles import AREA_ROLES, Role


class Actor(msgspec.Struct, frozen=True):
    id: int
    username: str
    display_name: str
    role: Role
    network_ids: frozenset[str] = frozenset()
    #: Logged in with a one-time password: only changing it is allowed (server/middleware.py).
    must_change: bool = False

    @property
    def sees_all(self) -> bool:
        return self.role in AREA_ROLES

    def can_see(self, network_id: str | None) -> bool:
        return self.sees_all or (network_id is not None and network_id in self.network_ids)
