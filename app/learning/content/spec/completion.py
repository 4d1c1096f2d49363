"""The quiz settings and the completion rule of ``course.yaml`` (what earns the certificate)."""

from __future__ import annotations

from app.learning.content import yamlines
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.models import CourseSpec

SETTINGS = (
    "quiz_pass_mark",
    "video_watched_share",
    "sequential",
    "quiz_feedback",
    "quiz_retry_cooldown_seconds",
)
QUIZ_FEEDBACK = ("wrong-only", "full")
# completion.homework: what each module's homework must reach for the module to be complete.
HOMEWORK_RULES = {"accepted-in-every-module": True, "not-required": False}


def read_quiz_settings(f: SourceFile, settings: yamlines.LineDict, spec: CourseSpec) -> None:
    if "quiz_feedback" in settings:
        value = settings["quiz_feedback"]
        if value in QUIZ_FEEDBACK:
            spec.quiz_feedback = value
        else:
            f.error(
                settings.line_of("quiz_feedback"),
                f"quiz_feedback must be one of {', '.join(QUIZ_FEEDBACK)} (not {value!r})",
            )
    cooldown = f.number(
        settings, "quiz_retry_cooldown_seconds", "quiz_retry_cooldown_seconds", 0, 86400
    )
    if cooldown is not None:
        spec.quiz_retry_cooldown = cooldown


def read_completion(f: SourceFile, course: yamlines.LineDict, spec: CourseSpec) -> None:
    """``completion: {quiz_pass_mark: 70, homework: accepted-in-every-module}``; absent, the
    rule is the platform's default (the lesson, the quiz and accepted homework in every module).
    """
    if "completion" not in course:
        return
    rule = f.mapping(course["completion"], course.line_of("completion"), "completion")
    if rule is None:
        return
    f.keys(rule, (), ("quiz_pass_mark", "homework"), where="completion")
    mark = f.number(rule, "quiz_pass_mark", "completion: quiz_pass_mark", 1, 100)
    if mark is not None:
        settings = course.get("settings")
        given = settings.get("quiz_pass_mark") if isinstance(settings, dict) else None
        if given is not None and given != mark:
            f.error(
                rule.line_of("quiz_pass_mark"),
                f"completion: quiz_pass_mark {mark} differs from settings: quiz_pass_mark "
                f"{given}; give the pass mark in one place",
            )
        spec.quiz_pass_mark = mark
    if "homework" in rule:
        value = rule["homework"]
        if value in HOMEWORK_RULES:
            spec.homework_required = HOMEWORK_RULES[value]
        else:
            f.error(
                rule.line_of("homework"),
                f"completion: homework must be one of {', '.join(HOMEWORK_RULES)} (not {value!r})",
            )
