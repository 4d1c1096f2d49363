"""Module videos in the console: each language's state, progress and renditions, and an
admin's upload of a source (streamed to disk, checked by ffprobe, converted in the background)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.extensions import csrf
from app.learning.content import LANGS
from app.policy import Role, role_required
from app.video import services as video

# Multipart framing around the file: the request may be this much larger than the file.
FORM_OVERHEAD = 64 * 1024
PAGE = "/videos/<course_slug>/<module_slug>"


def _module_or_404(course_slug: str, module_slug: str):
    module = video.find_module(course_slug, module_slug)
    if module is None or module.slug != module_slug:
        abort(404)
    return module


@bp.route("/videos")
@role_required(Role.ADMIN)
def videos():
    rows = [
        (course, module, video.module_status(module.id, LANGS))
        for course, module in video.course_modules()
    ]
    return render_template(
        "admin/videos.html", rows=rows, ffmpeg=video.ffmpeg_available(), langs=LANGS
    )


@bp.route(PAGE)
@role_required(Role.ADMIN)
def module_video(course_slug: str, module_slug: str):
    module = _module_or_404(course_slug, module_slug)
    return _page(course_slug, module)


def _page(course_slug: str, module, *, problem: tuple[str, str] | None = None, status: int = 200):
    entries = video.module_status(module.id, LANGS)
    busy = any(e.state in ("queued", "running") for e in entries)
    return render_template(
        "admin/video.html",
        course_slug=course_slug,
        module=module,
        entries=entries,
        forms={lang: video.VideoUploadForm(prefix=lang) for lang in LANGS},
        problem=problem,
        busy=busy,
        ffmpeg=video.ffmpeg_available(),
        max_mb=current_app.config["VIDEO_UPLOAD_MAX_BYTES"] >> 20,
        error_message=video.error_message,
    ), status


@bp.route(PAGE + "/<lang>", methods=["POST"])
@role_required(Role.ADMIN)
@csrf.exempt  # the form checks its token itself, after the size limit is raised for it
def upload_video(course_slug: str, module_slug: str, lang: str):
    module = _module_or_404(course_slug, module_slug)
    if lang not in LANGS:
        abort(404)
    limit = current_app.config["VIDEO_UPLOAD_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD:
        return _page(course_slug, module, problem=(lang, video.error_message("too_big_upload")),
                     status=413)  # fmt: skip
    # Werkzeug spools a file part of more than 500 KB to a temporary file: never in memory.
    request.max_content_length = limit + FORM_OVERHEAD
    form = video.VideoUploadForm(prefix=lang)
    if not form.validate_on_submit():
        return _page(course_slug, module, problem=(lang, _("Choose a video file to upload.")),
                     status=400)  # fmt: skip
    try:
        offer = video.save_upload(module, lang, form.file.data.stream, limit)
    except video.SourceError as exc:
        return _page(course_slug, module, problem=(lang, video.error_message(exc.code)),
                     status=422)  # fmt: skip
    if offer.outcome == video.OUTRANKED:
        flash(_("The course folder supplies this video; replace the file there and import the "
                "course again."), "error")  # fmt: skip
    elif offer.outcome == video.UNCHANGED:
        flash(_("This file is already the video's source; nothing to do."), "info")
    else:
        flash(_("Uploaded. The video is being converted; this page shows the progress."),
              "success")  # fmt: skip
    return redirect(url_for("admin.module_video", course_slug=course_slug, module_slug=module_slug))
