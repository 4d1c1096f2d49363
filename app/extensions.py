"""Flask extensions, created here and bound to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.db import Base

db = SQLAlchemy(model_class=Base)
# The models' base class. A type checker cannot take ``db.Model`` (an attribute) as a base, so
# it sees the declarative base itself, whose typed ``Mapped`` columns are what it checks.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# ``create_app`` sets the breach callback (the audit log), so that this module, which every
# model imports, imports no domain.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
