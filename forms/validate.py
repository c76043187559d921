"""Validate an answer set against a form version: the same checks the tablet makes live."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import msgspec

from forms.model import (
    CONTAINERS,
    NO_ANSWER,
    OFF_TASK,
    PHOTO_MAX_BYTES,
    PHOTO_MAX_SIDE,
    PHOTO_TYPES,
    YES_NO,
    Choice,
    Field,
    FormDef,
)
from forms.rules import compile_rule, truthy

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_LIMITS = {"text": 500, "textarea": 5000}
#: Characters of any other text answer without a max_length.
TEXT_LIMIT_DEFAULT = 200
RATING_RANGE = (1, 5)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$")
PHOTO_KEYS = frozenset({"sha256", "type", "bytes", "width", "height"})
CONFIRMATION_KEYS = frozenset({"name", "at"})
SNAPSHOT_KEYS = frozenset({"at", "activity", "off_task"})
GRID_KEYS = frozenset({"wrong", "attempted", "seconds", "stopped_early"})
MAX_LINKED = 50
#: Every number answer, bounded or not, fits a JavaScript number exactly and a SQLite integer.
MAX_NUMBER = 2**53 - 1


class FieldProblem(msgspec.Struct, frozen=True):
    """One broken rule: `field` is a path (`pupils[2].score`), `code` a stable name the UI translates."""

    field: str
    code: str
    detail: str = ""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


#: Kinds whose answer is a list: an empty answer to one of them is stored as the empty list.
LIST_KINDS = frozenset({"repeat", "select_many", "snapshots", "observation"})


def normalize(form: FormDef, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answer set as it is stored, so that reports can rely on one shape per kind: an empty answer
    (null, "", [] or {}) to a list kind becomes [], to any other kind it is left out; the same inside
    every repeat item. Whatever else is wrong is left for `validate` to name."""
    return _normalize_scope(tuple(f for s in form.sections for f in s.fields), answers)


