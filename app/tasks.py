"""Every job, registered on the queue: the consumer's entry point (``huey_consumer
app.tasks.huey``; ``make run`` starts one beside the development server). A module that defines
a job must be imported here, or the consumer cannot run it (tests/mail/test_jobs.py checks)."""

from app import create_app
from app.auth.jobs import prune_password_resets, send_password_reset, sweep_password_resets
from app.cohorts.jobs import send_import_invitations
from app.homework.jobs import due_reminders, sweep_uploads
from app.jobs import bind_consumer, huey
from app.learning.jobs import render_course_videos
from app.mail.delivery import deliver_mail, prune_outbox, sweep_outbox
from app.review.jobs import daily_digest
from app.teaching.jobs import send_announcement, send_nudges
from app.video.tasks import sweep_transcodes, transcode_video

# The jobs' app, from the environment (TEKSER_ENV, as for `flask`); it points the queue at
# QUEUE_URL.
bind_consumer(create_app())

__all__ = [
    "daily_digest",
    "deliver_mail",
    "due_reminders",
    "huey",
    "prune_outbox",
    "prune_password_resets",
    "render_course_videos",
    "send_announcement",
    "send_import_invitations",
    "send_nudges",
    "send_password_reset",
    "sweep_outbox",
    "sweep_password_resets",
    "sweep_transcodes",
    "sweep_uploads",
    "transcode_video",
]
