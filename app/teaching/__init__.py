"""Teaching a cohort: announcements to its students, and the students at risk of falling
behind (with nudges). The staff screens live in the admin console; the students' page here."""

from flask import Blueprint

bp = Blueprint("teaching", __name__)
