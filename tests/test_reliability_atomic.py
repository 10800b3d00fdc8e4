"""Atomic writes: whenever cdkfix is killed, every file is either fully its old or fully its
new content, parses, and keeps its permission bits and line endings; what a kill leaves
behind is never read as source, and the next run finishes the job."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cdkfix.config import Selection, resolve_rules
from cdkfix.discover import discover
from cdkfix.registry import all_rules
from cdkfix.samples import random_cdk_module
from conftest import FIXED, FLAWED
from reliability_support import fix_all

FILES = 300  # enough that one run takes seconds, so the kills land while it writes
MODES = (0o644, 0o640, 0o755, 0o600, 0o664, 0o700)
# Cumulative share of the files fixed when each kill lands; a run is restarted after each.
KILL_AT = (0.1, 0.4, 0.7)
DEADLINE = 180  # seconds one run may take before the test gives up (a hang, not slowness)
# Every rule with fix_all's options: the opt-in destroyability rules too, and CDK-I5's command.
CONFIG = 'extend-select = ["destroyable"]\nunsafe-fixes = true\n[rules.CDK-I5]\ncommand = "curl -f {url} || exit 1"\n'


def _apply(root: Path) -> list[str]:
    config = root.parent / f"{root.name}-cdkfix.toml"  # outside the tree the test inspects
    config.write_text(CONFIG)
    return [sys.executable, "-m", "cdkfix", "apply", "--config", str(config), "--jobs", "1", str(root)]
# What that run selects: the default rules and the destroyable group (not the opt-in packs).
DEFAULT_RULES = resolve_rules(all_rules(), [Selection(extend_select=("destroyable",))])


def _make_tree(root: Path) -> dict[Path, tuple[bytes, bytes, int]]:
    """FILES flawed CDK modules under `root`: path -> (original, expected fixed bytes, mode).
    Every fourth file has CRLF line endings; modes vary."""
    tree: dict[Path, tuple[bytes, bytes, int]] = {}
    seed = 0
    while len(tree) < FILES:
        seed += 1
        rng = random.Random(seed)
        text = random_cdk_module(rng, constructs=rng.randint(1, 3))
        if len(tree) % 4 == 3:
            text = text.replace("\n", "\r\n")
        original = text.encode()
        result = fix_all(original, DEFAULT_RULES)  # what `apply` runs: opt-in rules and packs left out
        assert not result.errors, result.errors
        if result.new_source is None:
            continue  # every file must change, so "old or new" always tells them apart
        index = len(tree)
        path = root / f"pkg{index % 8}" / f"stack_{index:03d}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(original)
        mode = MODES[index % len(MODES)]
        path.chmod(mode)
        tree[path] = (original, result.new_source, mode)
    return tree


def _changed(tree) -> int:
    return sum(path.read_bytes() != original for path, (original, _, _) in tree.items())


def _check_every_file(root: Path, tree) -> tuple[int, list[Path]]:
    """Each file is all old or all new, compiles, keeps its mode and its line endings.
    Returns how many are new, and the litter (files cdkfix left that are not ours)."""
    fixed = 0
    for path, (original, expected, mode) in tree.items():
        data = path.read_bytes()
        assert data in (original, expected), f"{path.name} is neither its original nor its fixed text"
        fixed += data == expected
        compile(data, str(path), "exec")
        assert stat.S_IMODE(path.stat().st_mode) == mode, path.name
        if b"\r\n" in original:
            assert data.count(b"\n") == data.count(b"\r\n"), f"{path.name} lost its CRLF line endings"
        else:
            assert b"\r" not in data
    litter = [path for path in root.rglob("*") if path.is_file() and path not in tree]
    for path in litter:
        assert path.name.startswith(".") and path.name.endswith(".cdkfix-tmp"), f"unexpected file {path}"
        assert not path.name.endswith(".py")
    return fixed, litter


def _start(root: Path, log) -> subprocess.Popen:
    # Its own session, hence its own process group: the kill reaches everything it started.
    return subprocess.Popen(
        _apply(root), cwd=root, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )


def test_kill_9_during_apply_leaves_every_file_old_or_new(tmp_path):
    root = tmp_path / "app"
    root.mkdir()
    tree = _make_tree(root)
    kills = []
    for share in KILL_AT:
        target = int(FILES * share)
        log = tmp_path / "stderr.txt"
        with open(log, "wb") as handle:
            process = _start(root, handle)
        started = time.monotonic()
        try:
            while _changed(tree) < target:
                assert process.poll() is None, (
                    f"the run ended (exit {process.returncode}) before {target} files were fixed: "
                    f"make the tree bigger so the kill lands mid-run\n{log.read_text()}"
                )
                assert time.monotonic() - started < DEADLINE, "apply made no progress"
                time.sleep(0.01)
            os.killpg(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=DEADLINE)
        assert process.returncode == -signal.SIGKILL  # killed, not finished
        fixed, litter = _check_every_file(root, tree)
        assert target <= fixed < FILES
        kills.append(fixed)
        # What a kill leaves behind is never taken for source.
        found, problems = discover([root])
        assert sorted(found) == sorted(tree) and not problems
    assert kills == sorted(kills)

    # A full run afterwards finishes the rest.
    done = subprocess.run(_apply(root), cwd=root, capture_output=True, timeout=DEADLINE)
    assert done.returncode == 0, done.stderr.decode()
    fixed, litter = _check_every_file(root, tree)
    assert fixed == FILES


# --- a kill at each step of one write, deterministically -----------------------------------

# Runs `cdkfix apply` with cdkfix.write's `os` and its exchange of names replaced so that the
# process SIGKILLs itself at the named step of write_atomically.
CRASHING_APPLY = r'''
import os, signal, sys
import cdkfix.write as write

STEP = sys.argv[1]


def die():
    os.kill(os.getpid(), signal.SIGKILL)


class CrashingOs:
    def __getattr__(self, name):
        return getattr(os, name)

    def fdopen(self, fd, mode):
        handle = os.fdopen(fd, mode)
        if STEP != "mid-write":
            return handle

        class Half:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def write(self, data):
                handle.write(data[: len(data) // 2])
                handle.flush()
                die()

        return Half()

    def chmod(self, path, mode):
        if STEP == "before-chmod":
            die()
        os.chmod(path, mode)

real_exchange = write._exchange


def exchange(source, target):
    if STEP == "before-rename":
        die()
    real_exchange(source, target)
    if STEP == "after-rename":
        die()


write.os = CrashingOs()
write._exchange = exchange
sys.argv = ["cdkfix", "apply", "--isolated", "--jobs", "1", sys.argv[2]]
from cdkfix.__main__ import main

main()
'''


@pytest.mark.parametrize("step", ["mid-write", "before-chmod", "before-rename", "after-rename"])
def test_kill_at_each_step_of_a_write(tmp_path, step):
    script = tmp_path / "crashing_apply.py"
    script.write_text(CRASHING_APPLY)
    root = tmp_path / "app"
    root.mkdir()
    target = root / "stack.py"
    original = FLAWED.replace("\n", "\r\n").encode()
    expected = FIXED.replace("\n", "\r\n").encode()
    target.write_bytes(original)
    target.chmod(0o750)
    crashed = subprocess.run([sys.executable, str(script), step, str(root)], capture_output=True, timeout=120)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()

    assert target.read_bytes() == (expected if step == "after-rename" else original)
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    litter = [path for path in root.iterdir() if path != target]
    # Before the exchange the litter is the new text; right after it, the old file (the
    # exchange put it under the temporary name, and the kill came before its removal).
    assert len(litter) == 1 and litter[0].name.startswith(".stack.py.") and litter[0].name.endswith(".cdkfix-tmp")
    if step == "after-rename":
        assert litter[0].read_bytes() == original
    assert discover([root]) == ([target], [])

    # The next run fixes the file (or finds nothing left to do) and leaves the litter alone.
    again = subprocess.run(
        [sys.executable, "-m", "cdkfix", "apply", "--isolated", "--jobs", "1", str(root)], capture_output=True, timeout=120
    )
    assert again.returncode == 0, again.stderr.decode()
    assert target.read_bytes() == expected
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert [path for path in root.iterdir() if path != target] == litter
