"""The scale section: pages of a very large cohort timed over HTTP, and the CSV export's memory.

The server is Tekser under gunicorn with one sync worker (so the worker whose memory is read is
the one serving the export); requests are one at a time, so the time to the last byte on
loopback is the server's time.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.error
import urllib.request

from bench.infra import check_local, children, reset_peak, rss_mib
from bench.targets import USER_AGENT


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str, cookie: str | None, timeout: float = 300):
    """Open ``url`` (loopback only) without following redirects; returns the response."""
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = f"tekser_session={cookie}"
    request = urllib.request.Request(check_local(url), headers=headers)  # noqa: S310
    try:
        return OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        return error


def status_of(url: str, cookie: str | None) -> int:
    with get(url, cookie, timeout=120) as response:
        response.read()
        return response.status


def time_page(url: str, cookie: str | None, repeats: int, budget: float = 10.0) -> dict:
    """One warm-up request, then up to ``repeats`` timed ones (fewer once ``budget`` seconds
    are spent, at least one); median and worst in ms."""
    first = status_of(url, cookie)
    if first != 200:
        return {"available": False, "status": first}
    timings: list[float] = []
    began = time.monotonic()
    while len(timings) < repeats and (not timings or time.monotonic() - began < budget):
        started = time.perf_counter()
        status = status_of(url, cookie)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            return {"available": False, "status": status}
    return {
        "available": True,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "repeats": len(timings),
    }


def export(
    url: str, cookie: str | None, master: int, *, expected_lines: int, limit: float = 25.0
) -> dict:
    """Stream the export, sampling the worker's RSS meanwhile; report the growth of its peak.

    Reading stops after ``limit`` seconds (the run has a time budget); the memory verdict then
    covers what was streamed, and the full time is projected from the rate so far.
    """
    chunk = 64 * 1024
    workers = children(master)
    if len(workers) != 1:
        return {"available": False, "why": f"expected one worker, found {len(workers)}"}
    worker = workers[0]
    status_probe = get(url, cookie)
    status = status_probe.status
    status_probe.close()
    if status != 200:
        return {"available": False, "status": status}
    time.sleep(0.5)
    before = rss_mib(worker)
    reset_peak(worker)
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            samples.append(rss_mib(worker))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = lines = 0
    started = time.perf_counter()
    first_byte = broken = None
    try:
        with get(url, cookie) as response:
            content_type = response.headers.get("Content-Type", "")
            while block := response.read(chunk):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                size += len(block)
                lines += block.count(b"\n")
                if time.perf_counter() - started > limit:
                    break
    except http.client.IncompleteRead:
        broken = f"the stream broke off after {size:,} bytes (a server error mid-export)"
    finally:
        stop.set()
        sampler.join()
    if broken:
        return {"available": False, "why": broken}
    total = time.perf_counter() - started
    peak = max([rss_mib(worker, "VmHWM"), *samples, before])
    complete = lines >= expected_lines
    return {
        "complete": complete,
        "expected_lines": expected_lines,
        "projected_seconds": round(total * expected_lines / max(lines, 1), 1),
        "available": True,
        "content_type": content_type,
        "bytes": size,
        "lines": lines,
        "seconds": round(total, 2),
        "first_byte_ms": round((first_byte or total) * 1000, 1),
        "rss_before_mib": round(before, 1),
        "rss_peak_mib": round(peak, 1),
        "growth_mib": round(peak - before, 1),
    }
