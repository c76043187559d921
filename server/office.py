"""The area office on paper: its name, address and emblem at the head of every printed document, and one
digit style (Thai ๐–๙ or Arabic 0–9) for a whole document. Set by an admin (/admin/office); until then
documents carry no emblem at all (never the app's icon) and Thai digits, as official documents do."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import msgspec
from markupsafe import Markup, escape

from server.notice import Notice, Refused

DIGITS = ("thai", "arabic")
MAX_EMBLEM_BYTES = 300 * 1024
#: What an emblem may be, by its first bytes (never by the name or type the browser sends).
IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
TEXT_BETWEEN_TAGS = re.compile(r"(<[^>]*>|&#?\w+;)")


class Office(msgspec.Struct, frozen=True):
    name: str = ""
    address: str = ""
    digits: str = "thai"
    emblem_uri: str = ""  # a data: URI, so the print view and the PDF need no other request


def load(conn: Any) -> Office:
    row = conn.execute(
        "SELECT name, address, digits, emblem, emblem_type FROM office WHERE id = 1"
    ).fetchone()
    if row is None:
        return Office()
    name, address, digits, emblem, kind = row
    uri = f"data:{kind};base64,{base64.b64encode(emblem).decode()}" if emblem else ""
    return Office(name or "", address or "", digits if digits in DIGITS else "thai", uri)


def image_type(data: bytes) -> str | None:
    return next((kind for magic, kind in IMAGE_TYPES if data.startswith(magic)), None)


def parse(values: dict[str, Any], emblem: bytes | None) -> dict[str, Any]:
    """The admin form's fields as a row; Refused("invalid_office") with every reason otherwise.
    `emblem`: None keeps the current one, b"" removes it."""
    reasons = []
    name = " ".join(str(values.get("name") or "").split())
    address = " ".join(str(values.get("address") or "").split())
    digits = str(values.get("digits") or "")
    if len(name) > 200 or len(address) > 300:
        reasons.append(Notice("The name or the address is too long"))
    if digits not in DIGITS:
        reasons.append(Notice("Choose Thai or Arabic digits"))
    row: dict[str, Any] = {"name": name, "address": address, "digits": digits}
    if emblem:
        kind = image_type(emblem)
        if kind is None:
            reasons.append(Notice("The emblem must be a PNG or JPEG image"))
        elif len(emblem) > MAX_EMBLEM_BYTES:
            reasons.append(Notice("The emblem is larger than 300 KB"))
        row |= {"emblem": emblem, "emblem_type": kind}
    elif emblem == b"":
        row |= {"emblem": None, "emblem_type": None}
    if reasons:
        raise Refused("invalid_office", *reasons)
    return row


def save_tx(db: Any, row: dict[str, Any]) -> None:
    db["office"].upsert({"id": 1, **row, "updated_at": dt.datetime.now(dt.UTC).isoformat()}, pk="id")


def digits(html: str, style: str) -> Markup:
    """Every digit of the text (never inside a tag: URLs and attributes stay) in one style."""
    table = TO_THAI if style == "thai" else TO_ARABIC
    parts = TEXT_BETWEEN_TAGS.split(str(html))
    return Markup("".join(p if p.startswith(("<", "&")) else p.translate(table) for p in parts))  # noqa: S704 - markup in, markup out


def kept_words(text: str) -> Markup:
    """A heading's text marked to keep its Thai words whole on paper: the PDF is made with each word in a
    `nowrap` span (`whole_words`, in the report worker, where PyThaiNLP's dictionary is loaded once);
    Chromium's print view breaks Thai between dictionary words by itself."""
    return Markup('<span class="kept">%s</span>') % text


KEPT = re.compile(r'<span class="kept">([^<]*)</span>')


def whole_names(names: Iterable[str]) -> Markup:
    """People's names, comma separated, each part of a name (title and first name, surname) in a `nowrap`
    span: a line breaks between the parts only. Pango and Chromium break Thai at dictionary words, which
    splits a name they do not know (ศน.วิภา|วรรณ) in a narrow column."""
    return Markup(", ").join(
        Markup(" ").join(Markup('<span class="w">%s</span>') % part for part in name.split())
        for name in names
    )


def whole_words(html: str) -> str:
    """Each marked heading's words (PyThaiNLP newmm) in a `nowrap` span with a zero-width space between
    them: a line breaks between two words only. Pango breaks Thai at libthai's dictionary words, which
    splits a name it does not know."""
    from pythainlp.tokenize import word_tokenize

    def words(found: re.Match[str]) -> str:
        plain = Markup(found[1]).unescape()  # noqa: S704 - escaped text in, escaped text out
        return "".join(
            str(escape(w)) if w.isspace() else f'<span class="w">{escape(w)}</span>\u200b'
            for w in word_tokenize(plain, engine="newmm", keep_whitespace=True)
        )

    return KEPT.sub(words, html)
