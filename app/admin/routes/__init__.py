"""Admin console routes, one module per screen group. Importing this package (the factory
does) adds every view to ``app.admin.bp``."""

from app.admin.routes import (  # noqa: F401
    audit,
    certificates,
    cohorts,
    enrolment,
    exports,
    mail,
    progress,
    schedule,
    users,
)
