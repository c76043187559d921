"""The deputy director's area report: for the networks a deputy is responsible for (the whole area for
the unit director and the area director) — coverage against the plan, practice scores, literacy and
numeracy quick checks, policy status per item, support requests and obstacles by theme, the Active
Learning checklist and multigrade classes, per network and in total. No school or teacher ranking.

Built from the network summaries and the qualitative compile; each network's row is kept per period until
one of that network's rows changes: opening it again, or printing it, recomputes only what a sync touched."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from server.reports import checklist, practice, summary, themes
from server.reports import literacy as lit
from server.reports import policy as pol
from server.reports.common import Conn, form, network_stamp, percent, shown
from server.reports.coverage import coverage
from server.reports.observed import per_school

_cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], dict[str, Any]]] = {}
_lock = threading.Lock()
#: Kept rows: 19 networks × a few periods × two languages.
CACHED = 512


def _checklist(conn: Conn, network_id: str, first: str, last: str) -> tuple[Counter[str], int]:
    """(how many observations ticked each Active Learning item, multigrade classes), from the narrow
    table written at ingest (server/reports/checklist.py)."""
    found = checklist.counts(conn, network_id, first, last)
    ticked = Counter({value: n for (field, value), n in found.items() if field == "active_learning"})
    return ticked, found.get(("multigrade", "yes"), 0)


def _themes_merged(groups: list[dict[str, Any]]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    n = 0
    for g in groups:
        n += g["n"]
        counts.update(dict(g["themes"]))
    return {"n": n, "themes": counts.most_common(themes.TOP)}


def _network(conn: Conn, network_id: str, first: str, last: str, lang: str) -> dict[str, Any]:
    cutoffs, _ = practice.cutoffs(form(conn, "observation"))
    by_school = per_school(conn, network_id, first, last, cutoffs)
    cov = coverage(conn, network_id, first, last, by_school)
    cov.pop("rows")
    ticked, multigrade = _checklist(conn, network_id, first, last)
    found = themes.compile_themes(conn, network_id, first, last, "", lang, forms=("reflection", "policy"))
    return {
        "network_id": network_id,
        "network_name": summary.network_name(conn, network_id),
        "coverage": cov,
        "practice": practice.figures(practice.combine(list(by_school.values()))),
        "literacy": lit.literacy(conn, network_id, first, last),
        "policy": pol.policy(conn, network_id, first, last),
        "active_learning": {"n": sum(s["n"] for s in by_school.values()), "ticked": dict(ticked)},
        "multigrade": multigrade,
        "obstacles": _themes_merged(found["obstacles"]),
        "support": _themes_merged(found["support"]),
        "fresh": found["fresh"],
    }


def _totals(conn: Conn, rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    obs = form(conn, "observation")
    choices = obs.choices.get("active_learning", ()) if obs else ()
    observed = sum(r["active_learning"]["n"] for r in rows)
    checklist = [
        {"label": c.label.text(lang), "n": observed,
         "pct": percent(sum(r["active_learning"]["ticked"].get(c.value, 0) for r in rows), observed)}
        for c in choices
    ]  # fmt: skip
    items: dict[str, dict[str, Any]] = {}
    for r in rows:
        for item in r["policy"]["items"]:
            total = items.setdefault(item["code"], {"label": item["label"].text(lang), "n": 0, "counts": Counter(),
                                                    "support": 0, "obstacles": 0})  # fmt: skip
            total["n"] += item["n"]
            total["support"] += item["support"]
            total["obstacles"] += item["obstacles"]
            total["counts"].update(item["counts"] or {})
    policy = [
        {**t, "shown": shown(t["n"]), "pct": {s: percent(t["counts"][s], t["n"]) for s in pol.STATUSES}}
        for t in items.values()
    ]
    return {
        "observed": observed,
        "checklist": checklist,
        "policy": policy,
        "obstacles": _themes_merged([r["obstacles"] for r in rows]),
        "support": _themes_merged([r["support"] for r in rows]),
        "multigrade": sum(r["multigrade"] for r in rows),
    }


def area_report(
    conn: Conn, network_ids: list[str], first: str, last: str, lang: str = "th"
) -> dict[str, Any]:
    """Rows per network and area totals; `fresh` holds phrases segmented on the way (themes.py). A network's
    row is kept until one of its rows changes, so a sync recomputes only the network it touched."""
    rows, fresh = [], []
    for network_id in network_ids:
        key, stamp = (network_id, first, last, lang), network_stamp(conn, network_id)
        with _lock:
            hit = _cache.get(key)
        if hit and hit[0] == stamp:
            rows.append(hit[1])
            continue
        row = _network(conn, network_id, first, last, lang)
        fresh += row.pop("fresh")
        with _lock:
            if len(_cache) >= CACHED:
                _cache.clear()
            _cache[key] = (stamp, row)
        rows.append(row)
    return {"networks": rows, "totals": _totals(conn, rows, lang), "fresh": fresh}
