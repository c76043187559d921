"""The request bodies of the HTML form posts, typed so the OpenAPI document shows them.

Every text field passes the one text rule (`forms/text.py`: control characters dropped, CRLF → newline,
NFC) once it is decoded, so no form stores a control character. Each field has a length limit for the
transport, generous enough that the domain's own checks (the office's name, the memo's limits, the plan's
rules) still answer with their page and reasons; only a hostile client meets the limit here, and gets
`invalid_request` naming the field. Passwords are compared as typed (login, password change): they are
never shown or exported, only hashed.

A browser sends one value of a repeated field (`team`, `roles` …) as a string and several as a list;
`Many` takes both and `__post_init__` makes it a list.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, ClassVar

import msgspec
from litestar.datastructures import MultiDict, UploadFile
from litestar.params import KwargDefinition

from forms.text import clean_text

#: Limits for the transport (characters): a short field, a line of text, a page of text.
SHORT, LINE, PAGE = 100, 1_000, 20_000
#: msgspec checks the limit; Litestar's KwargDefinition shows it in the OpenAPI document of a dataclass.
Short = Annotated[str, msgspec.Meta(max_length=SHORT), KwargDefinition(max_length=SHORT)]
Line = Annotated[str, msgspec.Meta(max_length=LINE), KwargDefinition(max_length=LINE)]
Page = Annotated[str, msgspec.Meta(max_length=PAGE), KwargDefinition(max_length=PAGE)]
#: A repeated field: up to 100 values of a short field.
Many = Annotated[str, msgspec.Meta(max_length=SHORT)] | Annotated[list[Short], msgspec.Meta(max_length=100)]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


class FormBody(msgspec.Struct, kw_only=True):
    """A url-encoded form: every text field cleaned, every repeated field a list."""

    #: The fields a form may repeat (typed `Many`).
    repeated: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = _clean(getattr(self, name))
            if name in self.repeated and isinstance(value, str):
                value = [value]
            setattr(self, name, value)

    def values(self) -> dict[str, Any]:
        return msgspec.structs.asdict(self)

    def multidict(self) -> MultiDict[str]:
        """The fields as the form sent them (a repeated field once per value)."""
        pairs = [
            (name, v)
            for name, value in self.values().items()
            for v in (value if isinstance(value, list) else [value])
        ]
        return MultiDict(pairs)


@dataclasses.dataclass
class UploadBody:
    """A multipart form (a file beside text fields): every text field cleaned."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, _clean(getattr(self, f.name)))


class PlanForm(FormBody):
    """A visit of the plan (`/plans`, `/plans/<id>`): when, where, the team, the classrooms."""

    repeated = ("team", "a_observer", "a_teacher", "a_grade", "a_room", "a_hour")

    network: Short = ""
    date: Short = ""
    session: Short = "morning"
    school_code: Short = ""
    visit_id: Short = ""
    team: Many = []
    a_observer: Many = []
    a_teacher: Many = []
    a_grade: Many = []
    a_room: Many = []
    a_hour: Many = []


class CancelForm(FormBody):
    sure: Short = ""


class TermForm(FormBody):
    academic_year: Short = ""
    semester: Short = ""
    start: Short = ""
    end: Short = ""


class OwnReportForm(FormBody):
    """A duty log's or six-month report's draft text."""

    body: Page = ""


class MemoForm(FormBody):
    """The cover memo (บันทึกข้อความ) a network report is sent under."""

    agency: Line = ""
    number: Line = ""
    date: Short = ""
    subject: Line = ""
    to: Line = ""
    body: Page = ""
    signer: Line = ""
    position: Line = ""


class DecisionForm(FormBody):
    action: Short = ""
    comment: Page = ""


class NoteForm(FormBody):
    comment: Page = ""


class FormStateForm(FormBody):
    """A form's lifecycle state and who it is offered to."""

    repeated = ("networks", "roles")

    state: Short = ""
    networks: Many = []
    roles: Many = []


class DefinitionText(FormBody):
    """A checked form definition (TOML), published as it was checked."""

    definition: Annotated[str, msgspec.Meta(max_length=2 * 1024 * 1024)] = ""


@dataclasses.dataclass
class ImportUpload(UploadBody):
    """A schools, teachers or users file to check before anything is written."""

    kind: Short = "schools"
    file: UploadFile | None = None


@dataclasses.dataclass
class OfficeForm(UploadBody):
    """The area office's frame: name, address, digit style, emblem (PNG/JPEG)."""

    name: Line = ""
    address: Line = ""
    digits: Short = ""
    remove_emblem: Short = ""
    emblem: UploadFile | None = None


@dataclasses.dataclass
class DefinitionUpload(UploadBody):
    """An XLSForm or TOML file to check."""

    definition: UploadFile | None = None
