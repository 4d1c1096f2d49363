"""Tekser: the application factory."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, Response, g, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from config import ProductionConfig

from app import (
    assets,
    cli,
    compression,
    connections,
    datetime_format,
    errors,
    i18n,
    jobs,
    migrate,
    navigation,
    policy,
    storage,
    unit_of_work,
)

# Every model module, so that the metadata (and Alembic) know every table.
from app.admin import nav as admin_nav
from app.admin import policy as admin_policy
from app.audit import models as _audit_models  # noqa: F401
from app.audit import services as audit
from app.auth import models as _auth_models  # noqa: F401
from app.auth import sessions as _auth_sessions  # noqa: F401
from app.auth.cookie import DailyRefreshSessionInterface
from app.certificates import models as _certificates_models  # noqa: F401
from app.certificates import receivers as certificate_receivers
from app.cohorts import models as _cohorts_models  # noqa: F401
from app.extensions import babel, csrf, db, limiter, login_manager
from app.homework import models as _homework_models  # noqa: F401
from app.homework import policy as homework_policy
from app.learning import models as _learning_models  # noqa: F401
from app.learning import policy as learning_policy
from app.learning.content import pick
from app.mail import models as _mail_models  # noqa: F401
from app.ops import logs
from app.review import models as _review_models  # noqa: F401
from app.review import policy as review_policy
from app.teaching import models as _teaching_models  # noqa: F401
from app.teaching import policy as teaching_policy
from app.video import models as _video_models  # noqa: F401

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent


def shipped_dir(name: str) -> Path:
    """``templates/`` or ``migrations/``: at the top of a checkout (and of an editable install);
    inside the package in an installed wheel, which cannot rely on the repository's layout."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else BASE_DIR / name


