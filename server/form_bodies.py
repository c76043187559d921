"""The request bodies of the HTML form posts, typed so the OpenAPI document shows them.

Every text field passes the one text rule (`forms/text.py`: control characters dropped, CRLF → newline,
NFC) once it is decoded, so no form stores a control character. Each field has a length limit for the
transport, generous enough that the domain's own checks (the office's name, the memo's limits, the plan's
rules) still answer with their page and reasons; only a hostile client meets the limit here, and gets
`invalid_request` naming the field. Passwords are compared as typed (login, password change): they are
never shown or exported, only hashed.

A browser sends one value of a repeated field (`team`, `roles` …) as a string and several as a list;
`Many` takes both and `__post_init__` makes it a list. A page of rows (a trip day, a school) sends its
`columns` once per row, in the page's order: each as many times as the others, read back by `rows()`.
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
Many = Short | Annotated[list[Short], msgspec.Meta(max_length=100), KwargDefinition(max_items=100)]
#: A column of a page of rows: up to ROWS values (a year's trip days, an office's schools).
ROWS = 1_000
ShortColumn = Short | Annotated[list[Short], msgspec.Meta(max_length=ROWS), KwargDefinition(max_items=ROWS)]
LineColumn = Line | Annotated[list[Line], msgspec.Meta(max_length=ROWS), KwargDefinition(max_items=ROWS)]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


class FormBody(msgspec.Struct, kw_only=True):
    """A url-encoded form: every text field cleaned, every repeated field a list."""

    #: The fields a form may repeat (typed `Many`), by their names on the form.
    repeated: ClassVar[tuple[str, ...]] = ()
    #: The fields sent once per row of the page (typed `…Column`), by their names on the form.
    columns: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        for f in msgspec.structs.fields(self):
            value = _clean(getattr(self, f.name))
            if f.encode_name in (*self.repeated, *self.columns) and isinstance(value, str):
                value = [value]
            setattr(self, f.name, value)
        if len({len(column) for column in self._columns()}) > 1:
            raise ValueError(f"each row has one of each of {', '.join(self.columns)}")

    def _columns(self) -> list[list[str]]:
        attribute = {f.encode_name: f.name for f in msgspec.structs.fields(self)}
        return [getattr(self, attribute[name]) for name in self.columns]

    def rows(self) -> list[dict[str, str]]:
        """The page's rows, each {column: value}, in the order they were sent."""
        return [dict(zip(self.columns, row, strict=True)) for row in zip(*self._columns(), strict=True)]

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


class TripDaysForm(FormBody):
    """The travel report's trip days (`/reports/network/<n>/travel`): per day, when the traveller left
    the office and came back (HH:MM) and what the trip was for."""

    columns = ("date", "departure", "return", "purpose")

    date: ShortColumn = []
    departure: ShortColumn = []
    return_: ShortColumn = msgspec.field(default_factory=list, name="return")  # `return` is a keyword
    purpose: LineColumn = []


class CoordinatesForm(FormBody):
    """The office's and the schools' coordinates (`/admin/coordinates`): degrees, a school per row."""

    columns = ("code", "lat", "lon")

    office_lat: Short = ""
    office_lon: Short = ""
    code: ShortColumn = []
    lat: ShortColumn = []
    lon: ShortColumn = []


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
