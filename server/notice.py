"""A message translated when shown, not when made.

Rules run on the writer thread or a reader thread, where the request's language is not set; they return
`Notice`s (an English message id and its values) and the page or the handler turns them into text.
"""

from __future__ import annotations

from typing import Any

import msgspec

from server.i18n import _


class Notice(msgspec.Struct, frozen=True):
    msgid: str
    params: dict[str, Any] = {}

    def __str__(self) -> str:
        return _(self.msgid) % self.params if self.params else _(self.msgid)


class Refused(Exception):
    """A rule said no: a stable code from the catalog (core/problems.py) and the reasons, as notices."""

    def __init__(self, code: str, *reasons: Notice):
        self.code, self.reasons = code, list(reasons)
        super().__init__(code)

    def messages(self) -> list[str]:
        return [str(r) for r in self.reasons]
