"""A script spoken: the cues with the times they are said, and the whole module's audio."""

from __future__ import annotations

import array
from dataclasses import dataclass

from app.learning.content import vtt
from app.learning.narration import cues, speech
from app.learning.narration.speech import SAMPLE_RATE, Voice

LEAD_IN = 0.5  # seconds of silence before the first word (the title is read first)
TAIL = 1.0  # and after the last

NOTE = (
    "NOTE\n"
    "Timed to the narrated video by `flask courses render-videos`. Edit the text\n"
    "freely: the line breaks and timings are made again from it."
)


@dataclass(frozen=True)
class TimedCue:
    start: float
    end: float
    lines: tuple[str, ...]


@dataclass
class Narration:
    cues: list[TimedCue]
    audio: array.array  # 16-bit mono samples at SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def script_of(captions_text: str) -> str:
    """What the captions say, as one run of text (timings, breaks and tags left out)."""
    parsed = vtt.parse(captions_text)
    return cues.normalise(" ".join(vtt.plain_text(cue.text) for cue in parsed.cues))


def narrate(script: str, voice: Voice) -> Narration:
    """Speak ``script`` in cues that keep the caption limits, timed to the sample."""
    grouped = cues.group(cues.pieces(script, voice.measure), voice.measure)
    audio = speech.silence(LEAD_IN)
    timed: list[TimedCue] = []
    for index, cue in enumerate(grouped):
        if index:
            previous = grouped[index - 1][-1]
            audio += speech.silence(
                cues.SENTENCE_PAUSE if previous.sentence_end else cues.CLAUSE_PAUSE
            )
        start = len(audio) / SAMPLE_RATE
        for at, piece in enumerate(cue):
            if at:
                audio += speech.silence(
                    cues.SENTENCE_PAUSE if cue[at - 1].sentence_end else cues.CLAUSE_PAUSE
                )
            audio += voice.samples(piece.text)
        end = len(audio) / SAMPLE_RATE
        text = " ".join(piece.text for piece in cue)
        timed.append(TimedCue(start, end, tuple(cues.wrap(text))))
    audio += speech.silence(TAIL)
    return Narration(timed, audio)


def to_vtt(timed: list[TimedCue]) -> str:
    """The cues as a WebVTT file, with a note for authors."""
    blocks = ["WEBVTT", NOTE]
    for number, cue in enumerate(timed, start=1):
        timing = f"{vtt.timestamp(cue.start)} --> {vtt.timestamp(cue.end)}"
        blocks.append("\n".join([str(number), timing, *cue.lines]))
    return "\n\n".join(blocks) + "\n"
