"""XLSForm import: a workbook parsed and checked by pyxform, mapped onto our FormDef for a subset.

Supported: types text, integer, decimal, date, time, select_one, select_multiple (with a choices
sheet), note, calculate, begin/end group, begin/end repeat; columns type, name, label, hint,
constraint_message (each plain or per language: `label::Thai (th)`, `label::th`, `label::English`…),
relevant, required (yes/no or a rule: then it is required-if), constraint, calculation; settings
form_id, form_title, version (an integer). Anything else with a value — another type, another
column, a function our rule language lacks — is reported by sheet, row and column; nothing is
dropped quietly. Top-level groups become sections; loose top-level questions are gathered into
sections between them.

The school: a `select_one` (or `text`) question named `school` becomes the form's school field (its
choices are ignored: schools come from the reference data). A workbook without one gets a school field
added at the start, and the report says so.
"""

from __future__ import annotations

import io
import re
from typing import Any

import msgspec
import openpyxl
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from forms.loader import DefinitionError, check
from forms.model import Choice, Field, FormDef, Kind, Label, Section, walk_fields
from forms.rules import RuleSyntaxError, compile_rule

TYPES: dict[str, Kind] = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "note": "note",
    "calculate": "calculate",
}
SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "relevant",
    "required",
    "constraint",
    "constraint_message",
    "calculation",
}
CHOICE_COLUMNS = {"list_name", "name", "label"}
SETTINGS_COLUMNS = {"form_id", "form_title", "version"}
RULE_COLUMNS = {
    "relevant": "relevant",
    "required": "required_if",
    "constraint": "constraint",
    "calculation": "calculate",
}
STRUCTURE = re.compile(r"^(begin|end)[ _](group|repeat)$")


class XLSProblem(msgspec.Struct, frozen=True):
    sheet: str
    row: int | None
    column: str | None
    message: str


