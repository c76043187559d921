"""The tablet holding a year of records, in Chromium under 4× CPU throttling (DevTools protocol):
keystroke → answer committed in IndexedDB while typing Thai into an observation, and the Today screen.

Budgets (issue 16): keystroke to saved ≤ 50 ms at the 95th percentile and Today ≤ 500 ms, with 2,000
records on the tablet. Keystroke time is the `input` event's timestamp; saved is the form's `nithet:saved`
event, dispatched once the IndexedDB transaction holding that text has committed (durability strict).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import uuid
from typing import Any

from bench.data import answers, load_schools, random_date
from bench.nithet import PASSWORD, fresh_db, server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: supervisor1's networks in the demo data.
NETWORKS = {"N01", "N02"}
TYPED = "ครูทักทายนักเรียนด้วยรอยยิ้มและเรียกชื่อนักเรียนทุกคน นักเรียนกล้าถามคำถามและตอบคำถามด้วยความมั่นใจ "
BUDGET_KEY_P95_MS = 50
BUDGET_TODAY_MS = 500

SEED_JS = """async (rows) => {
  const store = await import('/static/js/store.js');
  const db = await store.open();
  await new Promise((resolve, reject) => {
    const t = db.transaction(['records'], 'readwrite');
    for (const r of rows) t.objectStore('records').put(r);
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
  });
  return rows.length;
}"""


def year_of_records(db_path: Any, count: int, seed: int = 16) -> list[dict[str, Any]]:
    """`count` synced observations of supervisor1's networks, as the tablet stores pulled records."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    schools = load_schools(db_path, NETWORKS)
    out = []
    for _ in range(count):
        school = rng.choice(schools)
        day = random_date(rng)
        rev = f"r-1-{rng.getrandbits(48):012x}"
        # Synced within the last 180 days: what a tablet keeps after pruning (the previous semester on).
        synced = now - dt.timedelta(seconds=rng.randint(0, 180 * 86400))
        stamp = synced.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        out.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "form_id": "observation", "form_version": 1, "answers": answers(rng, school, day),
            "visit_id": None, "author_id": 1, "rev": rev, "base_rev": rev, "synced_rev": rev,
            "state": "synced", "origin": "server", "created_at": stamp, "updated_at": stamp,
        })  # fmt: skip
    return out


