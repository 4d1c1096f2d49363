"""The deployment files as the cluster runs them: deploy/render.py fills the templates, and a
rendered systemd unit becomes a command line the way systemd would build it (``${VAR}`` from the
environment file), so the test starts exactly what production starts."""

from __future__ import annotations

import importlib.util
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixtures.app import ROOT

DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "tekser.env.example"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def render_module():
    """deploy/render.py (a standalone script, not a package)."""
    spec = importlib.util.spec_from_file_location("tekser_deploy_render", DEPLOY / "render.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile= reads them (comments and blanks skipped)."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        env[key.strip()] = value.strip()
    return env


@dataclass
class Unit:
    """The [Service] settings the cluster needs from a rendered unit."""

    exec_start: str
    working_directory: Path
    environment: dict[str, str] = field(default_factory=dict)
    kill_signal: str = "SIGTERM"

    @classmethod
    def read(cls, path: Path) -> Unit:
        section, settings = "", {}
        environment: dict[str, str] = {}
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            key, _, value = line.partition("=")
            if section != "Service":
                continue
            if key == "Environment":
                for item in shlex.split(value):
                    name, _, setting = item.partition("=")
                    environment[name] = setting
            else:
                settings[key] = value
        return cls(
            exec_start=settings["ExecStart"],
            working_directory=Path(settings["WorkingDirectory"]),
            environment=environment,
            kill_signal=settings.get("KillSignal", "SIGTERM"),
        )

    def command(self, env: dict[str, str]) -> list[str]:
        """ExecStart with ``${VAR}``/``$VAR`` filled from the environment, split into words."""

        def value(match: re.Match) -> str:
            name = match.group(1) or match.group(2)
            if name not in env:
                raise KeyError(f"ExecStart needs {name}, which the environment file lacks")
            return env[name]

        argv = shlex.split(_VARIABLE.sub(value, self.exec_start))
        assert Path(argv[0]).is_absolute(), "systemd runs an absolute path"
        return argv
