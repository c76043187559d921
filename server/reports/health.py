"""Sync health for the secretary: each team member's tablets, their last sync, records still pending
on them (as the tablet reported at its last sync) and the app version."""

from __future__ import annotations

from typing import Any

from core.actor import Actor
from server.reports.common import Conn


def sync_health(conn: Conn, actor: Actor) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT u.id, u.display_name, u.role, d.id, d.last_sync_at, d.pending, d.app_version, "
        "(SELECT group_concat(network_id, ' ') FROM user_networks un WHERE un.user_id = u.id) "
        "FROM devices d JOIN users u ON u.id = d.user_id ORDER BY d.last_sync_at DESC"
    ).fetchall()
    out = []
    for uid, name, role, device, last, pending, version, nets in rows:
        networks = set((nets or "").split())
        if not actor.sees_all and not networks & actor.network_ids:
            continue
        out.append(
            {
                "user_id": uid,
                "name": name,
                "role": role,
                "device": device,
                "last_sync_at": last,
                "pending": pending or 0,
                "app_version": version or "",
                "networks": sorted(networks),
            }
        )
    return out
