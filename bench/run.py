"""Run the benchmarks of issue 8 and write bench/results/latest.{md,json}.

    .venv/bin/python -m bench.run            # full: 3 rounds, 3 s warm-up + 12 s per run
    .venv/bin/python -m bench.run --quick    # 1 round of 3 s runs, no warm-up, 20x smaller scale

Starts a throwaway PostgreSQL on loopback, Tekser and the floor under gunicorn (same worker
class and count), loads them with wrk on 127.0.0.1 only, and stops all of it at the end, also
on Ctrl-C or failure.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import report, scale
from bench.infra import ROOT, Stack, children, ensure_wrk, pss_mib, rss_mib, say
from bench.load import Target, measure
from bench.login import login_throughput
from bench.targets import PAGES, SCALE_EXPORTS, SCALE_PAGES

WORKERS = 2
DEPLOYED = ("--config", "python:app.ops.gunicorn_config")


def server_pss(master: int) -> float:
    return pss_mib(master) + sum(pss_mib(p) for p in children(master))


CONNECTIONS = (16, 64)
LOGS = Path(tempfile.gettempdir()) / "tekser-bench-logs"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Tekser benchmarks against the floor (issue 8)")
    parser.add_argument("--quick", action="store_true", help="1 round, short runs, smaller scale")
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="sync",
        help="gunicorn worker class of both servers (gthread: 4 threads a worker)",
    )
    parser.add_argument(
        "--no-preload",
        dest="preload",
        action="store_false",
        help="load the apps in each worker (GUNICORN_PRELOAD=0), not once in the masters",
    )
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--warmup", type=float, help="seconds of wrk before each measured run")
    parser.add_argument("--duration", type=float, help="seconds of each measured wrk run")
    parser.add_argument("--scale-students", type=int)
    parser.add_argument("--per-student", type=int, default=10, help="submissions per student")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (0 if args.quick else 3)
    args.duration = args.duration or (3 if args.quick else 12)
    args.scale_students = args.scale_students or (5_000 if args.quick else 100_000)
    return args


def app_env(database_url: str, secret: str, tmp: Path) -> dict[str, str]:
    """Production settings, as the servers and the in-process steps all see them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "FLASK_"))}
    env.update(
        TEKSER_ENV="production",
        SECRET_KEY=secret,
        DATABASE_URL=database_url,
        RATELIMIT_ENABLED="false",
        SESSION_COOKIE_SECURE="false",
        MAIL_BACKEND="console",
        PASSWORD_HASH_METHOD="scrypt",  # noqa: S106 (a method name, as production has it)
        UPLOAD_DIR=str(tmp / "uploads"),
        PYTHONPATH=str(ROOT),
        # The in-process steps (seed, SQL counts, profiles) use Flask's test client, whose
        # requests name the host "localhost"; production answers only trusted hosts.
        TRUSTED_HOSTS="localhost",
    )
    return env


