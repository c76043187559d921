"""Answers as people read them: labels instead of codes, BE dates, and nothing for a skipped question."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forms.model import Field, FormDef
from forms.validate import is_empty
from server import thaidate
from server.i18n import _

#: Kinds never printed: no answer of their own, or not text (photos are kept in the app).
SKIP = frozenset({"note", "group", "feedback", "photo", "observation"})
Names = Callable[[str, Any], str]


def value_text(form: FormDef, field: Field, value: Any, names: Names, lang: str = "th") -> str:
    """One answer as text; `names(kind, value)` turns a school code or teacher id into a name."""
    if field.kind in ("school", "teacher"):
        return names(field.kind, value)
    if field.kind == "date":
        return thaidate.format_date(value)
    if field.kind in ("select_one", "yes_no"):
        labels = {c.value: c.label.text(lang) for c in form.choice_list(field)}
        return labels.get(value, str(value))
    if field.kind == "select_many":
        labels = {c.value: c.label.text(lang) for c in form.choice_list(field)}
        return ", ".join(labels.get(v, str(v)) for v in value) if isinstance(value, list) else str(value)
    if field.kind == "confirmation" and isinstance(value, Mapping):
        return f"{value.get('name', '')} ({thaidate.format_date(value.get('at'))} {str(value.get('at', ''))[11:16]})"
    if field.kind == "snapshots" and isinstance(value, list):
        yes = sum(1 for e in value if isinstance(e, Mapping) and e.get("activity") == "yes")
        return f"{yes}/{len(value)}"
    if field.kind == "reading_grid" and isinstance(value, Mapping):
        wrong = value.get("wrong") or []
        attempted = value.get("attempted") or 0
        return f"{attempted - len(wrong)}/{attempted} ({value.get('seconds', '')} s)"
    return str(value)


def rows(
    form: FormDef, fields: tuple[Field, ...], answers: Mapping[str, Any], names: Names, lang: str = "th"
) -> list[dict[str, Any]]:
    """[{label, text}] or [{label, entries: [[...rows]]}] for repeats; unanswered questions are left out."""
    out: list[dict[str, Any]] = []
    for field in fields:
        if field.kind == "group":
            inner = rows(form, field.fields, answers, names, lang)
            if inner:
                out.append({"label": field.label.text(lang), "group": inner})
            continue
        if field.kind in SKIP:
            continue
        value = answers.get(field.name)
        if field.kind == "repeat":
            items = [i for i in value if isinstance(i, Mapping)] if isinstance(value, list) else []
            printed = [rows(form, field.fields, item, names, lang) for item in items]
            if any(printed):
                out.append({"label": field.label.text(lang), "entries": printed})
            continue
        if is_empty(value):
            continue
        out.append({"label": field.label.text(lang), "text": value_text(form, field, value, names, lang)})
        evidence = answers.get(field.evidence_name) if field.kind == "rating" else None
        if evidence:
            out.append({"label": f"{field.label.text(lang)}: {_('Evidence')}", "text": str(evidence)})
    return out


def sections(
    form: FormDef, answers: Mapping[str, Any], names: Names, lang: str = "th"
) -> list[dict[str, Any]]:
    out = []
    for section in form.sections:
        printed = rows(form, section.fields, answers, names, lang)
        if printed:
            out.append({"label": section.label.text(lang), "rows": printed})
    return out
