from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.auth.models import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from app.auth.services import AccountError, clean_name, normalise_email


def _email_valid(form, field):
    try:
        field.data = normalise_email(field.data)
    except AccountError as exc:
        raise ValidationError(str(exc)) from exc


def _name_valid(form, field):
    try:
        field.data = clean_name(field.data)
    except AccountError as exc:
        raise ValidationError(str(exc)) from exc


def _password_strength(form, field):
    value = field.data or ""
    if value.strip() == "" or len(set(value)) < 4:
        raise ValidationError(_l("Choose a less predictable password."))


def _new_password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "The password must be %(min)d to %(max)d characters long.",
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                ),
            ),
            _password_strength,
        ],
    )


def _confirm(label, other):
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo(other, message=_l("The two passwords do not match.")),
        ],
    )


_email_length = Length(max=EMAIL_MAX, message=_l("The email address is too long."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(message=_l("Enter your email address.")), _email_length],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=PASSWORD_MAX)],
    )
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        description=_l("As it should appear on your certificate, in any alphabet."),
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=NAME_MAX, message=_l("The name is too long.")),
            _name_valid,
        ],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            _email_length,
            _email_valid,
        ],
    )
    password = _new_password(_l("Password"))
    confirm = _confirm(_l("Repeat the password"), "password")
    next = HiddenField()
    submit = SubmitField(_l("Create account"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(message=_l("Enter your email address.")), _email_length],
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = _confirm(_l("Repeat the new password"), "password")
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(message=_l("Enter your current password.")),
            Length(max=PASSWORD_MAX),
        ],
    )
    password = _new_password(_l("New password"))
    confirm = _confirm(_l("Repeat the new password"), "password")
    submit = SubmitField(_l("Change password"))


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm my email"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))
