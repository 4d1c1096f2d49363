"""Video: per module and language, a source (a course folder file, an admin upload or a narrated
rendering) transcoded in the background into a low-bandwidth ladder, served with Range requests
behind the course's access rules (ADR 0019)."""

from flask import Blueprint

bp = Blueprint("video", __name__)
