"""Password rules for every password a person chooses (a change, the first admin at `init`): at least 12
characters, not one of the 30,000 most common passwords (the list shipped in the `zxcvbn` package), and
not the username or containing it. Generated one-time passwords expire after 48 hours and must be changed
at the first login."""

from __future__ import annotations

import datetime as dt
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from server.notice import Notice

MIN_LENGTH = 12
#: How long a one-time password (a new account, a reset) can be used for the first login.
ONE_TIME_HOURS = 48


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def problems(password: str, username: str) -> list[Notice]:
    """What is wrong with a chosen password; empty when it may be used."""
    out = []
    if len(password) < MIN_LENGTH:
        out.append(Notice("A password needs at least %(n)s characters", {"n": MIN_LENGTH}))
    if password.lower() in _common():
        out.append(Notice("This password is one of the most common ones; choose another"))
    name = username.strip().lower()
    if name and name in password.lower():
        out.append(Notice("The password must not contain the username"))
    return out


def one_time_expiry(now: dt.datetime) -> str:
    return (now + dt.timedelta(hours=ONE_TIME_HOURS)).isoformat()
