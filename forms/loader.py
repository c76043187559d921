"""Decode a form definition file and check it, naming the file, the field and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from forms.model import CHOICE_KINDS, CONTAINERS, Field, FormDef
from forms.rules import RuleSyntaxError, compile_rule

DEFINITIONS = Path(__file__).parent / "definitions"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class DefinitionError(ValueError):
    def __init__(self, source: str, where: str, problem: str):
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}")


def load_file(path: Path) -> FormDef:
    return load_text(path.read_text(encoding="utf-8"), source=path.name)


def load_text(text: str, *, source: str = "<form>") -> FormDef:
    try:
        form = msgspec.toml.decode(text, type=FormDef)
    except msgspec.ValidationError as exc:
        raise DefinitionError(source, "structure", str(exc)) from None
    except msgspec.DecodeError as exc:
        raise DefinitionError(source, "syntax", str(exc)) from None
    check(form, source=source)
    return form


def builtin_forms() -> list[FormDef]:
    return [load_file(path) for path in sorted(DEFINITIONS.glob("*.toml"))]


def check(form: FormDef, *, source: str = "<form>") -> None:
    """Everything about a definition that decoding alone cannot see."""

    def fail(where: str, problem: str) -> None:
        raise DefinitionError(source, where, problem)

    if not NAME.match(form.id):
        fail("id", f"form id {form.id!r} must be lower-case letters, digits and _")
    if form.version < 1:
        fail("version", "version must be 1 or more")
    fields = form.walk()
    names: set[str] = set()
    for field in fields:
        for name in (field.name, field.evidence_name) if field.kind == "rating" else (field.name,):
            if not NAME.match(name):
                fail(f"field {name!r}", "a name is lower-case letters, digits and _, starting with a letter")
            if name in names:
                fail(f"field {name!r}", "this name is used twice")
            names.add(name)
    if sum(f.kind == "school" for f in fields) != 1:
        fail("fields", "a form needs exactly one field of kind 'school' (the record's school)")
    for field in fields:
        _check_field(form, field, names, fail)


def _check_field(form: FormDef, field: Field, names: set[str], fail: object) -> None:
    assert callable(fail)
    where = f"field {field.name!r}"
    if field.kind in CHOICE_KINDS:
        if not field.choices:
            fail(where, f"kind {field.kind} needs `choices`, the name of a list in [choices]")
        elif field.choices not in form.choices:
            fail(where, f"choice list {field.choices!r} is not defined in [choices]")
    if field.kind in CONTAINERS and not field.fields:
        fail(where, f"a {field.kind} needs fields inside it")
    if field.kind not in CONTAINERS and field.fields:
        fail(where, f"a {field.kind} cannot hold fields")
    if field.kind == "calculate" and not field.calculate:
        fail(where, "a calculate field needs a `calculate` rule")
    if field.kind == "teacher" and field.school_field and field.school_field not in names:
        fail(where, f"school_field {field.school_field!r} is not a field of this form")
    rules = {
        "relevant": field.relevant,
        "required_if": field.required_if,
        "constraint": field.constraint,
        "warning": field.warning,
        "calculate": field.calculate,
        "evidence_if": field.evidence_if if field.kind == "rating" else None,
    }
    for attr, source in rules.items():
        if source is None:
            continue
        try:
            rule = compile_rule(source)
        except RuleSyntaxError as exc:
            fail(where, f"{attr} rule {source!r} does not parse: {exc}")
            continue
        unknown = sorted(rule.references() - names)
        if unknown:
            fail(where, f"{attr} rule {source!r} refers to unknown field(s): {', '.join(unknown)}")
