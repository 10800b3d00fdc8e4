"""Paths -> the Python files cdkfix should read."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

# Folders that never hold a user's CDK source (`.cdkfix`: where the CI examples check out
# cdkfix itself to run its action, with its own flawed example apps).
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "cdk.out", "__pycache__", ".venv", "venv", ".tox", ".nox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", "site-packages", ".eggs", "build", "dist",
     ".cdkfix"}
)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _walk(root: Path, problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    """Each .py file under `root` once, with its real path (a link's: its target's)."""
    real_root = root.resolve()
    seen: set[str] = set()

    def on_error(error: OSError) -> None:
        problems.append(Problem(str(error.filename or root), f"cannot read folder: {error.strerror}"))

    for folder, dirs, files in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(folder)
        # The walk does not enter linked folders, so a plain file's real path is its
        # folder's, resolved once here rather than once a file.
        real_here = os.path.join(str(here.resolve()), "")
        dirs[:] = sorted(
            name for name in dirs
            if name not in SKIPPED_DIRS and not name.endswith(".egg-info") and not _is_virtualenv(here / name)
        )
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = here / name
            key = real_here + name
            if path.is_symlink():
                # A link is read only when it stays inside the tree being fixed.
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    problems.append(Problem(str(path), "broken or looping symlink, skipped"))
                    continue
                if real_root not in target.parents:
                    problems.append(Problem(str(path), "symlink points outside the target tree, skipped"))
                    continue
                key = str(target)
            if key in seen:
                continue
            seen.add(key)
            yield path, key


def git_ignored(real_paths: dict[Path, str]) -> set[Path]:
    """The paths git ignores, given each path's real path (none when git or a repository
    is missing)."""
    if not real_paths:
        return set()
    ignored: set[Path] = set()
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=next(iter(real_paths)).parent, capture_output=True,
            text=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ignored
    if top.returncode != 0:
        return ignored
    data = "\0".join(real_paths.values()) + "\0"
    try:
        # check-ignore reads the index, which runs the repository's core.fsmonitor command:
        # cdkfix runs none of the project's code, so that hook is switched off.
        done = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "check-ignore", "-z", "--stdin"], cwd=top.stdout.strip(), input=data,
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return ignored
    if done.returncode not in (0, 1):
        return ignored
    names = {name for name in done.stdout.split("\0") if name}
    return {path for path, real in real_paths.items() if real in names}


@dataclass
class Discovered:
    """What the paths given stand for: the files (each once, by real path, in a stable
    order), the paths that could not be used, and for each file the path named on the
    command line it was found under (the file itself when it was named)."""

    files: list[Path]
    problems: list[Problem]
    named: dict[Path, Path]


def _skipped_by_name(path: Path) -> bool:
    """A path inside a folder discovery never enters (`build`, `.venv`, ...), by its parts as given."""
    return any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in Path(os.path.normpath(path)).parts[:-1])


def discover_paths(
    targets: Iterable[str | os.PathLike], respect_gitignore: bool = True, force_exclude: bool = False
) -> Discovered:
    """The .py files under `targets`.

    As in ruff, a path named on the command line is always processed: the folders skipped
    by name (SKIPPED_DIRS) and .gitignore apply to what the walk finds below a named folder,
    not to the folder or file named (`cdkfix check build/app` checks it). When the named
    folder is itself ignored by git, .gitignore is not applied below it: git would ignore
    everything there because of the folder, which the user named on purpose. With
    `force_exclude` (pre-commit, which names every staged file), they apply to named paths
    too. A file reached by several spellings (`sub`, `$PWD/sub/a.py`, a linked folder) is
    kept once, under the first.
    """
    files: list[Path] = []
    named: dict[Path, Path] = {}
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path, root: Path, real: str) -> None:
        if real in seen:
            return
        seen.add(real)
        files.append(path)
        named[path] = root

    for target in targets:
        path = Path(target)
        if not path.exists() and not path.is_symlink():
            problems.append(Problem(str(path), "no such file or folder"))
        elif path.is_dir():
            if force_exclude and _skipped_by_name(path / "x"):  # the folder's own name counts too
                continue
            if force_exclude and respect_gitignore and git_ignored({path: str(path.resolve())}):
                continue
            walked = dict(_walk(path, problems))  # path -> real path, in walk order
            ignored: set[Path] = set()
            if respect_gitignore and walked:
                # One git call for the folder and its files (the folder's own answer decides
                # whether the files' count: an ignored folder was named on purpose).
                # (Files first: git runs in the first path's folder, which must be in the repository.)
                ignored = git_ignored({**walked, path: str(path.resolve())})
                if path in ignored:
                    ignored = set()
            for item, real in walked.items():
                if item not in ignored:
                    add(item, path, real)
        elif path.is_file():
            # Named explicitly: processed even if ignored or not .py (unless --force-exclude).
            if force_exclude and (_skipped_by_name(path) or (respect_gitignore and git_ignored({path: str(path.resolve())}))):
                continue
            add(path, path, os.path.realpath(path))
        else:
            problems.append(Problem(str(path), "not a regular file or folder"))
    return Discovered(files, problems, named)


def discover(
    targets: Iterable[str | os.PathLike], respect_gitignore: bool = True, force_exclude: bool = False
) -> tuple[list[Path], list[Problem]]:
    """The .py files under `targets`, in a stable order, and the paths that could not be used."""
    found = discover_paths(targets, respect_gitignore, force_exclude)
    return found.files, found.problems
