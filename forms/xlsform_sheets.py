"""The checks of an XLSForm's sheets, over the cells with data only, in one pass.

The rows come from pyxform's own workbook reader (it keeps blank rows, so a row's place is its number
and it stops after a run of empty rows and columns). Every problem names the sheet, the row and the
column, says what to change, and is written once: a column we do not support is one problem (with the
first row that uses it and how many do), never one per cell. Messages are English msgids marked with
`N_`; the admin page shows them in Thai and English through the one catalog.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import msgspec
from openpyxl.utils import get_column_letter

from forms.loader import FIELD_NAME
from forms.rules import ARITY, RuleSyntaxError, compile_rule

#: Bounds that keep a check short on a 2-core server: far beyond real forms.
MAX_SURVEY_ROWS = 3000
MAX_CHOICE_ROWS = 30000


def N_(message: str) -> str:
    """Mark a message id for the catalog (translated where it is shown)."""
    return message


class XLSProblem(msgspec.Struct, frozen=True):
    """One problem (or notice) at a place of the workbook; `message` is an English msgid with {params}."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    params: dict[str, str] = {}

    def text(self, translate: Callable[[str], str] = lambda m: m) -> str:
        message = translate(self.message)
        return message.format(**self.params) if self.params else message


SHEETS = ("workbook", "survey", "choices", "settings")


class XLSFormError(ValueError):
    def __init__(self, problems: list[XLSProblem]):
        # In the order of the workbook: sheet, row, column.
        self.problems = sorted(
            problems,
            key=lambda p: (
                SHEETS.index(p.sheet) if p.sheet in SHEETS else 9,
                p.row or 0,
                len(p.column or ""),
                p.column or "",
            ),
        )
        super().__init__("; ".join(f"{p.sheet} row {p.row} column {p.column}: {p.text()}" for p in problems))


#: Survey columns, by their pyxform name: supported, or read but without effect (a notice).
SURVEY_COLUMNS = {"type", "name", "label", "hint", "relevant", "required", "constraint",
                  "constraint_message", "calculation", "choice_filter", "repeat_count", "appearance"}  # fmt: skip
SURVEY_ALIASES = {"relevance": "relevant", "calculate": "calculation", "constraining_message":
                  "constraint_message", "count": "repeat_count", "jr:count": "repeat_count", "caption": "label"}  # fmt: skip
SURVEY_IGNORED = {"required_message", "requiredmsg", "read_only", "readonly", "tag", "compact_tag"}
CHOICE_MEDIA = {"image", "big-image", "audio", "video"}
SETTINGS_COLUMNS = {"form_title", "form_id", "version", "instance_name", "default_language"}
SETTINGS_IGNORED = {"style", "submission_url", "allow_choice_duplicates"}
RULE_COLUMNS = ("relevant", "required", "constraint", "calculation", "repeat_count", "choice_filter")
#: Types as written in the sheet (pyxform's spellings), by what they become.
PLAIN_TYPES = {"text", "string", "integer", "int", "decimal", "date", "time", "note", "calculate"}
META_TYPES = {"start", "end", "today", "deviceid", "username"}
STRUCTURE = re.compile(r"^(begin|end)[ _](group|repeat)$")
SELECT = re.compile(r"^(select_one|select_multiple|select one|select all that apply) ([^ ]+)$")
#: Appearances the tablet can do without: the question still works, laid out its own way.
APPEARANCES = {"minimal", "horizontal", "horizontal-compact", "compact", "field-list", "likert", "quick",
               "multiline", "numbers", "no-calendar", "list-nolabel", "label", "list", "table-list",
               "columns", "columns-pack", "autocomplete", "search"}  # fmt: skip
FUNCTION = re.compile(r"([A-Za-z_][\w:.-]*)\s*\(")
STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
PATH = re.compile(r"(^|[\s(=,<>+*])(\.\./|/[A-Za-z_])")
WORDS = {"and", "or", "div", "mod"}


