from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db, limiter
from app.http_cache import conditional_page
from app.learning import bp, quiz, services, watching
from app.learning.content import LANGS
from app.learning.forms import MarkReadForm, QuizForm
from app.learning.labels import student_labels
from app.learning.models import QuizAttempt
from app.learning.module_content import module_content
from app.policy import conceal, login_required
from app.teaching import services as teaching
from app.video import services as video

MODULE = "/courses/<course_slug>/modules/<module_slug>"
MEDIA = ("learning.captions",)  # not pages: refused outright
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
QUIZ_POST_MAX = 32 * 1024
PROGRESS_POST_MAX = 16 * 1024


def _load(course_slug: str, module_slug: str) -> services.ModuleContext:
    """The module for this request: content in the page's ``?lang=``, and a staff preview of an
    unopened module only for reading it."""
    return services.load_module(
        current_user,
        course_slug,
        module_slug,
        lang=request.args.get("lang"),
        reading=request.method in SAFE_METHODS,
    )


def _module_url(ctx, endpoint="learning.module", **kwargs):
    return url_for(
        endpoint,
        course_slug=ctx.course.slug,
        module_slug=ctx.module.slug,
        lang=ctx.lang if ctx.lang != current_locale() else None,
        **kwargs,
    )


def current_locale() -> str:

    return str(get_locale())


@bp.app_errorhandler(services.ModuleNotOpen)
def module_not_open(error: services.ModuleNotOpen):
    """Before a module opens its pages say when it will; a write to it is refused (403: the
    request rolls back) with the same message, never half-done."""
    refused = request.method not in ("GET", "HEAD") or request.endpoint in MEDIA
    html = render_template("learning/not_open.html", ctx=error.ctx, refused=refused)
    return html, (403 if refused else 200)


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template(
        "learning/dashboard.html",
        courses=services.dashboard(current_user),
        announcements=teaching.latest_for(current_user, str(get_locale())),
        labels=student_labels(),
    )


@bp.route(MODULE)
@login_required
def module(course_slug: str, module_slug: str):
    # A GET: the student's standing in one statement, the course from its kept outline.
    ctx = services.module_page(
        current_user, course_slug, module_slug, lang=request.args.get("lang")
    )
    player, preparing = video.player_for(
        ctx.course.slug,
        ctx.module.slug,
        ctx.module.id,
        ctx.lang,
        user_id=current_user.id,
        wanted=request.args.get("quality"),
        save_data=request.headers.get("Save-Data", "").strip().lower() == "on",
    )
    html = render_template(
        "learning/module.html",
        ctx=ctx,
        content=module_content(ctx.course, ctx.module, ctx.lang),
        langs=LANGS,
        labels=student_labels(),
        make_read_form=MarkReadForm,  # made only where the page offers it
        module_url=_module_url,
        player=player,
        video_preparing=preparing,
        # Called by the page only where it shows a tracked player (one query: the resume
        # position in the language actually playing).
        playback=lambda lang, duration=None: services.playback(current_user, ctx, lang, duration),
    )
    # A phone revisiting the module downloads nothing it already has (issue 19); the page
    # depends on Save-Data (the rendition it starts from).
    response = conditional_page(html)
    response.vary.add("Save-Data")
    return response


@bp.route(MODULE + "/read", methods=["POST"])
@login_required
def mark_read(course_slug: str, module_slug: str):
    ctx = _load(course_slug, module_slug)
    if not ctx.is_student:
        abort(403)
    if MarkReadForm().validate_on_submit():
        services.read_lesson(current_user, ctx.module)
        flash(_("Lesson marked as read. Next: the quiz."), "success")
    return redirect(_module_url(ctx, "learning.take_quiz"))


def _progress_limit() -> str:
    return current_app.config["VIDEO_PROGRESS_RATE_LIMIT"]


def _student_key() -> str:
    return f"video-progress:{current_user.id}" if current_user.is_authenticated else "anonymous"