def wait_for(page: Any, expression: str, seconds: float = 120) -> None:
    """Poll a JS expression until it is truthy (the app's CSP forbids page.wait_for_function's eval)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise TimeoutError(expression)


def seed_tablet(page: Any, records: list[dict[str, Any]], chunk: int = 500) -> None:
    """Put the records into the open page's IndexedDB (the app's own store module)."""
    for i in range(0, len(records), chunk):
        page.evaluate(SEED_JS, records[i : i + chunk])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def typing_latency(page: Any, keys: int) -> dict[str, Any]:
    """Type `keys` Thai characters at one per 100 ms into the observation's strengths; per key, the time
    from its input event to the first committed save holding it."""
    page.evaluate("""() => {
      window.__keys = []; window.__saves = [];
      document.addEventListener('input', (e) => {
        if (e.target.name === 'strengths') window.__keys.push([e.timeStamp, e.target.value.length]);
      }, true);
      window.addEventListener('nithet:saved', (e) => {
        window.__saves.push([performance.now(), (e.detail.answers.strengths || '').length]);
      });
    }""")
    text = (TYPED * (keys // len(TYPED) + 1))[:keys]
    box = page.locator("textarea[name=strengths]")
    box.scroll_into_view_if_needed()
    box.focus()
    page.keyboard.type(text, delay=100)
    deadline = 180_000
    page.wait_for_timeout(200)
    waited = 0
    while waited < deadline:
        saves = page.evaluate("window.__saves")
        if saves and saves[-1][1] >= len(text):
            break
        page.wait_for_timeout(250)
        waited += 250
    key_rows = page.evaluate("window.__keys")
    saves = page.evaluate("window.__saves")
    lat = []
    for at, length in key_rows:
        done = next((t for t, n in saves if n >= length and t >= at), None)
        if done is not None:
            lat.append(done - at)
    return {
        "keys": len(key_rows),
        "saves": len(saves),
        "unsaved_keys": len(key_rows) - len(lat),
        "p50_ms": round(statistics.median(lat), 1) if lat else None,
        "p95_ms": round(percentile(lat, 95), 1) if lat else None,
        "max_ms": round(max(lat), 1) if lat else None,
    }


def today_ms(page: Any, base: str, runs: int) -> dict[str, Any]:
    """Navigation start to the Today card drawn from IndexedDB (the `nithet:today` performance mark)."""
    times = []
    for n in range(runs + 1):
        page.goto(f"{base}/")
        for _ in range(600):
            mark = page.evaluate("performance.getEntriesByName('nithet:today')[0]?.startTime ?? null")
            if mark is not None:
                if n:  # the first load after seeding warms up (IndexedDB compaction, the first sync)
                    times.append(mark)
                break
            page.wait_for_timeout(50)
    return {
        "runs_ms": [round(t) for t in times],
        "median_ms": round(statistics.median(times)) if times else None,
    }


def measure(
    browser: Any, base: str, db_path: Any, count: int, keys: int, runs: int, log: Any
) -> dict[str, Any]:
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, locale="th-TH", timezone_id="Asia/Bangkok", has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", "supervisor1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        wait_for(page, "document.getElementById('last-sync')?.textContent.trim() !== '–'")
        records = year_of_records(db_path, count)
        seed_tablet(page, records)
        size = len(json.dumps(records, ensure_ascii=False).encode())
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        today = today_ms(page, base, runs)
        log(f"tablet {count} records: today {today}")
        page.goto(f"{base}/forms/observation/1")
        wait_for(page, "document.body.dataset.formReady === 'true'")
        typing = typing_latency(page, keys)
        log(f"tablet {count} records: typing {typing}")
        return {"records": count, "bytes": size, "today": today, "typing": typing}
    finally:
        context.close()


def run(runs: int, counts: tuple[int, ...] = (0, 2000), keys: int = 200, log: Any = print) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {
        "throttling": 4,
        "budgets": {"key_p95_ms": BUDGET_KEY_P95_MS, "today_ms": BUDGET_TODAY_MS},
        "sizes": [],
    }
    db = fresh_db("tablet")
    with server(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for count in counts:
                out["sizes"].append(measure(browser, base, db, count, keys, runs, log))
        finally:
            browser.close()
    return out


def report(r: dict[str, Any]) -> list[str]:
    """The RESULTS.md section."""
    verdict = lambda ok: "**pass**" if ok else "**miss**"  # noqa: E731
    lines = [
        "## The tablet holding a year of records",
        "",
        f"Chromium at 820×1180, th-TH, CPU throttled {r['throttling']}× (DevTools `Emulation.setCPUThrottlingRate`);"
        " synced observations seeded into IndexedDB; typing Thai into the observation's strengths at one key"
        " per 100 ms; keystroke = the `input` event, saved = the `nithet:saved` event after the commit.",
        "",
        "| records on the tablet | MB | keystroke→saved p50 | p95 | max | keys not saved | Today (median) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in r["sizes"]:
        k, today = s["typing"], s["today"]
        lines.append(
            f"| {s['records']:,} | {s['bytes'] / 1e6:.1f} | {k['p50_ms']} ms | {k['p95_ms']} ms | {k['max_ms']} ms"
            f" | {k['unsaved_keys']} | {today['median_ms']} ms |"
        )
    big = max(r["sizes"], key=lambda s: s["records"])
    lines += [
        "",
        f"Budgets with {big['records']:,} records: keystroke→saved p95 ≤ {r['budgets']['key_p95_ms']} ms"
        f" {verdict((big['typing']['p95_ms'] or 1e9) <= r['budgets']['key_p95_ms'])};"
        f" Today ≤ {r['budgets']['today_ms']} ms {verdict((big['today']['median_ms'] or 1e9) <= r['budgets']['today_ms'])}.",
        "",
    ]
    return lines
