"""One policy for routes and templates (FlaskBB's habit): the domain predicates are Jinja globals
registered once, templates ask them instead of comparing states as strings, and no predicate is
left that nothing asks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.admin import policy as admin
from app.homework import policy as homework
from app.learning import policy as learning
from app.learning.content import pick
from app.review import policy as review

ROOT = Path(__file__).resolve().parent.parent
POLICIES = (admin, homework, learning, review)


def public_functions(module) -> list[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name[0] != "_"]


def sources() -> dict[Path, str]:
    files = [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("templates").rglob("*.html")]
    return {path: path.read_text(encoding="utf-8") for path in files}


@pytest.mark.parametrize("module", POLICIES, ids=lambda m: m.__name__)
def test_every_predicate_is_a_template_global(app, module):
    for name in public_functions(module):
        if name.startswith(("can_", "is_claimed", "is_reviewing")):
            assert app.jinja_env.globals[name] is getattr(module, name), name


def test_pick_is_registered_once_not_passed_by_routes(app):
    assert app.jinja_env.globals["pick"] is pick
    for path, text in sources().items():
        if path.suffix == ".py":
            assert not re.search(r"\bpick=pick\b", text), path


def test_no_predicate_is_dead():
    """Each predicate is asked by a route, a service, a template or another predicate (being
    registered as a template global in ``app/policy.py`` does not count)."""
    everything = {p: t for p, t in sources().items() if p != ROOT / "app" / "policy.py"}
    for module in POLICIES:
        for name in public_functions(module):
            mentions = sum(len(re.findall(rf"\b{name}\b", text)) for text in everything.values())
            assert mentions > 1, f"{module.__name__}.{name} is defined but asked nowhere"


@pytest.mark.parametrize("folder", ["homework", "review", "learning", "admin"])
def test_templates_do_not_compare_homework_states_as_strings(folder):
    states = "draft|submitted|in_review|returned|accepted"
    for path in ROOT.joinpath("templates", folder).glob("*.html"):
        text = path.read_text(encoding="utf-8")
        found = re.findall(rf"status\s*==\s*['\"]({states})['\"]", text)
        assert not found, f"{path.name} compares a status with {found}: ask a predicate"
