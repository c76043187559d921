"""The network summary for a period: coverage, practice, reflection, policy and literacy, for the
network and each of its schools (the area view across networks is server/reports/area.py)."""

from __future__ import annotations

from typing import Any

from server.reports import coverage as cov
from server.reports import literacy as lit
from server.reports import observed, practice
from server.reports import policy as pol
from server.reports import reflection as refl
from server.reports.common import Conn, form


def network_name(conn: Conn, network_id: str) -> str | None:
    row = conn.execute("SELECT name FROM networks WHERE id = ?", [network_id]).fetchone()
    return row[0] if row else None


def labels(conn: Conn) -> dict[str, Any]:
    """Choice labels the report shows instead of codes (from the published forms)."""
    out: dict[str, Any] = {}
    for form_id, lists in (
        ("observation", ("element", "grade", "learning_area", "session")),
        ("policy", ("status",)),
    ):
        definition = form(conn, form_id)
        for name in lists:
            out[name] = {c.value: c.label for c in definition.choices.get(name, ())} if definition else {}
    return out


def network_summary(conn: Conn, network_id: str, first: str, last: str) -> dict[str, Any]:
    """Everything the secretary compiles for one network and period (ISO dates, inclusive)."""
    cutoffs, band_labels = practice.cutoffs(form(conn, "observation"))
    by_school = observed.per_school(conn, network_id, first, last, cutoffs)
    coverage = cov.coverage(conn, network_id, first, last, by_school)
    network = practice.combine(list(by_school.values()))
    schools = [
        {**row, "practice": practice.figures(by_school[row["code"]]) if row["code"] in by_school else None}
        for row in coverage.pop("rows")
    ]
    return {
        "network_id": network_id,
        "network_name": network_name(conn, network_id),
        "first": first,
        "last": last,
        "count": network["n"],
        "coverage": coverage,
        "practice": practice.figures(network),
        "schools": schools,
        "reflection": refl.reflection(conn, network_id, first, last),
        "policy": pol.policy(conn, network_id, first, last),
        "literacy": lit.literacy(conn, network_id, first, last),
        "labels": labels(conn),
        "band_labels": band_labels,
    }


def trend(conn: Conn, network_id: str, periods: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The mean practice score per period (oldest first), n shown, suppressed under MIN_GROUP."""
    out = []
    for n, mean in observed.mean_by_period(conn, network_id, periods):
        out.append({"n": n, "mean": round(mean, 2) if mean is not None and n >= 3 else None})
    return out
