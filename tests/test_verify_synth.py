"""--verify with the real aws-cdk-lib and Node.js: each test synthesizes (seconds each), so they are few.

Selected with `-m synth`; they run in the default test command too (CI installs the verify extra).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest

from cdkfix.config import RunConfig
from cdkfix.records import FixStatus
from cdkfix.report.json_format import render as render_json
from cdkfix.report.markdown import render as render_markdown
from cdkfix.verify import FAILS_BEFORE, NOT_VERIFIED, ROLLED_BACK, VerifyOptions, run_verified
from cdkfix.verify.report import json_data, markdown_section
from verify_support import EnforceSsl, FaultyKeyword, StandInA4, make_app, seed_rules

pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
pytestmark = pytest.mark.synth
ROOT = Path(__file__).resolve().parents[1]
NO_NAG = VerifyOptions(nag=False, timeout=120)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_fix_that_breaks_synthesis_is_rolled_back_and_the_rest_written(here):
    make_app(here / "tiny")
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl, FaultyKeyword)), write=True, options=VerifyOptions(timeout=120))
    app = outcome.verification.apps[0]

    assert app.status == ROLLED_BACK and app.written
    assert [(item.code, item.path, item.line) for item in app.rolled_back] == [("TEST-FAULT", "tiny/app.py", 7)]
    assert "TypeError" in app.rolled_back[0].error and "no_such_option" in app.rolled_back[0].error
    # The last good state is written: both good fixes, not the faulty one.
    source = (here / "tiny" / "app.py").read_text()
    assert source.count("enforce_ssl=True") == 2 and "no_such_option" not in source
    statuses = {fix.code: fix.status for fix in outcome.fixes if fix.code == "TEST-FAULT"}
    assert statuses == {"TEST-FAULT": FixStatus.SKIPPED}
    faulty = next(fix for fix in outcome.fixes if fix.code == "TEST-FAULT")
    assert faulty.detail.startswith("rolled back by --verify") and "no_such_option" in faulty.detail
    assert any("TEST-FAULT fix rolled back" in error.message for error in outcome.all_errors)
    # before + all fixes + bisection, and the kept state really synthesized
    assert [run.label for run in app.synths][:2] == ["before", "after"]
    assert 1 <= sum(run.label == "bisect" for run in app.synths) <= 3
    assert app.final.ok and app.final.resource_count == 4
    # What the fixes changed, and cdk-nag before/after (S10 is what enforce_ssl clears)
    comparison = app.comparison
    assert comparison.by_type(comparison.added) == {"AWS::S3::BucketPolicy": 2}
    assert not comparison.removed and not comparison.new_errors
    assert (comparison.nag_before, comparison.nag_after) == (4, 2)
    assert comparison.nag_rules_cleared == ["AwsSolutions-S10"] and comparison.nag_rules_new == []

    markdown = render_markdown(outcome.fixes, targets=["tiny"], errors=outcome.all_errors,
                               extra_sections=markdown_section(outcome.verification))
    assert "## Synthesis Check (`--verify`)" in markdown
    assert "#### Fixes rolled back" in markdown and "no_such_option" in markdown
    assert "| cdk-nag AwsSolutions findings | 4 (4 errors, 0 warnings) in 2 rules |" in markdown
    assert "**Rules with no finding left**: `AwsSolutions-S10`" in markdown
    data = json.loads(render_json(outcome.fixes, outcome.all_errors, extra=json_data(outcome.verification)))
    checked = data["verification"]["apps"][0]
    assert checked["status"] == "rolled-back" and checked["rolled_back"][0]["code"] == "TEST-FAULT"
    assert checked["comparison"]["cdk_nag"] == {
        "before": 4, "after": 2, "rules_cleared": ["AwsSolutions-S10"], "rules_new": [],
        "rule_changes": {"AwsSolutions-S10": {"before": 2, "after": 0}},
    }
    assert checked["timings"]["total_seconds"] >= checked["timings"]["before_seconds"] > 0


LOOKUP_APP = """\
import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2, aws_s3 as s3

app = cdk.App()
stack = cdk.Stack(app, "LookupStack")
vpc = ec2.Vpc.from_lookup(stack, "Vpc", is_default=True)
s3.Bucket(stack, "Logs")
app.synth()
"""


def test_an_app_that_needs_context_lookups_gets_a_clear_message(here):
    make_app(here / "lookup", LOOKUP_APP)
    before = (here / "lookup" / "app.py").read_bytes()
    outcome = run_verified(["lookup"], RunConfig(rules=(EnforceSsl,)), write=True, options=NO_NAG)
    app = outcome.verification.apps[0]
    assert app.status == NOT_VERIFIED and not app.written
    assert "needs AWS context look-ups (vpc-provider" in app.message
    assert "cdk.context.json" in app.message and "without --verify" in app.message
    assert (here / "lookup" / "app.py").read_bytes() == before
    assert [fix.status for fix in outcome.fixes] == [FixStatus.SKIPPED]
    assert any("context look-ups" in error.message for error in outcome.errors)
    assert len(app.synths) == 1  # the fixed state is not synthesized: it could not be either


BROKEN_APP = """\
import aws_cdk as cdk
from aws_cdk import aws_codebuild as codebuild, aws_s3 as s3


class BuildStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        s3.Bucket(self, "Logs")
        self.image = codebuild.LinuxBuildImage.from_ecr_repository(repository=None, tag="latest")