def _normalize_scope(fields: tuple[Field, ...], scope: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(scope)
    for field in fields:
        if field.kind == "group":
            out = _normalize_scope(field.fields, out)
            continue
        if field.name not in out or field.kind in NO_ANSWER:
            continue
        value = out[field.name]
        if is_empty(value):
            if field.kind in LIST_KINDS:
                out[field.name] = []
            else:
                del out[field.name]
        elif field.kind == "repeat" and isinstance(value, list):
            out[field.name] = [_normalize_scope(field.fields, i) if isinstance(i, dict) else i for i in value]
    return out


def validate(form: FormDef, answers: Mapping[str, Any], *, today: str | None = None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    top_fields = tuple(f for s in form.sections for f in s.fields)
    _check_fields(form, top_fields, answers, answers, None, "", True, problems, today)
    return problems


def allowed_keys(fields: tuple[Field, ...]) -> set[str]:
    keys: set[str] = set()
    for field in fields:
        if field.kind == "group":
            keys |= allowed_keys(field.fields)
        elif field.kind not in NO_ANSWER:
            keys.add(field.name)
            if field.kind == "rating":
                keys.add(field.evidence_name)
    return keys


def _check_fields(
    form: FormDef,
    fields: tuple[Field, ...],
    answers: Mapping[str, Any],
    scope: Mapping[str, Any],
    item: Mapping[str, Any] | None,
    prefix: str,
    parent_relevant: bool,
    problems: list[FieldProblem],
    today: str | None,
    top_of_scope: bool = True,
) -> None:
    if top_of_scope:  # a group shares its parent's scope: its parent checks the keys
        for key in sorted(set(scope) - allowed_keys(fields)):
            problems.append(FieldProblem(prefix + key, "unknown_field"))
    for field in fields:
        path = prefix + field.name
        relevant = parent_relevant and (
            field.relevant is None
            or truthy(compile_rule(field.relevant).evaluate(answers, item=item, today=today))
        )
        if field.kind == "group":
            _check_fields(form, field.fields, answers, scope, item, prefix, relevant, problems, today, False)
            continue
        if field.kind == "note":
            continue
        value = scope.get(field.name)
        if not relevant:
            if not is_empty(value) or (
                field.kind == "rating" and not is_empty(scope.get(field.evidence_name))
            ):
                problems.append(FieldProblem(path, "not_relevant"))
            continue
        if field.kind == "repeat":
            _check_repeat(form, field, answers, value, path, problems, today, item)
            continue
        required = field.required or (
            field.required_if is not None
            and truthy(compile_rule(field.required_if).evaluate(answers, item=item, today=today))
        )
        if is_empty(value):
            if required:
                problems.append(FieldProblem(path, "required"))
            continue
        problem = _check_value(form, field, value)
        if not problem and field.choice_filter:
            values = {c.value for c in offered(form, field, answers, item, today)}
            problem = None if set(value if isinstance(value, list) else [value]) <= values else "choice"
        if problem:
            problems.append(FieldProblem(path, problem))
            continue
        if field.kind == "calculate" and field.calculate:
            expected = compile_rule(field.calculate).evaluate(answers, item=item, today=today)
            if not _same(value, expected):
                problems.append(FieldProblem(path, "calculation", f"expected {expected!r}"))
        if field.constraint and not truthy(
            compile_rule(field.constraint).evaluate(answers, current=value, item=item, today=today)
        ):
            problems.append(FieldProblem(path, "constraint"))
        if field.kind == "rating":
            evidence = scope.get(field.evidence_name)
            rule = field.evidence_if
            needed = rule and truthy(
                compile_rule(rule).evaluate(answers, current=value, item=item, today=today)
            )
            if needed and (not isinstance(evidence, str) or not evidence.strip()):
                problems.append(FieldProblem(prefix + field.evidence_name, "evidence_required"))
            if evidence is not None and not isinstance(evidence, str):
                problems.append(FieldProblem(prefix + field.evidence_name, "type"))


def _check_repeat(
    form: FormDef,
    field: Field,
    answers: Mapping[str, Any],
    value: Any,
    path: str,
    problems: list[FieldProblem],
    today: str | None,
    outer: Mapping[str, Any] | None = None,
) -> None:
    items = [] if value is None else value
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(FieldProblem(path, "type"))
        return
    wanted = repeat_count(field, answers, outer, today)
    if (
        len(items) < field.min_items
        or (field.max_items is not None and len(items) > field.max_items)
        or (wanted is not None and len(items) != wanted)
    ):
        problems.append(FieldProblem(path, "items"))
    for index, entry in enumerate(items):
        scope = {**(outer or {}), **item_scope(field.fields, entry)}
        _check_fields(form, field.fields, answers, entry, scope, f"{path}[{index}].", True, problems, today)


def repeat_count(
    field: Field, answers: Mapping[str, Any], item: Mapping[str, Any] | None, today: str | None
) -> int | None:
    """The number of items a repeat must have (XLSForm `repeat_count`): 0 when the rule has no value."""
    if field.repeat_count is None:
        return None
    value = compile_rule(field.repeat_count).evaluate(answers, item=item, today=today)
    n = value if isinstance(value, int) and not isinstance(value, bool) else None
    return max(0, min(n, 1000)) if n is not None else 0


def offered(
    form: FormDef, field: Field, answers: Mapping[str, Any], item: Mapping[str, Any] | None, today: str | None
) -> list[Choice]:
    """The choices a select offers: all of them, or those its choice filter keeps."""
    choices = form.choice_list(field)
    if not field.choice_filter:
        return list(choices)
    rule = compile_rule(field.choice_filter, choice=True)
    return [
        c
        for c in choices
        if truthy(rule.evaluate(answers, item=item, today=today, choice={**c.columns, "name": c.value}))
    ]


def item_scope(fields: tuple[Field, ...], entry: Mapping[str, Any]) -> dict[str, Any]:
    """The scope rules see inside a repeat item: every field of the item, empty ones as None, so that
    `${x}` in an item never falls through to the list of `x` across the other items."""
    return {key: None for key in allowed_keys(fields)} | dict(entry)


def _check_value(form: FormDef, field: Field, value: Any) -> str | None:
    """The type and range of one non-empty answer; the code of what is wrong, or None."""
    kind = field.kind
    if kind in ("text", "textarea", "school", "teacher"):
        if not isinstance(value, str):
            return "type"
        limit = field.max_length or TEXT_LIMITS.get(kind, TEXT_LIMIT_DEFAULT)
        return "too_long" if len(value) > limit else None
    if kind in ("integer", "rating"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "type"
        low, high = (field.minimum, field.maximum) if kind == "integer" else RATING_RANGE
        return _range(value, low, high)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return "type"
        return _range(value, field.minimum, field.maximum)
    if kind == "date":
        if not isinstance(value, str) or not DATE.match(value):
            return "type"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "type"
        return None
    if kind == "time":
        return None if isinstance(value, str) and TIME.match(value) else "type"
    if kind in ("select_one", "yes_no"):
        values = YES_NO if kind == "yes_no" else {c.value for c in form.choice_list(field)}
        return None if isinstance(value, str) and value in values else "choice"
    if kind == "select_many":
        values = {c.value for c in form.choice_list(field)}
        ok = isinstance(value, list) and all(isinstance(v, str) and v in values for v in value)
        return None if ok and len(set(value)) == len(value) else "choice"
    if kind == "meta":
        return None if isinstance(value, str) and len(value) <= 200 else "type"
    if kind == "calculate":
        return None if isinstance(value, str | int | float) and not isinstance(value, bool) else "type"
    if kind == "photo":
        return _check_photo(value)
    if kind == "confirmation":
        ok = _is_object(value, CONFIRMATION_KEYS) and isinstance(value["name"], str)
        ok = ok and len(value["name"].strip()) > 0 and len(value["name"]) <= 200
        return None if ok and isinstance(value["at"], str) and DATETIME.match(value["at"]) else "confirmation"
    if kind == "snapshots":
        return _check_snapshots(field, value)
    if kind == "reading_grid":
        return _check_grid(field, value)
    if kind == "observation":
        ok = isinstance(value, list) and len(value) <= MAX_LINKED
        ok = ok and all(isinstance(v, str) and UUID.match(v) for v in value) and len(set(value)) == len(value)
        return None if ok else "type"
    return None if kind not in CONTAINERS else "type"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_object(value: Any, keys: frozenset[str]) -> bool:
    return isinstance(value, dict) and set(value) == keys


def _check_photo(value: Any) -> str | None:
    """A photo answer points at a blob by its SHA-256; the blob itself is uploaded separately."""
    if not _is_object(value, PHOTO_KEYS):
        return "photo"
    ok = isinstance(value["sha256"], str) and SHA256.match(value["sha256"]) and value["type"] in PHOTO_TYPES
    sizes = (value["bytes"], value["width"], value["height"])
    if not ok or not all(_is_int(v) and v >= 1 for v in sizes):
        return "photo"
    too_big = value["bytes"] > PHOTO_MAX_BYTES or max(value["width"], value["height"]) > PHOTO_MAX_SIDE
    return "photo_too_large" if too_big else None


def _check_snapshots(field: Field, value: Any) -> str | None:
    if not isinstance(value, list) or len(value) > field.count:
        return "snapshots"
    times = []
    for entry in value:
        if (
            not _is_object(entry, SNAPSHOT_KEYS)
            or not isinstance(entry["at"], str)
            or not TIME.match(entry["at"])
        ):
            return "snapshots"
        if entry["activity"] not in YES_NO or entry["off_task"] not in OFF_TASK:
            return "snapshots"
        times.append(entry["at"])
    return None if times == sorted(times) else "snapshots"


def _check_grid(field: Field, value: Any) -> str | None:
    """The 60-second grid: words tapped wrong (indices into the words, row by row), how far the pupil
    read, the seconds used, and whether it stopped early (allowed only when the whole first row is wrong)."""
    if not _is_object(value, GRID_KEYS):
        return "grid"
    total = sum(len(row) for row in field.words)
    wrong, attempted, seconds = value["wrong"], value["attempted"], value["seconds"]
    if not (
        _is_int(attempted) and 0 <= attempted <= total and _is_int(seconds) and 0 <= seconds <= field.seconds
    ):
        return "grid"
    if not isinstance(value["stopped_early"], bool) or not isinstance(wrong, list):
        return "grid"
    if not all(_is_int(i) and 0 <= i < attempted for i in wrong) or wrong != sorted(set(wrong)):
        return "grid"
    first_row = set(range(len(field.words[0]))) if field.words else set()
    if value["stopped_early"] and not first_row <= set(wrong):
        return "grid"
    return None


def _range(value: float, low: float | None, high: float | None) -> str | None:
    if abs(value) > MAX_NUMBER or (low is not None and value < low) or (high is not None and value > high):
        return "range"
    return None


def _same(value: Any, expected: Any) -> bool:
    if isinstance(value, int | float) and isinstance(expected, int | float):
        return abs(value - expected) <= 1e-6
    return bool(value == expected) or (is_empty(value) and is_empty(expected))
