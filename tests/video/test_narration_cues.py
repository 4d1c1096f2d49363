"""Breaking a script into caption cues (app/learning/narration/cues.py): the limits of
courses/FORMAT.md, Kazakh text, overlong words and URLs, and the words kept in order."""

from __future__ import annotations

import pytest

from app.learning.content import vtt
from app.learning.narration import cues
from app.learning.narration.cues import CLAUSE_PAUSE, SENTENCE_PAUSE

KAZAKH = (
    "Екінші модульге қош келдіңіз: дереккөздер мен аккаунттарды тексеру. "
    "«Бұл шын ба?» деп сұрамас бұрын, «мұны маған кім айтып тұр?» деп сұраңыз. "
    "Жалған атын жамылған сайттар нақты басылымның дизайнын көшіреді, бірақ сәл басқа "
    "мекенжайда орналасады: бір әріп жоқ, кіші l орнына бас I, артық сөз немесе .kz орнына .com. "
    "Үйлестіруге назар аударыңыз: көп аккаунт бірнеше минут ішінде бірдей сөйлем жариялайды. "
    "Бүгін үш мысалды талдаймыз."
)
URL = "https://web.archive.org/web/20240101000000*/example.kz/news/2024/01/a-very-long-article-slug"


def speaking(chars_per_second: float = 12.0):
    """A stand-in for the voice: seconds in proportion to the characters."""
    return lambda text: len(text) / chars_per_second


def cue_seconds(cue: list[cues.Piece], measure) -> float:
    pauses = sum(SENTENCE_PAUSE if p.sentence_end else CLAUSE_PAUSE for p in cue[:-1])
    return sum(measure(p.text) for p in cue) + pauses


def broken(script: str, measure) -> list[list[cues.Piece]]:
    return cues.group(cues.pieces(script, measure), measure)


@pytest.mark.parametrize("rate", [6.0, 12.0, 20.0])
def test_every_cue_keeps_the_limits(rate):
    measure = speaking(rate)
    found = broken(KAZAKH, measure)
    assert len(found) > 3
    for cue in found:
        lines = cues.wrap(" ".join(p.text for p in cue))
        assert 1 <= len(lines) <= vtt.MAX_LINES
        assert all(len(line) <= vtt.MAX_LINE_CHARS for line in lines)
        assert cue_seconds(cue, measure) <= vtt.MAX_CUE_SECONDS


def test_the_words_stay_whole_and_in_order():
    found = broken(KAZAKH, speaking())
    assert " ".join(p.text for cue in found for p in cue) == KAZAKH
    # The Kazakh letters are all there, untouched.
    assert set("әғқңөұүі") <= set("".join(p.text for cue in found for p in cue))


def test_long_sentences_are_cut_at_a_clause_before_a_word():
    text = "Жалған атын жамылған сайттар нақты басылымның дизайнын көшіреді, бірақ сәл басқа жерде."
    first, second = cues.split(text)
    assert first.endswith("көшіреді,")
    assert second.startswith("бірақ")


def test_sentences_end_before_a_capital_not_inside_a_domain_or_before_lowercase():
    assert cues.sentences("Open lookup.icann.org now. Then look. т. е. так и было! Да?") == [
        "Open lookup.icann.org now.",
        "Then look. т. е. так и было!",
        "Да?",
    ]


def test_short_sentences_share_a_cue():
    found = broken("Hello! Good luck. See you soon.", speaking())
    assert [[p.text for p in cue] for cue in found] == [["Hello!", "Good luck.", "See you soon."]]


def test_a_cue_longer_than_seven_seconds_is_cut_even_when_its_text_fits():
    slow = speaking(4.0)  # 40 characters take 10 s
    found = broken("Короткий текст, который читают очень медленно.", slow)
    assert len(found) > 1
    assert all(cue_seconds(cue, slow) <= vtt.MAX_CUE_SECONDS for cue in found)


def test_an_overlong_word_or_url_is_broken_into_lines_of_at_most_42():
    lines = cues.wrap(f"See {URL} today")
    assert all(len(line) <= vtt.MAX_LINE_CHARS for line in lines)
    assert "".join(lines).replace(" ", "") == f"See{URL}today"
    found = broken(f"Archived copy: {URL}.", speaking())
    for cue in found:
        assert cues.fits(" ".join(p.text for p in cue))
    assert "".join(p.text for cue in found for p in cue).replace(" ", "") == (
        f"Archivedcopy:{URL}."
    )


def test_wrap_balances_two_lines_and_keeps_one_when_it_fits():
    assert cues.wrap("Short line.") == ["Short line."]
    first, second = cues.wrap("Кәсіби фактчекерлер қарапайым нәрсе істейді: беттен шығып кетеді.")
    assert abs(len(first) - len(second)) < 20
    assert max(len(first), len(second)) <= vtt.MAX_LINE_CHARS


def test_limit_problems_count_each_broken_limit_once():
    text = (
        "WEBVTT\n\n"
        "00:00.000 --> 00:08.000\nThis cue is on screen for eight seconds.\n\n"
        "00:08.000 --> 00:10.000\n"
        "A line that is much longer than forty-two characters.\n\n"
        "00:10.000 --> 00:12.000\nOne\nTwo\nThree\n\n"
        "00:12.000 --> 00:14.000\nAnother line that is longer than forty-two characters.\n"
    )
    problems = vtt.limit_problems(vtt.parse(text))
    assert problems == [
        (3, "1 cue is longer than 7 seconds (the first here); "
            "`flask courses render-videos` re-breaks them"),
        (6, "2 cues are longer than 42 characters a line (the first here); "
            "`flask courses render-videos` re-breaks them"),
        (9, "1 cue is more than 2 lines (the first here); "
            "`flask courses render-videos` re-breaks them"),
    ]  # fmt: skip


def test_the_bundled_course_keeps_the_caption_limits():
    from tests.fixtures.app import ROOT

    files = sorted((ROOT / "courses" / "fact-checking").glob("*/captions.*.vtt"))
    assert len(files) == 18
    for path in files:
        parsed = vtt.parse(path.read_text(encoding="utf-8"))
        assert parsed.ok, path
        assert vtt.limit_problems(parsed) == [], path


def test_validate_warns_about_captions_that_break_the_limits(app, tmp_path):
    from tests.learning.course_fixture import edit, line_of, write_course

    course = write_course(tmp_path)
    edit(
        course, "01-intro/captions.ru.vtt", "Hello in ru.", "Hello in ru, " + "very " * 8 + "long."
    )
    line = line_of(course, "01-intro/captions.ru.vtt", "00:00:00.000")
    result = app.test_cli_runner().invoke(args=["courses", "validate", str(course)])
    assert result.exit_code == 0, result.output  # a warning: real recordings keep their captions
    assert (
        f"{course}/01-intro/captions.ru.vtt:{line}: warning: 1 cue is longer than 42 characters "
        "a line (the first here)"
    ) in result.output
    assert "0 errors, 1 warning" in result.output


@pytest.mark.parametrize(
    ("lang", "fragment"),
    [("kk", "Бұл бейнедегі дауыс — синтетикалық"), ("ru", "Голос в этом видео синтезирован")],
)
def test_the_synthetic_voice_note_is_translated(app, lang, fragment):
    from flask import render_template
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(lang):
        assert fragment in render_template("video/_synthetic_note.html")