app = cdk.App()
BuildStack(app, "BuildStack")
app.synth()
"""


def test_an_app_that_fails_before_the_fixes_is_written_only_with_force(here):
    make_app(here / "broken", BROKEN_APP)
    original = (here / "broken" / "app.py").read_bytes()
    rules = RunConfig(rules=(EnforceSsl, StandInA4))
    outcome = run_verified(["broken"], rules, write=True, options=NO_NAG)
    app = outcome.verification.apps[0]
    assert app.status == FAILS_BEFORE and not app.written
    assert not app.before.ok and "unexpected keyword argument 'tag'" in app.before.error
    assert "broken/app.py:9" in app.before.error  # the user's path, not the temporary copy's
    assert app.after.ok  # reported, though not written
    assert "--force" in app.message and "the fixed app synthesizes" in app.message
    assert (here / "broken" / "app.py").read_bytes() == original
    assert {fix.status for fix in outcome.fixes} == {FixStatus.SKIPPED}

    forced = run_verified(["broken"], rules, write=True, options=VerifyOptions(nag=False, timeout=120, force=True))
    assert forced.verification.apps[0].written
    fixed = (here / "broken" / "app.py").read_text()
    assert "tag_or_digest=" in fixed and "enforce_ssl=True" in fixed
    assert {fix.status for fix in forced.fixes} == {FixStatus.APPLIED}


def test_seed_app_verifies_and_the_report_carries_synthesis_and_cdk_nag(here, monkeypatch):
    """`cdkfix apply --verify --report r.md examples/seed_app`: A4 breaks the seed before; after, it synthesizes.

    Until the real CDK-A4 rule is merged, a test-only stand-in plays its part.
    """
    from typer.testing import CliRunner

    import cdkfix.registry
    from cdkfix.cli import app as cli

    shutil.copytree(ROOT / "examples" / "seed_app", here / "seed_app", ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    monkeypatch.setattr(cdkfix.registry, "all_rules", seed_rules)
    original = {path: path.read_bytes() for path in (here / "seed_app").rglob("*.py")}
    result = CliRunner().invoke(cli, ["apply", "--verify", "--report", "r.md", "seed_app"])

    report = (here / "r.md").read_text()
    assert result.exit_code == 2, result.output  # the app fails before the fixes: nothing written
    assert {path: path.read_bytes() for path in original} == original
    assert "synthesizing before the fixes" in result.stderr  # progress on stderr
    assert "### App `seed_app` (`python3 app.py`)" in report
    synthesis = next(line for line in report.splitlines() if line.startswith("| Synthesis |"))
    assert "fails: TypeError: LinuxBuildImage.from_ecr_repository() got an unexpected keyword argument 'tag'" in synthesis
    assert "synthesizes: 5 stacks" in synthesis
    nag = next(line for line in report.splitlines() if line.startswith("| cdk-nag AwsSolutions findings |"))
    assert nag.startswith("| cdk-nag AwsSolutions findings | n/a (did not synthesize) | ")
    assert " errors, " in nag.split("|")[3]
    assert "--force" in report and "**Time `--verify` added**" in report


SLEEPY_APP = """\
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open(os.environ["PID_FILE"], "w").write(str(child.pid))
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper is as good as dead
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_timeout_kills_the_whole_process_group(here, monkeypatch):
    make_app(here / "sleepy", SLEEPY_APP + "from aws_cdk import aws_s3 as s3\ns3.Bucket(None, 'B')\n")
    monkeypatch.setenv("PID_FILE", str(here / "child.pid"))
    started = time.monotonic()
    outcome = run_verified(["sleepy"], RunConfig(rules=(EnforceSsl,)), options=VerifyOptions(nag=False, timeout=4))
    app = outcome.verification.apps[0]
    assert time.monotonic() - started < 60
    assert app.status == NOT_VERIFIED and "did not finish within 4 s" in app.message and "--timeout" in app.message
    child = int((here / "child.pid").read_text())
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(child)


def test_missing_environment_pieces_get_clear_messages(here, monkeypatch):
    rules = RunConfig(rules=(EnforceSsl,))
    make_app(here / "needs", "import aws_cdk\nimport no_such_dependency_xyz\nfrom aws_cdk import aws_s3 as s3\ns3.Bucket(None, 'B')\n")
    app = run_verified(["needs"], rules, options=NO_NAG).verification.apps[0]
    assert app.status == NOT_VERIFIED
    assert "needs the module 'no_such_dependency_xyz', which is not installed" in app.message

    # A Python without aws-cdk-lib (-S hides site-packages), chosen with --python.
    wrapper = here / "bare-python"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} -S \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    venv_python = here / "needs" / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    (here / "needs" / ".venv" / "pyvenv.cfg").write_text("")
    app = run_verified(["needs"], rules, options=VerifyOptions(nag=False, python=str(wrapper))).verification.apps[0]
    assert "aws-cdk-lib is not installed in" in app.message
    assert "the app has its own environment: try --python needs/.venv/bin/python" in app.message

    app = run_verified(["needs"], rules, options=VerifyOptions(nag=False, python=str(here / "nope"))).verification.apps[0]
    assert "does not exist" in app.message

    monkeypatch.setenv("JSII_NODE", str(here / "no-node"))
    app = run_verified(["needs"], rules, options=NO_NAG).verification.apps[0]
    assert "Node.js is not installed" in app.message
    monkeypatch.delenv("JSII_NODE")

    make_app(here / "ts", "import aws_cdk\nfrom aws_cdk import aws_s3 as s3\ns3.Bucket(None, 'B')\n", command="npx ts-node bin/app.ts")
    outcome = run_verified(["ts"], rules, write=True, options=NO_NAG)
    app = outcome.verification.apps[0]
    assert "does not run Python" in app.message and not app.synths and not app.written
    forced = run_verified(["ts"], rules, write=True, options=VerifyOptions(nag=False, force=True))
    assert forced.verification.apps[0].written and "enforce_ssl=True" in (here / "ts" / "app.py").read_text()
