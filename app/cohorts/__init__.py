"""Cohorts: a group of students taking a course together, with its reviewers."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
