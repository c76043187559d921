"""XLSForm import: the supported subset maps onto FormDef; everything else is reported by row and column."""

from __future__ import annotations

import pytest

from forms.xlsform import XLSFormError, import_xlsform
from tests.e2e.test_xlsform import workbook


def test_subset_maps_to_a_form() -> None:
    form, notices = import_xlsform(workbook())
    assert (form.id, form.version, form.title.th) == ("learning_spaces", 1, "สำรวจแหล่งเรียนรู้")
    assert notices == []
    school = form.field("school")
    assert school is not None and school.kind == "school"
    books = form.field("books")
    assert books is not None and books.relevant == "${has_library} = 'yes'" and books.constraint == ". >= 0"
    assert books.label.th == "จำนวนหนังสือ" and books.label.en == "Number of books"
    rooms = form.field("rooms")
    assert rooms is not None and rooms.kind == "repeat" and rooms.fields[0].name == "room_name"
    assert form.field("room_count").calculate == "count(${room_name})"  # type: ignore[union-attr]
    assert [s.name for s in form.sections][1] == "library"


def test_unsupported_things_are_reported_by_row_and_column() -> None:
    bad = workbook(
        [
            ["geopoint", "where", "ที่", "Where", "", "", "", ""],
            ["integer", "n", "n", "n", "", "", "", "once(1)"],
        ]
    )
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(bad)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert (13, "A") in found and (14, "H") in found


def test_a_school_field_is_added_when_missing() -> None:
    data = workbook()
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["survey"].delete_rows(2)
    buf = io.BytesIO()
    wb.save(buf)
    form, notices = import_xlsform(buf.getvalue())
    assert form.field("school") is not None and notices
