"""Learning: courses and modules, lessons, quizzes, progress, and the content import."""

from flask import Blueprint

bp = Blueprint("learning", __name__)
