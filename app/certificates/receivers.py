"""What the certificates domain does when others announce something.

Connected once when the application is set up (``create_app``). Blinker calls a receiver at
once, inside the sender's call: the certificate is issued in the transaction that completed the
course, and an error here rolls that completion back with it.
"""

from __future__ import annotations

from app.certificates import services
from app.learning.signals import course_completed


def issue_on_completion(_sender, *, user_id: int, course_id: int, **_extra) -> None:
    services.issue_if_complete(user_id, course_id)


def connect() -> None:
    """Idempotent: blinker keeps one connection per receiver."""
    course_completed.connect(issue_on_completion)
