"""The literacy and numeracy quick check, by grade: pupils checked, median correct words per minute
(passage), % zero scores (word reading), % per band of word reading — a quick check, not RT/NT."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from forms.derive import derive
from server.reports.common import Conn, form, median, percent, records, shown


def per_pupil(conn: Conn, network_id: str, first: str, last: str) -> list[dict[str, Any]]:
    """Every pupil checked, with the derived scores of forms/derive.py (defined once, in the form)."""
    out = []
    for r in records(conn, "literacy", network_id, first, last):
        definition = form(conn, "literacy", r["form_version"])
        if definition is None:
            continue
        derived = derive(definition, r["answers"])
        for i, pupil in enumerate(r["answers"].get("pupils") or []):
            out.append(
                {
                    "school_code": r["school_code"],
                    "grade": pupil.get("pupil_grade"),
                    **{name: values[i] if i < len(values) else None for name, values in derived.items()},
                }
            )
    return out


def literacy(conn: Conn, network_id: str, first: str, last: str) -> dict[str, Any]:
    definition = form(conn, "literacy")
    steps = definition.bands.get("percent", ()) if definition else ()
    pupils = per_pupil(conn, network_id, first, last)
    by_grade: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in pupils:
        by_grade[p["grade"]].append(p)
    grades = []
    order = [c.value for c in definition.choices.get("grade", ())] if definition else sorted(by_grade)
    for grade in order:
        group = by_grade.get(grade, [])
        n = len(group)
        if not n:
            continue
        row: dict[str, Any] = {"grade": grade, "n": n, "shown": shown(n)}
        if shown(n):
            words = [p["word_percent"] for p in group if p.get("word_percent") is not None]
            bands = [0] * len(steps)
            for value in words:
                index = next((i for i, s in enumerate(steps) if value >= s.min), len(steps) - 1)
                bands[index] += 1
            row |= {
                "median_cwpm": median(p["passage_cwpm"] for p in group if p.get("passage_cwpm") is not None),
                "zero_pct": percent(sum(1 for p in group if p.get("zero_score")), n),
                "bands": bands,
                "band_pct": [percent(b, len(words)) for b in bands],
                "numeracy_median": median(
                    p["numeracy_percent"] for p in group if p.get("numeracy_percent") is not None
                ),
            }
        grades.append(row)
    return {"pupils": len(pupils), "grades": grades, "band_labels": [s.label for s in steps]}
