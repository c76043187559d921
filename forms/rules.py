"""Nithet's rule language, used for relevance, required-if, constraints and calculations.

The language is the XLSForm subset of ODK expressions (``${name}`` references, ``.`` for the
current value, ``and``/``or``/``not()``, ``div``/``mod``, hyphenated function names) plus a few
extras (``/``, ``coalesce``, ``minutes``, ``get`` for a key of an object answer, bare
``true``/``false``).  As in ODK, a date (``YYYY-MM-DD``) is a number of days since 1970-01-01 in
arithmetic (``today() - ${born}``) and ``date()`` turns days back into a date.  A rule compiled with
``choice=True`` is a choice filter (XLSForm ``choice_filter``): a bare name there is a column of the
choice being filtered (``province = ${province}``).  It is implemented twice, here
for server-side validation and in ``pwa/static/js/rules.js`` for the tablet; both run the vectors
in ``forms/vectors/rules.json`` and must agree on every one of them.

Numbers are IEEE doubles on both sides; :meth:`Rule.evaluate` turns an integer-valued result into
an ``int`` so that JSON round-trips look the same as in JavaScript.  Evaluation never raises on
data: anything that cannot be computed is ``None``.  ``regex()`` matches the *whole* string (like
a pattern wrapped in ``^(?:...)$``), with ASCII ``\\d``/``\\w``, as JavaScript does; keep patterns
to the common subset of Python ``re`` and JavaScript ``RegExp`` (JS runs without the ``u`` flag, so
``.`` and classes see a character beyond U+FFFF, such as an emoji, as two units).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from core import clock

__all__ = ["Rule", "RuleSyntaxError", "compile_rule", "truthy"]


class RuleSyntaxError(ValueError):
    """A rule that cannot be compiled; ``position`` is the 0-based character (code point) offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


# --------------------------------------------------------------------------- tokens

_WS: Final = " \t\r\n\u00a0"
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*")
_REF_NAME: Final = re.compile(r"[^ \t\r\n\u00a0{}$]+")
_OPERATORS: Final = ("<=", ">=", "!=", "=", "<", ">", "+", "-", "*", "/", "(", ")", ",")
_WORD_OPERATORS: Final = frozenset({"and", "or", "div", "mod"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # num | str | ref | dot | name | op | end
    text: str
    pos: int


def _tokenize(src: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch in _WS:
            i += 1
            continue
        m = _NUMBER.match(src, i)
        if m:
            tokens.append(_Token("num", m.group(), i))
            i = m.end()
        elif ch in "'\"":
            end = src.find(ch, i + 1)
            if end < 0:
                raise RuleSyntaxError("unterminated string", i)
            tokens.append(_Token("str", src[i + 1 : end], i))
            i = end + 1
        elif src.startswith("${", i):
            end = src.find("}", i + 2)
            if end < 0:
                raise RuleSyntaxError("unterminated reference", i)
            name = src[i + 2 : end]
            if not _REF_NAME.fullmatch(name):
                raise RuleSyntaxError("invalid reference name", i)
            tokens.append(_Token("ref", name, i))
            i = end + 1
        elif ch == ".":
            tokens.append(_Token("dot", ".", i))
            i += 1
        elif m := _NAME.match(src, i):
            word = m.group()
            tokens.append(_Token("op" if word in _WORD_OPERATORS else "name", word, i))
            i = m.end()
        else:
            op = next((o for o in _OPERATORS if src.startswith(o, i)), None)
            if op is None:
                raise RuleSyntaxError(f"unexpected character {ch!r}", i)
            tokens.append(_Token("op", op, i))
            i += len(op)
    tokens.append(_Token("end", "", n))
    return tokens


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class _Lit:
    value: Any


@dataclass(frozen=True, slots=True)
class _Ref:
    name: str


@dataclass(frozen=True, slots=True)
class _Col:
    """A column of the choice being filtered (a bare name in a choice filter)."""

    name: str


@dataclass(frozen=True, slots=True)
class _Cur:
    pass


@dataclass(frozen=True, slots=True)
class _Neg:
    operand: _Node


@dataclass(frozen=True, slots=True)
class _Bin:
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: tuple[_Node, ...]


_Node: TypeAlias = _Lit | _Ref | _Col | _Cur | _Neg | _Bin | _Call

# Binary operators, lowest precedence first; all are left-associative.
_LEVELS: Final = (
    frozenset({"or"}),
    frozenset({"and"}),
    frozenset({"=", "!="}),
    frozenset({"<", "<=", ">", ">="}),
    frozenset({"+", "-"}),
    frozenset({"*", "div", "/", "mod"}),
)

# name -> (minimum, maximum or None for "any number") of arguments
_ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "true": (0, 0),
    "false": (0, 0),
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "if": (3, 3),
    "string-length": (1, 1),
    "round": (1, 2),
    "int": (1, 1),
    "number": (1, 1),
    "concat": (0, None),
    "coalesce": (2, 2),
    "regex": (2, 2),
    "sum": (1, None),
    "count": (1, None),
    "mean": (1, None),
    "min": (1, None),
    "max": (1, None),
    "minutes": (2, 2),
    "today": (0, 0),
    "date": (1, 1),
    "get": (2, 2),
}


class _Parser:
    def __init__(self, src: str, choice: bool = False) -> None:
        self.tokens = _tokenize(src)
        self.i = 0
        self.choice = choice

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> _Token:
        tok = self.take()
        if tok.kind != "op" or tok.text != text:
            raise _unexpected(tok, f"expected {text!r}")
        return tok

    def parse(self) -> _Node:
        node = self.binary(0)
        tok = self.peek()
        if tok.kind != "end":
            raise _unexpected(tok)
        return node

    def binary(self, level: int) -> _Node:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().text in _LEVELS[level]:
            op = self.take().text
            left = _Bin(op, left, self.binary(level + 1))
        return left

    def unary(self) -> _Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text == "-":
            self.take()
            return _Neg(self.unary())
        return self.primary()

    def primary(self) -> _Node:
        tok = self.take()
        if tok.kind == "num":
            return _Lit(float(tok.text))
        if tok.kind == "str":
            return _Lit(tok.text)
        if tok.kind == "ref":
            return _Ref(tok.text)
        if tok.kind == "dot":
            return _Cur()
        if tok.kind == "op" and tok.text == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if tok.kind == "name":
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text == "(":
                return self.call(tok)
            if tok.text in ("true", "false"):
                return _Lit(tok.text == "true")
            if self.choice:
                return _Col(tok.text)
            raise RuleSyntaxError(f"unknown name {tok.text!r}", tok.pos)
        raise _unexpected(tok)

    def call(self, name: _Token) -> _Node:
        if name.text not in _ARITY:
            raise RuleSyntaxError(f"unknown function {name.text!r}", name.pos)
        self.expect("(")
        args: list[_Node] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.binary(0))
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.binary(0))
        self.expect(")")
        lo, hi = _ARITY[name.text]
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = str(lo) if lo == hi else f"at least {lo}" if hi is None else f"{lo} to {hi}"
            raise RuleSyntaxError(f"{name.text}() takes {want} argument(s), got {len(args)}", name.pos)
        if name.text in ("true", "false"):
            return _Lit(name.text == "true")
        return _Call(name.text, tuple(args))


