"""Values in rules as ODK and JavaScript see them: truthiness, numbers (a date is a number of days),
strings (a number printed as JavaScript's ``String(number)``), comparison and arithmetic that never raise
on data (what cannot be computed is ``None``)."""

from __future__ import annotations

import datetime as _dt
import functools
import math
import operator
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

_NUMERIC: Final = re.compile(r"[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[ \t\r\n]*")
_SPACES: Final = re.compile(r"[ \t\r\n]+")
DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
EPOCH: Final = _dt.date(1970, 1, 1)
_TIME: Final = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?")


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def is_empty(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, list) and not v)


def truthy(value: Any) -> bool:
    """Rule truthiness: None, '', [], 0 and False are false; everything else is true."""
    if value is None or value is False:
        return False
    if _is_num(value):
        return bool(value)
    if isinstance(value, str | list):
        return len(value) > 0
    return True


def finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def num(v: Any) -> float | None:
    """A value as a number: numbers, booleans (1/0) and numeric strings; otherwise None."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if _is_num(v):
        try:
            return finite(float(v))
        except OverflowError:  # a huge int from JSON
            return None
    if isinstance(v, str) and _NUMERIC.fullmatch(v):
        return finite(float(v))
    if isinstance(v, str) and DATE.fullmatch(v):
        return days(v)
    return None


def days(text: str) -> float | None:
    """A date as days since 1970-01-01 (ODK's number of a date); None for an impossible date."""
    try:
        return float((_dt.date.fromisoformat(text) - EPOCH).days)
    except ValueError:
        return None


def _fmt_number(x: float) -> str:
    """Format a float exactly as JavaScript's ``String(number)`` does."""
    if x == 0:
        return "0"
    if x < 0:
        return "-" + _fmt_number(-x)
    mantissa, _, exp = repr(x).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    n = len(whole) + int(exp or 0)  # value = 0.<digits> * 10**n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def to_string(v: Any) -> str:
    """A value as a string: None -> '', lists joined by spaces (select_multiple), objects -> ''.

    Non-finite numbers (not valid answer data) are '' too.
    """
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_num(v):
        n = num(v)  # None for NaN, infinities and ints too large for a float
        return "" if n is None else _fmt_number(n)
    if isinstance(v, list):
        return " ".join(to_string(x) for x in v)
    return ""


def flatten(values: list[Any]) -> Iterator[Any]:
    for v in values:
        if isinstance(v, list):
            yield from flatten(v)
        elif not is_empty(v):
            yield v


def numbers(values: list[Any]) -> list[float]:
    return [n for n in (num(v) for v in flatten(values)) if n is not None]


def total(nums: list[float]) -> float | None:
    t = 0.0
    for n in nums:  # a plain left-to-right loop, as in JavaScript (Python 3.12's sum() compensates)
        t += n
    return finite(t)


def words(text: str) -> list[str]:
    return [w for w in _SPACES.split(text) if w]


_PLAIN_NUMBERS: Final = (int, float)


def compare(op: str, a: Any, b: Any) -> bool:
    if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS and math.isfinite(a) and math.isfinite(b):
        x: Any = a
        y: Any = b
        return _ORDER[op](x, y)
    ea, eb = is_empty(a), is_empty(b)
    if ea or eb:
        if op == "=":
            return ea and eb
        return op == "!=" and not (ea and eb)
    if isinstance(a, bool) or isinstance(b, bool):
        x, y = truthy(a), truthy(b)
    elif _is_num(a) or _is_num(b):
        na, nb = num(a), num(b)
        x, y = (na, nb) if na is not None and nb is not None else (to_string(a), to_string(b))
    else:
        x, y = to_string(a), to_string(b)
    return _ORDER[op](x, y)


_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def arith(op: str, a: Any, b: Any) -> float | None:
    x, y = num(a), num(b)
    if x is None or y is None:
        return None
    if op == "+":
        return finite(x + y)
    if op == "-":
        return finite(x - y)
    if op == "*":
        return finite(x * y)
    if y == 0:
        return None
    if op == "mod":
        return finite(math.fmod(x, y))
    return finite(x / y)


def round_half_away(x: float) -> float:
    r = float(math.trunc(x))
    if abs(x - r) >= 0.5:
        r += math.copysign(1.0, x)
    return r


def minutes_of(v: Any) -> int | None:
    m = _TIME.fullmatch(v) if isinstance(v, str) else None
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    return h * 60 + mi if h < 24 and mi < 60 else None


@functools.lru_cache(maxsize=256)
def whole_regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None
