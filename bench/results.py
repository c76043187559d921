"""Turn the raw results into bench/RESULTS.md: medians, ratios, budgets, and every failure stated."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench import budgets, uploads
from bench.tablet import report as tablet_report

NOTES = Path(__file__).with_name("NOTES.md")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ok(runs: list[dict[str, Any]], key: str) -> list[float]:
    return [r[key] for r in runs if "error" not in r and key in r]


def _errors(runs: list[dict[str, Any]]) -> list[str]:
    return sorted({r["error"] for r in runs if "error" in r})


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**pass**" if ok else "**miss**")


def _machine(m: dict[str, Any]) -> list[str]:
    return [
        "## Machine",
        "",
        f"- {m['cores']} cores, {m['cpu']}, {m['memory']} memory; {m['os']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}, Node {m['node']}, {' '.join(m['chromium'])}",
        f"- pouchdb-server {m['pouchdb-server']}, lighthouse {m['lighthouse']} (npm registry, installed at bench time)",
        f"- app commit `{m['commit']}` on branch `{m['branch']}`",
        "",
    ]


def _ingest(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return ["## Sync ingest", "", f"Failed: {r['error']}", ""]
    n, runs = r["count"], r["runs"]
    a, b, c, d = runs["a"], runs["b"], runs["c"], runs["d"]
    med = {
        "a": _median(_ok(a, "push_s")),
        "e": _median(_ok(a, "replay_s")),
        "b": _median(_ok(b, "s")),
        "c": _median(_ok(c, "s")),
        "d": _median(_ok(d, "plain_s")),
        "d2": _median(_ok(d, "app_schema_s")),
    }
    rate = {k: (n / v if v else None) for k, v in med.items()}

    def fmt(k: str) -> str:
        return f"{rate[k]:,.0f}" if rate[k] else "failed"

    def runs_s(rows: list[dict[str, Any]], key: str) -> str:
        return ", ".join(f"{x[key]:.2f}" for x in rows if key in x) or "—"

    lines = [
        "## Sync ingest",
        "",
        f"{n:,} observation records (mean {r['mean_record_bytes']:,.0f} bytes of JSON each, Thai field notes),"
        f" generated deterministically over {r['schools']} schools of {r['networks']} demo networks, every one"
        " checked with `forms.validate.validate()`. Same records, same machine, same run; each run on a fresh"
        " database (Nithet: the demo seed; pushed as `admin`, who sees every network).",
        "",
        "| step | median s | records/s | runs (s) |",
        "|---|---:|---:|---|",
        f"| (a) Nithet push, batches of 100, validation on | {med['a'] or 0:.2f} | {fmt('a')} | {runs_s(a, 'push_s')} |",
        f"| (b) pouchdb-server `_bulk_docs`, batches of 100, LevelDB on disk | {med['b'] or 0:.2f} | {fmt('b')} |"
        f" {runs_s(b, 's')} |",
        f"| (c) Nithet, one request per record | {med['c'] or 0:.2f} | {fmt('c')} | {runs_s(c, 's')} |",
        f"| (d) bare sqlite-utils `insert_all` of the `records` rows, plain table | {med['d'] or 0:.2f} |"
        f" {fmt('d')} | {runs_s(d, 'plain_s')} |",
        f"| (d′) same into the app schema (records + revisions rows, all indexes) | {med['d2'] or 0:.2f} |"
        f" {fmt('d2')} | {runs_s(d, 'app_schema_s')} |",
        f"| (e) replay of the same records to Nithet | {med['e'] or 0:.2f} | {fmt('e')} | {runs_s(a, 'replay_s')} |",
        "",
    ]
    vs_pouch = rate["a"] / rate["b"] if rate["a"] and rate["b"] else None
    vs_bare = rate["d"] / rate["a"] if rate["a"] and rate["d"] else None
    vs_bare2 = rate["d2"] / rate["a"] if rate["a"] and rate["d2"] else None
    lines += [
        "Ratios (of medians):",
        "",
        f"- Nithet ÷ pouchdb-server = **{vs_pouch:.2f}×**; budget ≥ 1.5×: {_verdict(vs_pouch >= 1.5)}"
        if vs_pouch
        else "- Nithet ÷ pouchdb-server: not measured",
        f"- Nithet ÷ the app-schema insert (d′) = **{1 / vs_bare2:.2f}×**; budget ≥ 0.5×: {_verdict(vs_bare2 <= 2)}"
        f" (÷ the plain-table insert (d): {1 / vs_bare:.2f}×)"
        if vs_bare and vs_bare2
        else "- Nithet ÷ bare insert: not measured",
        f"- replay (e) ÷ first ingest (a), speed = **{rate['e'] / rate['a']:.1f}×**; budget ≥ 5×:"
        f" {_verdict(rate['e'] / rate['a'] >= 5)}"
        if rate["a"] and rate["e"]
        else "- replay: not measured",
        f"- batches of 100 ÷ one request per record = {rate['a'] / rate['c']:.1f}×"
        if rate["a"] and rate["c"]
        else "",
        "",
        "Checks:",
        "",
    ]
    for x in a:
        if "error" in x:
            continue
        lines.append(
            f"- (a) receipts {x['push_status']}, `records` rows {x['rows']:,}; (e) replay receipts {x['replay_status']}"
            f" — {'ok' if x['push_status'] == {'stored': n} and x['replay_status'] == {'duplicate': n} else 'NOT OK'}"
        )
    for x in b:
        if "error" not in x:
            lines.append(f"- (b) ok {x['ok']:,}, errors {x['errors']}, doc_count {x['doc_count']:,}")
    for x in c:
        if "error" not in x:
            lines.append(f"- (c) receipts {x['status']}, rows {x['rows']:,}")
    for key, rows in runs.items():
        for e in _errors(rows):
            lines.append(f"- ({key}) FAILED: {e}")
    return [*lines, ""]


def _concurrency(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return ["## Concurrency", "", f"Failed: {r['error']}", ""]
    runs = [x for x in r["runs"] if "error" not in x]
    total = r["tablets"] * r["per_tablet"]
    lines = [
        "## Concurrency",
        "",
        f"{r['tablets']} simulated tablets (asyncio + httpx, one process), each its own login session as"
        f" `{r['user']}` and its own device_id, pushing {r['per_tablet']} records each in batches of"
        f" {r['batch']}, all at once after every tablet has logged in; fresh database per run.",
        "",
        "| run | wall s | records/s | p50 ms | p95 ms | max ms | errors | receipts | `records` rows |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for i, x in enumerate(r["runs"], start=1):
        if "error" in x:
            lines.append(f"| {i} | failed: {x['error']} |")
            continue
        lines.append(
            f"| {i} | {x['wall_s']:.2f} | {total / x['wall_s']:,.0f} | {x['p50_ms']:.0f} | {x['p95_ms']:.0f} |"
            f" {x['max_ms']:.0f} | {x['errors']} | {x['statuses']} | {x['rows']:,} |"
        )
    if runs:
        wall = _median([x["wall_s"] for x in runs])
        assert wall
        ok = all(x["errors"] == 0 and x["statuses"] == {"stored": total} and x["rows"] == total for x in runs)
        lines += [
            "",
            f"Median: {total / wall:,.0f} records/s, p50 {_median([x['p50_ms'] for x in runs]):.0f} ms,"
            f" p95 {_median([x['p95_ms'] for x in runs]):.0f} ms per request. Zero errors, every receipt"
            f" `stored` (no duplicates), `SELECT count(*) FROM records` = {total:,}: {'yes' if ok else 'NO'}.",
        ]
    return [*lines, ""]


def _chain(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return ["## Reports: themes and area report", "", f"Failed: {r['error']}", ""]
    name, first, last = r["semester"]
    return [
        "## Reports: themes and area report (bench/chain.py)",
        "",
        f"{r['size']:,} observations; semester {name} ({first} – {last}). Median of the runs, in-process on the"
        " SQLite file, as the handlers call them.",
        "",
        "| step | ms | budget |",
        "|---|---:|---|",
        f"| themes of {r['network']} ({r['themes_texts']:,} texts) after a change, phrases kept | **{r['themes_warm_ms']:.0f}** |"
        f" ≤ 1000: {_verdict(r['themes_warm_ms'] <= 1000)} |",
        f"| themes of {r['network']}, cold (every text segmented, once per record) | {r['themes_cold_ms']:.0f} | — |",
        f"| themes of {r['network']} again, nothing changed (kept) | {r.get('themes_kept_ms', float('nan')):.1f} | — |",
        f"| area report, {r['area_networks']} networks ({r['area_observations']:,} observations), not cached |"
        f" **{r['area_ms']:.0f}** | ≤ 1000: {_verdict(r['area_ms'] <= 1000)} |",
        f"| area report after a sync touched one network | **{r['area_one_changed_ms']:.0f}** |"
        f" ≤ 1000: {_verdict(r['area_one_changed_ms'] <= 1000)} |",
        f"| area report again, nothing changed (cached) | {r['area_cached_ms']:.1f} | — |",
        "",
        f"Load average during the run: {r['load_average']:.1f} (2 cores shared).",
        "",
    ]


def _reports(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return ["## Reports", "", f"Failed: {r['error']}", ""]
    name, first, last = r["semester"]
    lines = [
        "## Reports: network summary",
        "",
        f"Network {r['network']}, semester {name} ({first} – {last}). Databases generated straight into the"
        " app schema (migrations + demo seed, then `records` and `revisions` rows with sqlite-utils), records"
        " spread uniformly over the 243 schools (so networks by their school counts) and four semesters of two"
        " academic years. The summary = count, mean and 1–5 distribution per element (json_extract over"
        " `records.answers`), observations per school. Warm page cache; median of the runs.",
        "",
        "| observations | file | summary median ms | per query ms (count / per element / per school) |"
        " observations in the summary | without m003 index: median ms |",
        "|---:|---:|---:|---|---:|---:|",
    ]
    for size, x in r["sizes"].items():
        if "error" in x:
            lines.append(f"| {int(size):,} | failed: {x['error']} |")
            continue
        q = x["per_query_ms"]
        before = x.get("before_indexes")
        lines.append(
            f"| {int(size):,} | {x['file_mb'] / 1000:.1f} GB | **{x['median_ms']:.1f}** |"
            f" {q['count']:.1f} / {q['per_element']:.1f} / {q['per_school']:.1f} | {x['observations_in_summary']:,} |"
            f" {before['median_ms']:.0f} |"
            if before
            else f"| {int(size):,} | {x['file_mb'] / 1000:.1f} GB | **{x['median_ms']:.1f}** |"
            f" {q['count']:.1f} / {q['per_element']:.1f} / {q['per_school']:.1f} | {x['observations_in_summary']:,} | — |"
        )
    big = r["sizes"].get(max(r["sizes"], key=int), {})
    if "median_ms" in big:
        lines += [
            "",
            f"Budget ≤ 100 ms at {int(max(r['sizes'], key=int)):,}: {_verdict(big['median_ms'] <= 100)}"
            f" ({big['median_ms']:.0f} ms). Queries from {big['source']}.",
            "",
            "Database builds: "
            + "; ".join(
                f"{int(k):,}: "
                + (
                    f"built in {v['build_s']:.0f} s"
                    if v.get("build_s")
                    else "cached in bench/work from an earlier run"
                )
                for k, v in r["sizes"].items()
                if "error" not in v
            )
            + ".",
            "",
            "Query plans at the largest size:",
            "",
        ]
        lines += [f"- {k}: `{' / '.join(v)}`" for k, v in big["plans"].items()]
        if big.get("proto_scores"):
            p = big["proto_scores"]
            lines += [
                "",
                "Prototype of the proposed fix (bench only, not in the schema): mean and distribution per"
                " element from a narrow `bench_observation_scores_v2` table (one row per observation: network,"
                " visit date, the 9 scores; WITHOUT ROWID, primary key (network_id, visit_date, record_id)),"
                f" in one pass: **{p['median_ms']:.1f} ms** median.",
            ]
    return [*lines, ""]


def _shell(r: dict[str, Any]) -> list[str]:
    lines = ["## The tablet: app shell and Lighthouse", ""]
    b = r.get("bytes", {})
    if "error" in b:
        lines.append(f"App shell bytes failed: {b['error']}")
    elif b:
        lines += [
            f"Precache list from {b['source']}: {b['urls']} URLs, fetched logged in, each compressed on its own"
            " (gzip -9; brotli q11 via Node's zlib).",
            "",
            "| URL | bytes | gzip | brotli |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| `{x['url']}` | {x['raw']:,} | {x['gzip']:,} | {x['brotli'] or 0:,} |" for x in b["rows"]
        ]
        lines += [
            f"| **total** | {b['raw']:,} | **{b['gzip']:,}** | {b['brotli'] or 0:,} |",
            "",
            f"As served: {b['served_gzip']:,} bytes to a client that accepts gzip (Chromium over HTTP),"
            f" {b['served_br']:,} to one that accepts brotli (over HTTPS, as a tablet installs it). Budget ≤ 150"
            f" KB transferred (fonts included), judged on brotli as in the budget table:"
            f" {_verdict(b['served_br'] <= 150_000)} (gzip: {_verdict(b['served_gzip'] <= 150_000)})."
            if "served_gzip" in b
            else f"Budget ≤ 150 KB compressed (fonts included): {_verdict(b['gzip'] <= 150 * 1024)}"
            f" ({b['gzip'] / 1024:.1f} KiB gzip).",
        ]
        if b["failed"]:
            lines.append(
                f"Not counted, because the server failed to serve them: {', '.join(b['failed'])} — the total"
                " is therefore incomplete."
            )
    lighthouse = r.get("lighthouse", {})
    lines.append("")
    if "error" in lighthouse:
        lines.append(f"Lighthouse failed: {lighthouse['error']}")
    elif lighthouse:
        lines += [
            f"Lighthouse {lighthouse['version']}, mobile (default), attached (`--port`, `--disable-storage-reset`)"
            " to /usr/bin/chromium signed in as supervisor1 through /login; service worker, caches and HTTP cache"
            " cleared before each run; a run ending on another page (e.g. /login) is a problem, not a score;"
            " medians of the runs.",
            "",
            "| page | runs | performance | accessibility | best-practices | final URL | problems |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for page, x in lighthouse["pages"].items():
            med = {
                c: _median([s[c] for s in x["runs"]])
                for c in ("performance", "accessibility", "best-practices")
            }
            cells = " | ".join("—" if v is None else f"{v:.0f}" for v in med.values())
            problems = (
                "; ".join(sorted({e.replace("|", "/").replace("\n", " ")[:300] for e in x["errors"]})) or "—"
            )
            final = x.get("final_urls", [])[-1:] or ["—"]
            lines.append(f"| `{page}` | {len(x['runs'])} | {cells} | {final[0]} | {problems} |")
    return [*lines, ""]


def render(out: dict[str, Any]) -> str:
    t = out["timings"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Raw numbers: bench/work/results.json.",
        f"Where the budgets are missed, the profile and what would close the gap: bench/{NOTES.name}.",
        "",
        *_machine(out["machine"]),
        "## Commands",
        "",
        f"- `{out.get('command', 'python -m bench')}` with {out['args']}",
        "- npm installs at bench time: "
        + ", ".join(f"{k}: {v}" for k, v in out["installs"].items())
        + " (into bench/work/npm/, git-ignored)",
        "- runtime: " + ", ".join(f"{k} {v:.0f} s" for k, v in t.items()),
        "",
        *budgets.table(out),
    ]
    for part, fn in (
        ("ingest", _ingest),
        ("concurrency", _concurrency),
        ("uploads", uploads.report),
        ("reports", _reports),
        ("chain", _chain),
        ("shell", _shell),
        ("tablet", tablet_report),
    ):
        if part in out:
            lines += fn(out[part])
    lines += budgets.sections(out)
    return "\n".join(lines) + "\n"
