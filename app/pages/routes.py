from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import services as accounts
from app.forms import is_safe_next
from app.i18n import LANG_COOKIE, normalise
from app.learning import services as learning
from app.pages import bp
from app.pages.forms import LanguageForm
from app.policy import public


@bp.route("/")
@public
def index():

    return render_template("pages/index.html", course=learning.featured_course())


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    target = form.next.data if is_safe_next(form.next.data) else url_for("pages.index")
    response = redirect(target)
    lang = normalise(request.form.get("lang"))
    if form.validate_on_submit() and lang:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
        if current_user.is_authenticated:
            accounts.set_locale(current_user, lang)
    return response
