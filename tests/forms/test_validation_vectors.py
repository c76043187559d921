"""forms/validate.py and forms/derive.py against the shared vectors (the browser runs the same file)."""

from __future__ import annotations

from typing import Any, get_args

import msgspec
import pytest

from forms.derive import band_of, derive
from forms.model import FormDef, Kind
from forms.validate import validate
from tests.forms.vectors import cases, form_of

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case: dict[str, Any]) -> None:
    form = msgspec.convert(form_of(case), FormDef)
    got = [[p.field, p.code] for p in validate(form, case["answers"])]
    assert got == case["expect"]
    if "derive" in case:
        values = derive(form, case["answers"])
        for name, want in case["derive"].items():
            assert values[name] == pytest.approx(want) if want is not None else values[name] is None, name
        for name, label in case.get("derive_bands", {}).items():
            d = next(x for x in form.derived if x.name == name)
            band = band_of(form, d, values[name])
            assert band is not None and band.th == label


def test_every_kind_has_a_vector() -> None:
    kinds = {f["kind"] for c in CASES for f in c["fields"]} | {
        f["kind"] for c in CASES for top in c["fields"] for f in top.get("fields", [])
    }
    # Every kind of the language, but the ones whose value is checked like another's (textarea like
    # text; school and teacher pickers like text, with their existence checked by sync) or that hold none.
    alike = {"textarea", "school", "teacher", "note"}
    wanted = set(get_args(Kind)) - alike
    assert wanted <= kinds
