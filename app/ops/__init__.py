"""Operations: health checks (/healthz, /readyz), Prometheus metrics (/metrics), request
logging, and the rate-limit storage's settings for running on several workers and machines.
``init_app`` runs before the extensions are bound (the limiter reads the storage options)."""

from __future__ import annotations

import ipaddress
import time

from flask import Flask, request, request_finished
from werkzeug.sansio.utils import host_is_trusted

from app import metrics
from app.ops import logs, routes

PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def init_app(app: Flask) -> None:
    logs.configure(app)
    _redis_timeouts(app)
    app.extensions["tekser_ops"] = {"metrics_allow": _networks(app.config["METRICS_ALLOW"])}
    app.wsgi_app = ProbeHosts(app.wsgi_app, app)
    request_finished.connect(_finished, app)
    app.register_blueprint(routes.bp)


def _redis_timeouts(app: Flask) -> None:
    """A Redis that stops answering costs each request at most this long (then the limiter
    counts in memory until Redis is back: README, "Running several workers")."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if uri.startswith(("redis", "rediss")):
        timeout = app.config["RATELIMIT_REDIS_TIMEOUT"]
        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        app.config["RATELIMIT_STORAGE_OPTIONS"] = options


def _networks(entries: list[str]) -> list:
    try:
        return [ipaddress.ip_network(entry, strict=False) for entry in entries]
    except ValueError as error:
        raise RuntimeError(
            f"METRICS_ALLOW must list IP addresses or networks (10.0.0.0/8): {error}"
        ) from None


class ProbeHosts:
    """WSGI middleware. Starts each request's clock, and lets load balancers and Prometheus
    reach the probe endpoints with their own Host (an address, a node's name): production
    answers other unknown hosts with 400, but these pages build nothing from the Host, so they
    are served as if the request named BASE_URL's host."""

    def __init__(self, wsgi_app, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        environ["tekser.started"] = time.perf_counter()
        trusted = self.app.config.get("TRUSTED_HOSTS")
        if trusted and environ.get("PATH_INFO") in PROBE_PATHS:
            host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
            if not host_is_trusted(host, trusted):
                environ["tekser.probe_host"] = host
                environ["HTTP_HOST"] = trusted[0].lstrip(".")
        return self.wsgi_app(environ, start_response)


def _finished(app: Flask, response, **_extra) -> None:
    """Once per answered request: metrics, and the access line in JSON logs."""
    started = request.environ.get("tekser.started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.url_rule.endpoint if request.url_rule is not None else None
    metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    if app.config["LOG_FORMAT"] == "json":
        logs.log_access(response.status_code, seconds)
