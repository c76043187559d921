"""The qualitative compile: Thai theme phrases (compound teaching terms kept whole, no lone generic
words), quotes anonymised by whole names, reflection texts in, each school's latest policy record only,
and the phrases kept so that a record is segmented once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server.reports import phrases, themes
from tests.conftest import persona
from tests.factories import SCHOOL_N01, TEACHER_N01
from tests.report_data import DEVELOP_TEXTS, observation, policy, reflection, store

FIRST, LAST = "2025-05-16", "2025-10-31"
ITEMS = [f"p{i:02d}" for i in range(1, 7)]


def statuses(status: str) -> dict[str, str]:
    return dict.fromkeys(ITEMS, status)


def test_compound_teaching_terms_stay_whole():
    found = phrases.phrases("ควรให้ข้อมูลป้อนกลับที่เฉพาะเจาะจงกับงานเขียน")
    assert "ข้อมูลป้อนกลับ" in found
    assert "ข้อมูล" not in found and "ป้อน" not in found
    assert "คำถามปลายเปิด" in phrases.phrases("ครูใช้คำถามปลายเปิดให้นักเรียนอธิบายเหตุผล")


SNIPPETS = ["ครู", "นักเรียน", "ควร", "ให้", "ข้อมูลป้อนกลับ", "ใช้", "สื่อการเรียนรู้", "และ", "มาก", "ขึ้น",
            "ทำงานกลุ่ม", "ชั้นคละ", " ", "ที่", "การตรวจสอบความเข้าใจ", "อ่าน", "เขียน"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), max_size=12))
def test_a_theme_is_never_a_lone_stop_word(parts):
    for found in phrases.phrases("".join(parts)):
        assert found not in phrases.stop_words()
        assert found in phrases.teaching_terms() or len(found) >= 4


def test_quotes_drop_whole_names_only():
    names = themes.Anonymiser(["นางสาวพร งาม", "นายสมชาย ทองดี"])
    text = "นางสาวพร งาม ให้นักเรียนคัดลายมือได้งาม ครูสมชายชมเชย สมชาย ทองดี สอนพร้อมกัน"
    q = themes.quote(text, names)
    assert q == "ครู… ให้นักเรียนคัดลายมือได้งาม ครู…ชมเชย ครู… สอนพร้อมกัน"


def test_quotes_stay_short():
    q = themes.quote("ครูใช้คำถามดีมาก " + "ก" * 300, themes.Anonymiser([]))
    assert len(q) <= themes.QUOTE_CHARS and q.endswith("…")


def _seed(demo_db):
    sup = persona(demo_db, "supervisor1")
    for day in ("2025-06-10", "2025-06-11", "2025-06-12"):
        store(demo_db, sup, "observation", observation(SCHOOL_N01, TEACHER_N01, day, [4] * 9,
              develop=DEVELOP_TEXTS[1], develop_elements=["feedback"]))  # fmt: skip
    store(demo_db, sup, "reflection", reflection(SCHOOL_N01, TEACHER_N01, "2025-06-10"))
    store(demo_db, sup, "policy", policy(SCHOOL_N01, "2025-06-10", statuses("not_done")))
    return sup


def test_the_compile_groups_phrases_counts_texts_and_includes_reflections(demo_db):
    sup = _seed(demo_db)
    store(demo_db, sup, "policy", policy(SCHOOL_N01, "2025-07-01", statuses("done")))  # supersedes the first
    found = themes.compile_themes(demo_db, "N01", FIRST, LAST)
    assert found["develop"]["n"] == 3
    assert ("ข้อมูลป้อนกลับ", 3) in found["develop"]["themes"]
    [by_element] = found["develop_by_element"]
    assert by_element["n"] == 3 and by_element["themes"][0] == ("ข้อมูลป้อนกลับ", 3)
    aar = {g["key"]: g for g in found["reflection"]}
    assert aar["aar_next"]["quotes"] == ["เพิ่มการตรวจสอบความเข้าใจ"] and aar["aar_next"]["n"] == 1
    assert any(g["quotes"] == ["ขอสื่อการอ่านเพิ่มเติม"] for g in found["support"])
    # The school's latest policy record says done: its earlier obstacle is not counted any more.
    assert found["obstacles"] == []
    assert [p["text"] for p in found["good_practices"]] == ["จัดตารางซ่อมเสริมการอ่านทุกเช้า"] * 6


def test_a_record_is_segmented_once(demo_db):
    _seed(demo_db)
    first = themes.compile_themes(demo_db, "N01", FIRST, LAST)
    assert len(first["fresh"]) == 5
    with demo_db.atomic():
        themes.store_phrases_tx(demo_db, first.pop("fresh"))
    again = themes.compile_themes(demo_db, "N01", FIRST, LAST)
    assert again.pop("fresh") == []
    assert again == first


def test_kept_themes_follow_a_new_record(demo_db):
    sup = _seed(demo_db)
    first = themes.kept_themes(demo_db, "N01", FIRST, LAST)
    assert first["develop"]["n"] == 3
    assert themes.kept_themes(demo_db, "N01", FIRST, LAST)["develop"] == first["develop"]
    store(demo_db, sup, "observation", observation(SCHOOL_N01, TEACHER_N01, "2025-06-13", [4] * 9))
    assert themes.kept_themes(demo_db, "N01", FIRST, LAST)["develop"]["n"] == 4
