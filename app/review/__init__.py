"""Review: the reviewers' queue, claiming, and grading against the module's rubric."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")
