"""The rule language in Python: every shared vector, plus focused unit tests."""

from __future__ import annotations

import json
import math
import re
from importlib.resources import files
from typing import Any

import pytest

from core import clock
from forms import rules
from forms.rules import RuleSyntaxError, compile_rule, truthy, values

VECTORS = files("forms") / "vectors" / "rules.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text("utf-8"))["cases"]
CASE_KEYS = {"name", "expr", "answers", "current", "item", "today", "choice", "expect", "error", "position"}
OPERATORS = ["+", " - ", "*", " div ", " / ", " mod ", " = ", "!=", " < ", "<=", " > ", ">=", " and ", " or "]


def same(got: Any, want: Any) -> bool:
    """Vector equality: numbers within 1e-9 (3 == 3.0), booleans are not numbers, deep lists/objects."""
    if isinstance(got, bool) or isinstance(want, bool):
        return type(got) is type(want) and got == want
    if isinstance(got, int | float) and isinstance(want, int | float):
        return math.isclose(got, want, rel_tol=0, abs_tol=1e-9)
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in got)
    return type(got) is type(want) and bool(got == want)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case: dict[str, Any]) -> None:
    if case.get("error"):
        with pytest.raises(RuleSyntaxError) as info:
            compile_rule(case["expr"])
        if "position" in case:
            assert info.value.position == case["position"], str(info.value)
        return
    got = compile_rule(case["expr"], choice="choice" in case).evaluate(
        case["answers"],
        current=case.get("current"),
        item=case.get("item"),
        today=case.get("today"),
        choice=case.get("choice"),
    )
    assert same(got, case["expect"]), f"{case['expr']!r}: got {got!r}, want {case['expect']!r}"


def test_vector_file_covers_the_language() -> None:
    names = [c["name"] for c in CASES]
    assert len(CASES) >= 120
    assert len(names) == len(set(names)), "vector names must be unique"
    exprs = " ".join(c["expr"] for c in CASES if not c.get("error"))
    for fn in rules.ARITY:
        assert re.search(rf"(?<![\w-]){re.escape(fn)}\(", exprs), f"no vector calls {fn}()"
    for op in OPERATORS:
        assert op in exprs, f"no vector uses {op!r}"
    for c in CASES:
        assert set(c) <= CASE_KEYS, c["name"]
        assert ("expect" in c) != bool(c.get("error")), c["name"]


