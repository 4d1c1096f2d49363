"""Admin console routes, one module per screen group. Importing this package (the factory
does) adds every view to ``app.admin.bp``."""

from app.admin.routes import (  # noqa: F401
    agreement,
    announcements,
    at_risk,
    audit,
    certificates,
    cohorts,
    enrolment,
    exports,
    mail,
    progress,
    schedule,
    users,
    videos,
)