def base_column(header: str) -> tuple[str, str | None]:
    """A header's column and language: `label::Thai (th)`, legacy `label:english`, `jr:count` (no language)."""
    if "::" in header:
        column, lang = header.split("::", 1)
        return column.strip().lower(), lang.strip()
    if ":" in header and not header.lower().startswith("jr:"):
        column, lang = header.split(":", 1)
        return column.strip().lower(), lang.strip()
    return header.strip().lower(), None


class Sheets:
    """The raw rows of the survey, choices and settings sheets and the problems found in them."""

    def __init__(self, data: Any, letters: dict[str, dict[str, str]]):
        self.data = data
        self.letters = letters
        self.problems: list[XLSProblem] = []
        self.notices: list[XLSProblem] = []
        self.rows: dict[str, int] = {}

    def add(self, sheet: str, row: int | None, header: str | None, message: str, **params: Any) -> None:
        column = self.letters.get(sheet, {}).get(header or "") if header else None
        self.problems.append(XLSProblem(sheet, row, column, message, {k: str(v) for k, v in params.items()}))

    def notice(self, sheet: str, row: int | None, message: str, **params: Any) -> None:
        self.notices.append(XLSProblem(sheet, row, None, message, {k: str(v) for k, v in params.items()}))

    def check(self) -> None:
        survey = list(enumerate(self.data.survey or [], start=2))
        choices = list(enumerate(self.data.choices or [], start=2))
        settings = list(enumerate(self.data.settings or [], start=2))
        if len(survey) > MAX_SURVEY_ROWS or len(choices) > MAX_CHOICE_ROWS:
            self.add("survey", None, None, N_("the workbook is too large: at most {survey} survey rows and "
                     "{choices} choice rows"), survey=MAX_SURVEY_ROWS, choices=MAX_CHOICE_ROWS)  # fmt: skip
            return
        for sheet in ("external_choices", "entities", "osm"):  # pyxform reads them; nothing here uses them
            if getattr(self.data, sheet, None):
                self.add(sheet, None, None, N_("the {name!r} sheet is not supported: remove it"), name=sheet)
        self._columns("survey", survey, self._survey_column)
        self._columns("choices", choices, self._choice_column)
        self._columns("settings", settings, self._settings_column)
        names = self._names(survey)
        for number, row in survey:
            self._type(number, row)
            for header, value in row.items():
                column, _ = base_column(header)
                column = SURVEY_ALIASES.get(column, column)
                if column in RULE_COLUMNS and not (column == "required" and _yes_no(value) is not None):
                    self._rule("survey", number, header, str(value), names, choice=column == "choice_filter")
        for number, row in settings:
            if row.get("instance_name"):
                self._rule("settings", number, "instance_name", str(row["instance_name"]), names)
            version = str(row.get("version", "1")).strip()
            if not version.isdigit() or len(version) > 15:
                self.add("settings", number, "version", N_("version {value!r} must be a whole number such as "
                         "2026113001: raise it for each new version"), value=version)  # fmt: skip

    def _columns(
        self, sheet: str, rows: Iterable[tuple[int, dict[str, Any]]], verdict: Callable[[str], str]
    ) -> None:
        """One problem (or notice) per column with data that is not supported, at its first row."""
        used: Counter[str] = Counter()
        first: dict[str, int] = {}
        for number, row in rows:
            for header in row:
                used[header] += 1
                first.setdefault(header, number)
        for header, count in used.items():
            what = verdict(header)
            if what == "unsupported":
                self.add(sheet, first[header], header, N_("column {column!r} is not supported (used in {count} "
                         "rows): remove it"), column=header, count=count)  # fmt: skip
            elif what == "ignored":
                self.notice(sheet, first[header], N_("column {column!r} is read but has no effect here"),
                            column=header)  # fmt: skip

    @staticmethod
    def _survey_column(header: str) -> str:
        column, _ = base_column(header)
        column = SURVEY_ALIASES.get(column, column)
        return "ok" if column in SURVEY_COLUMNS else "ignored" if column in SURVEY_IGNORED else "unsupported"

    @staticmethod
    def _choice_column(header: str) -> str:
        column, _ = base_column(header)
        return (
            "unsupported" if column in CHOICE_MEDIA or column == "media" else "ok"
        )  # others: filter columns

    @staticmethod
    def _settings_column(header: str) -> str:
        column = header.strip().lower()
        return (
            "ok" if column in SETTINGS_COLUMNS else "ignored" if column in SETTINGS_IGNORED else "unsupported"
        )

    def _names(self, survey: list[tuple[int, dict[str, Any]]]) -> set[str]:
        names: set[str] = set()
        for number, row in survey:
            name = str(row.get("name", "")).strip()
            if not name:
                continue
            if not FIELD_NAME.match(name):
                self.add("survey", number, "name", N_("name {name!r}: use letters, digits, _ and - only, starting "
                         "with a letter (no dots or spaces), at most 64"), name=name)  # fmt: skip
            elif name in names:
                self.add("survey", number, "name", N_("name {name!r} is also used in row {other}: every name must "
                         "be different"), name=name, other=self.rows[name])  # fmt: skip
            names.add(name)
            self.rows.setdefault(name, number)
        return names

    def _type(self, number: int, row: dict[str, Any]) -> None:
        kind = " ".join(str(row.get("type", "")).split())
        if (
            not kind
            or kind in PLAIN_TYPES
            or kind in META_TYPES
            or STRUCTURE.match(kind)
            or SELECT.match(kind)
        ):
            if ("appearance" in row) and not all(a in APPEARANCES for a in str(row["appearance"]).split()):
                self.add("survey", number, "appearance", N_("appearance {value!r} is not supported: remove it or "
                         "use minimal, horizontal or field-list"), value=row["appearance"])  # fmt: skip
            return
        if kind == "audit":
            self.notice("survey", number, N_("type 'audit' is left out: the tablet keeps no audit log"))
        elif kind.split(" ")[0] in ("select_one", "select_multiple") and kind.endswith("or_other"):
            self.add("survey", number, "type", N_("'or_other' is not supported: add an 'other' choice and a text "
                     "question shown when it is selected"))  # fmt: skip
        else:
            self.add("survey", number, "type", N_("type {kind!r} is not supported"), kind=kind)

    def _rule(
        self, sheet: str, number: int, header: str, source: str, names: set[str], choice: bool = False
    ) -> None:
        bare = STRING.sub("''", source)
        unknown = sorted({m[1] for m in FUNCTION.finditer(bare)} - set(ARITY) - WORDS)
        if unknown:
            self.add(sheet, number, header, N_("function {name}() is not supported in {rule!r}; supported: "
                     "{supported}"), name=unknown[0], rule=source, supported=", ".join(sorted(ARITY)))  # fmt: skip
            return
        if PATH.search(bare):
            self.add(sheet, number, header, N_("{rule!r}: XPath paths are not supported; refer to a question as "
                     "${{name}}"), rule=source)  # fmt: skip
            return
        try:
            rule = compile_rule(source, choice=choice)
        except RuleSyntaxError as exc:
            self.add(sheet, number, header, N_("{rule!r} cannot be read: {detail}"), rule=source, detail=exc)
            return
        for ref in sorted(rule.references() - names):
            self.add(sheet, number, header, N_("{rule!r} refers to ${{{ref}}}, which is not a name in the survey "
                     "sheet"), rule=source, ref=ref)  # fmt: skip


def _yes_no(value: Any) -> bool | None:
    text = str(value).strip().lower()
    return (
        True
        if text in ("yes", "true", "true()")
        else False
        if text in ("no", "false", "false()", "")
        else None
    )


def column_letters(workbook: Any) -> dict[str, dict[str, str]]:
    """Each sheet's header text → column letter (only the header row is read)."""
    out: dict[str, dict[str, str]] = {}
    for ws in workbook.worksheets:
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        out[ws.title.lower()] = {
            " ".join(str(h).split()): get_column_letter(i + 1) for i, h in enumerate(header) if h is not None
        }
    return out
