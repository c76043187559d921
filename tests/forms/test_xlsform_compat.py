"""The XLSForm compatibility suite: one workbook per feature of the XLSForm specification's feature list,
written the way ODK and Kobo users write them; each publishes, or is refused naming the exact feature at
its sheet, row and column. Then whole forms that combine them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.rules import compile_rule
from forms.validate import validate
from forms.xlsform import XLSFormError, form_id_from, import_xlsform
from forms.xlsform_sheets import MAX_SURVEY_ROWS
from tests.forms.xlsforms import GEOGRAPHY, META_ROWS, cascading_survey, household_roster, xlsform

H = ["type", "name", "label"]
YN = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]

#: name → (survey rows after the header, extra headers, choices): each publishes.
SUPPORTED: dict[str, tuple[list[list[Any]], list[str], list[list[Any]] | None]] = {
    "text": ([["text", "a", "A"]], [], None),
    "integer": ([["integer", "a", "A"]], [], None),
    "decimal": ([["decimal", "a", "A"]], [], None),
    "date": ([["date", "a", "A"]], [], None),
    "time": ([["time", "a", "A"]], [], None),
    "note": ([["note", "a", "A"]], [], None),
    "select_one": ([["select_one yn", "a", "A"]], [], YN),
    "select_multiple": ([["select_multiple yn", "a", "A"]], [], YN),
    "select one (spaced)": ([["select one yn", "a", "A"]], [], YN),
    "calculate": ([["integer", "a", "A"], ["calculate", "c", "", "${a} * 2"]], ["calculation"], None),
    "group": ([["begin_group", "g", "G"], ["text", "a", "A"], ["end_group"]], [], None),
    "group (spaced)": ([["begin group", "g", "G"], ["text", "a", "A"], ["end group"]], [], None),
    "nested group": (
        [
            ["begin_group", "g", "G"],
            ["begin_group", "h", "H"],
            ["text", "a", "A"],
            ["end_group"],
            ["end_group"],
        ],
        [],
        None,
    ),
    "repeat": ([["begin_repeat", "r", "R"], ["text", "a", "A"], ["end_repeat"]], [], None),
    "nested repeat": (
        [
            ["begin_repeat", "r", "R"],
            ["begin_repeat", "s", "S"],
            ["text", "a", "A"],
            ["end_repeat"],
            ["end_repeat"],
        ],
        [],
        None,
    ),
    "repeat_count": (
        [["integer", "n", "N"], ["begin_repeat", "r", "R", "${n}"], ["text", "a", "A"], ["end_repeat"]],
        ["repeat_count"],
        None,
    ),
    "relevant": ([["integer", "n", "N"], ["text", "a", "A", "${n} > 2"]], ["relevant"], None),
    "required yes": ([["text", "a", "A", "yes"]], ["required"], None),
    "required rule": ([["integer", "n", "N"], ["text", "a", "A", "${n} > 2"]], ["required"], None),
    "constraint and message": (
        [["integer", "a", "A", ". < 10", "ต้องน้อยกว่า 10"]],
        ["constraint", "constraint_message"],
        None,
    ),
    "hint": ([["text", "a", "A", "a hint"]], ["hint"], None),
    "choice_filter": (
        [["select_one province", "p", "P"], ["select_one district", "d", "D", "province=${p}"]],
        ["choice_filter"],
        GEOGRAPHY,
    ),
    "choice_filter on the form's own list": (
        [["select_multiple yn", "a", "A"], ["select_one yn", "b", "B", "selected(${a}, name)"]],
        ["choice_filter"],
        YN,
    ),
    "meta start end today deviceid username": (
        [*META_ROWS, ["username", "username"], ["text", "a", "A"]],
        [],
        None,
    ),
    "appearance minimal": ([["select_one yn", "a", "A", "minimal"]], ["appearance"], YN),
    "appearance horizontal": ([["select_one yn", "a", "A", "horizontal"]], ["appearance"], YN),
    "appearance field-list": (
        [["begin_group", "g", "G", "field-list"], ["text", "a", "A"], ["end_group"]],
        ["appearance"],
        None,
    ),
    "label in ${}": ([["text", "a", "A"], ["note", "b", "You said ${a}"]], [], None),
    "functions": (
        [
            ["integer", "a", "A"],
            ["date", "d", "D"],
            [
                "calculate",
                "c",
                "",
                "concat(if(${a} > 1, 'm', 'o'), coalesce(${a}, 0), round(${a} div 3, 1), int(${a}), "
                "string-length(${a}), date(${d} + 7), today() - ${d})",
            ],
            ["text", "t", "T", "regex(., '[0-9]{5}')"],
            ["select_multiple yn", "s", "S", "count-selected(.) < 2"],
        ],
        ["calculation"],
        YN,
    ),
    "upper-case names": ([["text", "HouseholdName", "A"], ["integer", "Age-1", "B"]], [], None),
    "required_message (read, no effect)": (
        [["text", "a", "A", "yes", "please"]],
        ["required", "required_message"],
        None,
    ),
}

#: name → (survey rows after the header, extra headers, choices, what the problem names, its column).
UNSUPPORTED: dict[str, tuple[list[list[Any]], list[str], list[list[Any]] | None, str, str | None]] = {
    "geopoint": ([["geopoint", "a", "A"]], [], None, "geopoint", "A"),
    "geotrace": ([["geotrace", "a", "A"]], [], None, "geotrace", "A"),
    "geoshape": ([["geoshape", "a", "A"]], [], None, "geoshape", "A"),
    "image": ([["image", "a", "A"]], [], None, "image", "A"),
    "audio": ([["audio", "a", "A"]], [], None, "audio", "A"),
    "video": ([["video", "a", "A"]], [], None, "video", "A"),
    "file": ([["file", "a", "A"]], [], None, "file", "A"),
    "barcode": ([["barcode", "a", "A"]], [], None, "barcode", "A"),
    "dateTime": ([["dateTime", "a", "A"]], [], None, "dateTime", "A"),
    "range": ([["range", "a", "A"]], [], None, "range", "A"),
    "rank": ([["rank yn", "a", "A"]], [], YN, "rank yn", "A"),
    "acknowledge": ([["acknowledge", "a", "A"]], [], None, "acknowledge", "A"),
    "hidden": ([["hidden", "a", "A"]], [], None, "hidden", "A"),
    "select_one_from_file": (
        [["select_one_from_file x.csv", "a", "A"]],
        [],
        None,
        "select_one_from_file",
        "A",
    ),
    "or_other": ([["select_one yn or_other", "a", "A"]], [], YN, "or_other", "A"),
    "default": ([["text", "a", "A", "x"]], ["default"], None, "'default'", "D"),
    "media": ([["text", "a", "A", "a.png"]], ["media::image"], None, "'media::image'", "D"),
    "parameters": ([["integer", "a", "A", "start=1"]], ["parameters"], None, "'parameters'", "D"),
    "guidance_hint": ([["text", "a", "A", "g"]], ["guidance_hint"], None, "'guidance_hint'", "D"),
    "trigger": ([["text", "a", "A", "${a}"]], ["trigger"], None, "'trigger'", "D"),
    "pulldata": (
        [["calculate", "c", "", "pulldata('f', 'a', 'b', 'c')"]],
        ["calculation"],
        None,
        "pulldata()",
        "D",
    ),
    "once": ([["calculate", "c", "", "once(today())"]], ["calculation"], None, "once()", "D"),
    "jr:choice-name": (
        [["select_one yn", "a", "A"], ["calculate", "c", "", "jr:choice-name(${a}, '${a}')"]],
        ["calculation"],
        YN,
        "jr:choice-name()",
        "D",
    ),
    "XPath path": (
        [["integer", "a", "A"], ["text", "b", "B", "/data/a > 1"]],
        ["relevant"],
        None,
        "XPath",
        "D",
    ),
    "appearance signature": ([["text", "a", "A", "signature"]], ["appearance"], None, "signature", "D"),
}


def _workbook(rows: list[list[Any]], extra: list[str], choices: list[list[Any]] | None) -> bytes:
    return xlsform([[*H, *extra], *rows], choices)


@pytest.mark.parametrize("name", SUPPORTED)
def test_each_supported_feature_publishes(name: str) -> None:
    rows, extra, choices = SUPPORTED[name]
    form, _ = import_xlsform(_workbook(rows, extra, choices), filename=f"{name}.xlsx")
    assert form.field("school") is not None


@pytest.mark.parametrize("name", UNSUPPORTED)
def test_each_unsupported_feature_is_named_at_its_cell(name: str) -> None:
    rows, extra, choices, named, column = UNSUPPORTED[name]
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(_workbook(rows, extra, choices), filename="f.xlsx")
    problems = caught.value.problems
    assert [(p.sheet, p.column) for p in problems if named in p.text()] == [("survey", column)], [
        p.text() for p in problems
    ]


def test_every_problem_in_one_upload_without_noise() -> None:
    """Problems in many rows and sheets come back together; an unsupported column is one problem, not one per
    cell; choice columns used by a filter are no problem at all."""
    data = xlsform(
        [[*H, "default", "relevant"],
         ["geopoint", "where", "Where", "x"],
         ["text", "a.b", "Dotted", "y"],
         ["integer", "n", "N", "", "${missing} > 1"],
         ["select_one district", "d", "D", "z"],
         ["text", "n", "Again"]],
        GEOGRAPHY,
        [["form_id", "version", "public_key"], ["f", "1.2", "abc"]],
    )  # fmt: skip
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(data, filename="f.xlsx")
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("survey", 2, "A"),  # geopoint
        ("survey", 2, "D"),  # the default column, once (used in 3 rows)
        ("survey", 3, "B"),  # a dot in a name
        ("survey", 4, "E"),  # ${missing}
        ("survey", 6, "B"),  # n twice
        ("settings", 2, "B"),  # version 1.2
        ("settings", 2, "C"),  # public_key
    }
    default = next(p for p in caught.value.problems if p.column == "D")
    assert default.params["count"] == "3"


def test_sheets_nothing_here_uses_are_named() -> None:
    for sheet, rows in (("entities", [["list_name", "label"], ["people", "${a}"]]),
                        ("external_choices", [["list_name", "name"], ["x", "y"]])):  # fmt: skip
        data = xlsform([H, ["text", "a", "A"]])
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for row in rows:
            wb.create_sheet(sheet).append(row) if sheet not in wb.sheetnames else wb[sheet].append(row)
        buf = io.BytesIO()
        wb.save(buf)
        with pytest.raises(XLSFormError) as caught:
            import_xlsform(buf.getvalue(), filename="f.xlsx")
        assert [p.sheet for p in caught.value.problems if sheet in p.text()] == [sheet]


def test_form_id_from_settings_or_file_name() -> None:
    plain = xlsform([H, ["text", "a", "A"]])
    first, _ = import_xlsform(plain, filename="Household Survey (v2).xlsx")
    second, _ = import_xlsform(plain, filename="school-visit.xlsx")
    assert (first.id, second.id) == ("household_survey_v2", "school_visit")
    assert first.title.th == "Household Survey (v2)"
    assert form_id_from("2569 แบบสำรวจ.xlsx") == "f_2569" and form_id_from("แบบสำรวจ.xlsx") == "form"
    with_settings = xlsform([H, ["text", "a", "A"]], None, [["form_id", "form_title"], ["visit_log", "บันทึก"]])
    assert import_xlsform(with_settings, filename="x.xlsx")[0].id == "visit_log"


def test_legacy_and_new_language_headers_and_default_language() -> None:
    legacy = xlsform([["type", "name", "label:english", "label:thai"], ["text", "a", "Name", "ชื่อ"]])
    new = xlsform([["type", "name", "label::English (en)", "label::Thai (th)"], ["text", "a", "Name", "ชื่อ"]])
    plain = xlsform([["type", "name", "label", "label::English (en)"], ["text", "a", "ชื่อ", "Name"]], None,
                    [["default_language"], ["Thai (th)"]])  # fmt: skip
    for data in (legacy, new, plain):
        label = import_xlsform(data, filename="f.xlsx")[0].field("a").label  # type: ignore[union-attr]
        assert (label.th, label.en) == ("ชื่อ", "Name")


def test_meta_rows_audit_and_instance_name() -> None:
    data = xlsform([H, *META_ROWS, ["audit", "audit"], ["text", "a", "A"]], None,
                   [["instance_name"], ["concat('visit ', ${a})"]])  # fmt: skip
    form, notices = import_xlsform(data, filename="f.xlsx")
    assert [(f.name, f.meta) for f in form.walk() if f.kind == "meta"] == [
        ("start", "start"), ("end", "end"), ("today", "today"), ("deviceid", "deviceid")]  # fmt: skip
    assert form.field("audit") is None and any("audit" in n.text() for n in notices)
    assert form.instance_name == "concat('visit ', ${a})"


def test_too_large_a_workbook_is_refused_in_bounded_time() -> None:
    rows = [["text", f"q{i}", "Q"] for i in range(MAX_SURVEY_ROWS + 1)]
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(xlsform([H, *rows]), filename="f.xlsx")
    assert [p.params.get("survey") for p in caught.value.problems] == [str(MAX_SURVEY_ROWS)]


def test_cascading_survey_filters_and_validates() -> None:
    form, _ = import_xlsform(cascading_survey(), filename="s.xlsx")
    assert (form.id, form.version) == ("school_survey", 2026113001)
    per_class = form.field("per_class")
    assert per_class is not None and per_class.kind == "calculate" and per_class.label.th == ""
    base = {"school": "40010001", "province": "kk", "district": "kk_ban_phai", "pupils": 120, "per_class": 20}
    ok = validate(form, {**base, "school_pick": "s1", "start": "2026-11-30T09:00:00.000Z"})
    assert ok == []
    wrong = validate(form, {**base, "school_pick": "s3"})  # a school of another province
    assert [(p.field, p.code) for p in wrong] == [("school_pick", "choice")]


def test_household_roster_nested_repeat_counts() -> None:
    form, _ = import_xlsform(household_roster(), filename="Household Roster.xlsx")
    member = {"member_name": "ก", "age": 30}
    answers: dict[str, Any] = {"school": "40010001", "households": 1, "people": 2,
                               "household": [{"head": "ก", "members": 2, "member": [member]}]}  # fmt: skip
    assert [(p.field, p.code) for p in validate(form, answers)] == [("household[0].member", "items")]
    answers["household"][0]["member"].append({"member_name": "ข", "age": 10, "in_school": "yes"})
    assert validate(form, answers) == []


CELLS = st.one_of(
    st.sampled_from(["text", "integer", "select_one yn", "begin_group", "end_group", "begin_repeat", "end_repeat",
                     "geopoint", "calculate", "note", "today", "", "select_multiple nope", "range"]),
    st.sampled_from(["${a}", ". > 1", "${a} +", "foo(1)", "/data/a", "concat(${a}, 'x')", "yes", "no", "a.b"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-5, 5),
)  # fmt: skip


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.lists(CELLS, min_size=3, max_size=6), min_size=1, max_size=8))
def test_any_workbook_publishes_or_is_reported(rows: list[list[Any]]) -> None:
    """Whatever is in the cells: a checked form, or problems at places of the workbook; never a crash."""
    data = xlsform([["type", "name", "label", "relevant", "calculation", "appearance"], *rows], YN)
    try:
        form, _ = import_xlsform(data, filename="fuzz.xlsx")
    except XLSFormError as exc:
        assert exc.problems and all(
            p.sheet in ("survey", "choices", "settings", "workbook") for p in exc.problems
        )
        assert all(p.text() for p in exc.problems)
    else:
        assert form.field("school") is not None


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), st.integers(-400, 400))
def test_dates_are_days_both_ways(day: dt.date, shift: int) -> None:
    text = day.isoformat()
    assert compile_rule("date(number(${d}))").evaluate({"d": text}) == text
    moved = compile_rule("date(${d} + ${n})").evaluate({"d": text, "n": shift})
    try:
        expected: str | None = (day + dt.timedelta(days=shift)).isoformat()
    except OverflowError:  # before year 1 or after 9999
        expected = None
    assert moved == expected
