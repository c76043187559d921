"""A network's report as it is sent up the chain (server/submissions.py): the quantitative summary, the
qualitative compile and the travel report of one period, as plain JSON values — the frozen figures a
submitted version keeps — and the comparison of those figures with today's."""

from __future__ import annotations

from typing import Any

import msgspec

from forms.model import Label
from server.reports import practice, summary, themes, trips, visits
from server.reports.common import form

#: Parts of the summary that are form wording, not figures: taken live when a frozen version is shown.
LIVE = ("labels", "band_labels")


def _plain(value: Any) -> Any:
    return msgspec.json.decode(msgspec.json.encode(value))


def figures(conn: Any, network_id: str, first: str, last: str) -> dict[str, Any]:
    data = summary.network_summary(conn, network_id, first, last)
    plain: dict[str, Any] = _plain({k: v for k, v in data.items() if k not in LIVE})
    return plain


def network_report(conn: Any, network_id: str, first: str, last: str, lang: str = "th") -> dict[str, Any]:
    found = themes.compile_themes(conn, network_id, first, last, "", lang)
    found.pop("fresh")
    travel = _plain(visits.travel(conn, network_id, first, last))
    return {
        "summary": figures(conn, network_id, first, last),
        "themes": _plain(found),
        "travel": travel,
        "travel_days": _plain(trips.days(conn, network_id, travel)),
    }


def _relabel(value: Any) -> Any:
    """Labels ({"th": …, "en": …}) frozen inside the figures become Labels again."""
    if isinstance(value, dict):
        if "th" in value and set(value) <= {"th", "en"}:
            return Label(**value)
        return {k: _relabel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_relabel(v) for v in value]
    return value


def with_labels(conn: Any, frozen: dict[str, Any]) -> dict[str, Any]:
    """A frozen summary with the forms' wording put back, ready for reports/_summary.html."""
    _, band_labels = practice.cutoffs(form(conn, "observation"))
    return {**_relabel(frozen), "labels": summary.labels(conn), "band_labels": band_labels}
