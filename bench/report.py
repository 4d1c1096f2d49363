"""One table from the results: printed, and written to bench/results/latest.md and latest.json."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench.targets import EXPORT_MAX_GROWTH_MIB, PAGES, SCALE_TARGET_MS, TARGETS

RESULTS = Path(__file__).resolve().parent / "results"
CONNS = ("16", "64")
OK, MISS, INFO = "✓", "✗", "—"
FULL_SCALE = 100_000


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(rounds: list[dict]) -> dict:
    """Medians over rounds of each value and of each per-round ratio to the floor."""
    out = {}
    for metric in ("rps", "p50_ms", "p99_ms", "cpu_ms", "db_cpu_ms"):
        out[metric] = _median(r["tekser"][metric] for r in rounds)
        out["floor_" + metric] = _median(r["floor"][metric] for r in rounds)
        out[metric + "_ratio"] = _median(
            r["tekser"][metric] / r["floor"][metric] if r["floor"][metric] else None for r in rounds
        )
    out["unexpected_status"] = sum(r["tekser"]["unexpected_status"] for r in rounds)
    out["socket_errors"] = sum(r["tekser"]["socket_errors"] for r in rounds)
    return out


def _fmt(value, digits=1) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _pair(med: dict, key: str, suffix: str = "") -> str:
    digits = 2 if suffix == "×" else 1
    return " · ".join(_fmt(med[c][key], digits) + suffix for c in CONNS)


def _met(flag: bool | None) -> str:
    return INFO if flag is None else (OK if flag else MISS)


def page_rows(results: dict) -> list[list[str]]:
    rows = []
    sql = results.get("sql", {})
    for page in PAGES:
        info = results["pages"].get(page.key, {})
        counts = sql.get(page.key, {})
        small, large = (counts.get(s, {}).get("queries") for s in ("20", "10000"))
        same = None if small is None or large is None else small == large
        sql_cell = f"{small} → {large}" if small is not None else "n/a"
        if not info.get("available") or "median" not in info:
            why = info.get("why", "not measured")
            rows.append([page.label, f"not available ({why})", "", "", "", INFO])
            continue
        med = info["median"]
        tp = [med[c]["rps_ratio"] for c in CONNS]
        cpu = [med[c]["cpu_ms_ratio"] for c in CONNS]
        lo = TARGETS["throughput_ratio_min"]
        hi = TARGETS["cpu_ratio_max"]
        warn = sum(med[c]["unexpected_status"] + med[c]["socket_errors"] for c in CONNS)
        label = page.label + (f" (⚠ {warn} failed responses)" if warn else "")
        rows += [
            [
                f"{label}: requests/s",
                _pair(med, "rps"),
                _pair(med, "floor_rps"),
                _pair(med, "rps_ratio", "×"),
                f"≥ {lo}×",
                _met(all(r is not None and r >= lo for r in tp)),
            ],
            [
                f"{page.label}: p50 / p99 latency, ms",
                f"{_pair(med, 'p50_ms')} / {_pair(med, 'p99_ms')}",
                f"{_pair(med, 'floor_p50_ms')} / {_pair(med, 'floor_p99_ms')}",
                f"{_pair(med, 'p50_ms_ratio', '×')} / {_pair(med, 'p99_ms_ratio', '×')}",
                "",
                INFO,
            ],
            [
                f"{page.label}: server CPU ms/request",
                _pair(med, "cpu_ms"),
                _pair(med, "floor_cpu_ms"),
                _pair(med, "cpu_ms_ratio", "×"),
                f"≤ {hi}×",
                _met(all(r is not None and r <= hi for r in cpu)),
            ],
        ]
        sql_label = f"{page.label}: SQL/request, 20 → 10,000 students"
        rows.append([sql_label, sql_cell, "", "", "same", _met(same)])
    return rows


def scale_rows(scale: dict) -> list[list[str]]:
    if not scale:
        return []
    size = f"{scale.get('students', 0):,} students, {scale.get('submissions', 0):,} submissions"
    rows = [
        [
            f"scale seed ({size}, COPY)",
            f"{_fmt(scale.get('seed_seconds'))} s",
            "",
            "",
            "",
            INFO,
        ]
    ]
    # The time targets are set for 100,000 students; a smaller (quick) seed only informs.
    full = scale.get("students", 0) >= FULL_SCALE
    for key, timing in scale.get("pages", {}).items():
        label = f"scale: {timing['label']}"
        target = SCALE_TARGET_MS.get(key) if full else None
        if not timing.get("available"):
            rows.append([label, f"not available (HTTP {timing.get('status')})", "", "", "", INFO])
            continue
        rows.append(
            [
                label + ", server time",
                f"{_fmt(timing['median_ms'])} ms",
                "",
                "",
                f"< {target} ms" if target else "",
                _met(timing["median_ms"] < target if target else None),
            ]
        )
    for exp in scale.get("exports", {}).values():
        label = f"scale: {exp['label']}"
        if not exp.get("available"):
            why = exp.get("why") or f"HTTP {exp.get('status')}"
            rows.append([label, f"not available ({why})", "", "", "", INFO])
            continue
        whole = (
            f"in {exp['seconds']} s"
            if exp.get("complete", True)
            else f"in the first {exp['seconds']} s (all {exp['expected_lines']:,}: "
            f"~{exp['projected_seconds']:.0f} s projected)"
        )
        rows.append(
            [
                label + ", worker peak RSS growth",
                f"+{exp['growth_mib']} MiB over {exp['bytes'] / 2**20:.1f} MiB "
                f"({exp['lines']:,} lines) {whole}",
                "",
                "",
                f"constant (< +{EXPORT_MAX_GROWTH_MIB} MiB)",
                _met(exp["growth_mib"] < EXPORT_MAX_GROWTH_MIB),
            ]
        )
    return rows


def other_rows(results: dict) -> list[list[str]]:
    rows = []
    cert = results.get("certificates", {})
    if cert.get("available"):
        pdf = "" if cert.get("pdf_function") else " (no PDF renderer found: issue only)"
        rows.append(
            [
                "certificate issuing (PDF + signed credential), median" + pdf,
                f"{_fmt(cert['total_ms'])} ms",
                "",
                "",
                f"< {TARGETS['certificate_ms_max']} ms",
                _met(cert["total_ms"] < TARGETS["certificate_ms_max"]),
            ]
        )
    else:
        why = cert.get("why", "not run")
        rows.append(["certificate issuing", f"not available ({why})", "", "", "", INFO])
    login = results.get("login")
    if login:
        rows.append(
            [
                f"login throughput ({login['method']}), {login['connections']} connections",
                f"{_fmt(login['rps'])} logins/s",
                f"{_fmt(login['hash_rate'])}/s = {login['cores']} cores ÷ "
                f"{_fmt(login['verify_ms'])} ms verify",
                f"{_fmt(login['ratio'], 2)}×",
                "",
                INFO,
            ]
        )
    memory = results.get("memory")
    if memory:
        rows.append(
            [
                "worker RSS after load (mean of workers)",
                f"{_fmt(memory['tekser_mib'])} MiB",
                f"{_fmt(memory['floor_mib'])} MiB",
                f"{_fmt(memory['ratio'], 2)}×",
                "",
                INFO,
            ]
        )
        if "pss_ratio" in memory:
            rows.append(
                [
                    "memory per worker, the master's share included (PSS)",
                    f"{_fmt(memory['tekser_pss_per_worker'])} MiB",
                    f"{_fmt(memory['floor_pss_per_worker'])} MiB",
                    f"{_fmt(memory['pss_ratio'], 2)}×",
                    "",
                    INFO,
                ]
            )
    return rows


def table(results: dict) -> str:
    header = ["measure", "Tekser", "floor / reference", "ratio", "target", "met"]
    rows = page_rows(results) + scale_rows(results.get("scale", {})) + other_rows(results)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write(results: dict) -> str:
    meta = results["meta"]
    text = "\n".join(
        [
            f"# Benchmark results ({meta['mode']})",
            "",
            f"{meta['started']} · {meta['cores']} cores · gunicorn {meta['workers']} "
            f"{meta.get('worker_class', 'sync')} "
            f"workers for Tekser (the deployment's config) and the floor"
            f"{' (both preloaded)' if meta.get('preload') else ''} · "
            f"PostgreSQL {meta.get('postgres', '?')} · "
            f"{meta['rounds']} round(s) of {meta['warmup']} s warm-up + {meta['duration']} s "
            f"at 16 and 64 connections · medians over rounds · total {meta.get('elapsed_s')} s",
            "",
            "Cells `a · b` are at 16 · 64 connections. Ratios are Tekser ÷ floor, per round, "
            "then the median. Server CPU is the gunicorn process tree's (PostgreSQL's own CPU "
            "per request is in latest.json as `db_cpu_ms`).",
            "",
            *(
                [
                    "Tables no migration creates yet, made from the models for this run: "
                    + ", ".join(f"`{t}`" for t in meta["schema_gaps"]),
                    "",
                ]
                if meta.get("schema_gaps")
                else []
            ),
            table(results),
            "",
            *[f"- **{name} failed:** `{why}`" for name, why in results.get("failures", {}).items()],
            "",
            "Reproduce: `make bench` (or `make bench-quick`); see bench/README.md.",
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    raw = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    for name in ("latest", meta["mode"]):  # and full.* / quick.*: the last run of each mode
        (RESULTS / f"{name}.md").write_text(text)
        (RESULTS / f"{name}.json").write_text(raw)
    return text
