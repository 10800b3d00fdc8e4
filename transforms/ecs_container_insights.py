"""CDK-B12: ECS cluster without Container Insights."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Category, Example, Kind, Rule

CLUSTER = "aws_cdk.aws_ecs.Cluster"
ENABLED = "aws_cdk.aws_ecs.ContainerInsights.ENABLED"


class EcsContainerInsights(Rule):
    code = "CDK-B12"
    name = "ecs-container-insights"
    title = "ECS Cluster Without Container Insights"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    issue = (
        "The ECS cluster does not enable CloudWatch Container Insights, so there are no task- and "
        "service-level CPU, memory and network metrics (cdk-nag AwsSolutions-ECS4). The older "
        "`container_insights=True` is deprecated in aws-cdk-lib 2.275."
    )
    fix = (
        "Sets `container_insights_v2=ecs.ContainerInsights.ENABLED`; a deprecated `container_insights=True` "
        "is rewritten to it. An explicit `container_insights=False` or any `container_insights_v2` is left alone."
    )
    impact = "Reduced observability into container performance; slower diagnosis of capacity problems. The fix adds cost: Container Insights metrics and performance logs are billed per cluster, service and task."
    calls = frozenset({CLUSTER})
    examples = [
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

cluster = ecs.Cluster(
    self,
    "Cluster",
    vpc=vpc  # Missing container_insights
)
""",
            after="""\
from aws_cdk import aws_ecs as ecs

cluster = ecs.Cluster(
    self,
    "Cluster",
    vpc=vpc,  # Missing container_insights
    container_insights_v2=ecs.ContainerInsights.ENABLED
)
""",
            name="multi-line call, comment kept",
        ),
        Example(
            before="""\
import aws_cdk as cdk

cdk.aws_ecs.Cluster(self, "Cluster", vpc=vpc, container_insights=True)
""",
            after="""\
import aws_cdk as cdk

cdk.aws_ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=cdk.aws_ecs.ContainerInsights.ENABLED)
""",
            name="deprecated keyword rewritten",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import Cluster

Cluster(self, "Cluster")
""",
            after="""\
from aws_cdk.aws_ecs import Cluster
from aws_cdk import aws_ecs as ecs

Cluster(self, "Cluster", container_insights_v2=ecs.ContainerInsights.ENABLED)
""",
            name="class imported directly",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

ecs.Cluster(self, "Cluster", container_insights_v2=ecs.ContainerInsights.DISABLED)
ecs.Cluster(self, "Other", container_insights=False)
ecs.Cluster(self, "Splat", **cluster_props)
""",
            name="explicit choices and splats left alone",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Platform(Construct):
    def __init__(self, scope, construct_id, *, vpc) -> None:
        super().__init__(scope, construct_id)
        self.cluster = cdk.aws_ecs.Cluster(self, "Cluster", vpc=vpc, enable_fargate_capacity_providers=True)
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Platform(Construct):
    def __init__(self, scope, construct_id, *, vpc) -> None:
        super().__init__(scope, construct_id)
        self.cluster = cdk.aws_ecs.Cluster(self, "Cluster", vpc=vpc, enable_fargate_capacity_providers=True, container_insights_v2=cdk.aws_ecs.ContainerInsights.ENABLED)
""",
            name='a self. attribute in a plain Construct, import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


def make_cluster(scope, vpc):
    return ecs.Cluster(scope, "Cluster", vpc=vpc)
""",
            after="""\
from aws_cdk import aws_ecs as ecs


def make_cluster(scope, vpc):
    return ecs.Cluster(scope, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
""",
            name='returned by a helper function',
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs_alias

clusters = [ecs_alias.Cluster(self, f"Cluster{name}", vpc=vpc) for name in names]
""",
            after="""\
import aws_cdk.aws_ecs as ecs_alias

clusters = [ecs_alias.Cluster(self, f"Cluster{name}", vpc=vpc, container_insights_v2=ecs_alias.ContainerInsights.ENABLED) for name in names]
""",
            name='import-as alias, in a comprehension, id an f-string',
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, CLUSTER):
            return
        if layout.keyword_arg(node, "container_insights_v2") is not None:
            return
        legacy = layout.keyword_arg(node, "container_insights")
        if legacy is not None and not (isinstance(legacy.value, cst.Name) and legacy.value.value == "True"):
            return  # False, or a variable: the user's choice
        enabled = self.ref(ENABLED)
        if legacy is not None:
            edit = self.change(
                node,
                lambda call: call.with_changes(
                    args=[
                        arg.with_changes(keyword=cst.Name("container_insights_v2"), value=cst.parse_expression(enabled))
                        if arg.keyword is not None and arg.keyword.value == "container_insights" else arg
                        for arg in call.args
                    ]
                ),
            )
            self.report("`container_insights=True` is deprecated; use `container_insights_v2`", [edit])
        else:
            self.report("ECS cluster without Container Insights", [self.set_keyword(node, "container_insights_v2", enabled)])
