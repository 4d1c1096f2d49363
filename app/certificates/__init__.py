"""Certificates: issuing, the printable PDF, public verification, the signed Open Badges 3.0
credential and the revocation status list. The factory imports ``app.certificates.routes``
to add the views to ``bp``."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
