"""The floor: the cheapest honest page the stack can serve (Flask, Flask-SQLAlchemy, Jinja)."""
