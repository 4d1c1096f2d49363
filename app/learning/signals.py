"""What the learning domain announces to the others (blinker signals; receivers run at once,
in the sender's transaction, so whatever they write commits or rolls back with it)."""

from __future__ import annotations

from blinker import Namespace

learning_signals = Namespace()

# A student completed every module of a course. Sent with ``user_id`` and ``course_id`` by
# ``app.learning.progress.refresh_completion``; the certificates domain issues the certificate.
course_completed = learning_signals.signal("course-completed")
