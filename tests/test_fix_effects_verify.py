"""--verify uses the fix-effect facts: a fixed state that synthesizes but adds a CloudFormation
Validate error, or an IAM statement IAM would reject, is rolled back like a synthesis error and
never "verified"; the report lists the resources the fixes replace, with the reason.

Each test runs real syntheses (aws-cdk-lib, Node.js), so there are few of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import libcst as cst
import pytest

from cdkfix import layout
from cdkfix.config import RunConfig
from cdkfix.records import FixStatus
from cdkfix.report.json_format import render as render_json
from cdkfix.report.markdown import render as render_markdown
from cdkfix.verify import ROLLED_BACK, VERIFIED, VerifyOptions, run_verified
from cdkfix.verify.report import json_data, markdown_section
from cdkfix.verify.synth import SynthResult
from verify_support import EnforceSsl, _TestRule, make_app

pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
pytestmark = pytest.mark.synth
NO_NAG = VerifyOptions(nag=False, timeout=180)

APP = '''\
import aws_cdk as cdk
from aws_cdk import aws_iam as iam, aws_s3 as s3, aws_sqs as sqs

app = cdk.App()
stack = cdk.Stack(app, "TinyStack", env=cdk.Environment(account="123456789012", region="us-east-1"))
s3.Bucket(stack, "Logs")
sqs.CfnQueue(stack, "Jobs")
role = iam.Role(stack, "Worker", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
role.add_to_policy(iam.PolicyStatement(actions=["ecs:UpdateService"], resources=["*"]))
app.synth()
'''


class ShortQueueRetention(_TestRule):
    """Synthesizes, but CloudFormation rejects it: SQS keeps messages for 60 s at least (F3034)."""

    code, name, title = "TEST-RETENTION", "test-retention", "Queue retention below SQS's minimum"

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, "aws_cdk.aws_sqs.CfnQueue") and layout.keyword_arg(node, "message_retention_period") is None:
            self.report("sets a retention SQS rejects", [self.set_keyword(node, "message_retention_period", "10")])


class WildcardServiceArn(_TestRule):
    """Synthesizes and passes CloudFormation Validate (the partition is a token, so Validate sees no
    literal ARN), but IAM rejects a wildcard in the ARN's service segment: the CDK-A1 flaw."""

    code, name, title = "TEST-ARN", "test-wildcard-arn", "Grant on every service's ARNs"

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, "aws_cdk.aws_iam.PolicyStatement"):
            value = '[f"arn:{stack.partition}:*:{stack.region}:{stack.account}:*"]'
            self.report("grants on arn:*:*", [self.set_keyword(node, "resources", value)])


class NameTheRole(_TestRule):
    """A good fix that replaces the role on deployment: RoleName is create-only."""

    code, name, title = "TEST-ROLENAME", "test-role-name", "Role without a name"

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, "aws_cdk.aws_iam.Role") and layout.keyword_arg(node, "role_name") is None:
            self.report("names the role", [self.set_keyword(node, "role_name", '"tiny-worker"')])


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _report(outcome) -> tuple[str, dict]:
    markdown = render_markdown(outcome.fixes, targets=["tiny"], errors=outcome.all_errors,
                               extra_sections=markdown_section(outcome.verification))
    data = json.loads(render_json(outcome.fixes, outcome.all_errors, extra=json_data(outcome.verification)))
    return markdown, data


