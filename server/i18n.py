"""The one translation mechanism: gettext catalogs (Babel .po files), Thai first, English second.

Message ids are English; `th` is the default locale. The same catalog feeds Jinja2 (`_()`), the
server's problem titles, and the tablet's JavaScript (a JSON island rendered into each page).
"""

from __future__ import annotations

import contextvars
import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("th", "en")
DEFAULT = "th"
LOCALE_DIR = Path(__file__).parent / "locale"

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
