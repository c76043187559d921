"""Decode a form definition file and check it, naming the file, the field and the problem."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import msgspec

from forms.model import (
    CHOICE_KINDS,
    CONTAINERS,
    Derived,
    Field,
    FormDef,
    Label,
    Policy,
    PolicyList,
    walk_fields,
)
from forms.rules import RuleSyntaxError, compile_rule

DEFINITIONS = Path(__file__).parent / "definitions"
POLICIES = Path(__file__).parent / "policies"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
#: A field name: also upper-case letters and hyphens, as XLSForm names have them (never a dot: a dot
#: separates the parts of a path on the tablet).
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
REF = re.compile(r"\$\{([^}]+)\}")

Fail = Callable[[str, str], NoReturn]


class DefinitionError(ValueError):
    def __init__(self, source: str, where: str, problem: str):
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}")


def load_file(path: Path) -> FormDef:
    return load_text(path.read_text(encoding="utf-8"), source=path.name)


def load_text(text: str, *, source: str = "<form>", policies_dir: Path = POLICIES) -> FormDef:
    try:
        form = msgspec.toml.decode(text, type=FormDef)
    except msgspec.ValidationError as exc:
        raise DefinitionError(source, "structure", str(exc)) from None
    except msgspec.DecodeError as exc:
        raise DefinitionError(source, "syntax", str(exc)) from None
    if form.policies is not None:
        form = expand_policies(form, load_policies(form.policies, policies_dir, source), source)
    check(form, source=source)
    return form


def builtin_forms() -> list[FormDef]:
    return [load_file(path) for path in sorted(DEFINITIONS.glob("*.toml"))]


def load_policies(list_id: str, policies_dir: Path, source: str) -> PolicyList:
    path = policies_dir / f"{list_id}.toml"
    if not NAME.match(list_id) and not re.fullmatch(r"[0-9a-z_-]{1,40}", list_id):
        raise DefinitionError(source, "policies", f"policy list id {list_id!r} is not a plain name")
    if not path.exists():
        raise DefinitionError(
            source, "policies", f"policy list {path.name} does not exist in {policies_dir.name}/"
        )
    try:
        policies = msgspec.toml.decode(path.read_bytes(), type=PolicyList)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise DefinitionError(path.name, "structure", str(exc)) from None
    check_policies(policies, path.name)
    return policies


def check_policies(policies: PolicyList, source: str) -> None:
    seen: set[str] = set()
    for policy in policies.policies:
        if not NAME.match(policy.code) or policy.code in seen:
            raise DefinitionError(source, f"policy {policy.code!r}", "a code is a unique lower-case name")
        if not policy.name.th.strip() or not policy.indicator.th.strip():
            raise DefinitionError(source, f"policy {policy.code!r}", "a policy needs a name and an indicator")
        seen.add(policy.code)
    if not policies.policies:
        raise DefinitionError(source, "policies", "the list is empty")


def expand_policies(form: FormDef, policies: PolicyList, source: str) -> FormDef:
    """Replace each `for_each_policy` group by one group per policy: inner names get the policy code as
    a prefix (`p01_status`), and references between the template's own fields are renamed to match."""

    def per_policy(template: Field) -> list[Field]:
        inner = {f.name for f in template.fields}
        out = []
        for policy in policies.policies:

            def rename(rule: str | None, code: str = policy.code) -> str | None:
                if rule is None:
                    return None
                return REF.sub(lambda m: "${" + (f"{code}_{m[1]}" if m[1] in inner else m[1]) + "}", rule)

            about = Field(
                name=f"{policy.code}_about",
                kind="note",
                label=Label(
                    f"ตัวชี้วัด: {policy.indicator.th}"
                    + (f" · หลักฐาน: {policy.evidence.th}" if policy.evidence.th else ""),
                    f"Indicator: {policy.indicator.en}"
                    + (f" · Evidence: {policy.evidence.en}" if policy.evidence.en else ""),
                ),
            )
            fields = tuple(
                msgspec.structs.replace(
                    indicator_field(f, policy) if f.policy_indicator else f,
                    name=f"{policy.code}_{f.name}",
                    relevant=rename(f.relevant),
                    required_if=rename(f.required_if),
                    constraint=rename(f.constraint),
                    warning=rename(f.warning),
                    calculate=rename(f.calculate),
                )
                for f in template.fields
            )
            out.append(
                msgspec.structs.replace(
                    template,
                    name=policy.code,
                    label=Label(
                        f"{policy.code.upper()} {policy.name.th}", f"{policy.code.upper()} {policy.name.en}"
                    ),
                    hint=template.label,
                    relevant=rename(template.relevant),
                    for_each_policy=False,
                    fields=(about, *fields),
                )
            )
        return out

    def expand(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        out: list[Field] = []
        for f in fields:
            if f.for_each_policy:
                if f.kind != "group":
                    raise DefinitionError(source, f"field {f.name!r}", "for_each_policy is for a group")
                out.extend(per_policy(f))
            else:
                out.append(msgspec.structs.replace(f, fields=expand(f.fields)) if f.fields else f)
        return tuple(out)

    sections = tuple(msgspec.structs.replace(s, fields=expand(s.fields)) for s in form.sections)
    return msgspec.structs.replace(form, sections=sections)


def indicator_field(template: Field, policy: Policy) -> Field:
    """The template's indicator field for one policy: its kind and range follow the indicator's kind."""
    label = Label(
        f"{template.label.th}: {policy.indicator.th}", f"{template.label.en}: {policy.indicator.en}"
    )
    if policy.kind == "yes_no":
        return msgspec.structs.replace(template, kind="yes_no", label=label, minimum=None, maximum=None)
    if policy.kind == "count":
        return msgspec.structs.replace(template, kind="integer", label=label, minimum=0, maximum=None)
    return msgspec.structs.replace(template, kind="decimal", label=label, minimum=0, maximum=100)


def policy_form(template: str, policies: PolicyList, version: int, *, source: str = "policy.toml") -> FormDef:
    """A new version of the policy form: the template (the newest built-in definition) expanded with a
    policy list published by the area office (server/policies.py), then checked like any definition."""
    try:
        form = msgspec.toml.decode(template, type=FormDef)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise DefinitionError(source, "structure", str(exc)) from None
    check_policies(policies, source)
    form = msgspec.structs.replace(
        form,
        version=version,
        policies=policies.id,
        description=Label(policies.label.th, policies.label.en),
    )
    form = expand_policies(form, policies, source)
    check(form, source=source)
    return form


def check(form: FormDef, *, source: str = "<form>") -> None:
    """Everything about a definition that decoding alone cannot see."""

    def fail(where: str, problem: str) -> NoReturn:
        raise DefinitionError(source, where, problem)

    if not NAME.match(form.id):
        fail("id", f"form id {form.id!r} must be lower-case letters, digits and _")
    if form.version < 1:
        fail("version", "version must be 1 or more")
    fields = form.walk()
    names: set[str] = set()
    for field in fields:
        for name in (field.name, field.evidence_name) if field.kind == "rating" else (field.name,):
            if not FIELD_NAME.match(name):
                fail(f"field {name!r}", "a name is letters, digits, _ and -, starting with a letter or _")
            if name in names:
                fail(f"field {name!r}", "this name is used twice")
            names.add(name)
    if sum(f.kind == "school" for f in fields) != 1:
        fail("fields", "a form needs exactly one field of kind 'school' (the record's school)")
    for repeat in (f for f in fields if f.kind == "repeat"):
        inner = {f.kind for f in walk_fields(repeat.fields)}
        if "school" in inner:
            fail(f"field {repeat.name!r}", "the school field cannot be inside a repeat")
        if "snapshots" in inner:
            fail(f"field {repeat.name!r}", "a repeat cannot hold snapshots")
    for field in fields:
        _check_field(form, field, names, fail)
    if form.instance_name is not None:
        _check_rule("instance_name", "instance_name", form.instance_name, names, fail)
    for scale, steps in form.bands.items():
        if not steps or any(a.min <= b.min for a, b in itertools.pairwise(steps)):
            fail(f"bands {scale!r}", "a band scale needs at least one step, highest `min` first")
    derived_names: set[str] = set()
    for derived in form.derived:
        if not NAME.match(derived.name) or derived.name in derived_names:
            fail(f"derived {derived.name!r}", "a derived name is a unique lower-case name")
        _check_derived(form, derived, names | derived_names, fail)
        derived_names.add(derived.name)
    for field in fields:
        for name in field.derived:
            if name not in derived_names:
                fail(f"field {field.name!r}", f"derived score {name!r} is not defined in [[derived]]")


def _check_rule(where: str, attr: str, source: str, names: set[str], fail: Fail) -> None:
    try:
        rule = compile_rule(source)
    except RuleSyntaxError as exc:
        fail(where, f"{attr} rule {source!r} does not parse: {exc}")
    unknown = sorted(rule.references() - names)
    if unknown:
        fail(where, f"{attr} rule {source!r} refers to unknown field(s): {', '.join(unknown)}")


def _check_choice_filter(form: FormDef, field: Field, names: set[str], fail: Fail) -> None:
    where, source = f"field {field.name!r}", field.choice_filter or ""
    try:
        rule = compile_rule(source, choice=True)
    except RuleSyntaxError as exc:
        fail(where, f"choice_filter {source!r} does not parse: {exc}")
    unknown = sorted(rule.references() - names)
    if unknown:
        fail(where, f"choice_filter {source!r} refers to unknown field(s): {', '.join(unknown)}")
    have = {"name"}.union(*(c.columns for c in form.choices.get(field.choices or "", ())))
    missing = sorted(rule.columns() - have)
    if missing:
        fail(where, f"choice_filter {source!r} reads column(s) the choices lack: {', '.join(missing)}")


def _check_field(form: FormDef, field: Field, names: set[str], fail: Fail) -> None:
    where = f"field {field.name!r}"
    if field.kind in CHOICE_KINDS:
        if not field.choices:
            fail(where, f"kind {field.kind} needs `choices`, the name of a list in [choices]")
        elif field.choices not in form.choices:
            fail(where, f"choice list {field.choices!r} is not defined in [choices]")
    if field.appearance is not None and field.kind != "select_many":
        fail(where, "appearance 'checklist' is for select_many")
    if field.kind in CONTAINERS and not field.fields:
        fail(where, f"a {field.kind} needs fields inside it")
    if field.kind not in CONTAINERS and field.fields:
        fail(where, f"a {field.kind} cannot hold fields")
    if field.kind == "repeat" and field.max_items is not None and field.max_items < max(field.min_items, 1):
        fail(where, "max_items must be at least min_items and at least 1")
    if field.choice_filter is not None:
        if field.kind not in CHOICE_KINDS:
            fail(where, "choice_filter is for select_one and select_many")
        _check_choice_filter(form, field, names, fail)
    if field.repeat_count is not None and field.kind != "repeat":
        fail(where, "repeat_count is for a repeat")
    if (field.kind == "meta") != (field.meta is not None):
        fail(where, "a meta field needs `meta` (start, end, today, deviceid or username), and only it")
    if field.levels and (field.kind != "rating" or len(field.levels) != 5):
        fail(where, "`levels` describe the five levels of a rating: give exactly 5")
    if field.kind == "calculate" and not field.calculate:
        fail(where, "a calculate field needs a `calculate` rule")
    if field.kind == "teacher" and field.school_field and field.school_field not in names:
        fail(where, f"school_field {field.school_field!r} is not a field of this form")
    if field.kind == "reading_grid":
        if not field.words or any(not row or any(not w.strip() for w in row) for row in field.words):
            fail(where, "a reading grid needs `words`: rows of non-empty words")
        if not 10 <= field.seconds <= 600:
            fail(where, "seconds must be between 10 and 600")
    if field.kind == "snapshots" and not (1 <= field.count <= 20 and 1 <= field.interval_minutes <= 60):
        fail(where, "snapshots need 1–20 `count` and 1–60 `interval_minutes`")
    if field.count_by is not None and (field.kind != "feedback" or field.count_by not in names):
        fail(where, "count_by is for a feedback field and names a field of the form")
    if field.kind == "observation" and not NAME.match(field.form_ref):
        fail(where, "form_ref must name a form")
    rules = {
        "relevant": field.relevant,
        "required_if": field.required_if,
        "constraint": field.constraint,
        "warning": field.warning,
        "calculate": field.calculate,
        "repeat_count": field.repeat_count,
        "evidence_if": field.evidence_if if field.kind == "rating" else None,
    }
    for attr, source in rules.items():
        if source is not None:
            _check_rule(where, attr, source, names, fail)


def _check_derived(form: FormDef, d: Derived, names: set[str], fail: Fail) -> None:
    where = f"derived {d.name!r}"
    if (d.rule is None) == (d.function is None):
        fail(where, "give exactly one of `rule` or `function`")
    if d.rule is not None:
        _check_rule(where, "rule", d.rule, names, fail)
    if d.function is not None:
        wanted = {
            "share": ("snapshots", "repeat"),
            "cwpm": ("reading_grid",),
            "grid_percent": ("reading_grid",),
        }
        targets = (
            [form.field(n) for n in d.fields]
            if d.fields and d.function != "share"
            else [form.field(d.field or "")]
        )
        if d.fields and d.field is not None:
            fail(where, "give `field` or `fields`, not both")
        if any(t is None or t.kind not in wanted[d.function] for t in targets):
            fail(where, f"function {d.function} needs `field`: a {' or '.join(wanted[d.function])} field")
        if d.function == "share" and (not d.key or d.equals is None):
            fail(where, "function share needs `key` and `equals`")
    if d.bands is not None and d.bands not in form.bands:
        fail(where, f"band scale {d.bands!r} is not defined in [bands]")
    if d.per_item is not None:
        repeat = form.field(d.per_item)
        if repeat is None or repeat.kind != "repeat":
            fail(where, f"per_item {d.per_item!r} is not a repeat of this form")
