"""The bundled course as the journeys import it: a copy whose quiz retry cooldown is a couple
of seconds (the journeys fail a quiz, wait out the cooldown in the browser, then pass)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COOLDOWN_SECONDS = 2


def journey_course(tmp: Path) -> str:
    target = tmp / "courses" / "fact-checking"
    shutil.copytree(ROOT / "courses" / "fact-checking", target)
    course = target / "course.yaml"
    text = course.read_text(encoding="utf-8")
    assert "quiz_retry_cooldown_seconds: 60" in text
    course.write_text(
        text.replace(
            "quiz_retry_cooldown_seconds: 60",
            f"quiz_retry_cooldown_seconds: {COOLDOWN_SECONDS}",
        ),
        encoding="utf-8",
    )
    return str(target)
