"""The admin console: cohorts, enrolment, reviewers, users, progress, exports, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
