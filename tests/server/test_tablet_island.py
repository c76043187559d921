"""What the server tells the tablet's JS: the translations of exactly the message ids Babel extracts from
pwa/static/js (t('…'), N_('…')) in the catalogue file each page loads, and the limits it enforces itself."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys

from babel.messages.pofile import read_po

from core.problems import CATALOG
from forms.loader import builtin_forms
from forms.model import PHOTO_MAX_BYTES, PHOTO_MAX_SIDE, PHOTO_TYPES
from forms.validate import MAX_LINKED, TEXT_LIMIT_DEFAULT, TEXT_LIMITS
from server.i18n import JS_DIR, js_msgids
from tests.conftest import ROOT


def island(page: str, name: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)
    assert found, name
    return json.loads(html.unescape(found.group(1)))


def test_the_js_message_ids_are_extracted_from_the_source() -> None:
    ids = set(js_msgids())
    # A literal id, one in a template string, and one marked with N_ for a table of labels.
    assert {"Choose…", "Saved on this tablet", "Waiting to sync", "This answer is required"} <= ids
    # Every id is in the code as a t()/N_() argument, none is a dotted key of the old hand-kept list.
    source = "\n".join(p.read_text("utf-8") for p in JS_DIR.rglob("*.js"))
    assert all(msgid in source for msgid in ids)
    assert not [i for i in ids if re.fullmatch(r"[a-z_]+\.[a-z_.]+", i)]


def test_babel_cfg_extracts_the_same_ids_for_the_catalog(tmp_path) -> None:
    """scripts/messages.py (its --check is a test) extracts with babel.cfg: the JS's ids are among them."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "_",
         "-k", "Notice", "--omit-header", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        catalog = read_po(f)
    from_js = {m.id for m in catalog if any(path.startswith("pwa/static/js/") for path, _ in m.locations)}
    assert from_js == set(js_msgids())


def test_a_page_loads_exactly_the_js_ids_in_thai_and_sends_the_limits(shared_server) -> None:
    with shared_server.client("supervisor1") as c:
        page = c.get("/").text
        found = re.search(r'<script defer src="(/static/i18n/th\.\w+\.js)"></script>', page)
        assert found
        script = c.get(found.group(1)).text
    messages = json.loads(script.removeprefix("self.NITHET_MESSAGES = ").removesuffix(";\n"))
    problems = {f"problem.{code}" for code in CATALOG}
    # Every id but those that stand for themselves in Thai too (t() answers the id when it has no entry).
    assert problems <= set(messages) <= set(js_msgids()) | problems
    assert messages["Waiting to sync"] == "รอซิงก์"
    untranslated = [i for i in js_msgids() if i not in messages and re.search("[a-z]{3}", i)]
    assert untranslated == []
    assert island(page, "limits") == {
        "text": TEXT_LIMITS,
        "text_default": TEXT_LIMIT_DEFAULT,
        "linked_max": MAX_LINKED,
        "rating": [1, 5],
        "photo_max_bytes": PHOTO_MAX_BYTES,
        "photo_max_side": PHOTO_MAX_SIDE,
        "photo_types": list(PHOTO_TYPES),
    }


def test_the_form_island_leaves_out_what_no_script_reads(shared_server) -> None:
    """The page shows the levels and hints; the island keeps the rules, kinds, choices and the labels the
    JS draws itself — in the page's language (English only on an English page)."""
    with shared_server.client("supervisor1") as c:
        thai = c.get("/forms/observation/2").text
        c.get("/lang/en", follow_redirects=False)
        english = c.get("/forms/observation/2").text
        c.get("/lang/th", follow_redirects=False)
    form = island(thai, "form-def")
    fields = [f for s in form["sections"] for f in s["fields"]]
    rating = next(f for f in fields if f["kind"] == "rating")
    assert rating["levels"] == [] and rating["evidence_if"] and rating["label"]["en"] == ""
    source = next(f for f in builtin_forms() if (f.id, f.version) == ("observation", 2)).field(rating["name"])
    assert (
        source and source.levels and source.levels[0].th in thai
    )  # the page shows what the island leaves out
    assert all(f["hint"] is None or "${" in f["hint"]["th"] for f in fields)
    assert form["choices"] and form["derived"]
    english_rating = next(
        f for s in island(english, "form-def")["sections"] for f in s["fields"] if f["kind"] == "rating"
    )
    assert english_rating["label"]["en"] and english_rating["levels"] == []
