import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request

from app import metrics
from app.extensions import limiter
from app.ops import health
from app.policy import public

bp = Blueprint("ops", __name__)

NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/healthz")
@public
@limiter.exempt
def healthz():
    """Liveness: the process answers. No database, no session, no template."""
    return Response("ok\n", 200, mimetype="text/plain", headers=NO_STORE)


@bp.route("/readyz")
@public
@limiter.exempt
def readyz():
    """Readiness: the database, the rate-limit storage and the upload folder all answer."""
    ready, checks = health.run_checks()
    response = jsonify(status="ok" if ready else "fail", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers.update(NO_STORE)
    return response


def _metrics_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return True
    networks = current_app.extensions["tekser_ops"]["metrics_allow"]
    if networks and request.remote_addr:
        try:
            address = ipaddress.ip_address(request.remote_addr)
        except ValueError:
            return False
        return any(address in network for network in networks)
    return False


@bp.route("/metrics")
@public
@limiter.exempt
def metrics_page():
    """Prometheus metrics, for the allowed addresses or the bearer token; 404 for anyone else
    (the same answer as for a page that does not exist)."""
    if not _metrics_allowed():
        abort(404)
    body, content_type = metrics.exposition()
    return Response(body, 200, content_type=content_type, headers=NO_STORE)
