"""The four tools as data: they load, have one school field, expand the policy list, and derive scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest

from forms.derive import band_of, derive
from forms.loader import DefinitionError, builtin_forms, load_text
from forms.model import FormDef
from forms.validate import validate

FORMS = {f.id: f for f in builtin_forms()}
OBSERVATION_TOML = (Path(__file__).parents[2] / "forms" / "definitions" / "observation.toml").read_text(
    "utf-8"
)


def test_the_four_tools_load_with_thai_and_english_labels() -> None:
    assert set(FORMS) == {"observation", "reflection", "policy", "literacy"}
    for form in FORMS.values():
        assert sum(f.kind == "school" for f in form.walk()) == 1
        for field in form.walk():
            assert field.label.th and field.label.en, (form.id, field.name)


def test_policy_list_expands_to_one_group_per_policy() -> None:
    policy = FORMS["policy"]
    groups = [f for f in policy.walk() if f.kind == "group"]
    assert [g.name for g in groups] == ["p01", "p02", "p03", "p04", "p05", "p06"]
    obstacle = policy.field("p02_obstacle")
    assert obstacle is not None and obstacle.required_if == "${p02_status} = 'not_done'"


def test_a_policy_marked_not_applicable_asks_nothing_more() -> None:
    answers = {"school": "49010001", "visit_date": "2025-06-10", "session": "morning", "informant": "ผอ."}
    for code in ("p01", "p02", "p03", "p04", "p05", "p06"):
        answers[f"{code}_status"] = "not_applicable"
    assert validate(FORMS["policy"], answers) == []
    answers["p03_finding"] = "x"
    assert [(p.field, p.code) for p in validate(FORMS["policy"], answers)] == [
        ("p03_finding", "not_relevant")
    ]


def test_observation_feedback_scores() -> None:
    form = FORMS["observation"]
    answers = {
        "mean_score": 3.5,
        "time_on_task": [
            {"at": "09:10", "activity": "yes", "off_task": "0-1"},
            {"at": "09:20", "activity": "no", "off_task": "6+"},
        ],
        "active_learning": ["hands_on"],
    }
    values = derive(form, answers)
    assert values["activity_share"] == 50 and values["on_task_share"] == 50
    assert values["active_learning_count"] == 1
    mean = next(d for d in form.derived if d.name == "mean_practice")
    # Five interpretive ranges, as Thai reports read a mean of 1–5.
    assert [band_of(form, mean, v).th for v in (4.5, 4.49, 3.5, 2.5, 2.49, 1.5, 1.49, 1)] == [
        "ดีมาก", "ดี", "ดี", "ปานกลาง", "พอใช้", "พอใช้", "ปรับปรุง", "ปรับปรุง"
    ]  # fmt: skip


def test_every_rating_has_a_rubric_of_five_levels() -> None:
    ratings = [f for f in FORMS["observation"].walk() if f.kind == "rating"]
    assert len(ratings) == 9
    assert all(len(f.levels) == 5 and all(level.th and level.en for level in f.levels) for f in ratings)
    with pytest.raises(DefinitionError, match="exactly 5"):
        load_text(OBSERVATION_TOML.replace("levels = [\n", "levels = [\n  { th = 'x' },\n", 1))


def test_kindergarten_classes_record_an_early_years_activity() -> None:
    form = FORMS["observation"]
    answers = {"grade": "k", "learning_area": "thai", "early_activity": "outdoor"}
    codes = {(p.field, p.code) for p in validate(form, answers)}
    assert ("learning_area", "constraint") in codes and ("early_activity", "not_relevant") in codes
    answers["learning_area"] = "early_years"
    codes = {(p.field, p.code) for p in validate(form, answers)}
    assert not {c for c in codes if c[0] in ("learning_area", "early_activity")}
    assert len(form.choices["early_activity"]) == 6


def test_band_cut_offs_are_configurable_in_the_file() -> None:
    text = OBSERVATION_TOML.replace("{ min = 4.5, label", "{ min = 4.0, label")
    form = load_text(text)
    mean = next(d for d in form.derived if d.name == "mean_practice")
    assert band_of(form, mean, 4.2).th == "ดีมาก"


def test_literacy_v1_per_pupil_scores() -> None:
    """Version 1 (one word list for every grade) keeps its scores: its records stay readable."""
    form = next(f for f in builtin_forms() if f.id == "literacy" and f.version == 1)
    pupils = [
        {"word_grid": {"wrong": [0, 1, 2, 3, 4], "attempted": 5, "seconds": 8, "stopped_early": True},
         "passage_grid": {"wrong": [1], "attempted": 31, "seconds": 50, "stopped_early": False},
         "comp_q1": "correct", "comp_q2": "correct", "comp_q3": "incorrect", "dictation": ["d1", "d2"],
         "num_identify": ["n7", "n15", "n38", "n64", "n102"], "num_add_sub": ["a1"]},
    ]  # fmt: skip
    values = derive(form, {"pupils": pupils})
    assert values["zero_score"] == [True]
    assert values["word_percent"] == [0]
    assert values["passage_cwpm"] == [36]  # 30 correct words in 50 seconds
    assert values["comprehension_percent"] == [66.7]
    assert values["dictation_percent"] == [40]
    assert values["numeracy_percent"] == [27.3]  # 6 of 22


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (('kind = "school"', 'kind = "text"'), "fields"),
        (('name = "topic"', 'name = "room"'), "field 'room'"),
        (('rule = "${mean_score}"', 'rule = "${nope}"'), "derived 'mean_practice'"),
        (('bands = "practice"', 'bands = "nope"'), "derived 'mean_practice'"),
        (("count = 6", "count = 60"), "field 'time_on_task'"),
        (
            ('appearance = "checklist"\nchoices = "active_learning"', 'appearance = "checklist"'),
            "field 'active_learning'",
        ),
    ],
)
def test_broken_definitions_are_refused_with_the_place(change: tuple[str, str], where: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_text(OBSERVATION_TOML.replace(*change, 1), source="observation.toml")
    assert caught.value.where == where


def test_published_definition_round_trips_as_json() -> None:
    for form in FORMS.values():
        assert msgspec.json.decode(msgspec.json.encode(form), type=FormDef) == form


def reflection_answers(**overrides: Any) -> dict[str, Any]:
    """A valid reflection (v2) record's answers."""
    answers: dict[str, Any] = {
        "school": "49010001",
        "visit_date": "2025-06-10",
        "session": "morning",
        "start_time": "10:30",
        "end_time": "11:15",
        "participants": ["supervisor", "teacher"],
        "participant_count": 4,
        "teachers": [
            {
                "teacher": "49010001-01",
                **{k: "บันทึก" for k in ("aar_intended", "aar_happened", "aar_why", "aar_next")},
                "pupil_evidence": "ผลงานนักเรียน",
                "agreed_strengths": "ใช้สื่อของจริง",
                "focuses": ["feedback"],
                "agreement": "agree",
            }
        ],
        "actions": [
            {"action": "ใช้คำถามปลายเปิด", "owner": "ครู", "due_date": "2025-07-01", "support_needed": "no"}
        ],
        "written_in_notebook": "no",
        "next_follow_up": "2025-08-01",
        "recorder": {"name": "ศน.ทดสอบ", "at": "2025-06-10T11:20"},
    }
    answers.update(overrides)
    return answers


