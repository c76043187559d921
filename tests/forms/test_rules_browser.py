"""The rule language in real Chromium: pwa/static/js/rules.js must pass every shared vector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "forms" / "vectors" / "rules.json"


RUN_VECTORS = """
async () => {
  const { compileRule, RuleSyntaxError } = await import('/pwa/static/js/rules.js');
  const { cases } = await (await fetch('/forms/vectors/rules.json', { cache: 'no-store' })).json();
  const same = (got, want) => {
    if (typeof got === 'number' && typeof want === 'number') return Math.abs(got - want) <= 1e-9;
    if (Array.isArray(got) || Array.isArray(want)) {
      return Array.isArray(got) && Array.isArray(want) && got.length === want.length
        && got.every((g, i) => same(g, want[i]));
    }
    if (got && want && typeof got === 'object' && typeof want === 'object') {
      const kg = Object.keys(got), kw = Object.keys(want);
      return kg.length === kw.length && kg.every((k) => Object.hasOwn(want, k) && same(got[k], want[k]));
    }
    return got === want;
  };
  const failures = [];
  let run = 0;
  for (const c of cases) {
    run += 1;
    try {
      const rule = compileRule(c.expr, { choice: 'choice' in c });
      if (c.error) {
        failures.push({ name: c.name, problem: 'compiled, expected a RuleSyntaxError' });
        continue;
      }
      const got = rule.evaluate(c.answers, { current: c.current, item: c.item, today: c.today, choice: c.choice });
      if (!same(got, c.expect)) {
        failures.push({ name: c.name, expr: c.expr, got: got ?? null, want: c.expect });
      }
    } catch (e) {
      if (!c.error || !(e instanceof RuleSyntaxError)) {
        failures.push({ name: c.name, expr: c.expr, problem: `threw ${e}` });
      } else if ('position' in c && e.position !== c.position) {
        failures.push({ name: c.name, expr: c.expr, problem: `position ${e.position}, want ${c.position}` });
      }
    }
  }
  return { run, failures };
}
"""


def test_js_passes_every_vector(static_page: Any) -> None:
    result = static_page.evaluate(RUN_VECTORS)
    expected = len(json.loads(VECTORS.read_text("utf-8"))["cases"])
    assert result["failures"] == []
    assert result["run"] == expected


API_CHECKS = """
async () => {
  const { compileRule, truthy, RuleSyntaxError } = await import('/pwa/static/js/rules.js');
  const rule = compileRule('if(${a} > 2, sum(${score}), -${b}) + count(${pupils})');
  let error = null;
  try { compileRule('1 + round(1, 2, 3)'); } catch (e) {
    error = { name: e.name, position: e.position, message: e.message, isError: e instanceof Error,
              isRuleError: e instanceof RuleSyntaxError };
  }
  return {
    refs: [...rule.references()].sort(),
    cached: compileRule('${a} + 1') === compileRule('${a} + 1'),
    noArgs: compileRule('${a} * 2').evaluate({ a: '4' }),
    truthy: [null, '', [], 0, false, '0', [0], {}].map(truthy),
    error,
  };
}
"""


def test_js_api(static_page: Any) -> None:
    result = static_page.evaluate(API_CHECKS)
    assert result["refs"] == ["a", "b", "pupils", "score"]
    assert result["cached"] is True
    assert result["noArgs"] == 8
    assert result["truthy"] == [False, False, False, False, False, True, True, True]
    assert result["error"] == {
        "name": "RuleSyntaxError",
        "position": 4,
        "message": "round() takes 1 to 2 argument(s), got 3 (at position 4)",
        "isError": True,
        "isRuleError": True,
    }
