"""CDK-I4: ECS service without ECS Exec."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Category, Example, Kind, Rule, Safety

SERVICES = (
    "aws_cdk.aws_ecs.FargateService",
    "aws_cdk.aws_ecs.Ec2Service",
    # The ecs_patterns services create one of the above and pass `enable_execute_command` on.
    "aws_cdk.aws_ecs_patterns.ApplicationLoadBalancedFargateService",
    "aws_cdk.aws_ecs_patterns.ApplicationLoadBalancedEc2Service",
    "aws_cdk.aws_ecs_patterns.NetworkLoadBalancedFargateService",
    "aws_cdk.aws_ecs_patterns.NetworkLoadBalancedEc2Service",
    "aws_cdk.aws_ecs_patterns.QueueProcessingFargateService",
    "aws_cdk.aws_ecs_patterns.QueueProcessingEc2Service",
)


class EcsExecSupport(Rule):
    code = "CDK-I4"
    name = "ecs-exec-support"
    title = "ECS Service Without ECS Exec Support"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    # Opens an interactive shell into running containers to whoever may call
    # ecs:ExecuteCommand, and CDK grants the task role ssmmessages:* on "*".
    safety = Safety.UNSAFE
    issue = (
        "The ECS service does not enable ECS Exec, so operators cannot open a shell or run a command in a "
        "running container to debug it; they have to redeploy with extra logging or reproduce the problem "
        "elsewhere."
    )
    fix = (
        "Sets `enable_execute_command=True` on `ecs.FargateService` / `ecs.Ec2Service` and the `ecs_patterns` "
        "services built on them (`ApplicationLoadBalancedFargateService`, ...). An explicit "
        "`enable_execute_command=False` is a choice and is left alone; a call with a `**` splat (which may hold "
        "it) is reported without a fix."
    )
    impact = (
        "Widens access: anyone allowed `ecs:ExecuteCommand` on the cluster can run commands inside the "
        "containers, and CDK adds `ssmmessages:CreateControlChannel/CreateDataChannel/OpenControlChannel/"
        "OpenDataChannel` and `logs:DescribeLogGroups/CreateLogStream/DescribeLogStreams/PutLogEvents` on `*` "
        "to the task role (cdk-nag AwsSolutions-IAM5). The tasks are replaced on the next deployment."
    )
    calls = frozenset(SERVICES)
    examples = [
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=task_definition,
    desired_count=2  # two tasks
)
""",
            after="""\
from aws_cdk import aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=task_definition,
    desired_count=2,  # two tasks
    enable_execute_command=True
)
""",
            name="multi-line call, comment kept",
        ),
        Example(
            before="""\
import aws_cdk as cdk

cdk.aws_ecs.Ec2Service(self, "Worker", cluster=cluster, task_definition=task_def)
""",
            after="""\
import aws_cdk as cdk

cdk.aws_ecs.Ec2Service(self, "Worker", cluster=cluster, task_definition=task_def, enable_execute_command=True)
""",
            name="Ec2Service through the cdk root module, one line",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import FargateService

self.api_service = FargateService(
    self,
    f"Api{suffix}",
    cluster=self.cluster,
    task_definition=self.api_task,
)
""",
            after="""\
from aws_cdk.aws_ecs import FargateService

self.api_service = FargateService(
    self,
    f"Api{suffix}",
    cluster=self.cluster,
    task_definition=self.api_task,
    enable_execute_command=True,
)
""",
            name="class imported directly, trailing comma",
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs

def build(scope, cluster, task_definition):
    return ecs.FargateService(scope, "Service", cluster=cluster, task_definition=task_definition)
""",
            after="""\
import aws_cdk.aws_ecs as ecs

def build(scope, cluster, task_definition):
    return ecs.FargateService(scope, "Service", cluster=cluster, task_definition=task_definition, enable_execute_command=True)
""",
            name="module imported with import-as, in a helper function",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs
from mylib import FargateService

ecs.FargateService(self, "Off", cluster=cluster, task_definition=td, enable_execute_command=False)
ecs.FargateService(self, "On", cluster=cluster, task_definition=td, enable_execute_command=True)
ecs.FargateService(self, "Configured", cluster=cluster, task_definition=td, enable_execute_command=debug)
ecs.Ec2Service(self, "SplatOff", enable_execute_command=False, **service_props)
FargateService(self, "NotCdk", cluster=cluster)
ecs.Cluster(self, "Cluster", vpc=vpc)
""",
            name="explicit choices (also beside a splat) and look-alikes left alone",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, cluster, task_definition) -> None:
        super().__init__(scope, construct_id)
        self.service = cdk.aws_ecs.FargateService(self, "Service", cluster=cluster, task_definition=task_definition, desired_count=2)
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, cluster, task_definition) -> None:
        super().__init__(scope, construct_id)
        self.service = cdk.aws_ecs.FargateService(self, "Service", cluster=cluster, task_definition=task_definition, desired_count=2, enable_execute_command=True)
""",
            name='a self. attribute in a plain Construct, import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns, aws_ecs as ecs


def web_service(scope, cluster):
    return ecs_patterns.ApplicationLoadBalancedFargateService(
        scope,
        "Web",
        cluster=cluster,
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
        ),
    )
""",
            after="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns, aws_ecs as ecs


def web_service(scope, cluster):
    return ecs_patterns.ApplicationLoadBalancedFargateService(
        scope,
        "Web",
        cluster=cluster,
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
        ),
        enable_execute_command=True,
    )
""",
            name='ecs_patterns ApplicationLoadBalancedFargateService returned by a helper',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

services = {}
for name in names:
    services[name] = ecs.FargateService(self, f"{name}Service", cluster=cluster, task_definition=task_definition)
""",
            after="""\
from aws_cdk import aws_ecs as ecs

services = {}
for name in names:
    services[name] = ecs.FargateService(self, f"{name}Service", cluster=cluster, task_definition=task_definition, enable_execute_command=True)
""",
            name='in a loop, id an f-string, stored in a dict',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecs_patterns


def services(scope, cluster, settings):
    ecs.FargateService(scope, "Api", cluster=cluster, **settings.service_props)
    ecs_patterns.ApplicationLoadBalancedFargateService(scope, "Web", cluster=cluster, **settings.web_props)
""",
            flagged=True,
            name="`**` splats that may set enable_execute_command: reported without a fix",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in SERVICES:
            return
        if layout.keyword_arg(node, "enable_execute_command") is not None:
            return  # True already, False by choice, or computed: the user's decision
        if layout.has_double_star(node):
            self.report_without_fix(
                "ECS service that may lack `enable_execute_command`",
                "a `**` splat may set `enable_execute_command` (False by choice): cdkfix cannot see its keywords",
                node,
            )
            return
        self.report(
            "ECS service without `enable_execute_command`",
            [self.set_keyword(node, "enable_execute_command", "True")],
        )
