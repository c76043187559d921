"""One rule for free text everywhere, on the tablet (`pwa/static/js/text.js`) and the server, checked by
the shared vectors in `forms/vectors/text.json`.

Text pasted from another program can carry control characters (U+0000, U+000B, U+001B …) that no
spreadsheet, XML file or PDF can hold. `clean_text` keeps tab and newline, turns a carriage return (alone
or in CRLF) into a newline, drops every other C0/C1 control character and DEL, replaces a lone surrogate
with U+FFFD, and normalizes to NFC, so the same Thai text typed on two keyboards is one value.
Length limits are the form's (`forms/validate.py`), checked on the cleaned text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: C0 controls except tab (U+0009) and newline (U+000A), DEL, the C1 controls; lone surrogates.
_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATE.sub("\ufffd", _DROP.sub("", text))
    return unicodedata.normalize("NFC", text)


def clean_all(value: Any) -> Any:
    """`clean_text` on every string of an answer set, keys included (the answers' nesting is bounded
    before they are decoded: `sync/depth.py`)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_all(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_all(v) for k, v in value.items()}
    return value