def signing_key(env: dict) -> dict[str, str]:
    """A throwaway certificate signing key from ``flask certificates keygen`` (production
    refuses to sign without one); nothing when the command does not exist (yet)."""
    out = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "certificates", "keygen"],
        cwd=ROOT,
        # Production refuses to start without a key, so the key is made by a development app.
        env={**env, "FLASK_APP": "app:create_app", "TEKSER_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = [line for line in out.stdout.splitlines() if line.startswith("CERT_SIGNING_KEY=")]
    if out.returncode or not found:
        say("no `flask certificates keygen`: certificates will not be signed")
        return {}
    return {"CERT_SIGNING_KEY": found[0].split("=", 1)[1]}


def spawn(stack: Stack, name: str, module: str, *args: str, env: dict, quiet: bool = False):
    """Start ``python -m module`` as ``name``; its log goes to our stderr, or (``quiet``:
    in-process page requests, whose expected errors are noisy) to a file under LOGS."""
    LOGS.mkdir(exist_ok=True)
    log = (LOGS / f"{name}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log if quiet else None,
        text=True,
        start_new_session=True,
    )
    log.close()  # the child has its own copy
    stack.procs[name] = proc
    return proc


def collect(stack: Stack, name: str, timeout: float = 1200) -> dict:
    """Wait for a spawned module and return the JSON it printed last."""
    proc = stack.procs[name]
    out, _ = proc.communicate(timeout=timeout)
    del stack.procs[name]
    if proc.returncode:
        raise RuntimeError(f"{name} failed (exit {proc.returncode}); log in {LOGS}")
    return json.loads(out.strip().splitlines()[-1])


def python(stack: Stack, module: str, *args: str, env: dict, quiet: bool = False) -> dict:
    spawn(stack, module, module, *args, env=env, quiet=quiet)
    return collect(stack, module)


def section(results: dict, name: str, func, *args) -> None:
    """Run one section; a failure is recorded in the results and the run goes on."""
    try:
        func(*args)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        say(f"{name} failed: {exc!r}")
        results.setdefault("failures", {})[name] = repr(exc)[:500]


def fill(url: str, seed: dict) -> str | None:
    code = seed["codes"].get("20")
    if "{code}" in url and not code:
        return None
    cohort_id = seed["cohorts"]["20"]["id"]
    return url.format(course=seed["course"], module=seed["module"], cohort_id=cohort_id, code=code)


def cookie(who: str | None, seed: dict) -> str | None:
    return None if who is None else seed["cookies"]["admin" if who == "admin" else f"{who}-20"]


def available_targets(base: str, master: int, seed: dict, results: dict) -> list:
    """Each page of the table that answers 200; the others get their reason recorded."""
    targets = []
    for page in PAGES:
        path = fill(page.url, seed)
        entry = results["pages"][page.key] = {"label": page.label, "url": path}
        if path is None:
            entry.update(available=False, why="no certificate code: issuing not available")
            continue
        status = scale.status_of(base + path, cookie(page.who, seed))
        entry["status"] = status
        if status != 200:
            entry.update(available=False, why=f"HTTP {status} at {path}")
            continue
        entry.update(available=True, rounds={str(c): [] for c in CONNECTIONS})
        targets.append((page, Target(page.key, base + path, master, cookie(page.who, seed))))
    return targets


def load_section(args, stack: Stack, seed: dict, main_env, floor_env, results) -> None:
    kind = {"workers": WORKERS, "worker_class": args.worker_class}
    # Tekser as deployed (deploy/systemd: JSON logs, multiprocess metrics, the app preloaded
    # in the master unless --no-preload); the floor preloaded likewise.
    main_env = {**main_env, "GUNICORN_PRELOAD": "1" if args.preload else "0"}
    preload = ("--preload",) if args.preload else ()
    base, master = stack.start_gunicorn(
        "tekser", "app:create_app()", main_env, options=DEPLOYED, **kind
    )
    floor, floor_master = stack.start_gunicorn(
        "floor", "bench.floor.app:create_app()", floor_env, options=preload, **kind
    )
    floor_target = Target("floor", floor + "/", floor_master)
    targets = available_targets(base, master, seed, results)
    runs = dict(seconds=args.duration, db_pid=stack.postmaster_pid())
    for r in range(1, args.rounds + 1):
        for conns in CONNECTIONS:
            # Each target warms up before its first measured run only; after that it is warm.
            runs["warmup"] = args.warmup if (r, conns) == (1, CONNECTIONS[0]) else 0
            say(f"round {r}/{args.rounds}, {conns} connections: floor")
            floor_run = measure(floor_target, connections=conns, **runs)
            for page, target in targets:
                say(f"round {r}/{args.rounds}, {conns} connections: {page.key}")
                run = measure(target, connections=conns, **runs)
                entry = results["pages"][page.key]
                entry["rounds"][str(conns)].append({"tekser": run, "floor": floor_run})
    for page, _target in targets:
        entry = results["pages"][page.key]
        entry["median"] = {c: report.summarise(rounds) for c, rounds in entry["rounds"].items()}
    tekser_rss = [rss_mib(p) for p in children(master)]
    floor_rss = [rss_mib(p) for p in children(floor_master)]
    mean_t, mean_f = sum(tekser_rss) / len(tekser_rss), sum(floor_rss) / len(floor_rss)
    # What a worker costs the machine: the server's proportional set sizes (master included:
    # it holds the preloaded app the workers share) divided by the workers.
    share_t = server_pss(master) / len(tekser_rss)
    share_f = server_pss(floor_master) / len(floor_rss)
    results["memory"] = {
        "tekser_mib": mean_t,
        "floor_mib": mean_f,
        "ratio": mean_t / mean_f,
        "tekser_workers": tekser_rss,
        "floor_workers": floor_rss,
        "tekser_pss_per_worker": share_t,
        "floor_pss_per_worker": share_f,
        "pss_ratio": share_t / share_f,
    }
    stack.stop("floor")
    results["login"] = login_throughput(
        base,
        master,
        seed["login"],
        connections=2 * WORKERS,
        warmup=0,  # the first sign-ins warm it; each costs one whole hash anyway
        seconds=min(args.duration, 8),
    )
    stack.stop("tekser")


def scale_section(args, stack: Stack, seed: dict, env: dict, results: dict) -> None:
    base, master = stack.start_gunicorn(
        "tekser-scale", "app:create_app()", env, workers=1, timeout=600
    )
    out = results["scale"] = {
        "students": args.scale_students,
        "submissions": seed["rows"]["submission"],
        "rows": seed["rows"],
        "seed_seconds": seed["seed_seconds"],
        "pages": {},
        "exports": {},
    }
    repeats = 3 if args.quick else 5
    for page in SCALE_PAGES:
        path = page.url.format(cohort_id=seed["cohort_id"])
        say(f"scale: {page.key}")
        timing = scale.time_page(base + path, seed["cookies"].get(page.who), repeats)
        out["pages"][page.key] = {"label": page.label, "url": path, **timing}
    # A header line plus one line per student, or per reviewed attempt.
    expected = {"students_csv": args.scale_students + 1, "grades_csv": seed["rows"]["review"] + 1}
    for page in SCALE_EXPORTS:
        path = page.url.format(cohort_id=seed["cohort_id"])
        say(f"scale: {page.key}")
        lines = expected.get(page.key, 0)
        result = scale.export(base + path, seed["cookies"][page.who], master, expected_lines=lines)
        out["exports"][page.key] = {"label": page.label, "url": path, **result}
    stack.stop("tekser-scale")


def run(args, stack: Stack, results: dict) -> None:
    ensure_wrk()
    stack.start_postgres()
    main_url = stack.create_database("tekser_bench")
    floor_url = stack.create_database("floor")
    scale_url = stack.create_database("tekser_scale")
    main_env = app_env(main_url, secrets.token_urlsafe(48), stack.tmp)
    main_env.update(signing_key(main_env))
    floor_env = {**main_env, "DATABASE_URL": floor_url}
    scale_env = {**main_env, "DATABASE_URL": scale_url}
    if not args.skip_scale:  # seeds alongside the other set-up; done before any load runs
        say(f"scale: seeding {args.scale_students:,} students × {args.per_student} submissions")
        sizes = ["--students", str(args.scale_students), "--per-student", str(args.per_student)]
        spawn(stack, "scale-seed", "bench.seed", "scale", *sizes, env=scale_env)
    say("seeding: course, cohorts of 20 and 10,000 students, sign-in cookies")
    seed = python(stack, "bench.seed", "main", *(["--light"] if args.quick else []), env=main_env)
    results["meta"]["schema_gaps"] = seed.get("schema_gaps", [])
    python(stack, "bench.floor.app", env=floor_env)
    seed_file = stack.tmp / "seed.json"
    seed_file.write_text(json.dumps(seed))
    say("counting SQL per request at 20 and 10,000 students")
    results["sql"] = python(stack, "bench.sqlcount", str(seed_file), env=main_env, quiet=True)
    scale_seed = None
    if not args.skip_scale:
        say("waiting for the scale seed to finish before loading anything")
        scale_seed = collect(stack, "scale-seed")
    section(results, "load", load_section, args, stack, seed, main_env, floor_env, results)
    say("certificates: timing issue_certificate")
    rounds = "3" if args.quick else "10"
    results["certificates"] = python(
        stack, "bench.certs", "--rounds", rounds, env=main_env, quiet=True
    )
    if scale_seed is not None:
        section(results, "scale", scale_section, args, stack, scale_seed, scale_env, results)
    results["meta"]["postgres"] = _pg_version(main_url)


def _pg_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def main() -> None:
    args = options()

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    results: dict = {
        "pages": {},
        "meta": {
            "mode": "quick" if args.quick else "full",
            "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cores": os.cpu_count(),
            "workers": WORKERS,
            "worker_class": args.worker_class,
            "preload": args.preload,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "duration": args.duration,
        },
    }
    stack = Stack()
    try:
        run(args, stack, results)
    except KeyboardInterrupt:
        say("interrupted")
        raise SystemExit(130) from None
    finally:
        stack.close()
    results["meta"]["elapsed_s"] = round(time.monotonic() - started)
    print(report.write(results))


if __name__ == "__main__":
    main()
