"""Playing videos: the renditions behind the course's access rules, and the data saver."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from app import storage
from app.learning.content import LANGS
from app.policy import login_required
from app.video import bp, services, serving
from app.video.forms import PreferenceForm
from app.video.models import Quality

MAX_AGE = 24 * 3600  # the URL carries the source's hash: a new source is a new URL


@bp.route("/courses/<course_slug>/modules/<module_slug>/media/<lang>/<kind>")
@login_required
def media(course_slug: str, module_slug: str, lang: str, kind: str):
    """A rendition or the poster, with Range requests (206) for seeking; ``?download=1`` as an
    attachment. Unknown, another course's or a not-yet-open module's video: 404."""
    if lang not in LANGS or kind not in services.KINDS:
        abort(404)
    module_id = serving.module_for(current_user, course_slug, module_slug)
    if module_id is None:
        abort(404)
    row = serving.rendition(module_id, lang, kind)
    if row is None:
        abort(404)
    download = request.args.get("download") == "1"
    name = f"{course_slug}-{module_slug}-{lang}-{row.key.rsplit('/', 1)[1]}"
    try:
        response = storage.backend().serve(row.key, name, row.mimetype, inline=not download)
    except RequestedRangeNotSatisfiable:
        # Answered here, not by the error pages, which would drop the header players read.
        return Response(status=416, headers={"Content-Range": f"bytes */{row.size}"})
    # Behind a login: no shared cache may keep it; a redirect to a presigned URL (S3) lives
    # only as long as that URL.
    response.cache_control.public = False
    response.cache_control.no_cache = None
    response.cache_control.private = True
    if response.status_code in (301, 302, 303, 307, 308):
        response.cache_control.no_store = True
    else:
        response.cache_control.max_age = MAX_AGE
    return response


@bp.route("/video/quality", methods=["POST"])
@login_required
def set_quality():
    """Remember the data saver choice, then go back to the page it was made on."""
    form = PreferenceForm()
    back = form.next.data or ""
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for("learning.dashboard")
    if not form.validate_on_submit():
        abort(400)
    services.set_preference(current_user.id, Quality(form.quality.data))
    flash(_("Your video choice is saved."), "success")
    return redirect(back)
