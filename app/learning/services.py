"""Learning services (filled in by the course issue)."""


def featured_course():
    return None
