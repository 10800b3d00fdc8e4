"""Runaway input and a hostile environment: a pathological file is rejected before LibCST
sees it (issue 19.6), a huge file is skipped by a size limit and little memory does not
stop the run (19.7), --verify copes with a FIFO in the app folder (19.9), and workers
end when the main process is killed (19.17)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cdkfix import engine, parsing
from cdkfix.config import DEFAULT_MAX_FILE_SIZE, ConfigError, RunConfig, load_settings
from cdkfix.engine import fix_module
from cdkfix.registry import find_rule
from cdkfix.run import run
from conftest import FIXED, FLAWED

B12 = RunConfig(rules=(find_rule("CDK-B12"),))
HEADER = "from aws_cdk import aws_ecs as ecs\n"
LINKS = 20_000

# The shapes (about 100 KB each) and the other ways to nest one node in the next.
CHAINS = {
    "power": "x = " + " ** ".join(["2"] * LINKS),
    "attributes": "x = a" + ".b" * (LINKS * 5 // 2),
    "calls": "x = a" + "()" * LINKS,
    "subscripts": "x = a" + "[0]" * LINKS,
    "not": "x = " + "not " * LINKS + "a",
    "unary minus": "x = " + "-" * LINKS + "a",
    "sum": "x = " + " + ".join(["a"] * LINKS),
    "conditional": "x = " + "a if b else " * LINKS + "a",
    "lambda": "x = " + "lambda: " * LINKS + "a",
    "over lines in brackets": "x = (\n    a\n" + "    + a\n" * LINKS + ")",
    "continued lines": "x = 2" + " ** \\\n2" * LINKS,
}


@pytest.fixture
def no_parse(monkeypatch):
    """LibCST must never see the file."""

    def refuse(source):
        raise AssertionError("a pathological file reached LibCST")

    monkeypatch.setattr(parsing, "parse_module", refuse)


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_a_pathological_chain_is_rejected_before_parsing(shape, no_parse):
    source = (HEADER + CHAINS[shape] + "\n").encode()
    result = fix_module(source, "chain.py", B12)
    [error] = result.errors
    assert error.message == "too deeply nested to analyse: an expression chains more than 1000 operations, skipped"
    # The line where the chain is deepest: the statement's own on one line, a later one
    # when the chain goes on over lines.
    assert error.line == 2 if "lines" not in shape else 2 < error.line <= source.count(b"\n")
    assert result.new_source is None and result.fixes == []


def test_deep_brackets_still_get_cpythons_message(no_parse):
    source = (HEADER + "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode()
    [error] = fix_module(source, "deep.py", B12).errors
    assert error.message == "syntax error: too many nested parentheses (line 2)"


@pytest.mark.parametrize(
    "text",
    [
        "x = [" + ", ".join(["a.b.c - 1"] * LINKS) + "]",  # long, but flat
        "x = {" + ", ".join(f"'k{i}': -{i}" for i in range(LINKS)) + "}",
        "x = " + " and ".join(["a"] * LINKS),
        "x = " + " < ".join(["a"] * LINKS),
        "x = '" + "." * LINKS + "'",  # operators in strings and comments are text
        '"""\n' + "- " * LINKS + '\n"""',
        "# " + "+" * LINKS,
        "\n".join(f"x{i} = a.b.c.d(e.f - g.h)" for i in range(LINKS // 4)),
    ],
    ids=["list", "dict", "and", "comparison", "string", "docstring", "comment", "many statements"],
)
def test_long_but_shallow_code_is_not_rejected(text):
    assert engine._nesting_error((HEADER + text + "\n").encode()) is None


def test_a_chain_under_the_limit_is_analysed_and_fixed():
    chain = "x = a" + ".b" * 900 + "\n"
    result = fix_module((FLAWED + chain).encode(), "near.py", B12)
    assert not result.errors
    assert result.new_source.decode() == FIXED + chain


def test_the_rejection_is_reported_and_the_other_files_are_fixed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("chain.py").write_text(HEADER + CHAINS["power"] + "\n")
    Path("good.py").write_text(FLAWED)
    outcome = run(["."], B12, write=True, jobs=1)
    assert [str(error) for error in outcome.all_errors] == [
        "chain.py:2: too deeply nested to analyse: an expression chains more than 1000 operations, skipped"
    ]
    assert Path("good.py").read_text() == FIXED


# --- 7. huge files, little memory ------------------------------------------------------------


def test_a_file_over_the_size_limit_is_skipped_and_the_next_one_fixed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    big = FLAWED + "x = {" + ", ".join(f"'k{i}': {i}" for i in range(200)) + "}\n"
    Path("a_big.py").write_text(big)
    Path("a_big_plain.py").write_text("x = 1\n" * 500)  # no CDK: silently not analysed, as always
    Path("b_small.py").write_text(FLAWED)
    Path("cdkfix.toml").write_text("max-file-size = 1000\n")
    config = RunConfig.default()
    from cdkfix.config import build_run_config

    config = build_run_config(select=["CDK-B12"])
    outcome = run(["."], config, write=True, jobs=1)
    size = len(big.encode())
    assert [str(error) for error in outcome.all_errors] == [
        f"a_big.py: file too large to analyse ({size:,} bytes; max-file-size is 1,000), skipped: "
        "raise max-file-size in the configuration to analyse it"
    ]
    assert Path("a_big.py").read_text() == big and Path("b_small.py").read_text() == FIXED


def test_the_default_size_limit_applies_without_a_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    huge = FLAWED + "# " + "x" * DEFAULT_MAX_FILE_SIZE + "\n"
    Path("huge.py").write_text(huge)
    outcome = run(["huge.py"], B12, write=True, jobs=1)
    [error] = outcome.all_errors
    assert "file too large to analyse" in error.message and "max-file-size is 5,242,880" in error.message
    assert Path("huge.py").read_text() == huge


@pytest.mark.parametrize("value", ["-1", "'5MB'", "true"])
def test_a_bad_max_file_size_is_a_config_error(tmp_path, value):
    path = tmp_path / "cdkfix.toml"
    path.write_text(f"max-file-size = {value}\n")
    with pytest.raises(ConfigError, match="'max-file-size' must be a number of bytes"):
        load_settings(path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_little_address_space_still_analyses_every_file(tmp_path, jobs):
    """`ulimit -v`: the engine thread's stack used to be 512 MB, and every file failed with
    "can't start new thread" (measured: a 500 MB limit broke every file, jobs 1 and 2)."""
    for index in range(3):
        (tmp_path / f"stack_{index}.py").write_text(FLAWED)
    limit = 400 * 1024 * 1024

    def small() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "cdkfix", "check", "--isolated", "--select", "CDK-B12", "--jobs", jobs, str(tmp_path)],
        preexec_fn=small, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().endswith("3 fixes pending in 3 files (3 files checked).")
    assert "internal error" not in done.stderr


def test_without_a_big_stack_thread_files_are_analysed_in_the_calling_thread(monkeypatch):
    real_start = threading.Thread.start

    def start(self):
        if self.name == "cdkfix engine":
            raise RuntimeError("can't start new thread")
        return real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    monkeypatch.setattr(engine, "_BIG_STACK", engine._BigStackThread())
    result = fix_module(FLAWED.encode(), "stack.py", B12)
    assert not result.errors and result.new_source.decode() == FIXED


# --- 9. --verify and a FIFO -------------------------------------------------------------------


def test_copying_an_app_folder_skips_a_fifo(tmp_path):
    from cdkfix.verify.apps import copy_app

    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(FLAWED)
    os.mkfifo(app / "events.fifo")  # would block a copy, or fail it
    (app / "link.py").symlink_to("app.py")
    copy = copy_app(app, tmp_path / "copy")
    assert sorted(path.name for path in copy.iterdir()) == ["app.py", "link.py"]
    assert (copy / "link.py").is_symlink() and (copy / "app.py").read_text() == FLAWED


def test_a_verify_run_on_an_app_with_a_fifo_verifies_it(tmp_path, monkeypatch):
    import tempfile

    import cdkfix.verify as verify
    from cdkfix.verify import VERIFIED, VerifyOptions, run_verified
    from cdkfix.verify.synth import SynthResult
    from verify_support import EnforceSsl, make_app, use_synthesize

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    use_synthesize(monkeypatch, lambda app, folder, **kwargs: SynthResult(ok=True, seconds=0.1))
    monkeypatch.setattr(verify, "node_major_version", lambda: "20")
    make_app(tmp_path / "tiny", "import aws_cdk as cdk\nfrom aws_cdk import aws_s3 as s3\n\ns3.Bucket(stack, 'Logs')\n")
    os.mkfifo(tmp_path / "tiny" / "pipe")
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), write=True, options=VerifyOptions())
    assert outcome.verification.apps[0].status == VERIFIED
    assert "enforce_ssl=True" in (tmp_path / "tiny" / "app.py").read_text()


def test_a_copy_failure_is_a_clear_reason_not_a_traceback(tmp_path, monkeypatch):
    import shutil

    from cdkfix.verify.apps import UnsupportedApp, copy_app

    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(FLAWED)
    (app / "secret.py").write_text("x = 1\n")
    real_copytree = shutil.copytree

    def copy2(source, target, **kwargs):
        if Path(source).name == "secret.py":  # what root cannot arrange: an unreadable file
            raise PermissionError(13, "Permission denied", str(source))
        return shutil.copy2(source, target, **kwargs)

    monkeypatch.setattr(shutil, "copytree", lambda *args, **kwargs: real_copytree(*args, copy_function=copy2, **kwargs))
    with pytest.raises(UnsupportedApp, match=r"cannot copy the app folder for synthesis: .*secret\.py: .*Permission denied"):
        copy_app(app, tmp_path / "copy")


# --- 17. workers end with the main process -------------------------------------------------

# `cdkfix apply --jobs 2` whose workers announce themselves and then block in the first
# file they get, so they are certainly alive when the main process is killed.
BLOCKING_APPLY = r'''
import os, sys, time
import cdkfix.parallel as parallel
import cdkfix.run as run_module

MARKERS = sys.argv[1]
if sys.argv[3] == "watch thread":  # as on systems without PR_SET_PDEATHSIG
    parallel._set_parent_death_signal = lambda: False


def blocked(path, config):
    open(os.path.join(MARKERS, str(os.getpid())), "w").close()
    time.sleep(3600)


run_module.process_file = blocked
sys.argv = ["cdkfix", "apply", "--isolated", "--jobs", "2", sys.argv[2]]
from cdkfix.__main__ import main

main()
'''


def _alive(pid: int) -> bool:
    """Running (a zombie left for an init that does not reap is dead)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("how", ["death signal", "watch thread"])
def test_workers_exit_when_the_main_process_is_killed(tmp_path, how):
    script = tmp_path / "blocking_apply.py"
    script.write_text(BLOCKING_APPLY)
    markers = tmp_path / "markers"
    markers.mkdir()
    tree = tmp_path / "app"
    tree.mkdir()
    for index in range(4):
        (tree / f"stack_{index}.py").write_text(FLAWED)
    main = subprocess.Popen([sys.executable, str(script), str(markers), str(tree), how], stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120  # a hang guard, not a measurement
        while len(workers) < 2:
            assert main.poll() is None, "the run ended before its workers started"
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
            workers = [int(name) for name in os.listdir(markers)]
        assert all(_alive(pid) for pid in workers)
        main.send_signal(signal.SIGKILL)  # the main process only
        main.wait(60)
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, f"workers {workers} outlived the main process"
            time.sleep(0.05)
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
    assert all(path.read_text() == FLAWED for path in tree.iterdir())
