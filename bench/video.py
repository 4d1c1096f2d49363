"""Video benchmarks (issue 14): what the narrated course costs to make, what each rendition
costs a phone, and what serving 64 streams at once costs the server.

    .venv/bin/python -m bench.video            # the whole course (18 videos), 15 s per load run
    .venv/bin/python -m bench.video --quick    # one module (3 videos), 5 s per load run

1. **Making the course**, as ``make run`` does: a fresh SQLite instance in a temporary folder
   (with a copy of the course folder, whose captions the narration re-times), ``flask db
   upgrade``, ``flask demo load``, and the Huey consumer (2 threads); the wall time until every
   video is published with all its renditions, and the CPU seconds of all of it (the consumer
   and its ffmpeg and espeak-ng children, from ``wait4``). ``--quick`` narrates one module with
   ``flask courses render-videos --module`` beside the consumer instead.
2. **Bytes of each rendition**: per minute of video, and to the first frame (the MP4 boxes
   before the media, the ``moov`` index at the front with ``faststart``, plus the first video
   packet, from ffprobe's packet offsets).
3. **64 clients streaming the low rendition at once** (wrk, full GETs over keep-alive): the
   app under gunicorn (2 sync workers, as in production) sending the file itself, nginx sending
   the same file as a static file, and nginx sending it after the app's access check
   (``STORAGE_ACCEL_REDIRECT``): requests and bytes per second, the server's CPU seconds per GB
   (utime + stime of its process tree) and its peak memory.

Everything listens on 127.0.0.1 and is stopped at the end. Results go to
``bench/results/video.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.infra import ROOT, VENV_BIN, Stack, say
from bench.video_serving import serving

RESULTS = ROOT / "bench" / "results"
COURSE = "fact-checking"
QUICK_MODULE = "01-disinformation"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Tekser video benchmarks (issue 14)")
    parser.add_argument("--quick", action="store_true", help="one module, short load runs")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, help="seconds of each load run")
    parser.add_argument("--timeout", type=float, default=1800, help="give up making the course")
    args = parser.parse_args()
    args.duration = args.duration or (5 if args.quick else 15)
    return args


# -- 1. making the course -----------------------------------------------------------------------
def make_run_env(tmp: Path) -> dict[str, str]:
    """``make run``'s settings, in a fresh instance: nothing of the developer's is touched."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "FLASK_"))}
    env.update(
        FLASK_APP="app:create_app",
        TEKSER_ENV="development",
        TEKSER_INSTANCE_DIR=str(tmp / "instance"),
        DATABASE_URL=f"sqlite:///{tmp / 'instance' / 'tekser.sqlite'}",
        QUEUE_URL=f"sqlite:///{tmp / 'instance' / 'queue.sqlite'}",
        UPLOAD_DIR=str(tmp / "uploads"),
        COURSES_DIR=str(tmp / "courses"),
        MEDIA_WORK_DIR=str(tmp / "media"),
        MAIL_BACKEND="console",
        PYTHONPATH=str(ROOT),
    )
    return env


def _flask(env: dict, *args: str) -> float:
    """Run a flask command; its CPU seconds (it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, check=True, capture_output=True,
        timeout=3600,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _published(database: Path) -> tuple[int, int, int]:
    """(videos published, jobs queued or running, jobs failed), read without a write lock."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        published = conn.execute("SELECT count(*) FROM video WHERE sha256 IS NOT NULL").fetchone()
        busy = conn.execute(
            "SELECT count(*) FROM transcode_job WHERE status IN ('queued', 'running')"
        ).fetchone()
        failed = conn.execute("SELECT count(*) FROM transcode_job WHERE status = 'failed'")
        return published[0], busy[0], failed.fetchone()[0]


