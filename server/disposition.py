"""`Content-Disposition` for downloads (RFC 6266): an ASCII `filename` for old clients and the real name
as `filename*=UTF-8''…` (RFC 8187), percent-encoded, so no value a request carries (a Thai school name, a
quote, a `;`) can break the header or add a parameter of its own."""

from __future__ import annotations

import re
from urllib.parse import quote

_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    fallback = _NOT_ASCII_SAFE.sub("_", filename)[:150]
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename[:150], safe='')}"
