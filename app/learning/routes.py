from flask import render_template

from app.learning import bp
from app.policy import login_required


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("learning/dashboard.html")
