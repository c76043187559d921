"""The literacy and numeracy quick check, by grade: pupils checked, median correct words per minute
(passage), % zero scores (word reading), % per band of word reading, median writing and numeracy, and how
many pupils cannot read, cannot write, cannot calculate (the flags of forms/definitions/literacy.toml,
version 2 on) — for the network and for each school. A quick check, not RT/NT."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from forms.derive import derive, flag_counts
from forms.model import Label
from server.reports.common import Conn, form, median, percent, records, shown

#: The per-pupil classification, in the order reports show it (derived flags of the literacy form).
CLASSIFICATION = ("cannot_read", "cannot_write", "cannot_calculate")
#: (school, grade) → the class counts: `items` (pupils classified) and one count per flag.
Counts = dict[tuple[str, str], Counter[str]]


def per_pupil(conn: Conn, network_id: str, first: str, last: str) -> tuple[list[dict[str, Any]], Counts]:
    """Every pupil checked, with the derived scores of forms/derive.py (defined once, in the form), and
    the class counts (forms/derive.py flag_counts, as the tablet shows them) per (school, grade), from
    the records of a version that classifies (version 2 on)."""
    out = []
    counts: Counts = defaultdict(Counter)
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
        if set(CLASSIFICATION) <= set(derived):
            for grade, row in flag_counts(definition, r["answers"], "pupil_grade", derived).items():
                counts[(r["school_code"], grade)].update(row)
    return out, counts


def classification_labels(conn: Conn) -> dict[str, Label]:
    """The Thai and English names of the classification flags, from the latest literacy form."""
    definition = form(conn, "literacy")
    names = {d.name: d.label for d in definition.derived} if definition else {}
    return {name: names.get(name, Label(name, name)) for name in CLASSIFICATION}


def by_grade(
    pupils: list[dict[str, Any]], counts: dict[str, Counter[str]], order: list[str], steps: tuple[Any, ...]
) -> list[dict[str, Any]]:
    """A row per grade: n, the classification counts (always shown: plain counts) and, from 3 pupils on,
    the medians, percentages and bands."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in pupils:
        groups[p["grade"]].append(p)
    rows = []
    for grade in order + sorted(set(groups) - set(order), key=str):
        group = groups.get(grade, [])
        n = len(group)
        if not n:
            continue
        #: Pupils of a form version that classifies (version 2 on): the base of the counts.
        tally = counts.get(grade, Counter())
        classified = tally["items"]
        row: dict[str, Any] = {"grade": grade, "n": n, "shown": shown(n), "classified": classified,
                               "counts": {name: tally[name] for name in CLASSIFICATION}, "pct": {}}  # fmt: skip
        if shown(classified):
            row["pct"] = {name: percent(tally[name], classified) for name in CLASSIFICATION}
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
                "writing_median": median(
                    p["writing_percent"] for p in group if p.get("writing_percent") is not None
                ),
                "numeracy_median": median(
                    p["numeracy_percent"] for p in group if p.get("numeracy_percent") is not None
                ),
            }
        rows.append(row)
    return rows


def literacy(conn: Conn, network_id: str, first: str, last: str) -> dict[str, Any]:
    """The network's figures by grade, and each school's (`schools`: code → rows by grade)."""
    definition = form(conn, "literacy")
    steps = definition.bands.get("percent", ()) if definition else ()
    order = [c.value for c in definition.choices.get("grade", ())] if definition else []
    pupils, counts = per_pupil(conn, network_id, first, last)
    schools: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in pupils:
        schools[p["school_code"]].append(p)
    network: dict[str, Counter[str]] = defaultdict(Counter)
    of_school: dict[str, dict[str, Counter[str]]] = defaultdict(dict)
    for (school, grade), tally in counts.items():
        network[grade].update(tally)
        of_school[school][grade] = tally
    return {
        "pupils": len(pupils),
        "grades": by_grade(pupils, network, order, steps),
        "schools": {
            code: by_grade(group, of_school[code], order, steps) for code, group in sorted(schools.items())
        },
        "band_labels": [s.label for s in steps],
        "classification": classification_labels(conn),
    }