def _unexpected(tok: _Token, detail: str = "") -> RuleSyntaxError:
    what = "end of expression" if tok.kind == "end" else repr(tok.text)
    return RuleSyntaxError(f"unexpected {what}" + (f", {detail}" if detail else ""), tok.pos)


# --------------------------------------------------------------------------- value helpers

_NUMERIC: Final = re.compile(r"[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[ \t\r\n]*")
_SPACES: Final = re.compile(r"[ \t\r\n]+")
_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_EPOCH: Final = _dt.date(1970, 1, 1)
_TIME: Final = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?")


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_empty(v: Any) -> bool:
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


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _num(v: Any) -> float | None:
    """A value as a number: numbers, booleans (1/0) and numeric strings; otherwise None."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if _is_num(v):
        try:
            return _finite(float(v))
        except OverflowError:  # a huge int from JSON
            return None
    if isinstance(v, str) and _NUMERIC.fullmatch(v):
        return _finite(float(v))
    if isinstance(v, str) and _DATE.fullmatch(v):
        return _days(v)
    return None


def _days(text: str) -> float | None:
    """A date as days since 1970-01-01 (ODK's number of a date); None for an impossible date."""
    try:
        return float((_dt.date.fromisoformat(text) - _EPOCH).days)
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


def _str(v: Any) -> str:
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
        n = _num(v)  # None for NaN, infinities and ints too large for a float
        return "" if n is None else _fmt_number(n)
    if isinstance(v, list):
        return " ".join(_str(x) for x in v)
    return ""


def _flatten(values: list[Any]) -> Iterator[Any]:
    for v in values:
        if isinstance(v, list):
            yield from _flatten(v)
        elif not _is_empty(v):
            yield v


def _numbers(values: list[Any]) -> list[float]:
    return [n for n in (_num(v) for v in _flatten(values)) if n is not None]


def _total(nums: list[float]) -> float | None:
    total = 0.0
    for n in nums:  # a plain left-to-right loop, as in JavaScript (Python 3.12's sum() compensates)
        total += n
    return _finite(total)


def _words(text: str) -> list[str]:
    return [w for w in _SPACES.split(text) if w]


_PLAIN_NUMBERS: Final = (int, float)


def _compare(op: str, a: Any, b: Any) -> bool:
    if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS and math.isfinite(a) and math.isfinite(b):
        x: Any = a
        y: Any = b
        return _ORDER[op](x, y)
    ea, eb = _is_empty(a), _is_empty(b)
    if ea or eb:
        if op == "=":
            return ea and eb
        return op == "!=" and not (ea and eb)
    if isinstance(a, bool) or isinstance(b, bool):
        x, y = truthy(a), truthy(b)
    elif _is_num(a) or _is_num(b):
        na, nb = _num(a), _num(b)
        x, y = (na, nb) if na is not None and nb is not None else (_str(a), _str(b))
    else:
        x, y = _str(a), _str(b)
    return _ORDER[op](x, y)


_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _arith(op: str, a: Any, b: Any) -> float | None:
    x, y = _num(a), _num(b)
    if x is None or y is None:
        return None
    if op == "+":
        return _finite(x + y)
    if op == "-":
        return _finite(x - y)
    if op == "*":
        return _finite(x * y)
    if y == 0:
        return None
    if op == "mod":
        return _finite(math.fmod(x, y))
    return _finite(x / y)


def _round_half_away(x: float) -> float:
    r = float(math.trunc(x))
    if abs(x - r) >= 0.5:
        r += math.copysign(1.0, x)
    return r


def _minutes_of(v: Any) -> int | None:
    m = _TIME.fullmatch(v) if isinstance(v, str) else None
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    return h * 60 + mi if h < 24 and mi < 60 else None


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


# --------------------------------------------------------------------------- evaluation


@dataclass(slots=True)
class _Context:
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


def _fn_selected(a: list[Any], _: _Context) -> Any:
    value, choice = a[0], _str(a[1])
    if isinstance(value, list):
        return any(_str(v) == choice for v in value)
    text = _str(value)
    return text != "" and (text == choice or choice in _words(text))


def _fn_count_selected(a: list[Any], _: _Context) -> Any:
    v = a[0]
    if isinstance(v, list):
        return float(sum(1 for x in v if not _is_empty(x)))
    return float(len(_words(_str(v))))


def _fn_round(a: list[Any], _: _Context) -> Any:
    x = _num(a[0])
    d = _num(a[1]) if len(a) > 1 else 0.0
    if x is None or d is None:
        return None
    digits = max(-22, min(22, int(d)))
    p = 10.0 ** abs(digits)
    y = x * p if digits >= 0 else x / p
    if abs(y) >= 2.0**52:  # already a whole number at this scale (and keeps trunc() finite)
        return x
    r = _round_half_away(y)
    return _finite(r / p if digits >= 0 else r * p)


def _fn_int(a: list[Any], _: _Context) -> Any:
    x = _num(a[0])
    return None if x is None else float(math.trunc(x))


def _fn_regex(a: list[Any], _: _Context) -> Any:
    pattern = _regex(_str(a[1]))
    return None if pattern is None else pattern.fullmatch(_str(a[0])) is not None


def _fn_mean(a: list[Any], _: _Context) -> Any:
    nums = _numbers(a)
    total = _total(nums)
    return None if total is None or not nums else _finite(total / len(nums))


def _fn_minutes(a: list[Any], _: _Context) -> Any:
    start, end = _minutes_of(a[0]), _minutes_of(a[1])
    return None if start is None or end is None else float(end - start)


def _fn_get(a: list[Any], _: _Context) -> Any:
    """The value at key ``a[1]`` of an object answer (a photo, a reading grid); otherwise None."""
    obj = a[0]
    return obj.get(_str(a[1])) if isinstance(obj, Mapping) else None


def _fn_date(a: list[Any], _: _Context) -> Any:
    """A date from days since 1970-01-01 (or a date, or the date of a date-time); otherwise None."""
    v = a[0]
    if isinstance(v, str) and _DATE.match(v):
        return v[:10] if _days(v[:10]) is not None else None
    x = _num(v)
    if x is None or not -719162 <= x <= 2932896:  # years 1 to 9999
        return None
    return (_EPOCH + _dt.timedelta(days=math.floor(x))).isoformat()


def _fn_today(_a: list[Any], ctx: _Context) -> Any:
    return ctx.today if ctx.today is not None else clock.today().isoformat()


_FUNCTIONS: Final[dict[str, Callable[[list[Any], _Context], Any]]] = {
    "not": lambda a, _: not truthy(a[0]),
    "selected": _fn_selected,
    "count-selected": _fn_count_selected,
    "string-length": lambda a, _: float(len(_str(a[0]))),
    "round": _fn_round,
    "int": _fn_int,
    "number": lambda a, _: _num(a[0]),
    "concat": lambda a, _: "".join(_str(v) for v in a),
    "regex": _fn_regex,
    "sum": lambda a, _: _total(_numbers(a)),
    "count": lambda a, _: float(sum(1 for _v in _flatten(a))),
    "mean": _fn_mean,
    "min": lambda a, _: min(_numbers(a), default=None),
    "max": lambda a, _: max(_numbers(a), default=None),
    "minutes": _fn_minutes,
    "today": _fn_today,
    "date": _fn_date,
    "get": _fn_get,
}


def _compile(node: _Node) -> Callable[[_Context], Any]:
    """Turn the tree into nested closures once, so evaluating a rule is plain function calls."""
    match node:
        case _Lit(value):
            return lambda ctx: value
        case _Ref(name):
            return lambda ctx: ctx.lookup(name)
        case _Col(name):
            return lambda ctx: None if ctx.choice is None else ctx.choice.get(name)
        case _Cur():
            return lambda ctx: ctx.current
        case _Neg(operand):
            inner = _compile(operand)

            def negate(ctx: _Context) -> Any:
                x = _num(inner(ctx))
                return None if x is None else -x

            return negate
        case _Bin(op, left, right):
            fl, fr = _compile(left), _compile(right)
            if op == "or":
                return lambda ctx: truthy(fl(ctx)) or truthy(fr(ctx))
            if op == "and":
                return lambda ctx: truthy(fl(ctx)) and truthy(fr(ctx))
            if op in ("=", "!=", "<", "<=", ">", ">="):
                return lambda ctx: _compare(op, fl(ctx), fr(ctx))
            arith = "/" if op == "div" else op
            return lambda ctx: _arith(arith, fl(ctx), fr(ctx))
        case _Call("if", (cond, then, other)):
            fc, ft, fo = _compile(cond), _compile(then), _compile(other)
            return lambda ctx: ft(ctx) if truthy(fc(ctx)) else fo(ctx)
        case _Call("coalesce", (first, second)):
            f1, f2 = _compile(first), _compile(second)

            def coalesce(ctx: _Context) -> Any:
                value = f1(ctx)
                return f2(ctx) if _is_empty(value) else value

            return coalesce
        case _Call(name, args):
            fn, fargs = _FUNCTIONS[name], [_compile(arg) for arg in args]
            return lambda ctx: fn([f(ctx) for f in fargs], ctx)
    raise AssertionError(node)  # pragma: no cover - the parser builds only the nodes above


def _collect_refs(node: _Node, out: set[str], kind: type[_Ref | _Col] = _Ref) -> None:
    match node:
        case _Ref(name) | _Col(name) if isinstance(node, kind):
            out.add(name)
        case _Neg(operand):
            _collect_refs(operand, out, kind)
        case _Bin(_, left, right):
            _collect_refs(left, out, kind)
            _collect_refs(right, out, kind)
        case _Call(_, args):
            for arg in args:
                _collect_refs(arg, out, kind)


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule; immutable, so cached instances can be shared."""

    source: str
    _ast: _Node
    _refs: frozenset[str]
    _columns: frozenset[str]
    _run: Callable[[_Context], Any]

    def evaluate(
        self,
        answers: Mapping[str, Any],
        *,
        current: Any = None,
        item: Mapping[str, Any] | None = None,
        today: str | None = None,
        choice: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate against ``answers`` (and, for a choice filter, the ``choice``'s columns);
        integer-valued numbers come back as ``int``."""
        result = self._run(_Context(answers, current, item, today, choice))
        if isinstance(result, float) and result.is_integer() and abs(result) < 2**53:
            return int(result)
        return result

    def references(self) -> frozenset[str]:
        """The field names used in ``${...}`` references."""
        return self._refs

    def columns(self) -> frozenset[str]:
        """The choice columns a choice filter reads (bare names)."""
        return self._columns


@functools.lru_cache(maxsize=1024)
def compile_rule(source: str, *, choice: bool = False) -> Rule:
    """Parse ``source`` into a :class:`Rule` (a choice filter when ``choice``); raises
    :class:`RuleSyntaxError`."""
    ast = _Parser(source, choice).parse()
    refs: set[str] = set()
    _collect_refs(ast, refs)
    columns: set[str] = set()
    _collect_refs(ast, columns, _Col)
    return Rule(source, ast, frozenset(refs), frozenset(columns), _compile(ast))
