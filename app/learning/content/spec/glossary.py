"""The course glossary, ``glossary.yaml``, and the check that the course uses its terms.

Every form a term ``avoid``s is looked for in the texts of its own language: the lesson,
homework and captions files of that language, and the ``<lang>:`` values of every YAML file.
The rule (courses/FORMAT.md): case does not matter; a form matches at the start of a word and
may go on with any letters, so a Kazakh stem with its suffixes (and a Russian word with its
endings) is found: «адастыратын» also finds «адастыратындай». A match is not reported when
the text there begins with the term's preferred form, or with one of its ``allow`` forms
(a different word that starts with the same letters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.learning.content import LANGS, yamlines
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.models import WARNING, CourseSpec, Problem

GLOSSARY = "glossary.yaml"
DOCUMENT_RE = re.compile(r"^(?:lesson|homework)\.([a-z]+)\.md$|^captions\.([a-z]+)\.vtt$")


@dataclass
class Term:
    key: str
    forms: dict[str, str]  # lang -> the preferred form
    avoid: dict[str, list[str]] = field(default_factory=dict)
    allow: dict[str, list[str]] = field(default_factory=dict)


def read_glossary(root: Path, problems: list[Problem]) -> list[Term]:
    path = root / GLOSSARY
    if not path.is_file():
        return []
    f = SourceFile(path, problems)
    data = f.load_mapping()
    if data is None:
        return []
    f.keys(data, ("terms",))
    terms: list[Term] = []
    seen: set[str] = set()
    for index, item in enumerate(f.sequence(data, "terms", "terms") or []):
        entry = f.mapping(item, data["terms"].line_of(index), f"term {index + 1}")
        if entry is None:
            continue
        key = f.identifier(entry, "id", f"term {index + 1}: id")
        f.keys(entry, ("id",), (*LANGS, "avoid", "allow", "note"), where=f"term {key}")
        if key in seen:
            f.error(entry.line_of("id"), f"duplicate term id '{key}'")
            continue
        seen.add(key)
        forms = {lang: entry[lang] for lang in LANGS if isinstance(entry.get(lang), str)}
        for lang in LANGS:
            if lang in entry and lang not in forms:
                f.error(entry.line_of(lang), f"term {key}: '{lang}' must be text")
        if not forms:
            f.error(entry.line, f"term {key}: give the term in at least one of kk, ru, en")
        terms.append(
            Term(key, forms, _forms(f, entry, "avoid", key), _forms(f, entry, "allow", key))
        )
    return terms


def _forms(f: SourceFile, entry, name: str, key: str) -> dict[str, list[str]]:
    value = entry.get(name)
    if value is None:
        return {}
    where = f"term {key}: {name}"
    if not isinstance(value, yamlines.LineDict):
        f.error(entry.line_of(name), f"{where} must be a mapping {{kk: [...], ru: [...]}}")
        return {}
    found: dict[str, list[str]] = {}
    for lang, forms in value.items():
        ok = isinstance(forms, list) and all(isinstance(x, str) and x.strip() for x in forms)
        if lang not in LANGS:
            f.error(value.line_of(lang), f"{where}: unknown language '{lang}' (kk, ru, en)")
        elif not ok:
            f.error(value.line_of(lang), f"{where}: '{lang}' must be a list of words")
        else:
            found[lang] = [x.strip() for x in forms]
    return found


def _pattern(form: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in form.split())
    return re.compile(rf"(?<!\w){words}\w*", re.IGNORECASE)


def _starts(text: str, at: int, forms: list[str]) -> bool:
    return any(form and text[at : at + len(form)].casefold() == form.casefold() for form in forms)


@dataclass(frozen=True)
class Rule:
    term: Term
    lang: str
    form: str
    pattern: re.Pattern[str]
    exempt: tuple[str, ...]

    def hits(self, text: str) -> list[int]:
        return [
            m.start()
            for m in self.pattern.finditer(text)
            if not _starts(text, m.start(), list(self.exempt))
        ]


def rules(terms: list[Term]) -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {lang: [] for lang in LANGS}
    for term in terms:
        for lang, forms in term.avoid.items():
            exempt = [term.forms[lang]] if lang in term.forms else []
            exempt += term.allow.get(lang, [])
            for form in forms:
                out[lang].append(Rule(term, lang, form, _pattern(form), tuple(exempt)))
    return out


def _language_spans(text: str) -> list[tuple[str, int, int]]:
    """``(lang, start, end)`` character spans of the ``<lang>: value`` scalars of a YAML file."""
    import yaml  # only when a course is read (issue 19: web workers never load PyYAML)

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []  # reported by the reader of that file
    spans: list[tuple[str, int, int]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value in LANGS
                    and isinstance(value, yaml.ScalarNode)
                ):
                    spans.append((key.value, value.start_mark.index, value.end_mark.index))
                else:
                    stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return spans


def _report(path: Path, text: str, spans, by_lang, problems: list[Problem]) -> int:
    count = 0
    for lang, start, end in spans:
        chunk = text[start:end]
        for rule in by_lang[lang]:
            for at in rule.hits(chunk):
                line = text.count("\n", 0, start + at) + 1
                word = rule.pattern.match(chunk, at)
                found = " ".join((word.group(0) if word else rule.form).split())
                preferred = rule.term.forms.get(lang)
                use = f"; use «{preferred}»" if preferred else ""
                problems.append(
                    Problem(
                        str(path),
                        line,
                        f"glossary ({lang}): «{found}» is a form the glossary avoids "
                        f"(term {rule.term.key}){use}",
                        WARNING,
                    )
                )
                count += 1
    return count


def check_glossary(spec: CourseSpec) -> int:
    """Warn at every avoided form; return how many there are (0 without a glossary)."""
    terms = read_glossary(spec.path, spec.problems)
    by_lang = rules(terms)
    if not any(by_lang.values()):
        return 0
    count = 0
    folders = [spec.path, *(spec.path / m.folder for m in spec.modules)]
    for folder in folders:
        for entry in sorted(folder.iterdir()):
            if not entry.is_file() or entry.name == GLOSSARY:
                continue
            try:
                text = entry.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # reported by the reader of that file
            match = DOCUMENT_RE.match(entry.name)
            if match:
                lang = match.group(1) or match.group(2)
                spans = [(lang, 0, len(text))] if lang in LANGS else []
            elif entry.suffix == ".yaml":
                spans = _language_spans(text)
            else:
                continue
            count += _report(entry, text, spans, by_lang, spec.problems)
    return count
