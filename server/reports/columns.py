"""The columns of the analysis exports, one list per sheet, read from the form definition: what a
spreadsheet, R or Stata user expects (as Kobo and ODK exports do) — numbers as numbers, dates as dates
with an ISO column beside them, one 0/1 column per choice of a multiple choice, a rating's evidence beside
it, reading grids as counts, derived scores, and each policy item's code in its headers. The codebook
sheet describes every column (server/reports/exports.py writes them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from forms.derive import derive_one
from forms.model import Derived, Field, FormDef
from forms.validate import item_scope
from server.reports import display

#: Kinds with no column of their own (notes, headings, photos kept in the app).
SKIP = display.SKIP | {"repeat"}


class Getter(Protocol):
    """Answers (or a repeat item) → a typed cell value. (A Protocol, not a Callable: the getters are lambdas
    that bind their field's name as a default argument, which a Callable type cannot infer.)"""

    def __call__(self, answers: Mapping[str, Any], /) -> Any: ...


#: A repeat item's row also carries its record's answers under this key (derived scores read both).
RECORD = "__record__"


@dataclass(frozen=True)
class Column:
    header: str  # the sheet's Thai header
    name: str  # the variable's name (answers key, or key:part)
    kind: str  # its type in the codebook: text, integer, decimal, date, choice (0/1), ...
    question: str  # the question as the form asks it
    choices: str  # "value = label; ..." for coded answers
    get: Getter  # answers (or a repeat item) → a typed cell value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    try:
        return float(value) if "." in str(value) else int(value)
    except (TypeError, ValueError):
        return str(value) if value not in (None, "") else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _text(value: Any) -> Any:
    return str(value) if value not in (None, "", []) else None


def _choices_text(form: FormDef, field: Field, lang: str = "th") -> str:
    return "; ".join(f"{c.value} = {c.label.text(lang)}" for c in form.choice_list(field))


def field_columns(form: FormDef, field: Field, names: display.Names, prefix: str = "") -> list[Column]:
    """The columns of one question (a group's questions in turn)."""
    label, name = f"{prefix}{field.label.th}", field.name
    if field.kind == "group":
        # A policy item's group (p01, p01_status …, repeated by the loader): its code heads its columns.
        per_item = all(f.name.startswith(f"{field.name}_") for f in field.fields)
        code = f"{field.name.upper()} " if per_item and field.fields else prefix
        return [c for f in field.fields for c in field_columns(form, f, names, code)]
    if field.kind in SKIP:
        return []
    question = field.label.th
    if field.kind in ("school", "teacher"):
        kind = field.kind
        return [
            Column(label, name, "text", question, "", lambda a, n=name, k=kind: _text(names(k, a.get(n))) if a.get(n) else None),
            Column(f"{label} (รหัส)", f"{name}:code", "text", question, "", lambda a, n=name: _text(a.get(n))),
        ]  # fmt: skip
    if field.kind == "date":
        return [
            Column(label, name, "date", question, "", lambda a, n=name: _date(a.get(n))),
            Column(f"{label} (ISO)", f"{name}:iso", "text", question, "", lambda a, n=name: _text(a.get(n))),
        ]
    if field.kind in ("integer", "decimal", "calculate"):
        return [Column(label, name, field.kind, question, "", lambda a, n=name: _number(a.get(n)))]
    if field.kind == "rating":
        evidence = field.evidence_name
        return [
            Column(label, name, "integer", question, "1–5", lambda a, n=name: _number(a.get(n))),
            Column(f"{label}: หลักฐาน", evidence, "text", f"{question} (หลักฐาน)", "", lambda a, n=evidence: _text(a.get(n))),
        ]  # fmt: skip
    if field.kind == "select_many":
        return [
            Column(
                f"{label}: {c.label.th}", f"{name}:{c.value}", "choice (0/1)", question, f"1 = {c.label.th}",
                lambda a, n=name, v=c.value: (int(v in a[n]) if isinstance(a.get(n), list) else None),
            )
            for c in form.choice_list(field)
        ]  # fmt: skip
    if field.kind in ("select_one", "yes_no"):
        labels = {c.value: c.label.th for c in form.choice_list(field)}
        return [
            Column(label, name, field.kind, question, _choices_text(form, field),
                   lambda a, n=name: _text(labels.get(a.get(n), a.get(n))))
        ]  # fmt: skip
    if field.kind == "reading_grid":
        return [
            Column(f"{label}: คำที่อ่าน", f"{name}:attempted", "integer", question, "", lambda a, n=name: _grid(a, n, "attempted")),
            Column(f"{label}: คำที่อ่านถูก", f"{name}:correct", "integer", question, "", lambda a, n=name: _grid(a, n, "correct")),
            Column(f"{label}: วินาที", f"{name}:seconds", "integer", question, "", lambda a, n=name: _grid(a, n, "seconds")),
        ]  # fmt: skip
    if field.kind == "snapshots":
        return [
            Column(f"{label}: จำนวนครั้ง", f"{name}:count", "integer", question, "",
                   lambda a, n=name: len(a[n]) if isinstance(a.get(n), list) else None),
        ]  # fmt: skip
    return [
        Column(label, name, field.kind, question, "",
               lambda a, n=name, f=field: _text(display.value_text(form, f, a.get(n), names)) if a.get(n) not in (None, "", []) else None)
    ]  # fmt: skip


def _grid(answers: Mapping[str, Any], name: str, part: str) -> int | None:
    value = answers.get(name)
    if not isinstance(value, Mapping) or not isinstance(value.get("attempted"), int):
        return None
    if part == "correct":
        return int(value["attempted"]) - len(value.get("wrong") or [])
    return value.get(part) if isinstance(value.get(part), int) else None


def derived_columns(form: FormDef, per_item: str | None, inner: tuple[Field, ...] = ()) -> list[Column]:
    """The form's derived scores (mean practice score, CWPM, per-part %, flags) as numbers."""

    def getter(d: Derived) -> Getter:
        def get(row: Mapping[str, Any]) -> Any:
            # A score may read the scores defined before it (`${word_percent} = 0`): as forms/derive.py
            # does, each earlier score of the same scope joins the scope before the next is computed.
            record = dict(row) if per_item is None else dict(row.get(RECORD) or {})
            item = None if per_item is None else dict(item_scope(inner, row))
            value: Any = None
            for e in form.derived:
                if e.per_item != per_item:
                    continue
                value = derive_one(form, e, record, item)
                if e is d:
                    break
                (record if item is None else item)[e.name] = value
            return int(value) if isinstance(value, bool) else value

        return get

    return [
        Column(d.label.th if d.label else d.name, d.name, "flag (0/1)" if d.format == "flag" else "decimal",
               d.label.th if d.label else d.name, "คำนวณจากคำตอบ", getter(d))
        for d in form.derived if d.per_item == per_item
    ]  # fmt: skip


def main_columns(form: FormDef, names: display.Names) -> list[Column]:
    fields = [f for s in form.sections for f in s.fields]
    return [c for f in fields for c in field_columns(form, f, names)] + derived_columns(form, None)


def repeat_columns(form: FormDef, repeat: Field, names: display.Names) -> list[Column]:
    own = [c for f in repeat.fields for c in field_columns(form, f, names)]
    return own + derived_columns(form, repeat.name, repeat.fields)
