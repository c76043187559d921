"""Who is asking, and what they may see: the one place that decides a user's networks."""

from __future__ import annotations

from typing import Literal

import msgspec

#: `director` is the unit director (ผอ.กลุ่มนิเทศฯ), who receives the networks' reports; `deputy` a deputy
#: director of the area office (รอง ผอ.สพป.), responsible for the networks linked to them (user_networks);
#: `area_director` the director of the area office (ผอ.สพป.).
Role = Literal["supervisor", "team_member", "secretary", "director", "deputy", "area_director", "admin"]
#: Roles that see every network of the area office.
AREA_ROLES: frozenset[str] = frozenset({"admin", "director", "area_director"})
#: Roles that may push observation records.
OBSERVER_ROLES: frozenset[str] = frozenset({"supervisor", "team_member", "secretary", "admin"})


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
