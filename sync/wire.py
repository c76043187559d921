"""Every shape that crosses the wire in the sync protocol (docs/sync-protocol.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from forms.model import MAX_FORM_VERSION
from forms.validate import FieldProblem

UUID = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Rev = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_.:-]+$")]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
#: Every number on the wire has bounds: nothing a tablet sends can overflow a SQLite integer.
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Status = Literal["stored", "duplicate", "conflict", "rejected"]


class RecordPush(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One finalized revision of a record, as the tablet sends it."""

    id: UUID
    rev: Rev
    base_rev: Rev | None = None
    form_id: ShortText
    #: As many digits as a published form's version may have (XLSForm versions are often dates).
    form_version: Annotated[int, msgspec.Meta(ge=1, le=MAX_FORM_VERSION)]
    answers: dict[str, Any]
    visit_id: ShortText | None = None
    device_time: ShortText | None = None
    #: Conflicting revisions this revision settles (it was made after seeing them).
    resolves: list[Rev] = []


class PushBatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    device_id: Annotated[str, msgspec.Meta(min_length=8, max_length=64)]
    records: list[msgspec.Raw]
    app_version: ShortText = ""
    #: How many records the tablet still holds unsent (for the secretary's sync-health view).
    pending: Count = 0


class RecordView(msgspec.Struct, kw_only=True):
    """A record as the server holds it now."""

    id: str
    rev: str
    form_id: str
    form_version: int
    school_code: str
    network_id: str
    visit_id: str | None
    author_id: int | None
    answers: dict[str, Any]
    updated_at: str
    conflicts: int = 0


class Receipt(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str | None
    rev: str | None
    status: Status
    code: str | None = None
    message: str | None = None
    #: A technical detail, e.g. which part of a record could not be read.
    detail: str | None = None
    problems: list[FieldProblem] = []
    #: With a conflict: the server's current version, so the tablet can show both.
    current: RecordView | None = None


class PushResult(msgspec.Struct):
    receipts: list[Receipt]


class NetworkView(msgspec.Struct):
    id: str
    name: str


class SchoolView(msgspec.Struct):
    code: str
    name: str
    network_id: str
    district: str | None
    grades: list[str]


class TeacherView(msgspec.Struct):
    id: str
    school_code: str
    name: str
    grades: list[str]
    learning_areas: list[str]


class AssignmentView(msgspec.Struct):
    """One classroom of a planned visit: who observes which teacher, in which grade/room, at what hour."""

    observer_id: int
    teacher_id: str
    grade: str | None
    room: str | None
    hour: str | None


class VisitView(msgspec.Struct):
    id: str
    date: str
    session: str
    school_code: str
    network_id: str
    team: list[int]
    #: Every assignment of the visit, whole: a changed assignment sends its visit again.
    assignments: list[AssignmentView] = []
    #: A cancelled visit is sent again with this set; the tablet no longer shows it on Today.
    cancelled: bool = False


class FormVersionView(msgspec.Struct):
    form_id: str
    version: int
    title: str


class UserView(msgspec.Struct):
    """An active user who shares a network with the puller: names the observers of the team's classrooms."""

    id: int
    display_name: str
    role: str


class PullResult(msgspec.Struct, kw_only=True):
    cursor: int
    more: bool
    #: The newest change number when the page was read: how far the pull has to go (the tablet's progress).
    top: int = 0
    #: Send it back with the next pull; `reset`: the scope changed, drop what was pulled before this page.
    scope: str = ""
    reset: bool = False
    #: An ordered pull (`?round=`): the round's top, how far its reference rows and records have come, and
    #: which of the two this page carries ("reference" | "history"); send `round`, `ref`, `before` back.
    round: int = 0
    ref: int = 0
    before: int = 0
    phase: str = ""
    networks: list[NetworkView] = []
    schools: list[SchoolView] = []
    teachers: list[TeacherView] = []
    visits: list[VisitView] = []
    forms: list[FormVersionView] = []
    records: list[RecordView] = []
    users: list[UserView] = []
