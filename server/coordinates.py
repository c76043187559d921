"""Where the schools and the area office are (WGS84 degrees), for the travel report's distances
(server/reports/visits.py). Set from the schools reference import (columns ละติจูด / ลองจิจูด) or on
/admin/coordinates; a pair is both or neither, inside Thailand's extent."""

from __future__ import annotations

from typing import Any

from core.actor import Actor
from core.sequences import next_seq
from server.notice import Notice

#: Thailand's extent with a margin (the mainland and the islands): a point outside is a typo or swapped.
LATITUDE = (5.5, 20.6)
LONGITUDE = (97.3, 105.7)
Point = tuple[float | None, float | None]


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").strip())
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None  # not NaN, not infinite


def parse(latitude: Any, longitude: Any) -> tuple[Point, list[Notice]]:
    """A (latitude, longitude) pair from two texts; both empty is no point. Errors name the rule broken."""
    lat_text, lon_text = str(latitude or "").strip(), str(longitude or "").strip()
    if not lat_text and not lon_text:
        return (None, None), []
    if not lat_text or not lon_text:
        return (None, None), [Notice("Give both the latitude and the longitude, or neither")]
    lat, lon = _number(lat_text), _number(lon_text)
    errors = []
    if lat is None or lon is None:
        errors.append(Notice("The latitude and the longitude must be numbers in degrees, such as 16.5433"))
    elif not LATITUDE[0] <= lat <= LATITUDE[1] or not LONGITUDE[0] <= lon <= LONGITUDE[1]:
        swapped = LATITUDE[0] <= lon <= LATITUDE[1] and LONGITUDE[0] <= lat <= LONGITUDE[1]
        errors.append(
            Notice("The latitude and the longitude look swapped")
            if swapped
            else Notice("%(lat)s, %(lon)s is outside Thailand", {"lat": lat_text, "lon": lon_text})
        )
    return (
        (round(lat, 6), round(lon, 6)) if lat is not None and lon is not None and not errors else (None, None)
    ), errors


def read_page(
    posted: dict[str, tuple[str, str]], codes: list[str]
) -> tuple[Point, dict[str, Point], dict[str, list[Notice]]]:
    """The /admin/coordinates page's pairs (texts by `office` or school code): the office's point, the points
    of the schools of `codes` that were on the page (another school is left as it is), and the errors by
    `office` or school code."""
    office_point, office_errors = parse(*posted.get("office", ("", "")))
    points, errors = {}, {"office": office_errors}
    for code in codes:
        if code in posted:
            points[code], errors[code] = parse(*posted[code])
    return office_point, points, {k: v for k, v in errors.items() if v}


def schools(conn: Any, actor: Actor) -> list[dict[str, Any]]:
    """The actor's schools by network, with their coordinates."""
    rows = conn.execute(
        "SELECT s.code, s.name, s.network_id, n.name, s.latitude, s.longitude FROM schools s "
        "JOIN networks n ON n.id = s.network_id ORDER BY s.network_id, s.code"
    ).fetchall()
    return [
        {"code": c, "name": name, "network_id": nid, "network": network, "latitude": lat, "longitude": lon}
        for c, name, nid, network, lat, lon in rows
        if actor.can_see(nid)
    ]


def office(conn: Any) -> Point:
    row = conn.execute("SELECT latitude, longitude FROM office WHERE id = 1").fetchone()
    return (row[0], row[1]) if row else (None, None)


def save_tx(db: Any, office_point: Point, school_points: dict[str, Point]) -> int:
    """The office's point and the schools' that changed (each school with a new change number, as every
    write to a synced table takes); returns how many schools changed."""
    db["office"].upsert({"id": 1, "latitude": office_point[0], "longitude": office_point[1]}, pk="id")
    stored = {c: (lat, lon) for c, lat, lon in db.execute("SELECT code, latitude, longitude FROM schools")}
    changed = [code for code, point in school_points.items() if code in stored and stored[code] != point]
    for code in changed:
        db.execute(
            "UPDATE schools SET latitude = ?, longitude = ?, seq = ? WHERE code = ?",
            [*school_points[code], next_seq(db), code],
        )
    return len(changed)
