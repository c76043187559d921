"""Qualitative findings: strengths, areas to develop (by element code), obstacles and support requests
(by policy item), counted by theme — the words that recur, after Thai word segmentation with
PyThaiNLP's `newmm` and the dictionary and stop words it ships (nothing is downloaded) — with short
anonymised quotes, and the good practices found."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from typing import Any

from server.reports.common import VISIT_DATE, Conn, form
from server.reports.policy import items as policy_items

QUOTE_CHARS = 120
TOP = 8
THAI_WORD = re.compile(r"^[\u0E01-\u0E4E]{2,}$|^[A-Za-z]{3,}$")
#: Words of every comment that say nothing about its theme.
GENERIC = frozenset({"ครู", "นักเรียน", "ควร", "มี", "การ", "ให้", "ได้", "และ", "ที่", "ใน", "ของ", "มาก", "ขึ้น"})


@cache
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords()) | GENERIC


def words(text: str) -> list[str]:
    """The content words of a Thai text (segmented; stop words, punctuation and digits left out)."""
    from pythainlp.tokenize import word_tokenize

    stop = _stopwords()
    tokens = word_tokenize(text or "", engine="newmm", keep_whitespace=False)
    return [t for t in tokens if THAI_WORD.match(t) and t not in stop]


def anonymise(text: str, people: list[str]) -> str:
    """Names of teachers (full names, first names, with or without a title) become 'ครู…'."""
    for name in sorted(people, key=len, reverse=True):
        if name and len(name) >= 2:
            text = text.replace(name, "ครู…")
    return re.sub(r"(นางสาว|นาย|นาง)ครู…", "ครู…", text)


def quote(text: str, people: list[str]) -> str:
    text = anonymise(" ".join(text.split()), people)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _people(conn: Conn, network_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT t.name FROM teachers t JOIN schools s ON s.code = t.school_code WHERE s.network_id = ?",
        [network_id],
    ).fetchall()
    out: set[str] = set()
    for (name,) in rows:
        bare = re.sub(r"^(นางสาว|นาย|นาง)", "", name)
        out |= {name, bare, *bare.split()}
    return [p for p in out if len(p) >= 2]


def _group(key: str, label: str, texts: list[str], people: list[str], query: list[str]) -> dict[str, Any]:
    tokenized = [(t, set(words(t))) for t in texts if t and t.strip()]
    if query:
        tokenized = [(t, w) for t, w in tokenized if all(q in w for q in query)]
    counts = Counter(w for _t, ws in tokenized for w in ws)
    return {
        "key": key,
        "label": label,
        "n": len(tokenized),
        "themes": counts.most_common(TOP),
        "quotes": [quote(t, people) for t, _w in tokenized[:3]],
    }


def themes(
    conn: Conn, network_id: str, first: str, last: str, q: str = "", lang: str = "th"
) -> dict[str, Any]:
    people = _people(conn, network_id)
    query = words(q) if q else []
    obs = form(conn, "observation")
    element_label = {c.value: c.label.text(lang) for c in obs.choices.get("element", ())} if obs else {}
    strengths, develop_all = [], []
    develop: dict[str, list[str]] = {}
    for s, d, codes in conn.execute(
        "SELECT json_extract(answers, '$.strengths'), json_extract(answers, '$.develop_text'), "
        f"json_extract(answers, '$.develop_elements') FROM records WHERE network_id = ? AND form_id = 'observation' "
        f"AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall():
        strengths.append(s or "")
        develop_all.append(d or "")
        for code in json.loads(codes or "[]"):
            develop.setdefault(code, []).append(d or "")
    pol = form(conn, "policy")
    obstacles: dict[str, list[str]] = {}
    support: dict[str, list[str]] = {}
    practices = []
    school_names = dict(
        conn.execute("SELECT code, name FROM schools WHERE network_id = ?", [network_id]).fetchall()
    )
    policy_rows = conn.execute(
        f"SELECT school_code, answers FROM records WHERE network_id = ? AND form_id = 'policy' AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall()
    labels = dict(policy_items(pol)) if pol else {}
    for code_school, raw in policy_rows:
        answers = json.loads(raw)
        for code in labels:
            if answers.get(f"{code}_obstacle"):
                obstacles.setdefault(code, []).append(answers[f"{code}_obstacle"])
            if answers.get(f"{code}_support"):
                support.setdefault(code, []).append(answers[f"{code}_support"])
            if answers.get(f"{code}_good_practice"):
                practices.append(
                    {
                        "item": labels[code].text(lang),
                        "school": school_names.get(code_school, code_school),
                        "text": quote(answers[f"{code}_good_practice"], people),
                    }
                )
    for (raw,) in conn.execute(
        f"SELECT answers FROM records WHERE network_id = ? AND form_id = 'reflection' AND {VISIT_DATE} BETWEEN ? AND ?",
        [network_id, first, last],
    ).fetchall():
        for action in json.loads(raw).get("actions") or []:
            if action.get("support_text"):
                support.setdefault("reflection", []).append(action["support_text"])
    return {
        "query": q,
        "strengths": _group("strengths", "จุดเด่น", strengths, people, query),
        "develop": _group("develop", "จุดที่ควรพัฒนา", develop_all, people, query),
        "develop_by_element": [
            _group(code, element_label.get(code, code), develop[code], people, query)
            for code in element_label
            if code in develop
        ],
        "obstacles": [_group(c, labels[c].text(lang), t, people, query) for c, t in obstacles.items()],
        "support": [
            _group(c, labels[c].text(lang) if c in labels else "การประชุมสะท้อนผล", t, people, query)
            for c, t in support.items()
        ],
        "good_practices": practices,
    }
