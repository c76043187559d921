"""One spelling per term and one register (server/locale/th/glossary.toml) over the Thai catalog and the
labels of the newest version of each built-in form; and the check itself fails on a second spelling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.pofile import read_po

from forms.loader import builtin_forms
from forms.model import FormDef, Label
from server.glossary import problems

CATALOG = Path(__file__).parents[2] / "server" / "locale" / "th" / "LC_MESSAGES" / "messages.po"


def catalog_texts() -> Iterator[tuple[str, str]]:
    with CATALOG.open("rb") as f:
        for message in read_po(f):
            if message.id and isinstance(message.string, str) and message.string:
                yield f"messages.po {message.id!r}", message.string


def form_texts(form: FormDef) -> Iterator[tuple[str, str]]:
    where = f"{form.id} v{form.version}"
    labels: list[tuple[str, Label | None]] = [("title", form.title), ("description", form.description)]
    for section in form.sections:
        labels += [(section.name, section.label), (section.name, section.hint)]
    for field in form.walk():
        labels += [
            (field.name, field.label),
            (field.name, field.hint),
            (field.name, field.constraint_message),
        ]
    for name, choices in form.choices.items():
        labels += [(f"choices {name}", c.label) for c in choices]
    labels += [(d.name, d.label) for d in form.derived]
    for name, label in labels:
        if label is not None:
            yield f"{where} {name}", label.th


def newest_forms() -> list[FormDef]:
    return list({f.id: f for f in sorted(builtin_forms(), key=lambda f: f.version)}.values())


#: Published versions never change: what they say stays until the form's next version.
PUBLISHED_WORDING = {
    "reflection v2 choices element: 'ข้อมูลป้อนกลับ' → 'ข้อมูลย้อนกลับ' (feedback (to pupils))",
}


def test_the_catalog_and_the_newest_forms_keep_to_the_glossary() -> None:
    texts = [*catalog_texts(), *(t for form in newest_forms() for t in form_texts(form))]
    assert len(texts) > 500
    assert set(problems(texts)) == PUBLISHED_WORDING


def test_a_second_spelling_or_another_register_fails() -> None:
    found = problems([("a", "สถานะการซิงค์"), ("b", "ไม่มีห้องเรียนที่มอบหมายให้คุณ"), ("c", "สถานะ: ยังไม่ดำเนินการ")])
    assert [p.split(":")[0] for p in found] == ["a", "b", "c"]
    assert "'ซิงก์'" in found[0]


def test_whole_words_only_for_pronouns() -> None:
    assert problems([("a", "พัฒนาคุณภาพการศึกษา ขอบคุณ"), ("b", "ห้องเรียนที่ท่านสังเกต")]) == []


def test_demo_teachers_have_titles_that_fit_their_names(demo_db) -> None:  # type: ignore[no-untyped-def]
    from server.demo import FIRST, MEN

    names = [row[0] for row in demo_db.execute("SELECT name FROM teachers")]
    assert len(names) > 1000
    for name in names:
        title = next(t for t in ("นางสาว", "นาง", "นาย") if name.startswith(t))
        first = name[len(title) :].split()[0]
        assert first in FIRST and (title == "นาย") == (first in MEN), name
