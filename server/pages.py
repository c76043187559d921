"""What every page is rendered with: the user, the language, and where the tablet's JS finds its strings."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import Request
from litestar.response import Template
from markupsafe import Markup

from forms.model import PHOTO_MAX_BYTES, PHOTO_MAX_SIDE, PHOTO_TYPES
from forms.validate import MAX_LINKED, RATING_RANGE, TEXT_LIMIT_DEFAULT, TEXT_LIMITS
from server import js_catalog
from server.i18n import current_locale


@cache
def limits() -> Markup:
    """The limits the server enforces that the tablet checks before sending (pwa/static/js/limits.js)."""
    return island(
        {
            "text": TEXT_LIMITS,
            "text_default": TEXT_LIMIT_DEFAULT,
            "linked_max": MAX_LINKED,
            "rating": RATING_RANGE,
            "photo_max_bytes": PHOTO_MAX_BYTES,
            "photo_max_side": PHOTO_MAX_SIDE,
            "photo_types": PHOTO_TYPES,
        }
    )


def island(value: Any) -> Markup:
    """JSON safe to place inside <script type="application/json">: no `<` can close the element."""
    return Markup(msgspec.json.encode(value).decode().replace("<", "\\u003c"))  # noqa: S704 - escaped above


def page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    user = request.scope.get("user")
    return Template(
        template_name=template,
        context={
            "user": user,
            "lang": current_locale.get(),
            "messages_url": js_catalog.url(),
            "limits": limits(),
            "build": request.app.state.build,
            "request_path": request.url.path,
            "office": request.app.state.office,
            "menu": request.app.state.menu.for_role(user.role) if user else [],
            "may": lambda path: user is not None and request.app.state.menu.may(user.role, path),
            **context,
        },
    )