# Video embeds are the only third-party content a page may load.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def create_app(config: str | type | None = None, **overrides) -> Flask:
    # Imported here, not at the top: ``config`` imports ``app.languages``, so a program that
    # imports ``config`` first must not meet a half-imported ``config`` through this package.
    from config import CONFIGS, INSTANCE_DIR, ProductionConfig

    app = Flask(
        __name__,
        template_folder=str(shipped_dir("templates")),
        static_folder=str(PACKAGE_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    if config is None:
        config = os.environ.get("TEKSER_ENV", "development")
    config_class = CONFIGS[config] if isinstance(config, str) else config
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app.config.from_object(config_class)
    app.config.update(overrides)
    if issubclass(config_class, ProductionConfig):
        _refuse_unknown_hosts(app, config_class)
    storage.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A writer waits this long for another's lock before "database is locked" (then 503).
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {
            **options.get("connect_args", {}),
            "timeout": app.config["SQLITE_BUSY_TIMEOUT"],
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    from app import ops

    ops.init_app(app)  # logs, probes, metrics; inside ProxyFix, before the limiter is bound
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.logger.setLevel(logging.INFO)

    _init_extensions(app)
    _register_blueprints(app)
    # Registered first, so it runs last: after the commit and the security headers.
    compression.init_app(app)
    _register_request_hooks(app)
    _cleanup_after_error(app)
    _register_templates(app)
    assets.init_app(app)
    certificate_receivers.connect()
    errors.register(app)
    cli.register(app)
    return app


def _refuse_unknown_hosts(app: Flask, config_class: type[ProductionConfig]) -> None:
    """Answer 400 to a Host header that is not ours. Links never come from Host (app/links.py),
    but caches, logs and redirects should not be fooled by a forged one either."""
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = config_class.trusted_hosts(
            app.config["BASE_URL"], app.config["EXTRA_TRUSTED_HOSTS"]
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # No URL adapter exists for an untrusted host, so no page template can be rendered.
        return Response("Bad request: unknown host.\n", 400, mimetype="text/plain")


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    connections.install()
    # Flask-Migrate (Alembic) loads only when something migrates: web workers never do.
    migrate.init_app(app, db, directory=str(shipped_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    # Every 429 is a security event (audit log and server log).
    app.config.setdefault("RATELIMIT_ON_BREACH_CALLBACK", audit.record_rate_limited)
    limiter.init_app(app)
    jobs.init_app(app)
    login_manager.init_app(app)
    app.session_interface = DailyRefreshSessionInterface()
    login_manager.session_protection = "basic"


def _register_blueprints(app: Flask) -> None:
    # Each domain's routes module adds its views to the domain's blueprint; importing the
    # routes here (not from the package) keeps the domains' services free of import cycles.
    domains = (
        "pages",
        "auth",
        "learning",
        "cohorts",
        "homework",
        "review",
        "admin",
        "certificates",
        "video",
        "teaching",
    )
    for domain in domains:
        importlib.import_module(f"app.{domain}.routes")
        app.register_blueprint(importlib.import_module(f"app.{domain}").bp)


def _register_request_hooks(app: Flask) -> None:
    # First of all the hooks (the limiter's and the login's run before ours): a safe request's
    # statements, whichever hook makes them, run outside a transaction (ADR 0026).
    app.before_request_funcs.setdefault(None, []).insert(0, connections.start_request)

    @app.before_request
    def start_request() -> None:
        g.request_id = logs.request_id()
        policy.enforce_declared_access()

    @app.after_request
    def finish_request(response: Response) -> Response:
        # One transaction per request: commit what a successful request did, else roll back.
        if response.status_code < 400:
            try:
                unit_of_work.commit()
            except Exception as exc:
                # Lost a race at commit time: the conflict page, not a 500.
                response = errors.concurrency_response(exc)
                if response is None:
                    raise
        else:
            unit_of_work.rollback()
            audit.write_denied()
        _security_headers(response)
        return response


def _cleanup_after_error(app: Flask) -> None:
    @app.teardown_request
    def discard_files_of_failed_request(error: BaseException | None) -> None:
        if error is not None:
            storage.on_rollback()


def _security_headers(response: Response) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers["X-Request-ID"] = g.get("request_id", "")
    if request.endpoint and not request.endpoint.endswith("static"):
        # A view that set its own (the probes) is not made to load the user for this.
        if "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store" if _is_signed_in() else "no-cache"
        headers.add("Vary", "Cookie")


def _is_signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def _register_templates(app: Flask) -> None:
    # One policy for routes and templates (as FlaskBB's ``configure_template_filters``): the
    # roles, and every domain's predicates, registered once for all templates.
    app.jinja_env.globals.update(policy.template_helpers())
    app.jinja_env.globals.update(
        can_view_progress=admin_policy.can_view_progress,
        can_see_emails=admin_policy.can_see_emails,
        can_view_course=learning_policy.can_view_course,
        can_preview=learning_policy.can_preview,
        can_view_submission=homework_policy.can_view_submission,
        can_edit_submission=homework_policy.can_edit_submission,
        can_revise=homework_policy.can_revise,
        can_export_claim_review=homework_policy.can_export_claim_review,
        can_grade=homework_policy.can_grade,
        can_read_notice=homework_policy.can_read_notice,
        can_claim=review_policy.can_claim,
        is_reviewing=review_policy.is_reviewing,
        is_claimed_by_another=review_policy.is_claimed_by_another,
        gave_first_grade=review_policy.gave_first_grade,
        can_announce=teaching_policy.can_announce,
        can_edit_announcement=teaching_policy.can_edit_announcement,
    )
    # ``pick(text, lang)``: a course text in ``lang`` or its fallback, on every page.
    app.jinja_env.globals["pick"] = pick
    app.jinja_env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    app.jinja_env.globals["signed_in_nav"] = navigation.signed_in_nav
    app.jinja_env.globals["chrome_head"] = navigation.chrome_head
    app.jinja_env.globals["chrome_header"] = navigation.chrome_header
    app.jinja_env.globals["chrome_footer"] = navigation.chrome_footer
    app.jinja_env.globals["admin_nav_html"] = admin_nav.admin_nav_html
    i18n.install_template_gettext(app)
    # Flask-Babel's filter, with each locale's named patterns parsed once (issue 19).
    app.jinja_env.filters["datetimeformat"] = datetime_format.datetimeformat

    @app.context_processor
    def locale_context() -> dict:
        return {"current_locale": str(get_locale())}
