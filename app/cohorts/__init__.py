"""Cohorts: a group of students taking a course together, with its reviewers."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from app.cohorts import routes  # noqa: E402, F401
