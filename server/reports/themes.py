"""The qualitative compile of a network's period, on screen and on paper: what the supervisors wrote
(strengths, areas to develop by the element they ticked), what the reflection meetings agreed (the
AAR answers, agreed strengths, support needed) and what each school's latest policy record says
(obstacles, support requests, good practices) — each group with its n, its recurring theme phrases
(server/reports/phrases.py) and short quotes anonymised by whole names.

Segmenting Thai is the slow part (about a millisecond a text), so a record's phrases are kept in
`record_phrases` (m140) under its content hash and the word lists' version: a record is segmented
once, again only when it or the word lists change. `compile_themes` answers what it had to segment
in `fresh`; the caller stores it (`store_phrases_tx`) through the one write path."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import msgspec
import msgspec.structs

from forms.model import FormDef
from server.reports.common import Conn, form, network_stamp
from server.reports.phrases import lexicon_version, phrases
from server.reports.policy import items as policy_items
from sync.stored import VISIT_DATE, unpack

FORMS = ("observation", "reflection", "policy")
QUOTE_CHARS = 120
QUOTES = 3
TOP = 8
TITLES = ("นางสาว", "นาง", "นาย", "ครู")
#: (group key, field) of the reflection meeting's per-teacher answers, in the form's order.
AAR = ("aar_intended", "aar_happened", "aar_why", "aar_next", "agreed_strengths")
#: Group key → (form id, field) whose label names the group.
GROUP_FIELDS = {
    "strengths": ("observation", "strengths"),
    "develop": ("observation", "develop_text"),
    **{key: ("reflection", key) for key in AAR},
    "support_reflection": ("reflection", "support_text"),
}


def texts(form_id: str, answers: dict[str, Any], policy_codes: list[str]) -> Iterator[tuple[str, str]]:
    """(group, text) of every free text of a record that the compile reads, in a stable order."""
    if form_id == "observation":
        yield "strengths", answers.get("strengths") or ""
        yield "develop", answers.get("develop_text") or ""
    elif form_id == "reflection":
        for teacher in answers.get("teachers") or []:
            for key in AAR:
                yield key, teacher.get(key) or ""
        for action in answers.get("actions") or []:
            yield "support_reflection", action.get("support_text") or ""
    elif form_id == "policy":
        for code in policy_codes:
            for part in ("obstacle", "support", "good_practice"):
                yield f"{part}:{code}", answers.get(f"{code}_{part}") or ""


class Anonymiser:
    """Teachers' whole names become 'ครู…': 'first last' with or without a title, or a title and the first
    name — never a lone first name or surname (a surname is often a common word). A text that holds no
    first name at all is left alone at once (most texts name nobody)."""

    def __init__(self, names: list[str]):
        titles = "|".join(TITLES)
        alternatives: set[str] = set()
        firsts: set[str] = set()
        for name in names:
            parts = re.sub(rf"^(?:{titles})\s*", "", name.strip()).split()
            if len(parts) >= 2:
                alternatives.add(rf"(?:(?:{titles})\s*)?" + r"\s+".join(map(re.escape, parts)))
            if parts and len(parts[0]) >= 2:
                alternatives.add(rf"(?:{titles})\s*{re.escape(parts[0])}")
            if parts:
                firsts.add(parts[0])
        ordered = sorted(alternatives, key=len, reverse=True)
        self._names = re.compile("|".join(ordered)) if ordered else None
        self._firsts = (
            re.compile("|".join(map(re.escape, sorted(firsts, key=len, reverse=True)))) if firsts else None
        )

    def __call__(self, text: str) -> str:
        if self._names is None or self._firsts is None or not self._firsts.search(text):
            return text
        return self._names.sub("ครู…", text)


def quote(text: str, names: Anonymiser) -> str:
    text = names(" ".join(text.split()))
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _names(conn: Conn, network_id: str) -> Anonymiser:
    rows = conn.execute(
        "SELECT t.name FROM teachers t JOIN schools s ON s.code = t.school_code WHERE s.network_id = ?",
        [network_id],
    ).fetchall()
    return Anonymiser([name for (name,) in rows])


def _field_label(definition: FormDef | None, name: str, lang: str) -> str:
    for field in definition.walk() if definition else ():
        if field.name == name:
            return str(field.label.text(lang))
    return name


class _Group:
    def __init__(self) -> None:
        self.n = 0
        self.counts: Counter[str] = Counter()
        self.samples: list[str] = []

    def add(self, text: str, found: list[str]) -> None:
        self.n += 1
        self.counts.update(found)
        if len(self.samples) < QUOTES:
            self.samples.append(text)

    def out(self, key: str, label: str, names: Anonymiser) -> dict[str, Any]:
        top = [(p, c) for p, c in self.counts.most_common() if c >= 2][:TOP]
        return {"key": key, "label": label, "n": self.n, "themes": top,
                "quotes": [quote(t, names) for t in self.samples]}  # fmt: skip


def _rows(conn: Conn, form_id: str, network_id: str, first: str, last: str) -> list[Any]:
    return list(
        conn.execute(
            "SELECT r.id, r.school_code, r.answers, r.texts, r.content_hash, p.phrases FROM records r "
            "LEFT JOIN record_phrases p ON p.record_id = r.id AND p.content_key = r.content_hash || ':' || ? "
            f"WHERE r.network_id = ? AND r.form_id = ? AND {VISIT_DATE} BETWEEN ? AND ? "
            f"ORDER BY {VISIT_DATE}, r.id",
            [lexicon_version(), network_id, form_id, first, last],
        ).fetchall()
    )


def compile_themes(
    conn: Conn,
    network_id: str,
    first: str,
    last: str,
    q: str = "",
    lang: str = "th",
    forms: tuple[str, ...] = FORMS,
) -> dict[str, Any]:
    """The qualitative summary of one network and period; `q` keeps only texts that contain it; `forms`
    limits it to some tools (the area report needs only obstacles and support requests)."""
    names = _names(conn, network_id)
    obs, refl, pol = form(conn, "observation"), form(conn, "reflection"), form(conn, "policy")
    policy_labels = dict(policy_items(pol)) if pol else {}
    codes = list(policy_labels)
    element_label = {c.value: c.label.text(lang) for c in obs.choices.get("element", ())} if obs else {}
    groups: dict[str, _Group] = {}
    fresh: list[dict[str, Any]] = []
    practices: list[dict[str, str]] = []
    school_names = dict(conn.execute("SELECT code, name FROM schools WHERE network_id = ?", [network_id]))
    kept = msgspec.json.Decoder(list[list[str]]).decode
    for form_id in forms:
        rows = _rows(conn, form_id, network_id, first, last)
        if form_id == "policy":  # each school's latest policy record only: later ones supersede
            rows = list({row[1]: row for row in rows}.values())
        for record_id, school, raw, packed, content_hash, cached in rows:
            answers = unpack(raw, packed)
            record_texts = list(texts(form_id, answers, codes))
            found = kept(cached) if cached else [phrases(t) if t.strip() else [] for _, t in record_texts]
            if not cached:
                fresh.append({"record_id": record_id, "content_key": f"{content_hash}:{lexicon_version()}",
                              "phrases": msgspec.json.encode(found).decode()})  # fmt: skip
            ticked = (answers.get("develop_elements") or []) if form_id == "observation" else []
            for (key, text), words in zip(record_texts, found, strict=True):
                if not text.strip() or (q and q not in text):
                    continue
                if key.startswith("good_practice:"):
                    item = key.split(":", 1)[1]
                    practices.append({"item": policy_labels[item].text(lang),
                                      "school": school_names.get(school, school), "text": quote(text, names)})  # fmt: skip
                    continue
                for group in (key, *(f"element:{code}" for code in ticked if key == "develop")):
                    if group not in groups:
                        groups[group] = _Group()
                    groups[group].add(text, words)
    empty = _Group()

    def out(key: str, label: str) -> dict[str, Any]:
        return groups.get(key, empty).out(key, label, names)

    def labelled(key: str) -> dict[str, Any]:
        form_id, field = GROUP_FIELDS[key]
        return out(key, _field_label({"observation": obs, "reflection": refl}[form_id], field, lang))

    return {
        "query": q,
        "strengths": labelled("strengths"),
        "develop": labelled("develop"),
        "develop_by_element": [
            out(f"element:{code}", label)
            for code, label in element_label.items()
            if f"element:{code}" in groups
        ],
        "reflection": [labelled(key) for key in AAR if key in groups],
        "obstacles": [
            out(f"obstacle:{c}", policy_labels[c].text(lang)) for c in codes if f"obstacle:{c}" in groups
        ],
        "support": [
            *(out(f"support:{c}", policy_labels[c].text(lang)) for c in codes if f"support:{c}" in groups),
            *([labelled("support_reflection")] if "support_reflection" in groups else []),
        ],
        "good_practices": practices,
        "fresh": fresh,
    }


_kept: dict[tuple[Any, ...], tuple[tuple[Any, ...], dict[str, Any]]] = {}
_lock = threading.Lock()


def kept_themes(
    conn: Conn, network_id: str, first: str, last: str, q: str = "", lang: str = "th"
) -> dict[str, Any]:
    """`compile_themes`, kept in memory per (network, period, language) until one of the network's rows
    changes; a search (`q`) is always compiled afresh."""
    if q:
        return compile_themes(conn, network_id, first, last, q, lang)
    key, stamp = (network_id, first, last, lang), network_stamp(conn, network_id)
    with _lock:
        hit = _kept.get(key)
    if hit and hit[0] == stamp:
        return {**hit[1], "fresh": []}
    found = compile_themes(conn, network_id, first, last, q, lang)
    with _lock:
        if len(_kept) >= 256:
            _kept.clear()
        _kept[key] = (stamp, {k: v for k, v in found.items() if k != "fresh"})
    return found


def store_phrases_tx(db: Any, fresh: list[dict[str, Any]]) -> None:
    """Keep the phrases segmented while compiling (inside the one write transaction, server/db.py)."""
    if fresh:
        db["record_phrases"].upsert_all(fresh, pk="record_id")
