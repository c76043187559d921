"""The tablet's message catalogue: the translations of the JS's message ids (and the problem titles), one
file per language named by its content hash (/static/i18n/th.<hash>.js), served and precached like a
static file instead of inlined in every page. A changed translation is a new URL, so a tablet fetches it
with the next update of the app shell; an unchanged one is cached once (ADR 0017)."""

from __future__ import annotations

import hashlib
from functools import cache

import msgspec

from core.problems import CATALOG
from server.i18n import LOCALES, current_locale, js_msgids, translations
from server.static import BUILD, StaticFile


def strings(locale: str) -> dict[str, str]:
    """The JS's message ids and `problem.<code>` titles in `locale`, leaving out those that translate to
    themselves: `t()` answers the id itself when it has no entry (pwa/static/js/i18n.js)."""
    gettext = translations(locale).gettext
    found = {msgid: gettext(msgid) for msgid in js_msgids()}
    found |= {f"problem.{code}": gettext(problem.title) for code, problem in CATALOG.items()}
    return {key: text for key, text in found.items() if text != key}


@cache
def bodies() -> dict[str, tuple[str, bytes]]:
    """Per language: the file's path under /static/ and its body, a classic script that sets the catalogue
    before the page's modules run (it is loaded with `defer` in base.html, ahead of them)."""
    out = {}
    for locale in LOCALES:
        body = b"self.NITHET_MESSAGES = " + msgspec.json.encode(strings(locale)) + b";\n"
        out[locale] = (f"i18n/{locale}.{hashlib.sha256(body).hexdigest()[:12]}.js", body)
    return out


def url(locale: str | None = None) -> str:
    """The catalogue of `locale` (the request's language when not given)."""
    return "/static/" + bodies()[locale or current_locale.get()][0]


def urls() -> tuple[str, ...]:
    """Every language's catalogue: both are precached, so a page in either language finds its own offline."""
    return tuple(url(locale) for locale in LOCALES)


def files() -> dict[str, StaticFile]:
    """The catalogues as static files (compressed once, served by server/static.py)."""
    return {path: StaticFile(path, body, BUILD) for path, body in bodies().values()}
