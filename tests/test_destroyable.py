"""The production default: the destroyability rules (group `destroyable`: CDK-B1, B3, B4, and the
DESTROY parts of I2 and A4) run only when a run asks for them."""

from __future__ import annotations

import json

import pytest

from cdkfix.registry import all_rules

# Real-world CDK code that keeps CDK's defaults: retained buckets, a table, a log group, a
# retained secret and topic, a build image repository CodeBuild lacks, a container logging to the
# default group. Production code: none of it is a flaw without the destroyable group.
APP = '''\
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_codebuild as codebuild, aws_dynamodb as dynamodb, aws_ecs as ecs
from aws_cdk import aws_logs as logs, aws_s3 as s3, aws_secretsmanager as secretsmanager, aws_sns as sns


class DataStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.data = s3.Bucket(self, "Data", encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)
        self.archive = s3.Bucket(
            self,
            "Archive",
            encryption=s3.BucketEncryption.KMS_MANAGED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        dynamodb.Table(self, "Table", partition_key=key)
        logs.LogGroup(self, "Audit", retention=logs.RetentionDays.ONE_YEAR)
        secretsmanager.Secret(self, "Token", removal_policy=RemovalPolicy.RETAIN)
        alerts = sns.Topic(self, "Alerts")
        alerts.apply_removal_policy(RemovalPolicy.RETAIN)
        codebuild.PipelineProject(
            self,
            "Build",
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.from_ecr_repository(None, tag_or_digest="v1")
            ),
        )
        task.add_container("App", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="app"))
'''
DESTROYABLE = {"CDK-B1", "CDK-B3", "CDK-B4"}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data_stack.py").write_text(APP)
    return tmp_path


def _findings(out: str) -> list[dict]:
    return json.loads(out)["fixes"]


def test_the_group_is_b1_b3_b4_and_opt_in():
    grouped = {rule.code for rule in all_rules() if "destroyable" in rule.groups}
    assert grouped == DESTROYABLE
    assert all(not rule.default for rule in all_rules() if rule.code in DESTROYABLE)
    assert all(rule.default for rule in all_rules() if rule.code.startswith("CDK-") and rule.code not in DESTROYABLE)


def test_no_configuration_no_destroyability_finding_and_no_destroy(cli, project):
    code, out, err = cli("check", "--isolated", "--output-format", "json", project)
    findings = _findings(out)
    assert not {finding["code"] for finding in findings} & DESTROYABLE
    # the other rules still run; none of their fixes writes a DESTROY or auto-deletion
    assert {"CDK-A4", "CDK-I2"} <= {finding["code"] for finding in findings}
    code, out, err = cli("apply", "--isolated", "--unsafe-fixes", project)
    fixed = (project / "data_stack.py").read_text()
    assert fixed != APP
    for destroying in ("RemovalPolicy.DESTROY", "auto_delete_objects", "empty_on_delete"):
        assert destroying not in fixed
    assert "log_retention=logs.RetentionDays.ONE_WEEK" in fixed  # I2: the default group, a retention


def test_a_prefix_does_not_turn_them_on(cli, project):
    code, out, err = cli("check", "--isolated", "--select", "CDK-B", "--output-format", "json", project)
    assert not {finding["code"] for finding in _findings(out)} & DESTROYABLE


@pytest.mark.parametrize("how", ["cli", "config"])
def test_extend_select_destroyable_turns_them_on(cli, project, how):
    if how == "cli":
        args = ("--isolated", "--extend-select", "destroyable")
    else:
        (project / "cdkfix.toml").write_text('extend-select = ["destroyable"]\n')
        args = ()
    code, out, err = cli("check", *args, "--output-format", "json", project)
    codes = [finding["code"] for finding in _findings(out)]
    # B1: the two buckets, the table and the log group; B3: the retained topic; B4: the secret
    assert sorted(code for code in codes if code in DESTROYABLE) == ["CDK-B1"] * 4 + ["CDK-B3", "CDK-B4"]
    code, out, err = cli("apply", *args, "--unsafe-fixes", project)
    fixed = (project / "data_stack.py").read_text()
    assert 'secretsmanager.Secret(self, "Token", removal_policy=RemovalPolicy.DESTROY)' in fixed
    assert "alerts.apply_removal_policy(RemovalPolicy.DESTROY)" in fixed
    # A4's new repository and I2's new log group are deleted with the stack too
    assert "empty_on_delete=True" in fixed and fixed.count("logs.LogGroup(") == 2
    code, out, err = cli("check", *args, "--output-format", "json", project)
    assert code == 0 and _findings(out) == []  # a second run finds nothing


def test_rules_shows_groups_and_opt_in(cli):
    code, out, err = cli("rules", "--format", "json")
    rows = {row["code"]: row for row in json.loads(out)}
    assert rows["CDK-B1"]["default"] is False and rows["CDK-B1"]["groups"] == ["destroyable"]
    assert rows["CDK-B2"]["default"] is True and rows["CDK-B2"]["groups"] == []
    code, out, err = cli("rules", "--format", "markdown")
    assert "| CDK-B4 | secret-removal-policy | B | unsafe | opt-in (destroyable) |" in out
    assert "- `destroyable`: CDK-B1, CDK-B3, CDK-B4 (`--extend-select destroyable` turns them on)" in out
    code, out, err = cli("rules")
    assert "Group destroyable: CDK-B1, CDK-B3, CDK-B4" in out


def test_explain_says_how_to_turn_an_opt_in_rule_on(cli):
    code, out, err = cli("explain", "B4")
    assert "## Selection" in out and "--extend-select destroyable" in out and 'extend-select = ["destroyable"]' in out
    code, out, err = cli("explain", "B2")
    assert "## Selection" not in out