def test_fixes_that_break_only_validate_or_only_iam_validity_are_rolled_back_and_replacements_listed(here):
    """One app, four fixes: two good ones (one replaces the role), one that only CloudFormation
    Validate rejects, one that only the IAM check rejects. One bisection finds both bad ones."""
    make_app(here / "tiny", APP)
    config = RunConfig(rules=(EnforceSsl, NameTheRole, ShortQueueRetention, WildcardServiceArn))
    outcome = run_verified(["tiny"], config, write=True, options=NO_NAG)
    app = outcome.verification.apps[0]

    assert app.after.ok  # it synthesizes: only the facts say no
    assert [finding.rule for finding in app.after.validate_errors] == ["F3034"]  # the queue, not the ARN:
    assert len(app.after.invalid_iam) == 1 and "service segment" in app.after.invalid_iam[0].why  # a token hides it from Validate
    assert app.status == ROLLED_BACK != VERIFIED and "fails validation" in app.message and "verified:" not in app.message
    errors = {item.code: item.error for item in app.rolled_back}
    assert sorted(errors) == ["TEST-ARN", "TEST-RETENTION"]
    assert "CloudFormation Validate F3034 at TinyStack/Jobs" in errors["TEST-RETENTION"]
    assert "IAM would reject TinyStack/WorkerDefaultPolicy" in errors["TEST-ARN"] and "F3034" not in errors["TEST-ARN"]
    source = (here / "tiny" / "app.py").read_text()
    assert "enforce_ssl=True" in source and 'role_name="tiny-worker"' in source
    assert "message_retention_period" not in source and "arn:{stack.partition}:*" not in source
    assert app.final.ok and not app.final.validate_errors and not app.final.invalid_iam
    skipped = next(fix for fix in outcome.fixes if fix.code == "TEST-RETENTION")
    assert skipped.status is FixStatus.SKIPPED and "F3034" in skipped.detail
    # The kept role name replaces the role: listed with the reason, from the registry schema.
    assert [(item.type, item.reason) for item in app.replaced] == [("AWS::IAM::Role", "RoleName is create-only")]

    markdown, data = _report(outcome)
    assert "#### Resources the fixes replace (1)" in markdown
    assert "- `AWS::IAM::Role` `TinyStack/Worker" in markdown and ": RoleName is create-only" in markdown
    validate_row = next(line for line in markdown.splitlines() if line.startswith("| CloudFormation Validate errors |"))
    assert validate_row.startswith("| CloudFormation Validate errors | 0 | 1: CloudFormation Validate F3034 at TinyStack/Jobs")
    iam_row = next(line for line in markdown.splitlines() if line.startswith("| IAM statements IAM would reject |"))
    assert iam_row.startswith("| IAM statements IAM would reject | 0 | 1: TinyStack/WorkerDefaultPolicy")
    assert iam_row.endswith("| 0 |")  # the kept fixes
    checked = data["verification"]["apps"][0]
    assert checked["status"] == "rolled-back"
    assert [item["reason"] for item in checked["replaced"]] == ["RoleName is create-only"]
    assert checked["after"]["cloudformation_validate"][0]["rule"] == "F3034"


def test_validate_errors_the_app_had_before_are_not_blamed_on_the_fixes():
    """Only what the fixes add is a failure: the comparison is by rule, construct and message."""
    from cdkfix.verify.nag import ValidateFinding

    old = ValidateFinding("E3510", "bad arn", "S/P/Resource")
    before = SynthResult(ok=True, validate=[old])
    after = SynthResult(ok=True, validate=[old, ValidateFinding("F3034", "too short", "S/Q", "error"),
                                           ValidateFinding("W3030", "odd", "S/B", "warning")])
    assert after.new_problems(before) == ["CloudFormation Validate F3034 at S/Q: too short"]
    assert SynthResult(ok=True, validate=[old]).new_problems(before) == []


SEED_EXPECTED = Path(__file__).resolve().parents[1] / "examples" / "seed_app.expected"


@pytest.fixture(scope="module")
def seed_expected(tmp_path_factory):
    """examples/seed_app.expected (a real app with cdk.json), synthesized once as --verify does."""
    from cdkfix.verify.apps import copy_app, load_app
    from cdkfix.verify.synth import default_python, synthesize

    folder = tmp_path_factory.mktemp("seed")
    app = load_app(SEED_EXPECTED)
    copy = copy_app(app.root, folder / "app")
    return synthesize(app, copy, python=default_python(), timeout=300, nag=True, workdir=folder)


def test_the_fixed_seed_app_synthesizes_with_no_cloudformation_validate_error(seed_expected):
    assert seed_expected.ok, seed_expected.error
    assert seed_expected.validate_errors == []


def test_the_fixed_seed_app_has_only_valid_iam_statements(seed_expected):
    assert [f"{item.stack}/{item.path}: {item.why}" for item in seed_expected.invalid_iam] == []
