"""The form definition as the tablet's JS reads it: the `#form-def` island of a form page (ADR 0017).

The page itself shows the labels, hints and level descriptions; the JS (pwa/static/js/form/, rules.js,
validate.js, derive.js, widgets.js) reads the rules, the kinds, the choices and the labels it draws itself
(conflicts, feedback), and a hint only for the names its `${…}` shows. So the island leaves out what no
script reads: the form's description, the rating levels, hints without `${…}`, and on a Thai page the
English half of every label (feedback.js shows `en` only on an English page).
"""

from __future__ import annotations

from typing import Any

import msgspec
from markupsafe import Markup

from forms.model import Field, FormDef, Label, Section
from server.pages import island


def form_island(form: FormDef, lang: str) -> Markup:
    return island(_slim(form, lang))


def _slim(value: Any, lang: str) -> Any:
    if isinstance(value, Label):
        return value if lang == "en" else Label(value.th)
    if isinstance(value, msgspec.Struct):
        changes = {name: _slim(getattr(value, name), lang) for name in value.__struct_fields__}
        if (
            isinstance(value, Field | Section)
            and value.hint is not None
            and "${" not in value.hint.th + value.hint.en
        ):
            changes["hint"] = None
        if isinstance(value, Field):
            changes["levels"] = ()
        if isinstance(value, FormDef):
            changes["description"] = None
        return msgspec.structs.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_slim(item, lang) for item in value)
    if isinstance(value, dict):
        return {key: _slim(item, lang) for key, item in value.items()}
    return value
