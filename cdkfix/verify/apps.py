"""CDK apps under the targets: folders with a cdk.json, their "app" command and context."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

# Folders never copied or searched: they hold no app source (or are huge).
NOT_COPIED = frozenset(
    {".git", ".hg", ".svn", "node_modules", "cdk.out", "__pycache__", ".venv", "venv", ".tox", ".nox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".idea", ".vscode"}
)
_PYTHON = re.compile(r"python(\d+(\.\d+)*)?(\.exe)?", re.IGNORECASE)
# Interpreter options that take no value, and those that take one (`-W error`, `-X dev`).
_FLAGS = frozenset("-u -O -OO -B -E -s -S -I -b -bb -d -q -R -v".split())
_WITH_VALUE = frozenset({"-W", "-X"})


class UnsupportedApp(Exception):
    """The app cannot be synthesized by --verify; the message says why."""


@dataclass(frozen=True)
class Entry:
    """What the app command runs: a script (`python app.py`) or a module (`python -m app`)."""

    mode: str  # "script" or "module"
    target: str
    args: tuple[str, ...] = ()
    interpreter_options: tuple[str, ...] = ()


@dataclass
class CdkApp:
    root: Path  # absolute
    command: str  # cdk.json's "app", as written
    context: dict = field(default_factory=dict)
    entry: Entry | None = None
    problem: str = ""  # why it cannot be synthesized (unsupported command, bad cdk.json)

    @property
    def shown(self) -> str:
        try:
            return os.path.relpath(self.root)
        except ValueError:
            return str(self.root)


def parse_command(command: str) -> Entry:
    """`python3 app.py` -> Entry("script", "app.py"); anything not Python raises UnsupportedApp."""
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise UnsupportedApp(f"cannot read the app command {command!r}: {error}") from None
    if not words or not _PYTHON.fullmatch(Path(words[0]).name):
        raise UnsupportedApp(
            f"the app command `{command}` does not run Python; --verify synthesizes Python apps "
            "whose cdk.json \"app\" is like `python3 app.py` or `python -m app`"
        )
    options: list[str] = []
    rest = words[1:]
    while rest and rest[0].startswith("-") and rest[0] != "-m":
        word = rest.pop(0)
        if word in _WITH_VALUE and rest:
            options += [word, rest.pop(0)]
        elif word in _FLAGS or (word[:2] in _WITH_VALUE and len(word) > 2):
            options.append(word)
        else:
            raise UnsupportedApp(f"the app command `{command}` uses the interpreter option {word!r}, which --verify does not support")
    if rest[:1] == ["-m"] and len(rest) >= 2:
        return Entry("module", rest[1], tuple(rest[2:]), tuple(options))
    if rest and not rest[0].startswith("-"):
        return Entry("script", rest[0], tuple(rest[1:]), tuple(options))
    raise UnsupportedApp(f"the app command `{command}` names no script or module to run")


def load_app(root: Path) -> CdkApp:
    root = Path(root).resolve()
    app = CdkApp(root=root, command="")
    try:
        data = json.loads((root / "cdk.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        app.problem = f"cannot read cdk.json: {getattr(error, 'strerror', None) or error}"
        return app
    if not isinstance(data, dict) or not isinstance(data.get("app"), str) or not data["app"].strip():
        app.problem = 'cdk.json has no "app" command'
        return app
    app.command = data["app"].strip()
    context = data.get("context")
    app.context = dict(context) if isinstance(context, dict) else {}
    try:
        app.entry = parse_command(app.command)
    except UnsupportedApp as error:
        app.problem = str(error)
    return app


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def find_app_roots(targets: Iterable[str | os.PathLike]) -> list[Path]:
    """Folders with a cdk.json that hold a target, or lie under one (nearest first, no duplicates)."""
    roots: dict[Path, None] = {}
    for target in targets:
        path = Path(target).resolve()
        start = path if path.is_dir() else path.parent
        for folder in (start, *start.parents):
            if (folder / "cdk.json").is_file():
                roots[folder] = None
                break
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                here = Path(folder)
                dirs[:] = sorted(
                    name for name in dirs
                    if name not in NOT_COPIED and not name.endswith(".egg-info") and not _is_virtualenv(here / name)
                )
                if "cdk.json" in files:
                    roots[here] = None
    return sorted(roots)


def app_for(path: Path, roots: list[Path]) -> Path | None:
    """The nearest app folder that holds `path`."""
    path = Path(path).resolve()
    best = None
    for root in roots:
        if root == path or root in path.parents:
            if best is None or len(root.parts) > len(best.parts):
                best = root
    return best


def copy_app(root: Path, destination: Path) -> Path:
    """Copy the app folder, leaving out cdk.out, VCS folders, node_modules, virtual
    environments and what is not a file, folder or link (a FIFO would block the copy, a
    socket or device cannot be copied; no app reads its source from one).

    Raises UnsupportedApp, naming the paths, when some file cannot be copied.
    """

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        return {
            name for name in names
            if name in NOT_COPIED or _special(here / name) or (os.path.isdir(here / name) and _is_virtualenv(here / name))
        }

    try:
        shutil.copytree(root, destination, symlinks=True, ignore=ignore)
    except shutil.Error as error:
        # copytree goes on past each failure and lists them all: (source, target, why).
        failures = error.args[0] if error.args and isinstance(error.args[0], list) else []
        shown = "; ".join(f"{source}: {why}" for source, _target, why in failures[:3]) or str(error)
        more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
        raise UnsupportedApp(f"cannot copy the app folder for synthesis: {shown}{more}") from None
    except OSError as error:
        raise UnsupportedApp(f"cannot copy the app folder for synthesis: {error.strerror or error}: {error.filename}") from None
    return destination


def _special(path: Path) -> bool:
    """A FIFO, socket or device (not a link: links are copied as links)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False  # gone or unreadable: copytree reports it
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def context_for(app: CdkApp) -> dict:
    """The context the CDK CLI would pass: cdk.context.json, then cdk.json's "context" over it.

    Stack traces and asset bundling (Docker) are switched off unless the app sets them,
    as `cdk synth` does for traces: synthesis stays offline and faster.
    """
    context: dict = {}
    try:
        saved = json.loads((app.root / "cdk.context.json").read_text(encoding="utf-8"))
        if isinstance(saved, dict):
            context.update(saved)
    except (OSError, ValueError):
        pass
    context.update(app.context)
    context.setdefault("aws:cdk:disable-stack-trace", True)
    context.setdefault("aws:cdk:bundling-stacks", [])
    return context
