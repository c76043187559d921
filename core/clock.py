"""The area office's clock: today's date and the time now in its zone, whatever the server's OS zone.

The zone is the server's setting (`NITHET_TZ`, server/config.py `Settings.timezone`), installed once at
start by `use_zone`; until then, and in code run without a server (the rule engine's tests), it is
Asia/Bangkok, the zone of every Thai area office.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Bangkok"
_zone = ZoneInfo(DEFAULT_ZONE)


def use_zone(name: str) -> None:
    """Install the configured zone (an IANA name such as `Asia/Bangkok`); an unknown name raises."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def now() -> dt.datetime:
    """The time now, aware, in the area office's zone."""
    return dt.datetime.now(_zone)


def today() -> dt.date:
    """The area office's date."""
    return now().date()
