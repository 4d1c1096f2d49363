import hashlib

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp, invitations, services, sessions
from app.auth.forms import (
    ChangePasswordForm,
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.extensions import limiter
from app.forms import is_safe_next
from app.i18n import select_locale
from app.policy import login_required, public


def _ip_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit():
    return current_app.config["ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    # The normalised address, so spelling variants of one address share one bucket.
    raw = (request.form.get("email") or "").strip()[:254]
    try:
        return "account:" + services.normalise_email(raw)
    except services.AccountError:
        return "account:" + raw.lower()


def _token_account_key(account_of) -> str:
    """The account an emailed link's token names, so every link to one account shares a
    bucket (and a flood of made-up tokens, each in its own bucket, blocks nobody else)."""
    token = (request.view_args or {}).get("token") or ""
    account = account_of(token) if len(token) <= 500 else None
    if account is not None:
        return f"link-account:{account}"
    return "link-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _reset_key() -> str:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    return _token_account_key(lambda token: services.reset_account_id(token, max_age))


def _confirm_key() -> str:
    max_age = current_app.config["EMAIL_VERIFY_MAX_AGE"]
    return _token_account_key(lambda token: services.confirmation_account_id(token, max_age))


def _invitation_key() -> str:
    return _token_account_key(invitations.invitation_account_id)


def _signed_in_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


def _post_only() -> bool:
    return request.method != "POST"


def _rate_limited(key_func=_account_key):
    """Per IP and per account (``key_func``), counting only submitted forms."""

    def decorate(view):
        view = limiter.limit(_account_limit, key_func=key_func, exempt_when=_post_only)(view)
        return limiter.limit(_ip_limit, exempt_when=_post_only)(view)

    return decorate


def _after_login(target: str | None):
    return redirect(target if target and is_safe_next(target) else url_for("learning.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@public
@_rate_limited()
def login():
    if current_user.is_authenticated:
        return _after_login(request.args.get("next"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email or password is not correct."))
        elif user.email_verified_at is None:
            services.login_failed(form.email.data, "unconfirmed", user)
            services.send_confirmation(
                user, form.next.data if is_safe_next(form.next.data) else None
            )
            flash(
                _("Please confirm your email address first: we have sent you a new link."),
                "warning",
            )
        else:
            services.log_in(user)
            return _after_login(form.next.data)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        services.log_out(current_user._get_current_object())
        flash(_("You have logged out."), "info")
    return redirect(url_for("pages.index"))


@bp.route("/register", methods=["GET", "POST"])
@public
@_rate_limited()
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        services.register(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            locale=select_locale(),
            next_url=form.next.data if is_safe_next(form.next.data) else None,
        )
        return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form)


@bp.route("/register/check-email")
@public
def check_email():
    return render_template("auth/check_email.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
@_rate_limited(_confirm_key)
def confirm_email(token: str):
    # A GET only shows a button: link scanners in mail clients must not sign anyone in.
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        result = services.confirm_email(token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
        if result is None:
            return render_template("auth/link_invalid.html"), 400
        user, next_url = result
        sessions.start_session(user)
        flash(_("Your email address is confirmed. Welcome!"), "success")
        return _after_login(next_url)
    return render_template("auth/confirm_email.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@_rate_limited()
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _(
                "If an account uses that address, we have sent it a link to choose a new "
                "password. The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@_rate_limited(_reset_key)
def reset_password(token: str):
    user = services.user_for_reset(token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    if user is None:
        return render_template("auth/link_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        sessions.start_session(user)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("learning.dashboard"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@_rate_limited(_invitation_key)
def accept_invitation(token: str):
    user = invitations.user_for_invitation(token)
    if user is None:
        return render_template("auth/invitation_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.end_session()  # whoever was signed in here, the invited person is now
        services.accept_invitation(user, form.password.data)
        flash(_("Welcome! Your password is set."), "success")
        return redirect(url_for("learning.dashboard"))
    return render_template("auth/accept_invitation.html", form=form, person=user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@_rate_limited(_signed_in_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(), form.current.data, form.password.data
            )
        except services.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            flash(
                _("Your password has been changed. Other devices have been logged out."), "success"
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html")


# The person's own settings (time zone, mail, calendar link) and the unsubscribe link.
from app.auth import preferences as preferences  # noqa: E402
