"""Admin routes (being built)."""

from app.admin import bp  # noqa: F401
