"""The audit log: an append-only record of decisions and refused requests."""
