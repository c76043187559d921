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
    "photo",
    "confirmation",
    "snapshots",
    "reading_grid",
    "observation",
    "feedback",
    "meta",
]

#: Kinds that hold no answer of their own.
CONTAINERS = frozenset({"group", "repeat"})
NO_ANSWER = frozenset({"note", "group", "feedback"})
CHOICE_KINDS = frozenset({"select_one", "select_many"})
#: What a `meta` field records, filled by the tablet (XLSForm metadata types).
MetaKind = Literal["start", "end", "today", "deviceid", "username"]
#: The rule that makes a rating's evidence required when no other is given (DOMAIN.md: ≤2 or 5).
DEFAULT_EVIDENCE_RULE = ". <= 2 or . = 5"
YES_NO = ("yes", "no")
#: Time-on-task snapshots: the off-task bands (pupils off task: 0–1, 2–5, 6 or more).
OFF_TASK = ("0-1", "2-5", "6+")
#: The largest photo the server accepts, after the tablet has resized it.
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTO_TYPES = ("image/jpeg",)
#: The largest form version: at most 15 digits, so an ODK-style date version (2026113001) fits and no version
#: overflows a SQLite integer (the XLSForm reader allows 15 digits; the sync wire holds to the same).
MAX_FORM_VERSION = 10**15 - 1


