"""The one translation mechanism: gettext catalogs (Babel .po files), Thai first, English second.

Message ids are English; `th` is the default locale. The same catalog feeds Jinja2 (`_()`), the
server's problem titles, and the tablet's JavaScript (a JSON island rendered into each page): Babel
extracts the JS's `t('…')` and `N_('…')` calls (`extract_tablet_js` below, the `tablet_js` method of
babel.cfg), so the catalog and the island hold exactly the ids the JS uses.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Iterator
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from babel.messages.extract import extract_from_dir, extract_javascript
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("th", "en")
DEFAULT = "th"
LOCALE_DIR = Path(__file__).parent / "locale"

#: The tablet's JavaScript, and the functions that mark a message id in it (pwa/static/js/i18n.js).
JS_DIR = Path(__file__).resolve().parent.parent / "pwa" / "static" / "js"
JS_KEYWORDS = ("t", "N_")

current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def pick(requested: str | None) -> str:
    return requested if requested in LOCALES else DEFAULT


def gettext_(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def _(message: str) -> str:
    return gettext_(message)


def extract_tablet_js(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel's JavaScript extractor with the tablet's keywords (`t`, `N_`: the first argument is the id) and
    template strings read. An entry point (pyproject.toml) names it `tablet_js` for babel.cfg, so
    `scripts/messages.py` puts the JS's strings in the catalog without `t` becoming a keyword of the
    Python sources."""
    options = {**options, "parse_template_string": True}
    for lineno, _funcname, messages, comments in extract_javascript(
        fileobj, dict.fromkeys(JS_KEYWORDS), comment_tags, options
    ):
        yield lineno, None, messages, comments  # no funcname: Babel reads the first argument


@cache
def js_msgids() -> tuple[str, ...]:
    """The message ids the tablet's JS translates, extracted as babel.cfg says, once per process."""
    found = extract_from_dir(str(JS_DIR), method_map=[("**.js", "tablet_js")], keywords={}, comment_tags=())
    return tuple(
        sorted({msgid for _file, _line, msgid, _comments, _context in found if isinstance(msgid, str)})
    )
