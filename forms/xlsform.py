"""XLSForm import: read by pyxform's own workbook reader and its internal JSON, mapped onto a FormDef.

What is supported (and what is not) is listed in the README ("XLSForms"). Everything pyxform accepts
is either mapped or reported, all in one pass: the sheet checks (forms/xlsform_sheets.py) run over the
raw rows first, then pyxform builds its JSON (its own error, if any, is added with its row), then the
mapping and the definition checks. Top-level groups become sections; loose top-level questions are
gathered into sections between them.

The school: a `select_one` (or `text`) question named `school` becomes the form's school field (its
choices are ignored: schools come from the reference data). A workbook without one gets a school field
added at the start, and the report says so.

The form id comes from the settings sheet (`form_id`) or else from the file name, so two workbooks
without settings never share an id.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import openpyxl
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from forms.loader import DefinitionError, check
from forms.model import Choice, Field, FormDef, Kind, Label, Section
from forms.xlsform_sheets import N_, Sheets, XLSFormError, XLSProblem, column_letters

__all__ = ["XLSFormError", "XLSProblem", "form_id_from", "import_xlsform"]

TYPES: dict[str, Kind] = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "note": "note",
    "calculate": "calculate",
}
META = ("start", "end", "today", "deviceid", "username")
#: pyxform's own bookkeeping inside its `meta` group.
SKIPPED = {"instanceID", "instanceName", "audit"}
ROW = re.compile(r"\[row : (\d+)\]")


def _language(key: str) -> str | None:
    """'th' or 'en' for a label language ('Thai (th)', 'thai', 'th', 'English', 'default'); None for others."""
    k = key.strip().lower()
    if k in ("th", "thai", "default", "ไทย", "ภาษาไทย") or k.endswith("(th)"):
        return "th"
    if k in ("en", "english") or k.endswith("(en)"):
        return "en"
    return None


def _label(value: Any, fallback: str) -> Label:
    if isinstance(value, str):
        return Label(value)
    if isinstance(value, dict):
        texts = {k: v for k, v in value.items() if isinstance(v, str) and v.strip()}
        by_lang = {_language(k): v for k, v in texts.items()}
        th = by_lang.get("th") or by_lang.get("en") or next(iter(texts.values()), fallback)
        return Label(th, by_lang.get("en", ""))
    return Label(fallback)


def form_id_from(filename: str) -> str:
    """A form id from a file name: `Household Survey (v2).xlsx` → `household_survey_v2`."""
    stem = unicodedata.normalize("NFKD", filename.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    text = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")[:60]
    if not text:
        return "form"
    return text if text[0].isalpha() else f"f_{text}"


class _Mapper:
    def __init__(self, sheets: Sheets):
        self.sheets = sheets
        self.problems = sheets.problems

    def fields(self, nodes: list[dict[str, Any]]) -> tuple[Field, ...]:
        out: list[Field] = []
        for node in nodes:
            if node.get("name") == "meta" and node.get("type") == "group":
                out.extend(self.fields([n for n in node.get("children", []) if n.get("name") not in SKIPPED]))
            elif node.get("type") != "audit":
                field = self.field(node)
                if field is not None:
                    out.append(field)
        return tuple(out)

    def field(self, node: dict[str, Any]) -> Field | None:
        kind_in, name = node.get("type", ""), node.get("name", "")
        bind, control = node.get("bind", {}), node.get("control", {})
        row = self.sheets.rows.get(name)
        required, required_if = _required(bind)
        common: dict[str, Any] = {
            "name": name,
            "label": _label(node.get("label"), name),
            "hint": _label(node["hint"], "") if node.get("hint") else None,
            "relevant": bind.get("relevant"),
            "required": required,
            "required_if": required_if,
        }
        if kind_in in ("group", "repeat"):
            inner = self.fields(node.get("children", []))
            if not inner:
                self.problems.append(XLSProblem("survey", row, None, N_("{kind} {name!r} has no questions inside: "
                                                "add some or remove it"), {"kind": kind_in, "name": name}))  # fmt: skip
                return None
            if kind_in == "group":
                return Field(kind="group", fields=inner, **common)
            return Field(kind="repeat", fields=inner, repeat_count=control.get("jr:count"), **common)
        if kind_in in META:
            return Field(kind="meta", meta=kind_in, name=name, label=Label(name))
        if kind_in in ("select one", "select all that apply"):
            if name == "school":
                return Field(kind="school", **common)
            kind: Kind = "select_one" if kind_in == "select one" else "select_many"
            return Field(
                kind=kind,
                choices=node.get("list_name") or node.get("itemset"),
                choice_filter=node.get("choice_filter"),
                constraint=bind.get("constraint"),
                constraint_message=_message(bind),
                **common,
            )
        if name == "school" and kind_in == "text":
            return Field(kind="school", **common)
        if kind_in not in TYPES:  # reported by the sheet check already, unless pyxform spelled it its own way
            if not any(p.row == row and p.column for p in self.problems):
                self.problems.append(XLSProblem("survey", row, None, N_("type {kind!r} is not supported"),
                                                {"kind": kind_in}))  # fmt: skip
            return None
        if kind_in == "calculate":  # never a question: hidden, read-only
            common["label"] = Label("")
        return Field(
            kind=TYPES[kind_in],
            constraint=bind.get("constraint"),
            constraint_message=_message(bind),
            calculate=bind.get("calculate"),
            **common,
        )


def _message(bind: dict[str, Any]) -> Label | None:
    message = bind.get("jr:constraintMsg")
    return _label(message, "") if message else None


def _required(bind: dict[str, Any]) -> tuple[bool, str | None]:
    value = str(bind.get("required", "")).strip()
    if value.lower() in ("", "no", "false", "false()"):
        return False, None
    if value.lower() in ("yes", "true", "true()"):
        return True, None
    return False, value


def _choices(survey: dict[str, Any]) -> dict[str, tuple[Choice, ...]]:
    def choice(item: dict[str, Any]) -> Choice:
        value = str(item["name"])
        columns = {str(k): str(v) for k, v in item.items() if k not in ("name", "label", "media")}
        return Choice(value, _label(item.get("label"), value), columns)

    return {name: tuple(choice(c) for c in items) for name, items in survey.get("choices", {}).items()}


def _sections(fields: tuple[Field, ...], title: Label) -> list[Section]:
    sections: list[Section] = []
    loose: list[Field] = []

    def flush() -> None:
        if loose:
            sections.append(Section(f"section_{len(sections) + 1}", title, tuple(loose)))
            loose.clear()

    for field in fields:
        if field.kind == "group":
            flush()
            sections.append(Section(field.name, field.label, field.fields, field.hint))
        else:
            loose.append(field)
    flush()
    return sections


def import_xlsform(data: bytes, *, filename: str = "form.xlsx") -> tuple[FormDef, list[XLSProblem]]:
    """Parse, check and map a workbook: the form and notices, or XLSFormError with every problem."""
    try:
        raw = get_xlsform(io.BytesIO(data))
        letters = column_letters(openpyxl.load_workbook(io.BytesIO(data), read_only=True))
    except PyXFormError as exc:
        raise XLSFormError(
            [XLSProblem("workbook", None, None, N_("pyxform: {detail}"), {"detail": str(exc)})]
        ) from None
    except Exception as exc:  # any unreadable file: a zip error, not a workbook …
        raise XLSFormError(
            [XLSProblem("workbook", None, None, N_("not an .xlsx workbook: {detail}"), {"detail": str(exc)})]
        ) from None
    sheets = Sheets(raw, letters)
    sheets.check()
    form_id = form_id_from(filename)
    try:
        survey = workbook_to_json(raw, form_name=None, fallback_form_name=form_id, warnings=[])
    except PyXFormError as exc:
        found = ROW.search(str(exc))
        row = int(found[1]) if found else None
        if row is None or all(
            p.row != row for p in sheets.problems
        ):  # not what the sheet check found already
            sheets.problems.append(
                XLSProblem("survey", row, None, N_("pyxform: {detail}"), {"detail": str(exc)})
            )
        raise XLSFormError(sheets.problems) from None
    if sheets.problems:
        raise XLSFormError(sheets.problems)
    mapper = _Mapper(sheets)
    fields = mapper.fields(survey.get("children", []))
    title = _label(survey.get("title"), form_id)
    if survey.get("title") == form_id:  # no form_title: the file name, as written
        title = Label(filename.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    if not any(f.kind == "school" for f in fields):
        school = Field(name="school", kind="school", label=Label("โรงเรียน", "School"), required=True)
        fields = (school, *fields)
        sheets.notice(
            "survey", None, N_("no question named 'school': a required school field was added at the start")
        )
    form = FormDef(
        id=str(survey.get("id_string") or form_id).strip().lower().replace("-", "_"),
        version=int(str(survey.get("version") or "1")),
        title=title,
        sections=tuple(_sections(fields, title)),
        choices=_choices(survey),
        instance_name=survey.get("instance_name"),
    )
    if sheets.problems:
        raise XLSFormError(sheets.problems)
    try:
        check(form, source=filename)
    except DefinitionError as exc:
        name = re.search(r"'([^']+)'", exc.where)
        raise XLSFormError(
            [
                XLSProblem(
                    "survey",
                    sheets.rows.get(name[1]) if name else None,
                    None,
                    N_("{where}: {problem}"),
                    {"where": exc.where, "problem": exc.problem},
                )
            ]
        ) from None
    return form, sheets.notices