class Label(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    th: str
    en: str = ""

    def text(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.th


class Choice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    value: str
    label: Label
    #: Other columns of the choice (XLSForm choices sheet), read by a field's `choice_filter`.
    columns: dict[str, str] = {}


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
    #: A choice filter (XLSForm `choice_filter`): only the choices for which it is true are offered; a bare
    #: name in it is a column of the choice (`province = ${province}`).
    choice_filter: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    #: A rule whose value is this field's (kind `calculate`).
    calculate: str | None = None
    #: Rating: a rule over `.` that makes the evidence text (`<name>_evidence`) required.
    evidence_if: str | None = DEFAULT_EVIDENCE_RULE
    #: Rating: what each level 1–5 looks like (เกณฑ์ระดับคุณภาพ), shown under the buttons (collapsed) and
    #: printed on the blank form.
    levels: tuple[Label, ...] = ()
    #: Teacher picker: the school field whose teachers are offered.
    school_field: str | None = None
    #: Group / repeat: the fields inside.
    fields: tuple[Field, ...] = ()
    #: Group: a template repeated once per policy of the form's policy list (expanded by the loader).
    for_each_policy: bool = False
    #: In that template: the indicator's value, whose kind the loader sets from the policy's indicator
    #: kind (yes/no → yes_no, count → integer ≥ 0, percent → decimal 0–100).
    policy_indicator: bool = False
    #: Repeat: how many items at least and at most.
    min_items: int = 0
    max_items: int | None = None
    #: Repeat: a rule giving the exact number of items (XLSForm `repeat_count`).
    repeat_count: str | None = None
    #: Meta: what the tablet records in it.
    meta: MetaKind | None = None
    #: select_many: "checklist" shows each choice as a full-width yes row (ticked = yes, unticked = no).
    appearance: Literal["checklist"] | None = None
    #: Snapshots: one prompt every `interval_minutes`, `count` prompts in all.
    interval_minutes: int = 10
    count: int = 6
    #: Reading grid: the words, row by row (Thai has no spaces, so the author sets the boundaries).
    words: tuple[tuple[str, ...], ...] = ()
    #: Reading grid: the time limit in seconds.
    seconds: int = 60
    #: Observation picker: the form whose records (of the same school) are offered.
    form_ref: str = "observation"
    #: Feedback: the names of the form's derived scores shown (all of them when empty).
    derived: tuple[str, ...] = ()
    #: Feedback: also count the per-item flags (cannot read, …) by this field of the repeat's items (the
    #: pupil's grade): the class counts, as reports count them (forms/derive.py flag_counts).
    count_by: str | None = None

    @property
    def evidence_name(self) -> str:
        return f"{self.name}_evidence"


class Band(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One step of a band scale: a value at or above `min` (and below the previous step) gets `label`."""

    min: float
    label: Label


class Derived(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A derived score, computed (never stored) by forms/derive.py and its twin pwa/static/js/derive.js.

    Exactly one of `rule` (a rule over the answers) or `function` (for what rules cannot express:
    shares of snapshot entries, reading-grid results) says how; see forms/derive.py. A rule also sees the
    derived scores defined before it (`${word_percent} < 50`), so a threshold is written once, here.
    """

    name: str
    label: Label
    rule: str | None = None
    function: Literal["share", "cwpm", "grid_percent"] | None = None
    #: The answer the function reads.
    field: str | None = None
    #: Reading-grid functions: the first of these answers that is a grid (one grid per grade band, only
    #: the pupil's band is relevant). Instead of `field`.
    fields: tuple[str, ...] = ()
    #: share: the key of each list entry and the value counted.
    key: str | None = None
    equals: str | None = None
    #: Shown as: a number, a percentage, a yes/no flag; `bands` names a scale in the form's [bands].
    format: Literal["number", "percent", "flag"] = "number"
    bands: str | None = None
    #: Computed once per item of this repeat (item scope) instead of once per record.
    per_item: str | None = None


class Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    label: Label
    fields: tuple[Field, ...]
    hint: Label | None = None


IndicatorKind = Literal["yes_no", "count", "percent"]
INDICATOR_KINDS: tuple[IndicatorKind, ...] = ("yes_no", "count", "percent")


class Policy(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One policy to follow up: a code (a field-name prefix), its name, indicator (and the kind of its
    value: yes/no, a count or a percentage) and expected evidence."""

    code: str
    name: Label
    indicator: Label
    kind: IndicatorKind = "percent"
    evidence: Label = Label("")
    area: str = ""


class PolicyList(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The policy list of one fiscal year or semester (forms/policies/<id>.toml), set by the area office."""

    id: str
    label: Label
    policies: tuple[Policy, ...]


def walk_fields(fields: tuple[Field, ...]) -> list[Field]:
    """These fields and every field inside them, depth first, containers before what they contain."""
    out: list[Field] = []
    for field in fields:
        out.append(field)
        out.extend(walk_fields(field.fields))
    return out


#: FormDef.walk() results: a definition is immutable, so its field list is computed once (keyed by the object,
#: which the entry keeps alive so its id cannot be reused).
_WALKS: dict[int, tuple[FormDef, tuple[Field, ...]]] = {}


class FormDef(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    version: int
    title: Label
    sections: tuple[Section, ...]
    description: Label | None = None
    choices: dict[str, tuple[Choice, ...]] = {}
    #: Named band scales with configurable cut-offs, highest first.
    bands: dict[str, tuple[Band, ...]] = {}
    derived: tuple[Derived, ...] = ()
    #: The policy list (forms/policies/<policies>.toml) a `for_each_policy` group is expanded from.
    policies: str | None = None
    #: A rule whose value is a record's title in lists (XLSForm `instance_name`).
    instance_name: str | None = None

    def walk(self) -> list[Field]:
        """Every field, depth first, containers before what they contain (computed once per form)."""
        hit = _WALKS.get(id(self))
        if hit is None or hit[0] is not self:
            out = [f for section in self.sections for f in walk_fields(section.fields)]
            if len(_WALKS) > 256:
                _WALKS.clear()
            hit = _WALKS[id(self)] = (self, tuple(out))
        return list(hit[1])

    def field(self, name: str) -> Field | None:
        return next((f for f in self.walk() if f.name == name), None)

    def choice_list(self, field: Field) -> tuple[Choice, ...]:
        if field.kind == "yes_no":
            return (Choice("yes", Label("ใช่", "Yes")), Choice("no", Label("ไม่ใช่", "No")))
        return self.choices.get(field.choices or "", ())

    def school_field(self) -> Field | None:
        return next((f for f in self.walk() if f.kind == "school"), None)