def test_reflection_v1_stays_published_beside_v2() -> None:
    versions = sorted(f.version for f in builtin_forms() if f.id == "reflection")
    assert versions == [1, 2] and FORMS["reflection"].version == 2
    v1 = next(f for f in builtin_forms() if f.id == "reflection" and f.version == 1)
    assert v1.field("previous_actions") is None


def test_reflection_closes_the_previous_visits_actions() -> None:
    form = FORMS["reflection"]
    assert validate(form, reflection_answers()) == []  # no earlier actions: nothing to close
    previous = [
        {"previous_action": "จัดมุมหนังสือ", "previous_owner": "ครู", "previous_due": "2025-05-30",
         "previous_status": "done"},
        {"previous_action": "ทำบัตรคำ", "previous_status": "in_progress"},
        {"previous_action": "อบรมครู", "previous_status": "not_done", "previous_note": "ไม่มีงบประมาณ"},
        {"previous_action": "เยี่ยมบ้าน", "previous_status": "done"},
    ]  # fmt: skip
    answers = reflection_answers(previous_meeting_date="2025-01-15", previous_actions=previous)
    assert validate(form, answers) == []
    assert derive(form, answers)["previous_done_share"] == 50
    unclosed = [dict(previous[0], previous_status=None), dict(previous[2], previous_note=None)]
    problems = validate(
        form, reflection_answers(previous_actions=unclosed, previous_meeting_date="2025-07-01")
    )
    assert sorted((p.field, p.code) for p in problems) == [
        ("previous_actions[0].previous_status", "required"),
        ("previous_actions[1].previous_note", "required"),
        ("previous_meeting_date", "constraint"),
    ]
