"""The ``flask`` command groups: each domain's own, ``users``, ``translate``, and sample data.

Each group lives with its domain; a command ends its unit of work through
``app.unit_of_work.commit``, as a request does.
"""

from __future__ import annotations

from flask import Flask

from app.auth.cli import users
from app.certificates.cli import certificates
from app.cohorts.cli import cohorts
from app.homework.cli import homework
from app.i18n_cli import translate
from app.learning.cli import courses
from app.review.cli import review
from app.sample_data.cli import demo, seed
from app.video.cli import video


def register(app: Flask) -> None:
    for group in (
        courses,
        cohorts,
        review,
        homework,
        certificates,
        seed,
        users,
        translate,
        demo,
        video,
    ):
        app.cli.add_command(group)
