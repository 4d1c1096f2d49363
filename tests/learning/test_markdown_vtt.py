"""Markdown rendering and sanitising; WebVTT parsing and transcripts; YAML line numbers."""

from __future__ import annotations

import pytest

from app.learning.content import vtt, yamlines
from app.learning.content.markdown import heading_problems, render

# --- Markdown -------------------------------------------------------------------------------


def test_markdown_basics_and_tables():
    html = render("## Steps\n\n1. **Stop**\n2. *Look*\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert html.startswith("<h2>Steps</h2>\n<ol>\n<li><strong>Stop</strong></li>")
    assert "<table>" in html and "<td>1</td>" in html
    assert "style=" not in html  # alignment styles are dropped with every other attribute


@pytest.mark.parametrize(
    "md",
    [
        "<script>alert(1)</script>",
        "Hi <img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "```html\n<script>alert(1)</script>\n```",
    ],
)
def test_raw_html_is_never_passed_through(md):
    html = render(md)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;" in html  # shown as text, since html is off in the parser


@pytest.mark.parametrize(
    "md",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_links_are_not_links(md):
    html = render(md)
    assert "href" not in html
    assert "script:" not in html.split("href")[-1] if "href" in html else True


def test_links_are_http_https_or_mailto_with_rel():
    html = render("[a](https://factcheck.kz) [b](mailto:desk@tekser.kz) [c](/local) [d](//evil.kz)")
    assert '<a href="https://factcheck.kz" rel="noopener noreferrer">a</a>' in html
    assert '<a href="mailto:desk@tekser.kz" rel="noopener noreferrer">b</a>' in html
    assert "/local" not in html and "evil.kz" not in html


def test_images_keep_src_and_alt_only_over_http():
    assert render("![a map](https://maps.kz/a.png)") == (
        '<p><img src="https://maps.kz/a.png" alt="a map"></p>'
    )
    assert "data:" not in render("![x](data:image/png;base64,AAAA)")


def test_headings_outside_h2_h4_become_text_and_are_flagged():
    assert render("# Top") == "Top"
    assert render("##### Deep") == "Deep"
    assert heading_problems("# Top\n\n## Fine\n\n```\n# code\n```\n") == [
        (1, "a level-1 heading shows as plain text; use ## to ####")
    ]


# --- WebVTT ---------------------------------------------------------------------------------

GOOD = """WEBVTT - Module 1

NOTE written by the course team
over two lines

STYLE
::cue { color: yellow }

intro
00:00.000 --> 00:04.000 align:start position:10%
<v Aigerim>Hello &amp; welcome.</v>

00:00:04.000 --> 00:00:08.500
Second line
continues here.

01:00:00.000 --> 01:00:02.000
<i>An hour later</i>
"""


def test_parse_a_valid_file():
    captions = vtt.parse(GOOD)
    assert captions.ok, captions.problems
    assert [(c.start, c.end, c.line) for c in captions.cues] == [
        (0.0, 4.0, 10),
        (4.0, 8.5, 13),
        (3600.0, 3602.0, 17),
    ]
    assert captions.cues[1].text == "Second line\ncontinues here."


def test_parse_accepts_bom_and_crlf():
    captions = vtt.parse("\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nHi\r\n")
    assert captions.ok and captions.cues[0].text == "Hi"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n", 1, "first line must be WEBVTT"),
        ("\n\nWEBVTT\n", 1, "first line must be WEBVTT"),
        ("WEBVTT\n", 1, "the captions have no cues"),
        ("WEBVTT\n00:01.000 --> 00:02.000\nHi\n", 2, "blank line must separate WEBVTT"),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\nHi\n", 3, "ends (00:01.000) before or when"),
        ("WEBVTT\n\n00:02.000 --> 00:02.000\nHi\n", 3, "before or when it starts"),
        ("WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB\n", 6,
         "starts before the previous cue"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n\n", 3, "the cue has no text"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Bob></v>\n", 3, "the cue has no text"),
        ("WEBVTT\n\n0:00:01.000 --> 0:00:02.000\nHi\n", 3, "malformed cue timing"),
        ("WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nHi\n", 3, "malformed cue timing"),
        ("WEBVTT\n\n00:01,000 --> 00:02,000\nHi\n", 3, "malformed cue timing"),
        ("WEBVTT\n\n00:01.000 -> 00:02.000\nHi\n", 3, "expected a cue timing line"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:03.000 --> 00:04.000\nB\n", 5,
         "a blank line is missing"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nA\n\nSTYLE\n::cue {}\n", 6, "STYLE block must come"),
    ],
)  # fmt: skip
def test_parse_problems_have_lines(text, line, fragment):
    problems = vtt.parse(text).problems
    assert any(at == line and fragment in message for at, message in problems), problems


def test_transcript_strips_tags_and_merges_cues():
    assert vtt.transcript(vtt.parse(GOOD).cues) == [
        "Hello & welcome. Second line continues here.",  # an unnamed cue continues
        "An hour later",  # after a long pause
    ]


def test_transcript_paragraphs_break_at_a_sentence_once_long_enough():
    cues = [vtt.Cue(i * 2.0, i * 2.0 + 2, f"Cue {i} part" + ("." if i % 3 == 2 else ""), 1)
            for i in range(30)]  # fmt: skip
    paragraphs = vtt.transcript(cues, length=60)
    assert len(paragraphs) > 1
    assert all(p.endswith(".") for p in paragraphs[:-1])
    assert " ".join(paragraphs).split() == " ".join(c.text for c in cues).split()


def test_transcript_breaks_when_the_speaker_changes():
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud Ann>Hi.\n\n00:02.000 --> 00:03.000\n<v Bob>Yo."
    )
    assert vtt.transcript(vtt.parse(text).cues) == ["Hi.", "Yo."]


# --- YAML with lines ------------------------------------------------------------------------


def test_yaml_lines_for_mappings_lists_and_keys():
    data, issues = yamlines.load("a: 1\nb:\n  - x\n  - {c: 2}\nd: [p, q]\n")
    assert issues == []
    assert data == {"a": 1, "b": ["x", {"c": 2}], "d": ["p", "q"]}
    assert (data.line, data.key_lines) == (1, {"a": 1, "b": 2, "d": 5})
    assert (data["b"].line, data["b"].item_lines) == (3, [3, 4])
    assert data["b"][1].line == 4 and data.line_of("missing") == 1


def test_yaml_syntax_errors_and_duplicate_keys_are_issues_with_lines():
    assert yamlines.load("a: 1\nb: [1, 2\nc: 3\n") == (
        None,
        [(3, "invalid YAML: expected ',' or ']', but got ':' "
             "(while parsing a flow sequence started on line 2)")],
    )  # fmt: skip
    data, issues = yamlines.load("a: 1\nb: 2\na: 3\n")
    assert data["a"] == 3 and issues == [(3, "duplicate key 'a' (first on line 1)")]
    assert yamlines.load("a: !!python/object:os.system x\n")[0] is None  # still a safe loader
