"""Certificate routes: public verification, the PDF and the signed documents, and the
student's own list. Handlers are thin; rules live in ``services``. (Admins list and revoke
certificates in the admin console, which calls ``services.revoke``.)"""

from __future__ import annotations

import json

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.certificates import bp, codes, credential, services, status_list
from app.certificates.forms import VerifyForm
from app.extensions import limiter
from app.learning.content import LANGS, pick
from app.policy import login_required, public


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute;300 per hour")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(document: dict, media_type: str = credential.MEDIA_TYPE) -> Response:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = Response(body, mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run in other origins
    return _no_store(response)


def _not_found(canonical: str | None = None) -> Response:
    """A plain "not found": the same page whatever was asked. Switching its language keeps a
    well-formed code (``canonical``: only the code alphabet, so nothing typed is echoed)."""
    back = (
        url_for("certificates.verify", code=canonical)
        if canonical
        else url_for("certificates.verify_form")
    )
    return _no_store(
        Response(render_template("certificates/not_found.html", switcher_next=back), status=404)
    )


def _certificate_or_404(code: str):
    certificate = services.find_by_code(code)
    if certificate is None or codes.normalise(code) != code:
        abort(404)
    return certificate


@bp.route("/verify")
@public
def verify_form():
    form = VerifyForm(request.args)
    if "code" in request.args:
        canonical = codes.normalise(form.code.data)
        if canonical:
            return redirect(url_for("certificates.verify", code=canonical))
        form = VerifyForm(formdata=None)  # do not echo what was typed
        form.code.errors = [_("That is not a certificate code. Check the letters and digits.")]
    return _no_store(
        Response(
            render_template(
                "certificates/verify_form.html",
                form=form,
                switcher_next=url_for("certificates.verify_form"),
            )
        )
    )


@bp.route("/verify/<code>")
@public
@limiter.limit(_verify_limit)
def verify(code: str):
    canonical = codes.normalise(code)
    if canonical is None:
        return _not_found()
    if canonical != code:
        return redirect(url_for("certificates.verify", code=canonical))
    certificate = services.find_by_code(canonical)
    if certificate is None:
        return _not_found(canonical)
    return _no_store(
        Response(
            render_template(
                "certificates/verify.html",
                certificate=certificate,
                pick=pick,
                langs=LANGS,
                # the language switcher returns to the canonical address, built from the database
                switcher_next=url_for("certificates.verify", code=certificate.code),
            )
        )
    )


@bp.route("/certificates/<code>.pdf")
@public
@limiter.limit(_verify_limit)
def certificate_pdf(code: str):
    certificate = _certificate_or_404(code)
    if certificate.is_revoked:  # no clean-looking copy of a revoked certificate: say why
        return redirect(url_for("certificates.verify", code=certificate.code))
    lang = request.args.get("lang")
    lang = lang if lang in LANGS else certificate.lang
    from app.certificates import pdf  # WeasyPrint loads (~1 s) only when a PDF is made

    response = Response(pdf.render_pdf(certificate, lang), mimetype="application/pdf")
    filename = f"certificate-{certificate.code}-{lang}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _no_store(response)


@bp.route("/certificates/<code>.json")
@public
@limiter.limit(_verify_limit)
def certificate_json(code: str):
    return _json(_certificate_or_404(code).credential)


@bp.route("/issuer")
@public
def issuer():
    """The issuer's controller document: every public key that has signed our credentials."""
    return _json(credential.controller_document())


@bp.route("/status/<int:list_id>")
@public
def status(list_id: int):
    document = status_list.published(list_id)
    if document is None:
        abort(404)
    return _json(document)


@bp.route("/certificates/mine")
@login_required
def mine():
    return render_template(
        "certificates/mine.html",
        certificates=services.certificates_of(current_user.id),
        pick=pick,
        langs=LANGS,
    )