class XLSFormError(ValueError):
    def __init__(self, problems: list[XLSProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.sheet} row {p.row} column {p.column}: {p.message}" for p in problems))


def _language(key: str) -> str | None:
    """'th' or 'en' for a label language ('Thai (th)', 'th', 'English', 'default'); None for others."""
    k = key.strip().lower()
    if k in ("th", "thai", "default", "ไทย") or k.endswith("(th)"):
        return "th"
    if k in ("en", "english") or k.endswith("(en)"):
        return "en"
    return None


def _label(value: Any, fallback: str) -> Label:
    if isinstance(value, str):
        return Label(value)
    if isinstance(value, dict):
        by_lang = {_language(k): v for k, v in value.items() if isinstance(v, str)}
        th = by_lang.get("th") or by_lang.get("en") or fallback
        return Label(th, by_lang.get("en", ""))
    return Label(fallback)


def _sheet_rows(wb: Any, name: str) -> tuple[list[tuple[str, str]], list[tuple[int, dict[str, Any]]]]:
    """The headers (text, column letter) and the non-empty rows (row number, {header: value}) of a sheet."""
    if name not in wb.sheetnames:
        return [], []
    ws = wb[name]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return [], []
    headers = [
        (str(h).strip() if h is not None else "", openpyxl.utils.get_column_letter(i + 1))
        for i, h in enumerate(rows[0])
    ]
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values = {headers[i][0]: v for i, v in enumerate(row) if i < len(headers) and v not in (None, "")}
        if values:
            out.append((number, values))
    return headers, out


def _check_sheets(wb: Any) -> tuple[list[XLSProblem], dict[str, int]]:
    """Unsupported columns, types and rule functions, by sheet, row and column; and each name's row."""
    problems: list[XLSProblem] = []
    rows_by_name: dict[str, int] = {}
    for sheet, allowed in (
        ("survey", SURVEY_COLUMNS),
        ("choices", CHOICE_COLUMNS),
        ("settings", SETTINGS_COLUMNS),
    ):
        headers, rows = _sheet_rows(wb, sheet)
        letters = dict(headers)
        for number, values in rows:
            for header, value in values.items():
                base = header.split("::")[0].strip()
                if base not in allowed:
                    problems.append(
                        XLSProblem(
                            sheet,
                            number,
                            letters.get(header),
                            f"column {header!r} is not supported (value {value!r})",
                        )
                    )
            if sheet != "survey":
                continue
            kind = str(values.get("type", "")).strip()
            name = str(values.get("name", "")).strip()
            if name:
                rows_by_name[name] = number
            first = kind.split(" ")[0] if kind else ""
            if kind and not (
                first in TYPES or first in ("select_one", "select_multiple") or STRUCTURE.match(kind)
            ):
                problems.append(
                    XLSProblem(sheet, number, letters.get("type"), f"type {kind!r} is not supported")
                )
            for column in RULE_COLUMNS:
                source = values.get(column)
                if source is None or (
                    column == "required"
                    and str(source).strip().lower() in ("yes", "no", "true", "false", "true()", "false()")
                ):
                    continue
                try:
                    compile_rule(str(source))
                except RuleSyntaxError as exc:
                    problems.append(XLSProblem(sheet, number, letters.get(column), f"rule {source!r}: {exc}"))
    return problems, rows_by_name


def _required(bind: dict[str, Any]) -> tuple[bool, str | None]:
    value = str(bind.get("required", "")).strip()
    if value.lower() in ("", "no", "false", "false()"):
        return False, None
    if value.lower() in ("yes", "true", "true()"):
        return True, None
    return False, value


def _field(node: dict[str, Any], choices: dict[str, tuple[Choice, ...]]) -> Field:
    kind_in = node["type"]
    name = node["name"]
    bind = node.get("bind", {})
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
        inner = tuple(_field(c, choices) for c in node.get("children", []) if c.get("name") != "meta")
        return Field(kind="group" if kind_in == "group" else "repeat", fields=inner, **common)
    if kind_in in ("select one", "select all that apply"):
        list_name = node.get("list_name") or node.get("itemset")
        if name == "school":
            return Field(kind="school", **common)
        kind: Kind = "select_one" if kind_in == "select one" else "select_many"
        return Field(kind=kind, choices=list_name, constraint=bind.get("constraint"), **common)
    if name == "school" and kind_in == "text":
        return Field(kind="school", **common)
    message = node.get("bind", {}).get("jr:constraintMsg")
    return Field(
        kind=TYPES[kind_in],
        constraint=bind.get("constraint"),
        constraint_message=_label(message, "") if message else None,
        calculate=bind.get("calculate"),
        **common,
    )


def import_xlsform(data: bytes, *, filename: str = "form.xlsx") -> tuple[FormDef, list[str]]:
    """Parse, check and map a workbook: the form and notices, or XLSFormError with every problem."""
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any unreadable file: a zip error, not a workbook …
        raise XLSFormError([XLSProblem("workbook", None, None, f"not an .xlsx workbook: {exc}")]) from None
    problems, rows = _check_sheets(wb)
    try:
        survey = workbook_to_json(
            get_xlsform(io.BytesIO(data)), form_name=None, fallback_form_name="form", warnings=[]
        )
    except PyXFormError as exc:
        raise XLSFormError([*problems, XLSProblem("survey", None, None, f"pyxform: {exc}")]) from None
    if problems:
        raise XLSFormError(problems)
    choices = {
        list_name: tuple(Choice(str(c["name"]), _label(c.get("label"), str(c["name"]))) for c in items)
        for list_name, items in survey.get("choices", {}).items()
    }
    title = _label(survey.get("title"), survey.get("id_string", "form"))
    sections: list[Section] = []
    loose: list[Field] = []
    notices: list[str] = []

    def flush() -> None:
        if loose:
            sections.append(Section(f"section_{len(sections) + 1}", title, tuple(loose)))
            loose.clear()

    for node in survey.get("children", []):
        if node.get("name") == "meta":
            continue
        try:
            field = _field(node, choices)
        except KeyError as exc:
            raise XLSFormError(
                [XLSProblem("survey", rows.get(node.get("name", "")), "type", f"type {exc} is not supported")]
            ) from None
        if field.kind == "group":
            flush()
            sections.append(Section(field.name, field.label, field.fields, field.hint))
        else:
            loose.append(field)
    flush()
    all_fields = [f for s in sections for f in walk_fields(s.fields)]
    if not any(f.kind == "school" for f in all_fields):
        school = Field(name="school", kind="school", label=Label("โรงเรียน", "School"), required=True)
        first = sections[0] if sections else Section("main", title, ())
        sections[0:1] = [msgspec.structs.replace(first, fields=(school, *first.fields))]
        notices.append("no question named 'school': a required school field was added at the start")
    version_text = str(survey.get("version") or "1")
    if not version_text.isdigit():
        raise XLSFormError(
            [XLSProblem("settings", 2, None, f"version {version_text!r} must be a whole number")]
        )
    form_id = str(survey.get("id_string") or filename.rsplit(".", 1)[0]).strip().lower().replace("-", "_")
    form = FormDef(
        id=form_id, version=int(version_text), title=title, sections=tuple(sections), choices=choices
    )
    try:
        check(form, source=filename)
    except DefinitionError as exc:
        name = re.search(r"'([^']+)'", exc.where)
        raise XLSFormError(
            [XLSProblem("survey", rows.get(name[1]) if name else None, None, f"{exc.where}: {exc.problem}")]
        ) from None
    return form, notices
