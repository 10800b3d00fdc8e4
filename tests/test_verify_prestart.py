"""The "after" synthesis whose process starts during the check: the same result as an ordinary one."""

from __future__ import annotations

import os
import sys
import time

import pytest

from cdkfix.config import RunConfig
from cdkfix.verify import VERIFIED, VerifyOptions, run_verified
from cdkfix.verify.apps import copy_app, load_app
from cdkfix.verify.nag import WARM_UP_DONE
from cdkfix.verify.synth import Prestarted, synthesize
from verify_support import EnforceSsl, make_app

pytestmark = pytest.mark.synth

# Warnings of both kinds (a construct's annotation, a Python warning on stderr) and cdk-nag findings.
APP = """\
import sys
import warnings

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

app = cdk.App()
stack = cdk.Stack(app, "PrestartStack")
s3.Bucket(stack, "Data")
queue = sqs.Queue(stack, "Jobs")
cdk.Annotations.of(queue).add_warning("a warning of the app's own")
warnings.warn("the app warns", UserWarning)
print("from the app", file=sys.stderr)
app.synth()
"""


def _digests(result):
    return {stack: {logical: resource.digest for logical, resource in resources.items()} for stack, resources in result.stacks.items()}


@pytest.fixture
def app(tmp_path):
    pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    make_app(tmp_path / "app", APP)
    return load_app(tmp_path / "app")


def test_a_prestarted_synthesis_gives_the_ordinary_result(app, tmp_path):
    ordinary = synthesize(app, copy_app(app.root, tmp_path / "one" / "app"), python=sys.executable, timeout=180,
                          nag=True, workdir=tmp_path / "one")
    prestarted = Prestarted(app, copy_app(app.root, tmp_path / "two" / "app"), python=sys.executable, nag=True,
                            workdir=tmp_path / "two")
    time.sleep(3)  # let it get some way into its warm-up, as it does during a check
    early = prestarted.run(timeout=180)
    assert ordinary.ok and early.ok
    assert _digests(early) == _digests(ordinary)
    assert early.warnings == ordinary.warnings
    assert any("a warning of the app's own" in text for text in early.warnings)
    assert early.nag.to_dict() == ordinary.nag.to_dict() and early.nag.findings > 0
    assert early.validate == ordinary.validate and early.invalid_iam == ordinary.invalid_iam
    # The warm-up's own output is not the app's: the stderr kept starts after its mark.
    assert "from the app" in early.stderr_tail and WARM_UP_DONE not in early.stderr_tail
    assert sorted(path.name for path in (tmp_path / "two").iterdir()) == ["app"]  # run folder removed


def test_a_prestarted_synthesis_can_run_files_placed_after_it_started(app, tmp_path):
    copy = copy_app(app.root, tmp_path / "work" / "app")
    prestarted = Prestarted(app, copy, python=sys.executable, nag=False, workdir=tmp_path / "work")
    (copy / "app.py").write_text(APP.replace('"Jobs"', '"Tasks"'), encoding="utf-8")
    result = prestarted.run(timeout=180)
    assert result.ok
    assert any(logical.startswith("Tasks") for logical in result.stacks["PrestartStack"])


def test_a_closed_prestarted_synthesis_leaves_nothing(app, tmp_path):
    prestarted = Prestarted(app, copy_app(app.root, tmp_path / "work" / "app"), python=sys.executable, nag=True,
                            workdir=tmp_path / "work")
    time.sleep(1)
    prestarted.close()
    assert prestarted.process.poll() is not None
    assert sorted(path.name for path in (tmp_path / "work").iterdir()) == ["app"]
    with pytest.raises(RuntimeError):
        prestarted.run(timeout=10)


def test_verify_uses_the_prestarted_process_and_gets_the_same_outcome(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    said: dict[int, list[str]] = {}
    outcomes = {}
    for jobs in (1, 2):  # jobs 1: no prestarted process
        said[jobs] = []
        outcomes[jobs] = run_verified(["app"], RunConfig(rules=(EnforceSsl,)), jobs=jobs, options=VerifyOptions(),
                                      progress=said[jobs].append)
    for jobs, outcome in outcomes.items():
        checked = outcome.verification.apps[0]
        assert checked.status == VERIFIED, checked.message
    assert any("synthesizing after the fixes" in line and "started during the check" in line for line in said[2])
    assert not any("after the fixes" in line and "started during the check" in line for line in said[1])
    one, two = (outcomes[jobs].verification.apps[0] for jobs in (1, 2))
    assert _digests(two.after) == _digests(one.after) and two.after.warnings == one.after.warnings
    assert two.comparison.to_dict() == one.comparison.to_dict()
    assert [r.new_source for r in outcomes[2].results] == [r.new_source for r in outcomes[1].results]
