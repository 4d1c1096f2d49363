"""Homework: the structured fact-check a student hands in for each module, and its review."""

from flask import Blueprint

bp = Blueprint("homework", __name__)
