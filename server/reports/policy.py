"""Policy follow-up: per policy item, the share of schools in each status (each school's latest record
in the period), support requests, obstacles and supervisor recommendations, and the indicator values
summarised by the indicator's kind (yes/no: schools with yes; count: total and median; percent: mean) —
for a network, and as an area table per policy item across networks. The items are those of the form
versions the period's records were made with (a new fiscal year's list is a new form version)."""

from __future__ import annotations

import statistics
from typing import Any

from forms.model import FormDef, Label
from server.reports.common import Conn, form, mean, percent, records, shown

STATUSES = ("done", "in_progress", "not_done", "not_applicable")
#: The indicator field's kind in a form version (policy v2 on) → the indicator's kind.
KIND_OF_FIELD = {"yes_no": "yes_no", "integer": "count", "decimal": "percent"}


def items(definition: FormDef) -> list[tuple[str, Any]]:
    """(code, label) of every policy item: the groups the loader expanded from the policy list."""
    names = {f.name for f in definition.walk()}
    return [(f.name, f.label) for f in definition.walk() if f.kind == "group" and f"{f.name}_status" in names]


def latest_per_school(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:  # ordered by visit date
        latest[r["school_code"]] = r
    return latest


def items_of(conn: Conn, rows: list[dict[str, Any]]) -> list[tuple[str, Label, str | None]]:
    """(code, label, indicator kind or None) of the items of the versions used, newest version first;
    the newest published version's items when there are no records."""
    versions = sorted({r["form_version"] for r in rows}, reverse=True) or [None]
    seen: dict[str, tuple[str, Label, str | None]] = {}
    for version in versions:
        definition = form(conn, "policy", version)
        if definition is None:
            continue
        for code, label in items(definition):
            field = definition.field(f"{code}_indicator_value")
            seen.setdefault(code, (code, label, KIND_OF_FIELD.get(field.kind) if field else None))
    return list(seen.values())


def indicator(kind: str | None, values: list[Any]) -> dict[str, Any] | None:
    """The indicator values of the schools that gave one, summarised by kind (None without a kind)."""
    if kind is None:
        return None
    if kind == "yes_no":
        given = [v for v in values if v in ("yes", "no")]
        yes = given.count("yes")
        return {
            "kind": kind,
            "n": len(given),
            "yes": yes,
            "pct": percent(yes, len(given)) if shown(len(given)) else None,
        }
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if kind == "count":
        return {"kind": kind, "n": len(numbers), "total": sum(numbers),
                "median": statistics.median(numbers) if shown(len(numbers)) else None}  # fmt: skip
    return {"kind": kind, "n": len(numbers), "mean": mean(numbers) if shown(len(numbers)) else None}


def summarise(conn: Conn, rows: list[dict[str, Any]]) -> dict[str, Any]:
    latest = [r["answers"] for r in latest_per_school(rows).values()]
    n = len(latest)
    out = []
    for code, label, kind in items_of(conn, rows):
        counts = {s: sum(1 for a in latest if a.get(f"{code}_status") == s) for s in STATUSES}

        def said(key: str, code: str = code) -> int:
            return sum(1 for a in latest if (a.get(f"{code}_{key}") or "").strip())

        out.append(
            {
                "code": code,
                "label": label,
                "n": n,
                "shown": shown(n),
                "counts": counts if shown(n) else None,
                "pct": {s: percent(c, n) for s, c in counts.items()} if shown(n) else None,
                "support": said("support"),
                "obstacles": said("obstacle"),
                "recommendations": said("recommendation"),
                "indicator": indicator(kind, [a.get(f"{code}_indicator_value") for a in latest]),
            }
        )
    return {"records": len(rows), "schools": n, "items": out}


def policy(conn: Conn, network_id: str, first: str, last: str) -> dict[str, Any]:
    return summarise(conn, records(conn, "policy", network_id, first, last))


def area_table(conn: Conn, networks: list[tuple[str, str]], first: str, last: str) -> list[dict[str, Any]]:
    """Per policy item, a row per network (id, name): schools followed up, % done, the indicator."""
    per_network = [(nid, name, policy(conn, nid, first, last)) for nid, name in networks]
    table: dict[str, dict[str, Any]] = {}
    for nid, name, data in per_network:
        for item in data["items"]:
            entry = table.setdefault(item["code"], {"code": item["code"], "label": item["label"], "rows": []})
            entry["rows"].append({"network_id": nid, "network_name": name, **item})
    return list(table.values())
