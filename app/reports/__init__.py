"""Reports over a cohort: the progress dashboard, the student table and the exports (CSV,
JSON). Read-only; the admin console's routes call ``app.reports.services``."""
