"""Sample data: the demo instance (``flask demo load``) and large seeded cohorts
(``flask seed``)."""
