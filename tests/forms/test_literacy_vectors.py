"""The literacy check by grade band: each pupil's classification (cannot read / write / calculate) and the
class counts by grade, from forms/vectors/literacy.json — forms/derive.py here, derive.js in Chromium."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import msgspec
import pytest

from forms.derive import derive, flag_counts
from forms.loader import builtin_forms
from forms.validate import validate

DOC = json.loads((Path(__file__).parents[2] / "forms" / "vectors" / "literacy.json").read_text("utf-8"))
FORM = next(f for f in builtin_forms() if [f.id, f.version] == DOC["form"])


def record(case: dict[str, Any], copies: int = 1) -> dict[str, Any]:
    pupils = case["pupils"] * copies
    return {"school": "49010001", "visit_date": "2025-06-10", "session": "morning",
            "class_grade": case["class_grade"], "pupils": pupils}  # fmt: skip


@pytest.mark.parametrize("case", DOC["cases"], ids=[c["name"] for c in DOC["cases"]])
def test_pupils_are_classified_and_counted_by_grade(case: dict[str, Any]) -> None:
    values = derive(FORM, record(case))
    assert {name: values[name] for name in case["expect"]} == case["expect"]
    assert flag_counts(FORM, record(case), DOC["by"]) == case["counts"]
    # The vectors are answers a tablet can send: repeated up to the form's five pupils, they validate.
    assert validate(FORM, record(case, math.ceil(5 / len(case["pupils"])))) == []


def test_every_grade_band_has_a_vector() -> None:
    bands = {
        key.split("_")[1] for c in DOC["cases"] for p in c["pupils"] for key in p if key.startswith("words_")
    }
    assert bands == {"p1", "p23", "p46"}


RUN = """
async ([form, doc]) => {
  const { derive, flagCounts } = await import('/pwa/static/js/derive.js');
  const failures = [];
  for (const c of doc.cases) {
    const answers = { school: '49010001', visit_date: '2025-06-10', session: 'morning', class_grade: c.class_grade, pupils: c.pupils };
    const values = derive(form, answers);
    for (const [name, want] of Object.entries(c.expect)) {
      if (JSON.stringify(values[name]) !== JSON.stringify(want)) failures.push({ case: c.name, name, got: values[name], want });
    }
    const counts = flagCounts(form, answers, doc.by);
    const sorted = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, Object.keys(o[k]).sort().map((n) => [n, o[k][n]])]));
    if (sorted(counts) !== sorted(c.counts)) failures.push({ case: c.name, counts, want: c.counts });
  }
  return { run: doc.cases.length, failures };
}
"""


@pytest.mark.e2e
def test_the_tablet_classifies_and_counts_the_same(static_page: Any) -> None:
    form = json.loads(msgspec.json.encode(FORM))
    result = static_page.evaluate(RUN, [form, DOC])
    assert result == {"run": len(DOC["cases"]), "failures": []}
