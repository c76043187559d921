"""The functions of the rule language (``selected``, ``round``, ``regex``, ``date`` …) and the context
a rule is evaluated in: the answers, the current value, a repeat's item, today, a choice's columns."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from core import clock
from forms.rules.values import (
    DATE,
    EPOCH,
    days,
    finite,
    flatten,
    is_empty,
    minutes_of,
    num,
    numbers,
    round_half_away,
    to_string,
    total,
    truthy,
    whole_regex,
    words,
)


@dataclass(slots=True)
class Context:
    answers: Mapping[str, Any]
    current: Any
    item: Mapping[str, Any] | None
    today: str | None
    choice: Mapping[str, Any] | None = None

    def lookup(self, name: str) -> Any:
        if self.item is not None and name in self.item:
            return self.item[name]
        if name in self.answers:
            return self.answers[name]
        for value in self.answers.values():
            if isinstance(value, list) and any(isinstance(it, Mapping) and name in it for it in value):
                return [it.get(name) if isinstance(it, Mapping) else None for it in value]
        return None


def _fn_selected(a: list[Any], _: Context) -> Any:
    value, choice = a[0], to_string(a[1])
    if isinstance(value, list):
        return any(to_string(v) == choice for v in value)
    text = to_string(value)
    return text != "" and (text == choice or choice in words(text))


def _fn_count_selected(a: list[Any], _: Context) -> Any:
    v = a[0]
    if isinstance(v, list):
        return float(sum(1 for x in v if not is_empty(x)))
    return float(len(words(to_string(v))))


def _fn_round(a: list[Any], _: Context) -> Any:
    x = num(a[0])
    d = num(a[1]) if len(a) > 1 else 0.0
    if x is None or d is None:
        return None
    digits = max(-22, min(22, int(d)))
    p = 10.0 ** abs(digits)
    y = x * p if digits >= 0 else x / p
    if abs(y) >= 2.0**52:  # already a whole number at this scale (and keeps trunc() finite)
        return x
    r = round_half_away(y)
    return finite(r / p if digits >= 0 else r * p)


def _fn_int(a: list[Any], _: Context) -> Any:
    x = num(a[0])
    return None if x is None else float(math.trunc(x))


def _fn_regex(a: list[Any], _: Context) -> Any:
    pattern = whole_regex(to_string(a[1]))
    return None if pattern is None else pattern.fullmatch(to_string(a[0])) is not None


def _fn_mean(a: list[Any], _: Context) -> Any:
    nums = numbers(a)
    t = total(nums)
    return None if t is None or not nums else finite(t / len(nums))


def _fn_minutes(a: list[Any], _: Context) -> Any:
    start, end = minutes_of(a[0]), minutes_of(a[1])
    return None if start is None or end is None else float(end - start)


def _fn_get(a: list[Any], _: Context) -> Any:
    """The value at key ``a[1]`` of an object answer (a photo, a reading grid); otherwise None."""
    obj = a[0]
    return obj.get(to_string(a[1])) if isinstance(obj, Mapping) else None


def _fn_date(a: list[Any], _: Context) -> Any:
    """A date from days since 1970-01-01 (or a date, or the date of a date-time); otherwise None."""
    v = a[0]
    if isinstance(v, str) and DATE.match(v):
        return v[:10] if days(v[:10]) is not None else None
    x = num(v)
    if x is None or not -719162 <= x <= 2932896:  # years 1 to 9999
        return None
    return (EPOCH + _dt.timedelta(days=math.floor(x))).isoformat()


def _fn_today(_a: list[Any], ctx: Context) -> Any:
    return ctx.today if ctx.today is not None else clock.today().isoformat()


FUNCTIONS: Final[dict[str, Callable[[list[Any], Context], Any]]] = {
    "not": lambda a, _: not truthy(a[0]),
    "selected": _fn_selected,
    "count-selected": _fn_count_selected,
    "string-length": lambda a, _: float(len(to_string(a[0]))),
    "round": _fn_round,
    "int": _fn_int,
    "number": lambda a, _: num(a[0]),
    "concat": lambda a, _: "".join(to_string(v) for v in a),
    "regex": _fn_regex,
    "sum": lambda a, _: total(numbers(a)),
    "count": lambda a, _: float(sum(1 for _v in flatten(a))),
    "mean": _fn_mean,
    "min": lambda a, _: min(numbers(a), default=None),
    "max": lambda a, _: max(numbers(a), default=None),
    "minutes": _fn_minutes,
    "today": _fn_today,
    "date": _fn_date,
    "get": _fn_get,
}
