"""Certificates of a cohort, and revoking one (the certificates domain does the revoking)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, queries
from app.admin.forms import RevokeForm
from app.admin.routes._load import cohort_or_404, page_arg
from app.certificates import services as certificate_services
from app.certificates.models import REASON_LABELS
from app.policy import Role, role_required

PER_PAGE = 100


def _revoke_form() -> RevokeForm:
    form = RevokeForm()
    form.reason.choices = [("", _("Choose a reason"))] + [
        (reason.value, str(label)) for reason, label in REASON_LABELS.items()
    ]
    return form


@bp.route("/cohorts/<int:cohort_id>/certificates")
@role_required(Role.ADMIN)
def certificates(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    rows, total, page, pages = queries.certificates_page(
        cohort.id, page_arg(request.args.get("page")), PER_PAGE
    )
    return render_template(
        "admin/certificates.html",
        cohort=cohort,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        form=_revoke_form(),
        can_link="certificates.verify" in current_app.view_functions,
    )


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke_certificate(certificate_id: int):

    certificate = queries.certificate(certificate_id)
    if certificate is None:
        abort(404)
    back = url_for("admin.certificates", cohort_id=certificate.cohort_id)
    form = _revoke_form()
    if not form.validate_on_submit():
        flash(_("Choose the reason for revoking the certificate."), "error")
        return redirect(back)
    try:
        certificate_services.revoke(
            certificate, reason=form.reason.data, note=form.note.data or "", actor=current_user
        )
    except certificate_services.CertificateError:
        flash(_("This certificate cannot be revoked (it may be revoked already)."), "error")
        return redirect(back)
    flash(_("The certificate %(code)s is revoked.", code=certificate.code), "success")
    return redirect(back)
