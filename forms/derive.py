"""Derived scores, defined once in the form definition (`[[derived]]`, `[bands]`) and computed here and
in its twin pwa/static/js/derive.js (the live feedback summary on the tablet); both run the `derive`
expectations in forms/vectors/validation.json.

Derived scores are never stored in a record: reports recompute them from the answers, so a changed
cut-off never leaves stale bands behind. What a rule can say is a rule (`mean(...)`, `count-selected`,
`get(...)`); the functions cover what rules cannot: the share of snapshot entries with a value
(`share`), correct words per minute (`cwpm`) and the percentage of a grid read correctly (`grid_percent`).
Percentages and CWPM are rounded to one decimal, half up (values are never negative).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from forms.model import Derived, FormDef, Label
from forms.rules import compile_rule, truthy
from forms.validate import item_scope

__all__ = ["band_of", "derive", "derive_one"]


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
    field = form.field(d.field or "")
    total = sum(len(row) for row in field.words) if field else 0
    return _round1(correct * 100 / total) if total else None


def derive(form: FormDef, answers: Mapping[str, Any], *, today: str | None = None) -> dict[str, Any]:
    """Every derived score of `form`: a value (number, flag or None), or a list of them per repeat item."""
    out: dict[str, Any] = {}
    for d in form.derived:
        if d.per_item is not None:
            items = answers.get(d.per_item)
            entries = [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []
            repeat = form.field(d.per_item)
            inner = repeat.fields if repeat else ()
            out[d.name] = [derive_one(form, d, answers, item_scope(inner, item), today) for item in entries]
        else:
            out[d.name] = derive_one(form, d, answers, None, today)
    return out


def band_of(form: FormDef, d: Derived, value: Any) -> Label | None:
    """The band a value falls in: the first step (highest first) whose `min` it reaches."""
    if d.bands is None or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return next((step.label for step in form.bands[d.bands] if value >= step.min), None)
