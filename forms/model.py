"""The form definition language: what a form is, as msgspec Structs decoded from TOML data files."""

from __future__ import annotations

from typing import Literal

import msgspec

Kind = Literal[
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "time",
    "select_one",
    "select_many",
    "yes_no",
    "rating",
    "note",
    "calculate",
    "school",
    "teacher",
    "group",
    "repeat",
]

#: Kinds that hold no answer of their own.
CONTAINERS = frozenset({"group", "repeat"})
NO_ANSWER = frozenset({"note", "group"})
CHOICE_KINDS = frozenset({"select_one", "select_many"})
#: The rule that makes a rating's evidence required when no other is given (DOMAIN.md: ≤2 or 5).
DEFAULT_EVIDENCE_RULE = ". <= 2 or . = 5"
YES_NO = ("yes", "no")


class Label(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    th: str
    en: str = ""

    def text(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.th


class Choice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    value: str
    label: Label


class Field(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: str
    kind: Kind
    label: Label
    hint: Label | None = None
    required: bool = False
    #: A rule: the field is required when it is true.
    required_if: str | None = None
    #: A rule: the field is asked only when it is true; otherwise its answer must be empty.
    relevant: str | None = None
    #: A rule over `.` (this answer) that must hold.
    constraint: str | None = None
    constraint_message: Label | None = None
    #: A rule: when true the observer sees a warning, but the record may still be finalized.
    warning: str | None = None
    warning_message: Label | None = None
    #: The name of a choice list in the form's `choices`.
    choices: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    #: A rule whose value is this field's (kind `calculate`).
    calculate: str | None = None
    #: Rating: a rule over `.` that makes the evidence text (`<name>_evidence`) required.
    evidence_if: str | None = DEFAULT_EVIDENCE_RULE
    #: Teacher picker: the school field whose teachers are offered.
    school_field: str | None = None
    #: Group / repeat: the fields inside.
    fields: tuple[Field, ...] = ()
    #: Repeat: how many items at least and at most.
    min_items: int = 0
    max_items: int | None = None

    @property
    def evidence_name(self) -> str:
        return f"{self.name}_evidence"


class Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    label: Label
    fields: tuple[Field, ...]
    hint: Label | None = None


class FormDef(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    version: int
    title: Label
    sections: tuple[Section, ...]
    description: Label | None = None
    choices: dict[str, tuple[Choice, ...]] = {}

    def walk(self) -> list[Field]:
        """Every field, depth first, containers before what they contain."""
        out: list[Field] = []

        def visit(fields: tuple[Field, ...]) -> None:
            for field in fields:
                out.append(field)
                visit(field.fields)

        for section in self.sections:
            visit(section.fields)
        return out

    def field(self, name: str) -> Field | None:
        return next((f for f in self.walk() if f.name == name), None)

    def choice_list(self, field: Field) -> tuple[Choice, ...]:
        if field.kind == "yes_no":
            return (Choice("yes", Label("ใช่", "Yes")), Choice("no", Label("ไม่ใช่", "No")))
        return self.choices.get(field.choices or "", ())

    def school_field(self) -> Field | None:
        return next((f for f in self.walk() if f.kind == "school"), None)