def make_course(stack: Stack, quick: bool, timeout: float) -> dict:
    tmp = stack.tmp / "course"
    (tmp / "instance").mkdir(parents=True)
    shutil.copytree(ROOT / "courses", tmp / "courses")
    env = make_run_env(tmp)
    expected = 3 if quick else 18
    say(f"making the course's {expected} narrated videos as `make run` does...")
    began = time.monotonic()
    cpu = _flask(env, "db", "upgrade")
    cpu += _flask({**env, "NARRATE_ON_LOAD": "false" if quick else "true"}, "demo", "load")
    consumer = subprocess.Popen(
        [str(VENV_BIN / "huey_consumer"), "app.tasks.huey", "-w", "2", "-k", "thread"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    stack.procs["consumer"] = consumer
    if quick:
        folder = str(tmp / "courses" / COURSE)
        cpu += _flask(env, "courses", "render-videos", folder, "--module", QUICK_MODULE)
    database = tmp / "instance" / "tekser.sqlite"
    published = failed = 0
    while time.monotonic() - began < timeout:
        published, busy, failed = _published(database)
        if failed or (published >= expected and not busy):
            break
        time.sleep(2)
    wall = time.monotonic() - began
    consumer.send_signal(signal.SIGINT)  # Huey's graceful stop: running tasks finish first
    _pid, _status, usage = os.wait4(consumer.pid, 0)
    stack.procs.pop("consumer", None)
    cpu += usage.ru_utime + usage.ru_stime
    if failed or published < expected:
        raise RuntimeError(f"{published} of {expected} videos published, {failed} jobs failed")
    say(f"{published} videos published in {wall:.0f} s ({cpu:.0f} CPU s)")
    return {
        "videos": published,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "cores": os.cpu_count(),
        "load_average_before": os.getloadavg()[0],
        "env": env,
    }


# -- 2. bytes of each rendition -----------------------------------------------------------------
def _boxes_before_media(path: Path) -> tuple[int, int]:
    """(bytes of the top-level boxes before ``mdat``, bytes of ``moov``)."""
    before = moov = 0
    with path.open("rb") as f:
        while header := f.read(8):
            size, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if size == 1:
                size = int.from_bytes(f.read(8), "big")
            if kind == b"mdat":
                return before, moov
            if kind == b"moov":
                moov = size
            before += size
            f.seek(before)
    return before, moov


def _first_packet_end(path: Path, stream: str) -> int | None:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", stream, "-read_intervals", "%+#1",
         "-show_entries", "packet=pos,size", "-of", "json", str(path)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    packets = json.loads(out.stdout).get("packets") or []
    return int(packets[0]["pos"]) + int(packets[0]["size"]) if packets else None


def rendition_bytes(env: dict) -> dict:
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT r.kind, r.key, r.size, v.duration FROM video_rendition r"
            " JOIN video v ON v.id = r.video_id AND v.sha256 = r.sha256"
        ).fetchall()
    store = Path(env["UPLOAD_DIR"])
    kinds: dict[str, dict[str, list[float]]] = {}
    for kind, key, size, duration in rows:
        entry = kinds.setdefault(kind, {"size": [], "per_minute": [], "first": [], "moov": []})
        entry["size"].append(size)
        if kind == "poster":
            continue
        path = store / key
        entry["per_minute"].append(size / (duration / 60))
        head, moov = _boxes_before_media(path)
        first = _first_packet_end(path, "a:0" if kind == "audio" else "v:0")
        entry["first"].append(first if first is not None else head)
        entry["moov"].append(moov)
        assert first is None or first >= head, "not faststart: the index is after the media"
    summary = {}
    for kind, entry in kinds.items():
        summary[kind] = {
            "videos": len(entry["size"]),
            "median_bytes": int(statistics.median(entry["size"])),
            "max_bytes": int(max(entry["size"])),
        }
        if entry["per_minute"]:
            summary[kind].update(
                per_minute_kb=round(statistics.median(entry["per_minute"]) / 1000, 1),
                kbit_s=round(statistics.median(entry["per_minute"]) * 8 / 60 / 1000, 1),
                kbit_s_max=round(max(entry["per_minute"]) * 8 / 60 / 1000, 1),
                first_frame_kb=round(statistics.median(entry["first"]) / 1000, 1),
                first_frame_max_kb=round(max(entry["first"]) / 1000, 1),
                moov_kb=round(statistics.median(entry["moov"]) / 1000, 1),
            )
    return summary


# -- the report ---------------------------------------------------------------------------------
def table(results: dict) -> str:
    made = results["course"]
    lines = [
        f"# Video benchmarks ({'quick' if results['quick'] else 'full'} run, {results['when']})",
        "",
        f"**Making the course:** {made['videos']} narrated videos, each with 4 renditions and a "
        f"poster, published {made['wall_seconds']:.0f} s after `flask db upgrade` started "
        f"(`make run`'s steps, consumer with 2 threads) on {made['cores']} shared cores "
        f"(load average {made['load_average_before']:.1f} before); "
        f"{made['cpu_seconds']:.0f} CPU seconds in all.",
        "",
        "| rendition | median size | per minute | kbit/s | to first frame (median, max) | moov |",
        "|---|---|---|---|---|---|",
    ]
    for kind, entry in results["renditions"].items():
        if "per_minute_kb" not in entry:
            lines.append(
                f"| {kind} | {entry['median_bytes'] / 1000:.1f} KB (max "
                f"{entry['max_bytes'] / 1000:.1f}) | | | | |"
            )
            continue
        lines.append(
            f"| {kind} | {entry['median_bytes'] / 1000:.0f} KB | {entry['per_minute_kb']} KB | "
            f"{entry['kbit_s']}, {entry['kbit_s_max']} | {entry['first_frame_kb']} KB, "
            f"{entry['first_frame_max_kb']} KB | {entry['moov_kb']} KB |"
        )
    serve = results["serving"]
    lines += [
        "",
        f"**{serve['clients']} clients streaming the low rendition** ({serve['file_kb']} KB, "
        f"full GETs, {serve['seconds']:.0f} s each):",
        "",
        "| server | requests/s | MB/s | server CPU s per GB | peak RSS MiB | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, entry in serve.items():
        if not isinstance(entry, dict):
            continue
        extra = ""
        if "app_cpu_s" in entry:
            extra = f" (+ app {entry['app_cpu_s']} CPU s, {entry['app_peak_rss_mib']} MiB)"
        lines.append(
            f"| {name} | {entry['requests_per_s']} | {entry['mb_per_s']} | "
            f"{entry['cpu_s_per_gb']}{extra} | {entry['server_peak_rss_mib']} | {entry['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    args = options()
    nginx = shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
    if shutil.which("wrk") is None or not nginx:
        sys.exit("bench.video needs wrk and nginx (Debian packages: wrk, nginx-light)")
    stack = Stack()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    results: dict = {"quick": args.quick, "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M")}
    try:
        course = make_course(stack, args.quick, args.timeout)
        env = course.pop("env")
        results["course"] = course
        results["renditions"] = rendition_bytes(env)
        results["serving"] = serving(stack, env, args.clients, args.duration)
    finally:
        stack.close()
    RESULTS.mkdir(exist_ok=True)
    name = "video-quick" if args.quick else "video"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    (RESULTS / f"{name}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
