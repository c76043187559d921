"""The shared words of reference data: grade codes, learning areas and sessions, with their Thai labels.

They are read from the observation form's choice lists (forms/definitions/observation.toml), the one place
they are written: a school's grades, a teacher's learning areas, a planned classroom's grade and the
observation of that classroom use the same codes and labels. Copies that cannot read them from here (the
tablet's messages, the other forms' lists) are checked against them by tests/server/test_vocabulary.py.
"""

from __future__ import annotations

from forms.loader import DEFINITIONS, load_file

_OBSERVATION = load_file(DEFINITIONS / "observation.toml")
#: What a teacher teaches: the learning areas, not the early years' experiences (a kindergarten class).
_NOT_A_SUBJECT = "early_years"

GRADE_LABELS = {c.value: c.label.th for c in _OBSERVATION.choices["grade"]}
LEARNING_AREAS = {
    c.value: c.label.th for c in _OBSERVATION.choices["learning_area"] if c.value != _NOT_A_SUBJECT
}
SESSION_LABELS = {c.value: c.label.th for c in _OBSERVATION.choices["session"]}
SESSIONS = tuple(SESSION_LABELS)
