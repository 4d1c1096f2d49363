"""Narrated videos made from a course's own captions (issue 14, ADR 0020): espeak-ng speaks each
module's script, Pillow typesets a slide per caption cue, ffmpeg puts them together, and the
captions are re-broken and re-timed to the speech. ``flask courses render-videos`` and the
``render_course_videos`` job call :func:`render_course`."""

from app.learning.narration.render import Outcome, output_dir, render_course, render_module

__all__ = ["Outcome", "output_dir", "render_course", "render_module"]
