"""The synthesis's fast exit: the same result as a normal exit, and nothing left behind."""

from __future__ import annotations

import os
import sys
import time

import pytest

from cdkfix.verify import synth as synth_module
from cdkfix.verify.apps import copy_app, load_app
from cdkfix.verify.synth import synthesize
from verify_support import make_app

pytestmark = [pytest.mark.synth, pytest.mark.skipif(os.name != "posix", reason="the fast exit is POSIX only")]

# The deprecation warning is printed by Node.js during the app's last call (after synth(),
# so the process leaves right after it): the fast exit must still copy it from jsii's
# stderr thread before leaving.
WARNS_LAST_APP = """\
import sys

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

app = cdk.App()
stack = cdk.Stack(app, "Warns")
vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
print("app stderr line", file=sys.stderr)
app.synth()
ecs.Cluster(stack, "Cluster", vpc=vpc, container_insights=True)
"""


def _synthesize(tmp_path, name, fast, monkeypatch):
    pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
    monkeypatch.setattr(synth_module, "FAST_EXIT", fast)
    app = load_app(tmp_path / "app")
    work = tmp_path / name
    copy = copy_app(app.root, work / "app")
    result = synthesize(app, copy, python=sys.executable, timeout=180, nag=False, workdir=work)
    return result, work


def test_fast_exit_gives_the_same_result_and_warnings(tmp_path, monkeypatch):
    make_app(tmp_path / "app", WARNS_LAST_APP)
    normal, _ = _synthesize(tmp_path, "normal", False, monkeypatch)
    fast, work = _synthesize(tmp_path, "fast", True, monkeypatch)
    assert normal.ok and fast.ok
    assert any("containerInsights is deprecated" in text for text in normal.warnings)
    assert fast.warnings == normal.warnings
    assert "app stderr line" in fast.stderr_tail
    assert {name: {k: r.digest for k, r in res.items()} for name, res in fast.stacks.items()} == \
        {name: {k: r.digest for k, r in res.items()} for name, res in normal.stacks.items()}
    # The run folder (and with it jsii's and Node.js's temporary folders) is gone.
    assert [path.name for path in work.iterdir()] == ["app"]


def test_nothing_of_the_synthesis_keeps_running(tmp_path, monkeypatch):
    make_app(tmp_path / "app", WARNS_LAST_APP)
    fast, _ = _synthesize(tmp_path, "fast", True, monkeypatch)
    assert fast.ok
    # No Node.js process of this synthesis is left: its command line names the run's TMPDIR.
    time.sleep(0.2)
    left = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            command = open(f"/proc/{pid}/cmdline", "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        if str(tmp_path / "fast") in command:
            left.append(command)
    assert left == []
