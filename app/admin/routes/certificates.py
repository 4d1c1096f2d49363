"""Certificates of a cohort, and revoking one (the certificates domain does the revoking)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import RevokeForm
from app.admin.routes._load import cohort_or_404, page_arg
from app.extensions import db
from app.policy import Role, role_required

PER_PAGE = 100


def _revoke_form() -> RevokeForm:
    from app.certificates.models import REASON_LABELS

    form = RevokeForm()
    form.reason.choices = [("", _("Choose a reason"))] + [
        (reason.value, str(label)) for reason, label in REASON_LABELS.items()
    ]
    return form


@bp.route("/cohorts/<int:cohort_id>/certificates")
@role_required(Role.ADMIN)
def certificates(cohort_id: int):
    from app.auth.models import User
    from app.certificates.models import Certificate

    cohort = cohort_or_404(cohort_id)
    page = page_arg(request.args.get("page"))
    query = (
        db.select(Certificate, User.email)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.cohort_id == cohort.id)
    )
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    rows = db.session.execute(
        query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(PER_PAGE)
        .offset((min(page, pages) - 1) * PER_PAGE)
    ).all()
    return render_template(
        "admin/certificates.html",
        cohort=cohort,
        rows=rows,
        total=total,
        page=min(page, pages),
        pages=pages,
        form=_revoke_form(),
        can_link="certificates.verify" in current_app.view_functions,
    )


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke_certificate(certificate_id: int):
    from app.certificates import services as certificates
    from app.certificates.models import Certificate

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    back = url_for("admin.certificates", cohort_id=certificate.cohort_id)
    form = _revoke_form()
    if not form.validate_on_submit():
        flash(_("Choose the reason for revoking the certificate."), "error")
        return redirect(back)
    try:
        certificates.revoke(
            certificate, reason=form.reason.data, note=form.note.data or "", actor=current_user
        )
    except certificates.CertificateError:
        flash(_("This certificate cannot be revoked (it may be revoked already)."), "error")
        return redirect(back)
    flash(_("The certificate %(code)s is revoked.", code=certificate.code), "success")
    return redirect(back)
