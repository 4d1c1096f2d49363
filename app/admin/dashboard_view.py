"""The cohort dashboard as its template shows it: labels, bars and figures prepared in Python
(issue 19).

Rendered the plain way, the page made some 120 translation calls, a macro call per funnel step
and per duration, and three filters per chart bar: more than half of its cost. Its fixed labels
are translated once per language and kept (they only change with the catalogues); what depends
on the figures (step names, durations, shares, the bars' geometry) is worked out here once per
request, so the template only writes values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.learning.content import pick
from app.page_text import page_text
from app.reports.services import BACKLOG, Dashboard

# The page's fixed labels, by name (the template writes ``t.name``).
TEXT = {
    "dashboard": _l("Dashboard"),
    "group_settings": _l("Group settings"),
    "students": _l("Students"),
    "agreement": _l("Reviewer agreement"),
    "announcements": _l("Announcements"),
    "at_risk": _l("Students at risk"),
    "export": _l("Export (CSV)"),
    "enrolled": _l("Enrolled"),
    "waiting": _l("Homework waiting for review"),
    "stalled_students": _l("Stalled students"),
    "certificates": _l("Certificates"),
    "funnel": _l("Funnel"),
    "funnel_title": _l("Students at each step"),
    "funnel_explanation": _l(
        "Number of students who reached each step, and their share of everyone enrolled; "
        "the same figures as in the table below."
    ),
    "step": _l("Step"),
    "share": _l("Share of enrolled"),
    "modules": _l("Modules"),
    "modules_title": _l("Students who completed each module"),
    "modules_explanation": _l(
        "Number of students who completed the module, and their share of everyone enrolled; "
        "the same figures as the “Complete” and “Share of enrolled” columns below."
    ),
    "modules_caption": _l("Completion and quizzes per module"),
    "module": _l("Module"),
    "complete": _l("Complete"),
    "tried": _l("Tried the quiz"),
    "passed": _l("Passed the quiz"),
    "rate": _l("Pass rate"),
    "attempts_quiz": _l("Quiz attempts"),
    "homework": _l("Homework"),
    "backlog_title": _l("Latest homework attempts by state"),
    "backlog_explanation": _l(
        "Each student’s latest attempt at each module’s homework, counted by its state; "
        "the same figures as in the table below."
    ),
    "state": _l("State"),
    "attempts": _l("Attempts"),
    "feedback_caption": _l("Time from handing in to feedback"),
    "measure": _l("Measure"),
    "value": _l("Value"),
    "reviewed": _l("Reviewed first attempts"),
    "median": _l("Median"),
    "p90": _l("90th percentile"),
    "idle_days": _l("No activity for at least (days)"),
    "apply": _l("Apply"),
    "longest": _l("Longest without activity"),
    "student": _l("Student"),
    "last_activity": _l("Last activity"),
    "list_of_certificates": _l("List of certificates"),
    "certificate": _l("Certificate"),
    # Patterns, filled in per request.
    "module_n": _l("Module %(n)d complete"),
    "hours": _l("%(h)s h"),
    "days": _l("%(d)s days"),
    "issued": _l("Issued: %(issued)d. Revoked: %(revoked)d."),
}

ROW = 30  # a chart bar's height, in the SVG's units
LABEL_WIDTH = 24  # characters of a bar's label before it is cut with "…"
LEEWAY = 5  # as Jinja's ``truncate``: a label this much longer is still shown whole


def texts() -> SimpleNamespace:
    """The fixed labels in the current language, translated once per worker and language."""
    return page_text(
        "admin.dashboard",
        TEXT,
        lambda: {"backlog": [(state, str(label)) for state, label in BACKLOG.items()]},
    )


# One bar of a chart: its label, the bar, and the figure. Written here rather than in the
# template: a chart of twenty bars cost some 1,100 function calls as a Jinja loop of seven
# escaped values a bar, and a tenth of that as one string a bar (only the two texts need
# escaping; the rest are numbers made here).
BAR = (
    '\n    <text x="0" y="{label_y}" class="chart-label">{short}</text>'
    '\n    <rect x="160" y="{bar_y}" width="{width:.1f}" height="20" rx="2" class="chart-bar"/>'
    '\n    <text x="{value_x:.1f}" y="{value_y}" class="chart-value">{shown}</text>'
)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    explanation: str
    description: str  # the explanation and every bar's figure, read out by screen readers
    height: int
    bars: Markup  # the bars' SVG elements (``BAR``)


def chart(id: str, title: str, explanation: str, bars: list[tuple[str, int, str]], maximum: int):
    """A horizontal bar chart of ``bars`` (label, value, shown text), scaled to ``maximum``."""
    out = []
    for i, (label, value, shown) in enumerate(bars):
        width = value / maximum * 170 if maximum else 0
        short = label
        if len(label) > LABEL_WIDTH + LEEWAY:
            short = label[: LABEL_WIDTH - 1] + "…"
        top = i * ROW + 2
        out.append(
            BAR.format(
                label_y=top + 18,
                short=escape(short),
                bar_y=top + 4,
                width=width,
                value_x=160 + width + 5,
                value_y=top + 19,
                shown=escape(shown),
            )
        )
    description = f"{explanation} " + "; ".join(f"{label}: {shown}" for label, _v, shown in bars)
    svg = Markup("".join(out))  # noqa: S704 (BAR, with its two texts escaped)
    return Chart(id, title, explanation, description, len(bars) * ROW + 4, svg)


def hours(value: float | None, t: SimpleNamespace) -> str:
    """A duration in hours, as hours below two days, else as days."""
    if value is None:
        return "—"
    if value < 48:
        return t.hours % {"h": round(value, 1)}
    return t.days % {"d": round(value / 24, 1)}


def view(d: Dashboard) -> dict[str, Any]:
    """What the template writes out, besides the figures themselves."""
    t = texts()
    lang = str(get_locale())
    share = d.percent

    def step(kind: str, n: int) -> str:
        if kind == "enrolled":
            return t.enrolled
        if kind == "cert":
            return t.certificate
        if d.ordered:
            return t.module_n % {"n": n}
        return ngettext("%(num)d module complete", "%(num)d modules complete", n)

    funnel = [(step(kind, n), count, share(count)) for kind, n, count in d.funnel]
    # A row per module: label, complete, share, tried, passed, pass rate, attempts.
    modules = [
        (
            f"{m.module.position}. {pick(m.module.title, lang)}",
            m.completed,
            share(m.completed),
            m.quiz_students,
            m.quiz_passed,
            "—" if m.quiz_pass_rate is None else f"{m.quiz_pass_rate}%",
            m.quiz_attempts,
        )
        for m in d.modules
    ]
    backlog = [(label, d.backlog[state]) for state, label in t.backlog]
    return {
        "t": t,
        "funnel": funnel,
        "funnel_chart": chart(
            "funnel-chart",
            t.funnel_title,
            t.funnel_explanation,
            [(label, count, f"{count} ({percent}%)") for label, count, percent in funnel],
            d.enrolled,
        ),
        "modules": modules,
        "modules_chart": chart(
            "modules-chart",
            t.modules_title,
            t.modules_explanation,
            [(row[0], row[1], f"{row[1]} ({row[2]}%)") for row in modules],
            d.enrolled,
        ),
        "backlog": backlog,
        "backlog_chart": chart(
            "backlog-chart",
            t.backlog_title,
            t.backlog_explanation,
            [(label, n, str(n)) for label, n in backlog],
            max(d.backlog.values()),
        ),
        "median": hours(d.feedback_median, t),
        "p90": hours(d.feedback_p90, t),
        "median_label": ngettext(
            "Median time to feedback (first attempts, last %(num)d day)",
            "Median time to feedback (first attempts, last %(num)d days)",
            d.feedback_days,
        ),
        "reviewed_in": ngettext(
            "First attempts reviewed in the last %(num)d day",
            "First attempts reviewed in the last %(num)d days",
            d.feedback_days,
        ),
        "stalled_sentence": ngettext(
            "%(num)d student has not finished and has done nothing for %(days)d days or more.",
            "%(num)d students have not finished and have done nothing for %(days)d days or more.",
            d.stalled_count,
            days=d.stalled_days,
        ),
    }
