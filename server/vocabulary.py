"""The shared words of reference data: grade codes and learning areas, with their Thai labels.

The codes are the ones the observation form uses (forms/definitions/observation.toml).
"""

from __future__ import annotations

GRADE_LABELS = {
    "k": "อนุบาล",
    "p1": "ป.1",
    "p2": "ป.2",
    "p3": "ป.3",
    "p4": "ป.4",
    "p5": "ป.5",
    "p6": "ป.6",
}
LEARNING_AREAS = {
    "thai": "ภาษาไทย",
    "math": "คณิตศาสตร์",
    "science": "วิทยาศาสตร์และเทคโนโลยี",
    "social": "สังคมศึกษา ศาสนาและวัฒนธรรม",
    "health": "สุขศึกษาและพลศึกษา",
    "arts": "ศิลปะ",
    "career": "การงานอาชีพ",
    "foreign": "ภาษาต่างประเทศ",
    "activities": "กิจกรรมพัฒนาผู้เรียน",
}
SESSIONS = ("morning", "afternoon")
