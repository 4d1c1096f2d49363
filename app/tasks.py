"""Every job, registered on the queue: the consumer's entry point (``huey_consumer
app.tasks.huey``; ``make run`` starts one beside the development server). A module that defines
a job must be imported here, or the consumer cannot run it (tests/mail/test_jobs.py checks)."""

from app.auth.jobs import send_password_reset
from app.jobs import consumer_app, huey
from app.mail.delivery import deliver_mail, sweep_outbox
from app.review.jobs import daily_digest

consumer_app()  # the queue's settings come from the app's configuration

__all__ = ["daily_digest", "deliver_mail", "huey", "send_password_reset", "sweep_outbox"]