@bp.route(MODULE + "/video-progress", methods=["POST"])
@login_required
@limiter.limit(_progress_limit, key_func=_student_key)
def video_progress(course_slug: str, module_slug: str):
    """The player script's report (static/js/video-progress.js): ``ranges`` played (JSON
    pairs of seconds), ``position`` (seconds) and ``lang`` (the video's language; the page's
    content language when absent). Sent by ``fetch`` and by ``sendBeacon``, so the CSRF token
    may come in the form body."""
    ctx = _load(course_slug, module_slug)
    if not ctx.is_student:
        abort(403)
    if request.content_length and request.content_length > PROGRESS_POST_MAX:
        abort(413)
    lang = request.form.get("lang") or ctx.lang
    if lang not in LANGS:
        abort(400)
    try:
        ranges = watching.parse_ranges(request.form.get("ranges"))
        position = watching.parse_position(request.form.get("position"))
    except watching.BadReport:
        abort(400)
    services.record_watching(current_user, ctx.module, lang, ranges, position)
    return Response(status=204)


@bp.route(MODULE + "/captions/<lang>.vtt")
@login_required
def captions(course_slug: str, module_slug: str, lang: str):
    ctx = _load(course_slug, module_slug)
    text = ctx.module.captions.get(lang)
    if lang not in LANGS or not text:
        abort(404)
    return Response(text, mimetype="text/vtt", headers={"Cache-Control": "private, max-age=3600"})


@bp.route(MODULE + "/quiz", methods=["GET", "POST"])
@login_required
def take_quiz(course_slug: str, module_slug: str):
    ctx = _load(course_slug, module_slug)
    form = QuizForm()
    if request.method != "POST":
        return _quiz_page(ctx, form)
    if not ctx.is_student:
        abort(403)
    if request.content_length and request.content_length > QUIZ_POST_MAX:
        abort(413)
    if not form.validate_on_submit():
        return _quiz_page(ctx, form, status=400)
    round_no = form.round.data or ""
    try:
        answers = quiz.parse_answers(ctx.module, request.form)
        result = quiz.submit_quiz(
            current_user.id,
            ctx.module,
            answers,
            form.token.data,
            round_no=int(round_no) if round_no.isascii() and round_no.isdigit() else None,
        )
    except quiz.QuizCooldown:
        # The page says when the next attempt may start (and keeps the answers chosen).
        return _quiz_page(ctx, form, status=429)
    except quiz.QuizError as exc:
        return _quiz_page(ctx, form, errors=[str(exc)], status=422)
    return redirect(_module_url(ctx, "learning.quiz_attempt", attempt_id=result.attempt.id))


def _quiz_page(ctx, form: QuizForm, *, errors: list[str] | None = None, status: int = 200):
    """The quiz with a fresh token, this attempt's order of the options, the answers just sent
    still chosen, past attempts, and when the next attempt may start."""
    form.token.data = quiz.new_token()
    attempts = quiz.attempts_of(current_user.id, ctx.module.id) if ctx.is_student else []
    order = None
    if ctx.is_student:
        form.round.data = str(len(attempts))
        order = quiz.option_order(current_user.id, ctx.module, len(attempts))
    chosen = {q.key: request.form.getlist(quiz.field_name(q)) for q in ctx.module.questions}
    return render_template(
        "learning/quiz.html",
        ctx=ctx,
        form=form,
        field_name=quiz.field_name,
        errors=errors or [],
        attempts=attempts,
        chosen=chosen,
        order=order,
        options=quiz.ordered_options,
        retry_at=quiz.retry_at(ctx.module, attempts) if ctx.is_student else None,
        module_url=_module_url,
    ), status


@bp.route(MODULE + "/quiz/attempts/<int:attempt_id>")
@login_required
def quiz_attempt(course_slug: str, module_slug: str, attempt_id: int):
    ctx = _load(course_slug, module_slug)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.module_id != ctx.module.id:
        abort(404)
    if attempt.user_id != current_user.id:
        conceal(f"quiz attempt {attempt_id}")
    return render_template(
        "learning/quiz_result.html",
        ctx=ctx,
        attempt=attempt,
        reveal=quiz.reveals_correct(ctx.module, attempt),
        options=quiz.ordered_options,
        retry_at=quiz.retry_at(ctx.module, quiz.attempts_of(current_user.id, ctx.module.id)),
        module_url=_module_url,
    )


# The private calendar feed (its own module: it has nothing to share with the pages above).
from app.learning import feed as feed  # noqa: E402