@pytest.mark.parametrize(
    ("source", "position", "fragment"),
    [
        ("1 +", 3, "unexpected end of expression"),
        ("(1 + 2", 6, "expected ')'"),
        ("${a} = 'abc", 7, "unterminated string"),
        ("${a} and foo(1)", 9, "unknown function 'foo'"),
        ("1 + round(1, 2, 3)", 4, "round() takes 1 to 2 argument(s), got 3"),
        ("if(1, 2)", 0, "if() takes 3 argument(s), got 2"),
        ("sum()", 0, "at least 1"),
        ("x + 1", 0, "unknown name 'x'"),
        ("1 @ 2", 2, "unexpected character '@'"),
        ("'ภาษาไทย' = y", 12, "unknown name 'y'"),
    ],
)
def test_syntax_error_position_and_message(source: str, position: int, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        compile_rule(source)
    assert info.value.position == position
    assert fragment in info.value.message
    assert f"position {position}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_references() -> None:
    rule = compile_rule("if(${a} > 2, sum(${score}), -${b}) + count(${pupils}) and . = ${a}")
    assert rule.references() == frozenset({"a", "b", "score", "pupils"})
    assert isinstance(rule.references(), frozenset)
    assert compile_rule("1 + . * 2").references() == frozenset()


def test_compile_is_cached() -> None:
    source = "${cache_probe} + 1"
    first = compile_rule(source)
    hits = compile_rule.cache_info().hits
    assert compile_rule(source) is first
    assert compile_rule.cache_info().hits == hits + 1
    with pytest.raises(RuleSyntaxError):  # failures are not cached, they raise every time
        compile_rule("1 +")
    with pytest.raises(RuleSyntaxError):
        compile_rule("1 +")


@pytest.mark.parametrize(
    ("expr", "want"),
    [
        ("round(0.5)", 1),
        ("round(1.5)", 2),
        ("round(2.5)", 3),
        ("round(-0.5)", -1),
        ("round(-1.5)", -2),
        ("round(-2.5)", -3),
        ("round(2.675, 2)", 2.68),  # 267.49999999999997 after scaling would be 2.67 if scaled naively
        ("round(0.125, 2)", 0.13),
        ("round(-0.125, 2)", -0.13),
        ("round(15, -1)", 20),
        ("round(-25, -1)", -30),
        ("round(4503599627370497)", 4503599627370497),
    ],
)
def test_round_half_away_from_zero(expr: str, want: float) -> None:
    got = compile_rule(expr).evaluate({})
    assert same(got, want), (expr, got)
    assert round(2.5) == 2  # Python's own round() is banker's rounding; the rule language is not


def test_integer_results_are_ints() -> None:
    assert type(compile_rule("6 div 2").evaluate({})) is int
    assert type(compile_rule("sum(${x})").evaluate({"x": [1.0, 2.0]})) is int
    assert type(compile_rule("7 div 2").evaluate({})) is float
    assert type(compile_rule("${x}").evaluate({"x": "3"})) is str


def test_evaluation_never_raises_on_data() -> None:
    weird: dict[str, Any] = {
        "a": {"nested": 1},
        "b": [[1, [2, None]], {"x": 1}],
        "c": 10**400,
        "d": float("nan"),
        "e": True,
        "f": "1" * 400,
        "r": [{"v": 1}, "not an item", None],
    }
    exprs = [
        "${a} + 1", "${b} * 2", "${c} + 1", "${d} = 1", "${f} * 2", "concat(${a}, ${b}, ${c})",
        "sum(${a}, ${b}, ${c}, ${d}, ${e}, ${f})", "count(${b})", "max(${b})", "selected(${a}, 'x')",
        "count-selected(${a})", "string-length(${b})", "round(${c}, 400)", "round(1, -400)",
        "int(${c})", "minutes(${a}, ${b})", "regex(${a}, '(')", "${v}", "count(${v})", "${a} < ${b}",
    ]  # fmt: skip
    for expr in exprs:
        compile_rule(expr).evaluate(weird, current=weird, item={"q": []})
    assert compile_rule("count(${v})").evaluate(weird) == 1
    assert compile_rule("${c} + 1").evaluate(weird) is None
    assert compile_rule("${f} * 2").evaluate(weird) is None


def test_today_defaults_to_the_local_date() -> None:
    assert compile_rule("today()").evaluate({}) == clock.today().isoformat()
    assert compile_rule("today()").evaluate({}, today="2024-06-01") == "2024-06-01"


@pytest.mark.parametrize(
    ("value", "want"),
    [(None, False), ("", False), ([], False), (0, False), (0.0, False), (False, False),
     ("0", True), (" ", True), ([0], True), (-1, True), (True, True), ({}, True), ("ก", True)],
)  # fmt: skip
def test_truthy(value: Any, want: bool) -> None:
    assert truthy(value) is want


def test_number_formatting_matches_javascript() -> None:
    fmt = values._fmt_number
    cases = {
        0.1: "0.1", 1e21: "1e+21", 1e20: "100000000000000000000", 123e-9: "1.23e-7", 1.5e-6: "0.0000015",
        -2.5: "-2.5", 0.30000000000000004: "0.30000000000000004", 5e-324: "5e-324", 123456.789: "123456.789",
        1.7976931348623157e308: "1.7976931348623157e+308",
    }  # fmt: skip
    for value, text in cases.items():
        assert fmt(value) == text
