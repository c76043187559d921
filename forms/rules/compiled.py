"""A parsed rule compiled once into nested closures, and :func:`compile_rule`, the cached entry point."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forms.rules.functions import FUNCTIONS, Context
from forms.rules.syntax import Bin, Call, Col, Cur, Lit, Neg, Node, Parser, Ref
from forms.rules.values import arith, compare, is_empty, num, truthy


def _compile(node: Node) -> Callable[[Context], Any]:
    """Turn the tree into nested closures once, so evaluating a rule is plain function calls."""
    match node:
        case Lit(value):
            return lambda ctx: value
        case Ref(name):
            return lambda ctx: ctx.lookup(name)
        case Col(name):
            return lambda ctx: None if ctx.choice is None else ctx.choice.get(name)
        case Cur():
            return lambda ctx: ctx.current
        case Neg(operand):
            inner = _compile(operand)

            def negate(ctx: Context) -> Any:
                x = num(inner(ctx))
                return None if x is None else -x

            return negate
        case Bin(op, left, right):
            fl, fr = _compile(left), _compile(right)
            if op == "or":
                return lambda ctx: truthy(fl(ctx)) or truthy(fr(ctx))
            if op == "and":
                return lambda ctx: truthy(fl(ctx)) and truthy(fr(ctx))
            if op in ("=", "!=", "<", "<=", ">", ">="):
                return lambda ctx: compare(op, fl(ctx), fr(ctx))
            symbol = "/" if op == "div" else op
            return lambda ctx: arith(symbol, fl(ctx), fr(ctx))
        case Call("if", (cond, then, other)):
            fc, ft, fo = _compile(cond), _compile(then), _compile(other)
            return lambda ctx: ft(ctx) if truthy(fc(ctx)) else fo(ctx)
        case Call("coalesce", (first, second)):
            f1, f2 = _compile(first), _compile(second)

            def coalesce(ctx: Context) -> Any:
                value = f1(ctx)
                return f2(ctx) if is_empty(value) else value

            return coalesce
        case Call(name, args):
            fn, fargs = FUNCTIONS[name], [_compile(arg) for arg in args]
            return lambda ctx: fn([f(ctx) for f in fargs], ctx)
    raise AssertionError(node)  # pragma: no cover - the parser builds only the nodes above


def _collect_refs(node: Node, out: set[str], kind: type[Ref | Col] = Ref) -> None:
    match node:
        case Ref(name) | Col(name) if isinstance(node, kind):
            out.add(name)
        case Neg(operand):
            _collect_refs(operand, out, kind)
        case Bin(_, left, right):
            _collect_refs(left, out, kind)
            _collect_refs(right, out, kind)
        case Call(_, args):
            for arg in args:
                _collect_refs(arg, out, kind)


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule; immutable, so cached instances can be shared."""

    source: str
    _ast: Node
    _refs: frozenset[str]
    _columns: frozenset[str]
    _run: Callable[[Context], Any]

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
        result = self._run(Context(answers, current, item, today, choice))
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
    ast = Parser(source, choice).parse()
    refs: set[str] = set()
    _collect_refs(ast, refs)
    columns: set[str] = set()
    _collect_refs(ast, columns, Col)
    return Rule(source, ast, frozenset(refs), frozenset(columns), _compile(ast))
