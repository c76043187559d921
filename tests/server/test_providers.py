"""The report handlers' shared steps (server/routes/providers.py) answer as the handlers did before them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/reports/network/N99", "/reports/network/N99/print", "/reports/network/N99/visits",
        "/reports/network/N99/travel", "/reports/network/N99/export.xlsx", "/reports/network/N99/export.csv",
        "/reports/network/N99/themes", "/reports/network/N99/notebook/49010001/2025-06-11/morning",
        "/submissions/network/N99/new", "/reports/network/N03", "/submissions/network/N03/new",
    ],
)  # fmt: skip
def test_a_network_missing_or_out_of_sight_is_a_problem_404_on_every_network_page(login, path: str) -> None:
    """The `network_name` step (server/routes/providers.py) answers as the handlers did: 404 problem JSON."""
    r = login("secretary1").get(f"{path}?period=2568-1")
    assert r.status_code == 404, (path, r.status_code)
    assert r.headers["content-type"].startswith("application/problem+json")


def test_the_period_steps_keep_their_answers(login) -> None:
    client = login("supervisor1")
    assert client.get("/reports/mine/monthly").status_code == 404  # an unknown kind of own report
    week = client.get("/reports/mine/weekly?period=not-a-date")  # an unreadable week: this week
    assert week.status_code == 200
    assert client.get("/reports/network/N01?period=2999-9").status_code == 200  # unknown: this semester
