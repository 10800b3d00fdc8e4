"""Discovery: which files a folder gives, git's ignore rules, links, and how paths are shown."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cdkfix.discover import discover
from cdkfix.run import display_path


def _names(files, root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in files]


@pytest.fixture
def tree(tmp_path):
    for name in ("app.py", "lib/stack.py", "lib/notes.txt", "generated/out.py", "node_modules/x.py", "cdk.out/y.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    return tmp_path


def test_a_folder_gives_its_python_files_in_order_without_tool_folders(tree):
    files, problems = discover([tree])
    assert _names(files, tree) == ["app.py", "generated/out.py", "lib/stack.py"]
    assert problems == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_files_git_ignores_are_left_out_unless_named(tree):
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (tree / ".gitignore").write_text("generated/\n")
    files, _ = discover([tree])
    assert _names(files, tree) == ["app.py", "lib/stack.py"]
    files, _ = discover([tree / "generated" / "out.py"])
    assert _names(files, tree) == ["generated/out.py"]


def test_links_inside_the_tree_are_read_once_and_links_out_of_it_not_at_all(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.py"
    outside.write_text("y = 2\n")
    os.symlink(tree / "lib" / "stack.py", tree / "a_link.py")
    os.symlink(outside, tree / "z_out.py")
    files, problems = discover([tree])
    # The link comes first in the walk and stands for the file it points at.
    assert _names(files, tree) == ["a_link.py", "app.py", "generated/out.py"]
    assert [problem.message for problem in problems] == ["symlink points outside the target tree, skipped"]


def test_display_path_is_relative_inside_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "lib" / "stack.py") == os.path.join("lib", "stack.py")
    assert display_path(Path("lib/stack.py")) == os.path.join("lib", "stack.py")
    assert display_path(tmp_path) == "."
    assert display_path(tmp_path.parent / "other.py") == str(tmp_path.parent / "other.py")
    sibling = str(tmp_path) + "x"  # shares the prefix, is not inside
    assert display_path(sibling) == sibling
