"""The Thai glossary (server/locale/th/glossary.toml): one spelling per term and one register. `problems`
names every text that uses a spelling or a pronoun the glossary rules out."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import msgspec

GLOSSARY = Path(__file__).parent / "locale" / "th" / "glossary.toml"


class Term(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    en: str
    use: str
    #: Never anywhere in a text.
    avoid: tuple[str, ...] = ()
    #: Never as a whole word (PyThaiNLP segmentation): คุณ the pronoun, not คุณภาพ.
    avoid_words: tuple[str, ...] = ()


class Glossary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    terms: tuple[Term, ...]


@cache
def load(path: Path = GLOSSARY) -> Glossary:
    return msgspec.toml.decode(path.read_bytes(), type=Glossary)


def problems(texts: Iterable[tuple[str, str]], glossary: Glossary | None = None) -> list[str]:
    """`where: found → use` for every (where, Thai text) that breaks a term of the glossary."""
    from pythainlp.tokenize import word_tokenize

    terms = (glossary or load()).terms
    out = []
    for where, text in texts:
        words: set[str] | None = None
        for term in terms:
            found = [v for v in term.avoid if v in text]
            if term.avoid_words:
                words = words if words is not None else set(word_tokenize(text, engine="newmm"))
                found += [v for v in term.avoid_words if v in words]
            out += [f"{where}: {v!r} → {term.use!r} ({term.en})" for v in found]
    return out
