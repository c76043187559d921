"""The steps report handlers share, as Litestar dependencies (`Provide`), installed app-wide (server/app.py).

A handler asks for one by naming it as a parameter, and gets it resolved (once per request) before its body
runs:
- `network_name`: the name of the path's `network_id`; 404 when it is missing or the user cannot see it;
- `terms`: the semesters as set (server/terms.py `load_terms`);
- `chosen`: the period of `?period=` (a semester, fiscal half or quarter; today's semester when absent);
- `choices`: the periods a report page offers;
- `own`: the period of a user's own report (`/reports/mine/{kind}?period=`): a week or a fiscal half.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException

from core import clock
from core.actor import Actor
from server.access import require_network
from server.calendar import Term
from server.reports import activity, summary
from server.reports import period as periods
from server.reports.period import Period
from server.terms import load_terms

#: How a handler names a step it needs (Litestar injects a parameter of these types by its name).
NetworkName = NamedDependency[str]
Terms = NamedDependency[list[Term]]
Chosen = NamedDependency[Period]
Choices = NamedDependency[list[Period]]


class OwnPeriod(NamedTuple):
    """A duty log's week (keyed by its Monday) or a six-month report's fiscal half (`half`)."""

    key: str
    first: dt.date
    last: dt.date
    half: Period | None


Own = NamedDependency[OwnPeriod]


async def network_name(request: Request[Actor, Any, Any], network_id: str) -> str:
    require_network(request.user, network_id)
    name = await request.app.state.db.read(summary.network_name, network_id)
    if name is None:
        raise NotFoundException()
    return str(name)


async def terms(request: Request[Any, Any, Any]) -> list[Term]:
    return list(await request.app.state.db.read(load_terms))


def chosen(terms: Terms, period: str | None = None) -> Period:
    return periods.parse(period, terms, clock.today())


def choices(terms: Terms) -> list[Period]:
    return periods.choices(terms, clock.today())


def own_period(kind: str, period: str | None = None) -> OwnPeriod:
    """An unknown kind is 404; an unreadable week is this week; a key that is not a fiscal half is today's."""
    if kind not in activity.KINDS:
        raise NotFoundException()
    today = clock.today()
    if kind == "weekly":
        try:
            day = dt.date.fromisoformat(period) if period else today
        except ValueError:
            day = today
        monday, friday = activity.week_of(day)
        return OwnPeriod(monday.isoformat(), monday, friday, None)
    half = periods.parse(period if period and period.startswith("fy") else None, [], today)
    if half.kind != "half":
        half = periods.of_half(today)
    return OwnPeriod(half.key, half.start, half.end, half)


DEPENDENCIES = {
    "network_name": Provide(network_name),
    "terms": Provide(terms),
    "chosen": Provide(chosen, sync_to_thread=False),
    "choices": Provide(choices, sync_to_thread=False),
    "own": Provide(own_period, sync_to_thread=False),
}
