"""Bad input gets a clear error naming file and line; every other file is still fixed; nothing else changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cdkfix.config import RunConfig
from cdkfix.registry import find_rule
from cdkfix.rule import Category, Kind, Rule
from cdkfix.run import run
from conftest import FIXED, FLAWED

BAD_FILES = {
    "syntax.py": (b"from aws_cdk import aws_ecs as ecs\n\ndef broken(:\n    pass\n", "syntax.py:3: syntax error: invalid syntax"),
    "latin1.py": ("from aws_cdk import aws_ecs as ecs\nname = 'caf\u00e9'\n".encode("latin-1"), "latin1.py:1: cannot decode"),
    "binary.py": (b"\x7fELF\x00\x01aws_cdk\x00\xff", "binary.py:1: binary file"),
    "nested.py": (b"from aws_cdk import aws_ecs as ecs\nx = " + b"(" * 1500 + b"1" + b")" * 1500 + b"\n",
                  "nested.py:1: syntax error: too many nested parentheses"),
}


def _tree(tmp_path: Path, bad: dict[str, bytes]) -> Path:
    (tmp_path / "good.py").write_text(FLAWED)
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_named_and_others_are_fixed(cli, tmp_path, name):
    data, message = BAD_FILES[name]
    _tree(tmp_path, {name: data})
    code, out, err = cli("apply", tmp_path)
    assert code == 2
    assert f"{tmp_path}/{message}" in err
    assert (tmp_path / "good.py").read_text() == FIXED
    assert (tmp_path / name).read_bytes() == data


def test_missing_path_is_an_error_and_the_rest_is_processed(cli, tmp_path):
    _tree(tmp_path, {})
    code, out, err = cli("apply", tmp_path / "nope.py", tmp_path / "good.py")
    assert code == 2
    assert "nope.py: no such file or folder" in err
    assert (tmp_path / "good.py").read_text() == FIXED


@pytest.mark.parametrize(
    "name, data",
    [
        ("empty.py", b""),
        ("long_line.py", b"from aws_cdk import aws_ecs as ecs\nx = [" + b"1, " * 50_000 + b"]\n"),
        ("no_cdk.py", b"import os\nprint(os.getcwd())\n"),
    ],
)
def test_harmless_odd_files_are_left_alone(cli, tmp_path, name, data):
    _tree(tmp_path, {name: data})
    code, out, err = cli("apply", tmp_path)
    assert code == 0, err
    assert (tmp_path / name).read_bytes() == data
    assert (tmp_path / "good.py").read_text() == FIXED


def test_encodings_and_line_endings_are_kept(cli, tmp_path):
    variants = {
        "bom.py": b"\xef\xbb\xbf" + FLAWED.encode(),
        "crlf.py": FLAWED.replace("\n", "\r\n").encode(),
        "cookie.py": ("# -*- coding: latin-1 -*-\n" + FLAWED + "name = 'caf\u00e9'\n").encode("latin-1"),
        "tabs.py": FLAWED.replace("    ", "\t").encode(),
        "formfeed.py": FLAWED.replace("\n\n\ndef", "\n\x0c\n\ndef").encode(),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    code, out, err = cli("apply", tmp_path)
    assert code == 0, err
    fixed_line = b"container_insights_v2=ecs.ContainerInsights.ENABLED"
    for name, data in variants.items():
        new = (tmp_path / name).read_bytes()
        assert fixed_line in new, name
        # Only the Cluster line changed: every other line is byte-identical, newlines included.
        keepends = lambda raw: raw.splitlines(keepends=True)
        old_lines = [line for line in keepends(data) if b"ecs.Cluster(" not in line]
        new_lines = [line for line in keepends(new) if b"ecs.Cluster(" not in line]
        assert old_lines == new_lines, name
    assert (tmp_path / "bom.py").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (tmp_path / "crlf.py").read_bytes() and b"\n" not in (tmp_path / "crlf.py").read_bytes().replace(b"\r\n", b"")
    assert "caf\u00e9".encode("latin-1") in (tmp_path / "cookie.py").read_bytes()


def test_large_file_is_processed(cli, tmp_path):
    from cdkfix.samples import random_plain_module
    import random

    filler = "\n\n".join(random_plain_module(random.Random(seed)).split("\n\n\n", 1)[1].replace("def helper_", f"def h{seed}_")
                         for seed in range(2000))
    source = FLAWED + "\n\n" + filler + "\n\n" + FLAWED.split("\n\n\n", 1)[1].replace("def build", "def build_last")
    assert len(source) > 3_000_000
    (tmp_path / "big.py").write_text(source)
    code, out, err = cli("apply", "--select", "CDK-B12", tmp_path)
    assert code == 0, err
    fixed = (tmp_path / "big.py").read_text()
    assert fixed.count("ContainerInsights.ENABLED") == 2
    assert fixed.replace(", container_insights_v2=ecs.ContainerInsights.ENABLED", "") == source


def test_unreadable_file(cli, tmp_path, monkeypatch):
    _tree(tmp_path, {"secret.py": FLAWED.encode()})
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = cli("apply", "--jobs", "1", tmp_path)
    assert code == 2
    assert "secret.py: cannot read: Permission denied" in err
    assert real(tmp_path / "good.py").decode() == FIXED


def test_read_only_file_is_not_replaced(cli, tmp_path):
    _tree(tmp_path, {})
    target = tmp_path / "good.py"
    target.chmod(0o444)
    code, out, err = cli("apply", tmp_path)
    assert code == 2
    assert "good.py: cannot write: file is read-only" in err
    assert target.read_text() == FLAWED


def test_symlinks_stay_inside_the_tree_and_loops_do_not_hang(cli, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "theirs.py").write_text(FLAWED)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "good.py").write_text(FLAWED)
    (tree / "link_out.py").symlink_to(outside / "theirs.py")
    (tree / "loop_dir").symlink_to(tree, target_is_directory=True)
    (tree / "a.py").symlink_to(tree / "b.py")
    (tree / "b.py").symlink_to(tree / "a.py")
    code, out, err = cli("apply", tree)
    assert code == 2
    assert "link_out.py: symlink points outside the target tree, skipped" in err
    assert "a.py: broken or looping symlink, skipped" in err
    assert (outside / "theirs.py").read_text() == FLAWED
    assert (tree / "good.py").read_text() == FIXED


def test_symlink_inside_the_tree_is_fixed_once_and_stays_a_link(cli, tmp_path):
    (tmp_path / "real.py").write_text(FLAWED)
    (tmp_path / "alias.py").symlink_to(tmp_path / "real.py")
    code, out, err = cli("apply", tmp_path)
    assert code == 0, err
    assert (tmp_path / "alias.py").is_symlink()
    assert (tmp_path / "real.py").read_text() == FIXED


class _EditsTheFileMeanwhile(Rule):
    """Test-only: the file changes on disk while cdkfix works on it."""

    code = "TEST-CHANGES"
    name = "test-changes"
    title = "changes the file meanwhile"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    issue = fix = impact = "test"

    def visit_Module(self, node) -> None:
        Path(self.context.path).write_text(FLAWED + "# edited by someone else\n")


def test_file_changed_while_running_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("good.py").write_text(FLAWED)
    config = RunConfig(rules=(_EditsTheFileMeanwhile, find_rule("CDK-B12")))
    outcome = run(["good.py"], config, write=True, jobs=1)
    assert [str(error) for error in outcome.all_errors] == ["good.py: changed on disk while cdkfix ran; not written"]
    assert Path("good.py").read_text() == FLAWED + "# edited by someone else\n"
