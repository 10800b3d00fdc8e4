"""Every command through typer's CliRunner, with its exit codes (0 clean, 1 pending, 2 error)."""

from __future__ import annotations

import json

import pytest

from conftest import FIXED, FLAWED
from cdkfix.registry import all_rules

UNSAFE_ONLY = '''from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager


def build(self):
    return secretsmanager.Secret(self, "Secret", removal_policy=RemovalPolicy.RETAIN)
'''


@pytest.fixture
def flawed(tmp_path):
    (tmp_path / "stack.py").write_text(FLAWED)
    return tmp_path


def test_apply_fixes_and_exits_0(cli, flawed):
    code, out, err = cli("apply", flawed)
    assert code == 0
    assert (flawed / "stack.py").read_text() == FIXED
    assert "1 fix applied in 1 file" in err


def test_apply_holds_back_unsafe_fixes_with_exit_1(cli, tmp_path):
    (tmp_path / "secret.py").write_text(UNSAFE_ONLY)
    # B4 is opt-in (group destroyable): without it selected, nothing is found at all.
    assert cli("apply", tmp_path)[0] == 0 and (tmp_path / "secret.py").read_text() == UNSAFE_ONLY
    code, out, err = cli("apply", "--extend-select", "destroyable", tmp_path)
    assert code == 1
    assert (tmp_path / "secret.py").read_text() == UNSAFE_ONLY
    assert "1 unsafe fix held back (use --unsafe-fixes)" in err
    code, out, err = cli("apply", "--extend-select", "destroyable", "--unsafe-fixes", tmp_path)
    assert code == 0
    assert "removal_policy=RemovalPolicy.DESTROY" in (tmp_path / "secret.py").read_text()


def test_diff_prints_a_plain_diff_when_piped_and_writes_nothing(cli, flawed):
    code, out, err = cli("diff", flawed)
    assert code == 1
    assert "\x1b[" not in out
    assert "-    cluster = ecs.Cluster(self, \"Cluster\", vpc=vpc)\n" in out
    assert "+    cluster = ecs.Cluster(self, \"Cluster\", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)\n" in out
    assert (flawed / "stack.py").read_text() == FLAWED


def test_check_exit_codes(cli, flawed, tmp_path):
    code, out, err = cli("check", flawed)
    assert code == 1
    assert "stack.py:5:15: CDK-B12 ECS Cluster Without Container Insights" in out
    (flawed / "stack.py").write_text(FIXED)
    code, out, err = cli("check", flawed)
    assert code == 0 and out == ""


def test_unknown_rule_code_is_a_usage_error(cli, flawed):
    code, out, err = cli("check", "--select", "CDK-Z9", flawed)
    assert code == 2
    assert "CDK-Z9" in err
    assert (flawed / "stack.py").read_text() == FLAWED


def test_report_json_has_the_same_fixes(cli, flawed, tmp_path):
    report = tmp_path / "report.json"
    code, out, err = cli("apply", "--dry-run", "--report", report, flawed)
    assert code == 1
    data = json.loads(report.read_text())
    assert [(fix["code"], fix["line"], fix["status"]) for fix in data["fixes"]] == [("CDK-B12", 5, "applied")]
    assert data["fixes"][0]["after"] == 'cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)'


@pytest.mark.parametrize("fmt", ["markdown", "json", "table"])
def test_rules_lists_every_rule(cli, fmt):
    code, out, err = cli("rules", "--format", fmt)
    assert code == 0
    for rule in all_rules():
        assert rule.code in out
    if fmt == "json":
        rows = json.loads(out)
        assert len(rows) == len(all_rules()) == 24 + sum("AwsSolutions" in rule.groups for rule in all_rules())
        assert {row["safety"] for row in rows} == {"safe", "unsafe"}


def test_rules_unknown_format(cli):
    code, out, err = cli("rules", "--format", "yaml")
    assert code == 2


@pytest.mark.parametrize("name", ["CDK-A3", "a3", "ecs-blue-green-deployment"])
def test_explain(cli, name):
    code, out, err = cli("explain", name)
    assert code == 0
    assert out.startswith("# CDK-A3 (ecs-blue-green-deployment): ECS Blue/Green Deployment Missing Green Target Group")
    for section in ("## Why is this bad?", "## What the fix does", "## Example", "## Use instead", "## Impact"):
        assert section in out


def test_explain_unsafe_rule_says_so_and_lists_options(cli):
    code, out, err = cli("explain", "CDK-B1")
    assert code == 0
    assert "## Fix safety" in out and "--unsafe-fixes" in out
    assert "## Options" in out


def test_explain_unknown_code(cli):
    code, out, err = cli("explain", "CDK-Q1")
    assert code == 2
    assert "unknown rule 'CDK-Q1'" in err
