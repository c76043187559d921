"""Thai text → theme phrases. PyThaiNLP's `newmm` segmenter with its own dictionary plus the domain's
teaching terms (`lexicon/teaching_terms.txt`, kept as data), so a compound term such as ข้อมูลป้อนกลับ stays
whole; stop words (PyThaiNLP's and `lexicon/stopwords.txt`) split a text into runs of content words, and a
theme is a teaching term or two neighbouring content words of one run — a phrase, never a lone generic
word. Nothing is downloaded: both word lists ship with PyThaiNLP."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).with_name("lexicon")
CONTENT = re.compile(r"^[\u0E01-\u0E4E]{2,}$|^[A-Za-z]{3,}$")


def _lines(name: str) -> list[str]:
    text = (LEXICON / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def teaching_terms() -> frozenset[str]:
    return frozenset(_lines("teaching_terms.txt"))


@cache
def stop_words() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords()) | frozenset(_lines("stopwords.txt"))


@cache
def lexicon_version() -> str:
    """Changes when a word list changes, so phrases cached under an older list are computed again."""
    digest = hashlib.sha256()
    for name in ("teaching_terms.txt", "stopwords.txt"):
        digest.update((LEXICON / name).read_bytes())
    return digest.hexdigest()[:12]


@cache
def _trie() -> Any:
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | teaching_terms())


def tokens(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return list(word_tokenize(text or "", custom_dict=_trie(), engine="newmm", keep_whitespace=False))


def _runs(words: list[str]) -> list[list[str]]:
    """Runs of neighbouring content words; a stop word, space, digit or punctuation ends a run."""
    stop, runs, run = stop_words(), [], []
    for word in words:
        if CONTENT.match(word) and word.lower() not in stop and word not in stop:
            run.append(word)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _join(a: str, b: str) -> str:
    return f"{a} {b}".lower() if a.isascii() and b.isascii() else a + b


def phrases(text: str) -> list[str]:
    """The distinct theme phrases of `text`, in reading order."""
    terms, out = teaching_terms(), dict[str, None]()
    for run in _runs(tokens(text)):
        for i, word in enumerate(run):
            if word in terms:
                out[word] = None
            if i + 1 < len(run) and word not in terms and run[i + 1] not in terms:
                out[_join(word, run[i + 1])] = None
    return list(out)
