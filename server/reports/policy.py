"""Policy follow-up: per policy item, the share of schools in each status (each school's latest record
in the period), and support requests and obstacles by item."""

from __future__ import annotations

from typing import Any

from forms.model import FormDef
from server.reports.common import Conn, form, percent, records, shown

STATUSES = ("done", "in_progress", "not_done", "not_applicable")


def items(definition: FormDef) -> list[tuple[str, Any]]:
    """(code, label) of every policy item: the groups the loader expanded from the policy list."""
    names = {f.name for f in definition.walk()}
    return [(f.name, f.label) for f in definition.walk() if f.kind == "group" and f"{f.name}_status" in names]


def latest_per_school(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:  # ordered by visit date
        latest[r["school_code"]] = r["answers"]
    return latest


def policy(conn: Conn, network_id: str, first: str, last: str) -> dict[str, Any]:
    definition = form(conn, "policy")
    rows = records(conn, "policy", network_id, first, last)
    latest = latest_per_school(rows)
    n = len(latest)
    out = []
    for code, label in items(definition) if definition else []:
        counts = {s: sum(1 for a in latest.values() if a.get(f"{code}_status") == s) for s in STATUSES}
        support = sum(1 for a in latest.values() if (a.get(f"{code}_support") or "").strip())
        obstacles = sum(1 for a in latest.values() if (a.get(f"{code}_obstacle") or "").strip())
        out.append(
            {
                "code": code,
                "label": label,
                "n": n,
                "shown": shown(n),
                "counts": counts if shown(n) else None,
                "pct": {s: percent(c, n) for s, c in counts.items()} if shown(n) else None,
                "support": support,
                "obstacles": obstacles,
            }
        )
    return {"records": len(rows), "schools": n, "items": out}
