"""No execution of user code outside --verify: apply, apply --dry-run, diff and check read
and rewrite source files, and never import, run or otherwise execute anything of the
project they are pointed at."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXED, FLAWED

# Names a careless tool could import from the project: the app and its package, files
# Python or pytest run by convention, and modules that shadow cdkfix's own dependencies.
BAIT = [
    "app.py", "lib/__init__.py", "lib/stack.py", "setup.py", "conftest.py", "__main__.py", "sitecustomize.py",
    "usercustomize.py", "typer.py", "click.py", "libcst.py", "black.py", "rich.py", "tomli.py", "aws_cdk.py",
]
COMMANDS = {
    "apply": ["apply", "--unsafe-fixes"],
    "apply-dry-run": ["apply", "--dry-run"],
    "diff": ["diff"],
    "check": ["check"],
}


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A CDK app whose every module writes a marker file when run or imported."""
    markers = tmp_path / "markers"
    markers.mkdir()
    tree = tmp_path / "project"
    (tree / "lib").mkdir(parents=True)
    for name in BAIT:
        marker = markers / name.replace("/", "__")
        side_effect = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('executed')\n"
        body = FLAWED if name in ("app.py", "lib/stack.py") else ""
        (tree / name).write_text(side_effect + body)
    (tree / "cdk.json").write_text(json.dumps({"app": f"python3 app.py && touch {shlex.quote(str(markers / 'cdk-app'))}"}))
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[tool.cdkfix]\nline-length = 100\n'
    )
    if shutil.which("git"):
        # A repository whose configuration runs a command whenever git refreshes its index.
        git = ["git", "-c", "core.fsmonitor=false", "-C", str(tree)]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run(
            [*git, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app"], check=True
        )
        (tree / "app.py").write_text((tree / "app.py").read_text())  # a worktree change, as while editing
        subprocess.run(
            [*git, "config", "core.fsmonitor", f"touch {shlex.quote(str(markers / 'git-fsmonitor'))}; false"], check=True
        )
    return tree, markers


def _installed_script() -> Path:
    script = Path(sys.executable).parent / "cdkfix"
    assert script.exists(), f"the cdkfix console script is not installed next to {sys.executable}"
    return script


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
@pytest.mark.parametrize("runner", ["python-m", "console-script-in-project"])
def test_no_module_of_the_project_is_executed(tmp_path, command, runner):
    tree, markers = _project(tmp_path)
    if runner == "python-m":
        argv, cwd, target = [sys.executable, "-m", "cdkfix"], tmp_path, str(tree)
    else:
        # As a user runs it: inside the project, so its modules sit in the current folder.
        argv, cwd, target = [str(_installed_script())], tree, "."
    done = subprocess.run(
        [*argv, *COMMANDS[command], "--jobs", "2", target], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert sorted(path.name for path in markers.iterdir()) == []
    # And it did its work on those very files.
    if command == "apply":
        assert done.returncode == 0, done.stderr
        assert (tree / "lib" / "stack.py").read_text().endswith(FIXED)
        assert (tree / "app.py").read_text().endswith(FIXED)
    else:
        assert done.returncode == 1, done.stderr  # fixes pending
        assert "container_insights_v2=ecs.ContainerInsights.ENABLED" in done.stdout or "CDK-B12" in done.stdout
        assert (tree / "lib" / "stack.py").read_text().endswith(FLAWED)
