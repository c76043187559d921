"""Teaching practice: element means and 1–5 distributions (network, per school), the mean practice
score's bands, and time on learning from the snapshots. Groups under MIN_GROUP are suppressed."""

from __future__ import annotations

from typing import Any

from forms.model import FormDef
from server.reports.common import shown
from server.reports.scores import ELEMENTS


def cutoffs(form: FormDef | None) -> tuple[list[float], list[Any]]:
    """The practice band minimums (highest first) and their labels, from the form definition."""
    steps = form.bands.get("practice", ()) if form else ()
    return [s.min for s in steps], [s.label for s in steps]


def _element(n: int, total: int, dist: list[int]) -> dict[str, Any]:
    if not shown(n):
        return {"n": n, "shown": False, "mean": None, "dist": None, "pct": None}
    return {
        "n": n,
        "shown": True,
        "mean": round(total / n, 2),
        "dist": dist,
        "pct": [round(d * 100 / n, 1) for d in dist],
    }


def combine(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up per-school aggregates (observed.per_school values) into one group's."""
    out: dict[str, Any] = {"n": 0, "snap_n": 0, "activity_sum": 0.0, "on_task_sum": 0.0, "mean_sum": 0.0}
    out["elements"] = {name: {"n": 0, "sum": 0, "dist": [0] * 5} for name in ELEMENTS}
    out["bands"] = []
    for g in groups:
        for key in ("n", "snap_n", "activity_sum", "on_task_sum", "mean_sum"):
            out[key] += g[key]
        out["bands"] = [a + b for a, b in zip(out["bands"] or [0] * len(g["bands"]), g["bands"], strict=True)]
        for name in ELEMENTS:
            e, src = out["elements"][name], g["elements"][name]
            e["n"] += src["n"]
            e["sum"] += src["sum"]
            e["dist"] = [a + b for a, b in zip(e["dist"], src["dist"], strict=True)]
    return out


def figures(agg: dict[str, Any]) -> dict[str, Any]:
    """What a report shows of one group (the network, a school, a semester)."""
    n, snap_n = agg["n"], agg["snap_n"]
    return {
        "n": n,
        "shown": shown(n),
        "elements": {name: _element(e["n"], e["sum"], e["dist"]) for name, e in agg["elements"].items()},
        "mean": round(agg["mean_sum"] / n, 2) if shown(n) else None,
        "bands": agg["bands"] if shown(n) else None,
        "time_on_task": {
            "n": snap_n,
            "shown": shown(snap_n),
            "activity": round(agg["activity_sum"] / snap_n, 1) if shown(snap_n) else None,
            "on_task": round(agg["on_task_sum"] / snap_n, 1) if shown(snap_n) else None,
        },
    }
