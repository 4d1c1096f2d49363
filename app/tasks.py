"""Every job, registered on the queue: the consumer's entry point (``huey_consumer
app.tasks.huey``; ``make run`` starts one beside the development server). A module that defines
a job must be imported here, or the consumer cannot run it (tests/mail/test_jobs.py checks)."""

from app import create_app
from app.auth.jobs import send_password_reset
from app.cohorts.jobs import send_import_invitations
from app.homework.jobs import due_reminders, sweep_uploads
from app.jobs import bind_consumer, huey
from app.mail.delivery import deliver_mail, prune_outbox, sweep_outbox
from app.review.jobs import daily_digest

# The jobs' app, from the environment (TEKSER_ENV, as for `flask`); it points the queue at
# QUEUE_URL.
bind_consumer(create_app())

__all__ = [
    "daily_digest",
    "deliver_mail",
    "due_reminders",
    "huey",
    "prune_outbox",
    "send_import_invitations",
    "send_password_reset",
    "sweep_outbox",
    "sweep_uploads",
]
