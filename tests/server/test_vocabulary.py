"""Grades, learning areas and sessions are written once, in the observation form's choice lists
(forms/definitions/observation.toml); `server/vocabulary.py` reads them there. These tests prove that
every copy that cannot read them from there says the same: the other forms' lists, the Thai catalog
behind the tablet's messages and the templates' session names, and the plan's session codes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args, get_type_hints

import pytest

from forms.loader import DEFINITIONS, builtin_forms, load_file
from server import vocabulary
from server.i18n import translations
from server.plans import VisitCreate

ROOT = Path(__file__).resolve().parents[2]
OBSERVATION = load_file(DEFINITIONS / "observation.toml")
LISTS = ("grade", "learning_area", "session")


def labels(name: str) -> dict[str, tuple[str, str]]:
    return {c.value: (c.label.th, c.label.en) for c in OBSERVATION.choices[name]}


def test_the_vocabulary_read_from_the_form() -> None:
    assert list(vocabulary.GRADE_LABELS) == ["k", "p1", "p2", "p3", "p4", "p5", "p6"]
    assert vocabulary.GRADE_LABELS["k"] == "อนุบาล" and vocabulary.GRADE_LABELS["p6"] == "ป.6"
    # A teacher's learning areas: the eight of the core curriculum and the learner development activities,
    # not the kindergarten's early-years experiences.
    assert list(vocabulary.LEARNING_AREAS) == [c.value for c in OBSERVATION.choices["learning_area"]][:9]
    assert "early_years" not in vocabulary.LEARNING_AREAS and len(vocabulary.LEARNING_AREAS) == 9
    assert vocabulary.LEARNING_AREAS["science"] == "วิทยาศาสตร์และเทคโนโลยี"
    assert vocabulary.SESSION_LABELS == {"morning": "ภาคเช้า", "afternoon": "ภาคบ่าย"}


@pytest.mark.parametrize("form", builtin_forms(), ids=lambda f: f"{f.id}-v{f.version}")
def test_every_forms_lists_use_the_same_codes_and_labels(form) -> None:  # type: ignore[no-untyped-def]
    for name in LISTS:
        for choice in form.choices.get(name, ()):
            assert labels(name).get(choice.value) == (choice.label.th, choice.label.en), (name, choice)


def test_the_tablets_grade_names_are_the_forms() -> None:
    """The tablet's labels (pwa/static/js/labels.js GRADES) name grades by their English label, translated
    by the Thai catalog."""
    thai = translations("th")
    source = (ROOT / "pwa" / "static" / "js" / "labels.js").read_text()
    table = re.search(r"export const GRADES = \{(.*?)\};", source, flags=re.S)
    assert table is not None
    tablet = dict(re.findall(r"(\w+): N_\('([^']+)'\)", table.group(1)))
    assert set(tablet) == set(vocabulary.GRADE_LABELS)
    for code, msgid in tablet.items():
        assert (thai.gettext(msgid), str(msgid)) == labels("grade")[code]


def test_session_names_and_codes_are_the_forms() -> None:
    """Templates and the plan name a session by its English label ("Morning"), translated by the catalog."""
    thai = translations("th")
    for th, en in labels("session").values():
        assert thai.gettext(en) == th
    assert get_args(get_type_hints(VisitCreate)["session"]) == vocabulary.SESSIONS
