"""CDK-B12: ECS cluster without Container Insights."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.transforms._bindings import single_binding

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
        "is rewritten to it (also when it is a name bound once to True). An explicit `container_insights=False` "
        "(in place or through a name bound once) or any `container_insights_v2` is left alone. Reported without "
        "a fix: `container_insights` set from a run-time value (a config attribute, a parameter) and a `**` splat."
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
""",
            name="explicit choices left alone",
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
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


def make_cluster(scope, vpc):
    insights = True  # deprecated flag, through a local
    return ecs.Cluster(scope, "Cluster", vpc=vpc, container_insights=insights)
""",
            after="""\
from aws_cdk import aws_ecs as ecs


def make_cluster(scope, vpc):
    insights = True  # deprecated flag, through a local
    return ecs.Cluster(scope, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
""",
            name='deprecated flag through a local bound once to True, in a helper function',
        ),
        Example(
            before="""\
from dataclasses import dataclass

from aws_cdk.aws_ec2 import IVpc
from aws_cdk.aws_ecs import Cluster
from constructs import Construct


@dataclass
class ClusterConfig:
    vpc: IVpc
    enable_container_insights: bool = False


def add_cluster(scope: Construct, id: str, config: ClusterConfig) -> Cluster:
    return Cluster(scope, id, vpc=config.vpc, container_insights=config.enable_container_insights)
""",
            flagged=True,
            name='container_insights from a dataclass config (a run-time value), class imported by name: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

cluster = ecs.Cluster(self, "Cluster", **cluster_props)
""",
            flagged=True,
            name='a ** splat: reported without a fix',
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != CLUSTER:
            return
        if layout.keyword_arg(node, "container_insights_v2") is not None:
            return
        if layout.has_double_star(node):
            self.report_without_fix(
                "ECS cluster without Container Insights",
                "its arguments come from a `**` splat, which may enable it: cdkfix cannot tell",
                node,
            )
            return
        legacy = layout.keyword_arg(node, "container_insights")
        if legacy is not None:
            value = self._literal(legacy.value)
            if value is None:
                self.report_without_fix(
                    "ECS cluster whose Container Insights setting is a run-time value",
                    f"`container_insights={code(legacy.value)}` is decided when the app runs: cdkfix cannot tell "
                    "whether it is on, and does not overrule it",
                    node,
                )
                return
            if value == "False":
                return  # the user's explicit choice
        enabled = self.ref(ENABLED)
        if legacy is not None:  # True, written in place or bound once to a name (left as it is)
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

    def _literal(self, value: cst.BaseExpression) -> str | None:
        """"True"/"False" for a literal, or a name (`self.` attribute) bound once to one; else None."""
        if isinstance(value, cst.Name) and value.value in ("True", "False"):
            return value.value
        if isinstance(value, (cst.Name, cst.Attribute)):
            found = single_binding(self, value)
            if found is not None and isinstance(found[1], cst.Name) and found[1].value in ("True", "False"):
                return found[1].value
        return None
