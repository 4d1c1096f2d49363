"""Certificates: issuing, verification, signed credentials and status list."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, template_folder="templates")

from app.certificates import routes  # noqa: E402,F401
