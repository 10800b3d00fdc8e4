"""The example apps: the seed app is fixed into exactly seed_app.expected, once, and the
fixed app synthesizes with the real aws-cdk-lib (the flawed one does not, because of A4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

SEED = EXAMPLES / "seed_app"
EXPECTED = EXAMPLES / "seed_app.expected"


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and "cdk.out" not in path.parts
    }


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "cdk.out"))
    return target


def test_apply_turns_the_seed_app_into_the_expected_app(cli, tmp_path):
    app = _copy(SEED, tmp_path / "app")
    report = tmp_path / "MODEL_FAILURES.md"
    code, out, err = cli("apply", "--jobs", "1", "--report", report, app)
    assert code == 0, err
    assert _files(app) == _files(EXPECTED)
    assert "26 fixes applied in 5 files" in err

    text = report.read_text()
    # Each section is headed by the rule's own code (not a running number that differs from it).
    headings = [line.split(":")[0] for line in text.splitlines() if line.startswith("### ")]
    # The seed's B3 (SNS topic "missing" a removal policy) is not a flaw: a topic synthesizes with
    # no DeletionPolicy and is deleted with the stack (tests/test_rules_b_kw.py), so 17 of 18.
    assert sorted(headings[:23]) == sorted(
        f"### CDK-{letter}{n}" for letter, last in (("A", 4), ("B", 14), ("I", 6)) for n in range(1, last + 1)
        if (letter, n) != ("B", 3)
    )
    assert "### CDK-B3" not in text
    assert "- **Fixes applied**: 26 (4 A, 14 B, 8 I) in 5 files, by 23 rules" in text
    assert "- **Open findings before the fixes**: 26 (4 A, 14 B, 8 I): score 0/10" in text
    assert "- **Open findings after the fixes**: 0 (0 A, 0 B, 0 I): score 10/10" in text
    # The report quotes the user's own code: A4's flawed call, before and after.
    assert "repository=None,  # No repository provided" in text
    assert 'tag_or_digest="latest"' in text


def test_second_apply_changes_nothing(cli, tmp_path):
    app = _copy(EXPECTED, tmp_path / "app")
    code, out, err = cli("apply", "--jobs", "1", app)
    assert code == 0, err
    assert _files(app) == _files(EXPECTED)
    assert "0 fixes applied" in err


def test_dry_run_writes_nothing_and_prints_the_diff(cli, tmp_path):
    app = _copy(SEED, tmp_path / "app")
    code, out, err = cli("apply", "--dry-run", "--jobs", "1", app)
    assert code == 1
    assert _files(app) == _files(SEED)
    assert "+                    tag_or_digest=\"latest\"" in out
    assert "-            nat_gateways=1  # Single point of failure" in out


def _synth(app: Path, tmp_path: Path, context: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path / "cdk.out"), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    if context is not None:
        import json

        env["CDK_CONTEXT_JSON"] = json.dumps(context)
    return subprocess.run([sys.executable, "app.py"], cwd=app, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.synth
def test_flawed_seed_app_does_not_synthesize(tmp_path):
    done = _synth(_copy(SEED, tmp_path / "app"), tmp_path)
    assert done.returncode != 0
    assert "unexpected keyword argument 'tag'" in done.stderr


@pytest.mark.synth
def test_fixed_seed_app_synthesizes_without_deprecation_warnings(tmp_path):
    import json

    # CloudFormation Validate's errors fail the synthesis with this flag on: 0 errors.
    done = _synth(_copy(EXPECTED, tmp_path / "app"), tmp_path, {"@aws-cdk/core:validateAgainstDefaultRules": True})
    assert done.returncode == 0, done.stderr
    assert "CloudFormation Validate" not in done.stdout + done.stderr
    output = (done.stdout + done.stderr).lower()
    assert "deprecat" not in output, output
    templates = {path.name: json.loads(path.read_text()) for path in (tmp_path / "cdk.out").glob("*.template.json")}
    resources = [resource for template in templates.values() for resource in template.get("Resources", {}).values()]
    types = [resource["Type"] for resource in resources]
    assert types.count("AWS::EC2::NatGateway") == 2  # A2
    assert "AWS::CodeDeploy::DeploymentGroup" in types  # A3
    assert types.count("AWS::ElasticLoadBalancingV2::TargetGroup") == 2  # A3
    assert "AWS::ECR::Repository" in types  # A4 (and the app's own repository)
    assert "AWS::CloudWatch::Alarm" in types  # B14
    assert "AWS::ApplicationAutoScaling::ScalableTarget" in types  # B11
    clusters = [r for r in resources if r["Type"] == "AWS::ECS::Cluster"]
    assert clusters[0]["Properties"]["ClusterSettings"] == [{"Name": "containerInsights", "Value": "enabled"}]  # B12
    roles = [r for r in resources if r["Type"] == "AWS::IAM::Role"]
    assert not any("PowerUserAccess" in json.dumps(role) for role in roles)  # A1
    # A1: every ARN built from the partition names its service (IAM rejects a wildcard there)
    joined = [
        value["Fn::Join"][1]
        for r in resources if r["Type"] == "AWS::IAM::Policy"
        for statement in r["Properties"]["PolicyDocument"]["Statement"]
        for value in (statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]])
        if isinstance(value, dict) and "Fn::Join" in value
    ]
    arns = [parts for parts in joined if parts[:2] == ["arn:", {"Ref": "AWS::Partition"}] and isinstance(parts[2], str)]
    assert len(arns) >= 8 and not [parts for parts in arns if parts[2].startswith(":*:")]
    buckets = [r for r in resources if r["Type"] == "AWS::S3::Bucket"]
    assert buckets and all(bucket["DeletionPolicy"] == "Delete" for bucket in buckets)  # B1
