"""cdkfix's Node.js options for syntheses: appended to the user's NODE_OPTIONS, refused options left out."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from cdkfix.verify import node as node_module
from cdkfix.verify.apps import copy_app, load_app
from cdkfix.verify.node import TUNED_OPTIONS, node_environment, option_name, tuned_options
from cdkfix.verify.synth import synthesize
from verify_support import make_app

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="needs Node.js")


@pytest.fixture(autouse=True)
def fresh_probes(monkeypatch):
    # Each test probes its own (fake) Node: no answer carried over from another test.
    monkeypatch.setattr(node_module, "_accepted", {})


def fake_node(folder: Path, refuses: tuple[str, ...] = (), fails: str = "") -> Path:
    """A `node` that exits 9 as Node does for an option it does not allow in NODE_OPTIONS."""
    script = folder / "node"
    checks = "".join(
        f'case " $NODE_OPTIONS " in *" {flag}="*|*" {flag} "*) '
        f'echo "node: {flag}=1 is not allowed in NODE_OPTIONS" >&2; exit 9;; esac\n'
        for flag in refuses
    )
    if fails:
        checks += f'echo "{fails}" >&2; exit 1\n'
    script.write_text("#!/bin/sh\n" + checks + "exit 0\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_option_names_read_both_spellings():
    assert option_name("--max_semi_space_size=8") == option_name("--max-semi-space-size=64") == "--max-semi-space-size"
    assert option_name("--v8-pool-size") == "--v8-pool-size"


@needs_node
def test_the_options_are_appended_after_the_users_own():
    env = node_environment({"PATH": os.environ["PATH"], "NODE_OPTIONS": "--no-warnings --stack-trace-limit=50"})
    assert env["NODE_OPTIONS"] == "--no-warnings --stack-trace-limit=50 " + " ".join(TUNED_OPTIONS)
    alone = node_environment({"PATH": os.environ["PATH"]})
    assert alone["NODE_OPTIONS"] == " ".join(TUNED_OPTIONS)


@needs_node
def test_a_users_value_of_the_same_option_wins_in_either_spelling():
    env = node_environment({"PATH": os.environ["PATH"], "NODE_OPTIONS": "--max_semi_space_size=8"})
    assert env["NODE_OPTIONS"] == "--max_semi_space_size=8 --v8-pool-size=1"
    env = node_environment({"PATH": os.environ["PATH"], "NODE_OPTIONS": '--v8-pool-size 4 "--max-semi-space-size=16"'})
    assert env["NODE_OPTIONS"] == '--v8-pool-size 4 "--max-semi-space-size=16"'


def test_an_option_this_node_refuses_is_left_out(tmp_path):
    node = fake_node(tmp_path, refuses=("--max-semi-space-size",))
    assert tuned_options("--no-warnings", str(node)) == "--no-warnings --v8-pool-size=1"
    (tmp_path / "older").mkdir()  # another Node (the answers are kept per Node and options)
    node = fake_node(tmp_path / "older", refuses=("--max-semi-space-size", "--v8-pool-size"))
    assert tuned_options("--no-warnings", str(node)) == "--no-warnings"


def test_nothing_is_added_when_node_fails_for_another_reason_or_is_missing(tmp_path):
    # The user's own options are refused (or Node is broken): cdkfix adds nothing and changes nothing.
    node = fake_node(tmp_path, fails="node: --bogus is not allowed in NODE_OPTIONS")
    assert tuned_options("--bogus", str(node)) == "--bogus"
    assert tuned_options("--bogus", None) == "--bogus"
    env = {"PATH": str(tmp_path / "nowhere"), "NODE_OPTIONS": "--no-warnings"}
    assert node_environment(env) == env


def test_the_tuning_can_be_switched_off(tmp_path):
    env = {"PATH": str(tmp_path), "NODE_OPTIONS": "--no-warnings", "CDKFIX_NODE_TUNING": "0"}
    fake_node(tmp_path)
    assert node_environment(env) == env
    assert node_environment({**env, "CDKFIX_NODE_TUNING": "1"})["NODE_OPTIONS"] == "--no-warnings " + " ".join(TUNED_OPTIONS)


SHOW_OPTIONS_APP = """\
import os

import aws_cdk as cdk

raise RuntimeError("NODE_OPTIONS=[" + os.environ.get("NODE_OPTIONS", "") + "]")
"""


@needs_node
@pytest.mark.synth
def test_a_synthesis_runs_with_the_users_options_then_cdkfixs(tmp_path, monkeypatch):
    pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
    monkeypatch.setenv("NODE_OPTIONS", "--no-warnings")
    make_app(tmp_path / "show", SHOW_OPTIONS_APP)
    app = load_app(tmp_path / "show")
    copy = copy_app(app.root, tmp_path / "work" / "show")
    result = synthesize(app, copy, python=os.environ.get("PYTHON", __import__("sys").executable), timeout=120, nag=False,
                        workdir=tmp_path / "work")
    # The bootstrap imported aws_cdk first: the jsii kernel (Node) started with these options.
    assert not result.ok and result.problem == ""
    assert f"NODE_OPTIONS=[--no-warnings {' '.join(TUNED_OPTIONS)}]" in result.error
    assert os.environ["NODE_OPTIONS"] == "--no-warnings"  # cdkfix's own environment is untouched
