"""Derived scores, defined once in the form definition (`[[derived]]`, `[bands]`) and computed here and
in its twin pwa/static/js/derive.js (the live feedback summary on the tablet); both run the `derive`
expectations in forms/vectors/validation.json.

Derived scores are never stored in a record: reports recompute them from the answers, so a changed
cut-off never leaves stale bands behind. What a rule can say is a rule (`mean(...)`, `count-selected`,
`get(...)`); the functions cover what rules cannot: the share of snapshot entries with a value
(`share`), correct words per minute (`cwpm`) and the percentage of a grid read correctly (`grid_percent`).
Scores are computed in the order they are defined, and a rule sees the scores before it as `${name}`
(for a per-item score: the same item's), so a threshold such as `${word_percent} < 50` is written once.
Percentages and CWPM are rounded to one decimal, half up (values are never negative).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from forms.model import Derived, FormDef, Label
from forms.rules import compile_rule, truthy
from forms.validate import item_scope

__all__ = ["band_of", "derive", "derive_one", "flag_counts"]


def _round1(x: float) -> float | int:
    r = math.floor(x * 10 + 0.5) / 10
    return int(r) if r.is_integer() else r


def _lookup(name: str | None, answers: Mapping[str, Any], item: Mapping[str, Any] | None) -> Any:
    if name is None:
        return None
    if item is not None and name in item:
        return item[name]
    return answers.get(name)


def _grid(value: Any) -> tuple[int, int, int] | None:
    """(correct, attempted, seconds) of a reading-grid answer, or None when it is not one."""
    if not isinstance(value, Mapping):
        return None
    wrong, attempted, seconds = value.get("wrong"), value.get("attempted"), value.get("seconds")
    if not isinstance(wrong, list) or not isinstance(attempted, int) or not isinstance(seconds, int):
        return None
    if isinstance(attempted, bool) or isinstance(seconds, bool):
        return None
    return attempted - len(wrong), attempted, seconds


def derive_one(
    form: FormDef,
    d: Derived,
    answers: Mapping[str, Any],
    item: Mapping[str, Any] | None = None,
    today: str | None = None,
) -> Any:
    if d.rule is not None:
        value = compile_rule(d.rule).evaluate(answers, item=item, today=today)
        if d.format == "flag":
            return truthy(value)
        return (
            value
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            else None
        )
    target = _lookup(d.field, answers, item)
    if d.fields:
        name = next((n for n in d.fields if _grid(_lookup(n, answers, item)) is not None), d.fields[0])
        target = _lookup(name, answers, item)
    else:
        name = d.field or ""
    if d.function == "share":
        entries = [e for e in target if isinstance(e, Mapping)] if isinstance(target, list) else []
        if not entries:
            return None
        hits = sum(1 for e in entries if e.get(d.key or "") == d.equals)
        return _round1(hits * 100 / len(entries))
    grid = _grid(target)
    if grid is None:
        return None
    correct, _attempted, seconds = grid
    if d.function == "cwpm":
        return _round1(correct * 60 / seconds) if seconds > 0 else None
    field = form.field(name)
    total = sum(len(row) for row in field.words) if field else 0
    return _round1(correct * 100 / total) if total else None


def derive(form: FormDef, answers: Mapping[str, Any], *, today: str | None = None) -> dict[str, Any]:
    """Every derived score of `form`: a value (number, flag or None), or a list of them per repeat item."""
    out: dict[str, Any] = {}
    scope = dict(answers)
    #: Per repeat: each item's scope, which gains the item's scores as they are computed.
    items: dict[str, list[dict[str, Any]]] = {}
    for d in form.derived:
        if d.per_item is not None:
            if d.per_item not in items:
                raw = answers.get(d.per_item)
                repeat = form.field(d.per_item)
                inner = repeat.fields if repeat else ()
                entries = [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []
                items[d.per_item] = [item_scope(inner, item) for item in entries]
            values = [derive_one(form, d, scope, item, today) for item in items[d.per_item]]
            for item, value in zip(items[d.per_item], values, strict=True):
                item[d.name] = value
            out[d.name] = values
        else:
            out[d.name] = scope[d.name] = derive_one(form, d, scope, None, today)
    return out


def flag_counts(
    form: FormDef, answers: Mapping[str, Any], by: str, values: Mapping[str, Any] | None = None
) -> dict[str, dict[str, int]]:
    """Per value of the item field `by` (a pupil's grade): how many items, and how many have each
    per-item flag score set (cannot read, …): the class counts of a record, twin of derive.js.
    `values`: the record's derived scores when already computed."""
    values = values if values is not None else derive(form, answers)
    repeat = next((f.name for f in form.walk() if f.kind == "repeat" and form.field(by) in f.fields), "")
    flags = [d for d in form.derived if d.per_item == repeat and d.format == "flag"]
    out: dict[str, dict[str, int]] = {}
    raw = answers.get(repeat)
    entries = [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []
    for i, item in enumerate(entries):
        key = item.get(by)
        if not isinstance(key, str):
            continue
        row = out.setdefault(key, {"items": 0} | {d.name: 0 for d in flags})
        row["items"] += 1
        for d in flags:
            row[d.name] += bool(values[d.name][i])
    return out


def band_of(form: FormDef, d: Derived, value: Any) -> Label | None:
    """The band a value falls in: the first step (highest first) whose `min` it reaches."""
    if d.bands is None or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return next((step.label for step in form.bands[d.bands] if value >= step.min), None)
