"""Speech from espeak-ng (ADR 0020): one WAV per piece of the script, silence trimmed, so the
captions can be timed to the sample.

Every piece is synthesised once per render (``Voice.measure`` and ``Voice.samples`` share a
cache), in one short espeak-ng process each: about 0.1 s for a caption's worth of Kazakh.
"""

from __future__ import annotations

import array
import shutil
import subprocess
import wave
from pathlib import Path

ESPEAK = "espeak-ng"  # found on PATH (Debian's package)
# espeak-ng's voice per content language.
VOICES = {"kk": "kk", "ru": "ru", "en": "en-gb"}
# Words a minute: a little slower than espeak-ng's 175, for learners on a small speaker.
RATE = 160
SAMPLE_RATE = 22050  # espeak-ng writes 16-bit mono at 22.05 kHz
_SILENCE = 300  # samples quieter than this (of 32767) count as silence when trimming


class SpeechError(RuntimeError):
    """espeak-ng is missing or failed."""


def engine() -> str:
    """The espeak-ng version line (part of every script hash: a new voice re-renders)."""
    if shutil.which("espeak-ng") is None:
        raise SpeechError("espeak-ng is not installed (apt-get install espeak-ng)")
    out = subprocess.run(  # noqa: S603
        [ESPEAK, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return " ".join(out.split()[:4])


class Voice:
    """The espeak-ng voice of one language, with the pieces it has spoken."""

    def __init__(self, lang: str, workdir: Path) -> None:
        self.lang = lang
        self.name = VOICES[lang]
        self.workdir = workdir
        self._spoken: dict[str, array.array] = {}

    def measure(self, text: str) -> float:
        """Seconds ``text`` takes to say, silence at either end left out."""
        return len(self.samples(text)) / SAMPLE_RATE

    def samples(self, text: str) -> array.array:
        """``text`` spoken: 16-bit mono samples at ``SAMPLE_RATE``, trimmed."""
        if text not in self._spoken:
            self._spoken[text] = self._speak(text)
        return self._spoken[text]

    def _speak(self, text: str) -> array.array:
        path = self.workdir / "piece.wav"
        try:
            subprocess.run(  # noqa: S603 (a list of arguments, no shell)
                [ESPEAK, "-v", self.name, "-s", str(RATE), "-w", str(path), "--", text],
                capture_output=True,
                check=True,
                timeout=120,
            )
        except FileNotFoundError as exc:
            raise SpeechError("espeak-ng is not installed (apt-get install espeak-ng)") from exc
        except subprocess.CalledProcessError as exc:
            raise SpeechError(f"espeak-ng failed: {exc.stderr.decode(errors='replace')}") from exc
        return trim(read_wav(path))


def read_wav(path: Path) -> array.array:
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SAMPLE_RATE):
            raise SpeechError(f"{path}: expected 16-bit mono at {SAMPLE_RATE} Hz")
        samples = array.array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
    return samples


def trim(samples: array.array) -> array.array:
    """``samples`` without the silence espeak-ng leaves before and after the speech."""
    start = next((i for i, s in enumerate(samples) if abs(s) > _SILENCE), len(samples))
    end = len(samples)
    while end > start and abs(samples[end - 1]) <= _SILENCE:
        end -= 1
    return samples[start:end]


def silence(seconds: float) -> array.array:
    return array.array("h", bytes(2 * round(seconds * SAMPLE_RATE)))


def write_wav(path: Path, samples: array.array) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(samples.tobytes())
