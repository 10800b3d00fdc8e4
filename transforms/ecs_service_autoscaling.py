"""CDK-B11: ECS service without task auto scaling."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.edits import InsertStatements
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.traverse import nodes_within

SERVICES = ("aws_cdk.aws_ecs.FargateService", "aws_cdk.aws_ecs.Ec2Service")
AUTO_SCALE = "auto_scale_task_count"


class EcsServiceAutoscaling(Rule):
    code = "CDK-B11"
    name = "ecs-service-autoscaling"
    title = "Missing ECS Auto-Scaling Configuration"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    # min_capacity (the desired_count, else 2) can double the running tasks and their cost, and
    # scaling changes the task count of a running service (docs/ci.md: unsafe).
    safety = Safety.UNSAFE
    issue = (
        "The ECS service runs a fixed number of tasks: nothing adds tasks when CPU or memory runs hot, so a "
        "traffic spike degrades or takes down the service, and nothing removes them when load drops."
    )
    fix = (
        "After the statement that creates the `ecs.FargateService`/`ecs.Ec2Service` (a bare call gets bound to a "
        "variable), adds `scaling = service.auto_scale_task_count(min_capacity=..., max_capacity=...)` with target "
        "tracking on CPU (70%) and memory (80%). `min_capacity` is the service's literal `desired_count`, else 2; "
        "`max_capacity` is 10 but never below the minimum. A service whose variable (or an alias of it, like "
        "`self.service = service`) already calls `auto_scale_task_count` in the module is left alone. Works with "
        "the CODE_DEPLOY deployment controller."
    )
    impact = "UNSAFE (cost, running service): the service never runs fewer than `min_capacity` tasks (2 by default: double a service with `desired_count=1`) and up to `max_capacity`. Cannot handle traffic spikes; pays for idle tasks when load is low."
    options = {"min_capacity": 2, "max_capacity": 10, "cpu_target_percent": 70, "memory_target_percent": 80}
    calls = frozenset(SERVICES)
    examples = [
        Example(
            before="""\
from aws_cdk import Duration, aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=task_definition,
    desired_count=2,
    deployment_controller=ecs.DeploymentController(
        type=ecs.DeploymentControllerType.CODE_DEPLOY
    )
)

target_group.add_target(service)
""",
            after="""\
from aws_cdk import Duration, aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=task_definition,
    desired_count=2,
    deployment_controller=ecs.DeploymentController(
        type=ecs.DeploymentControllerType.CODE_DEPLOY
    )
)

scaling = service.auto_scale_task_count(min_capacity=2, max_capacity=10)
scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
scaling.scale_on_memory_utilization("MemoryScaling", target_utilization_percent=80)

target_group.add_target(service)
""",
            name="seed: multi-line service with CODE_DEPLOY",
        ),
        Example(
            before="""\
import aws_cdk as cdk


class Web(cdk.Stack):
    def __init__(self, scope, construct_id, cluster, task_definition):
        super().__init__(scope, construct_id)
        cdk.aws_ecs.FargateService(self, "Web", cluster=cluster, task_definition=task_definition)
""",
            after="""\
import aws_cdk as cdk


class Web(cdk.Stack):
    def __init__(self, scope, construct_id, cluster, task_definition):
        super().__init__(scope, construct_id)
        service = cdk.aws_ecs.FargateService(self, "Web", cluster=cluster, task_definition=task_definition)

        scaling = service.auto_scale_task_count(min_capacity=2, max_capacity=10)
        scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
        scaling.scale_on_memory_utilization(
            "MemoryScaling", target_utilization_percent=80
        )
""",
            name="bare call bound to a variable, no desired_count",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import Ec2Service

scaling = load_settings()
self.worker = Ec2Service(
    self,
    "Worker",
    cluster=cluster,
    task_definition=task_definition,
    desired_count=desired,  # from context
)
""",
            after="""\
from aws_cdk.aws_ecs import Ec2Service

scaling = load_settings()
self.worker = Ec2Service(
    self,
    "Worker",
    cluster=cluster,
    task_definition=task_definition,
    desired_count=desired,  # from context
)

scaling_2 = self.worker.auto_scale_task_count(min_capacity=2, max_capacity=10)
scaling_2.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
scaling_2.scale_on_memory_utilization("MemoryScaling", target_utilization_percent=80)
""",
            name="Ec2Service on self, desired_count not a literal, name taken",
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs

api = ecs.FargateService(self, "Api", cluster=cluster, task_definition=td, desired_count=12)
""",
            after="""\
import aws_cdk.aws_ecs as ecs

api = ecs.FargateService(self, "Api", cluster=cluster, task_definition=td, desired_count=12)

scaling = api.auto_scale_task_count(min_capacity=12, max_capacity=12)
scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
scaling.scale_on_memory_utilization("MemoryScaling", target_utilization_percent=80)
""",
            name="desired_count above the maximum: maximum raised to it",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

api = ecs.FargateService(self, "Api", cluster=cluster, task_definition=td)
""",
            after="""\
from aws_cdk import aws_ecs as ecs

api = ecs.FargateService(self, "Api", cluster=cluster, task_definition=td)

scaling = api.auto_scale_task_count(min_capacity=1, max_capacity=20)
scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=60)
scaling.scale_on_memory_utilization("MemoryScaling", target_utilization_percent=75)
""",
            options={"min_capacity": 1, "max_capacity": 20, "cpu_target_percent": 60, "memory_target_percent": 75},
            name="options",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


class Svc(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        service = ecs.FargateService(self, "Service", cluster=cluster, task_definition=td)
        self.service = service
        other = ecs.FargateService(self, "Other", cluster=cluster, task_definition=td)
        other.auto_scale_task_count(max_capacity=4)
        ecs.FargateService(self, "Splat", **service_props)
        services = [ecs.Ec2Service(self, "Nested", cluster=cluster, task_definition=td)]

    def scale(self):
        self.service.auto_scale_task_count(max_capacity=8).scale_on_request_count("Requests", requests_per_target=100, target_group=tg)
""",
            name="already scaled (directly or through an alias), splat, nested in an expression",
        ),
        Example(
            before="""\
from aws_cdk import Stack
from my_ecs import FargateService

service = FargateService(desired_count=2)
""",
            name="a non-CDK FargateService",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._facts: tuple[set[str], list[tuple[str, str]]] | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, *SERVICES):
            return
        statement = self.current_statement
        found = self.reference_to(node, "service")
        if found is None:
            return  # nested in another expression: nothing to call auto_scale_task_count on
        service, edits = found
        if not edits and self._already_scaled(service):
            return
        minimum = self._desired_count(node)
        if minimum is None:
            minimum = int(self.settings["min_capacity"])
        maximum = max(int(self.settings["max_capacity"]), minimum)
        scaling = self.unique_name("scaling")
        statements = self.statements(
            f"{scaling} = {service}.{AUTO_SCALE}(min_capacity={minimum}, max_capacity={maximum})\n"
            f'{scaling}.scale_on_cpu_utilization("CpuScaling", '
            f'target_utilization_percent={self.settings["cpu_target_percent"]})\n'
            f'{scaling}.scale_on_memory_utilization("MemoryScaling", '
            f'target_utilization_percent={self.settings["memory_target_percent"]})\n'
        )
        statements[0] = statements[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        kind = (self.resolve(node.func) or "").rsplit(".", 1)[-1]
        self.report(
            f"`{kind}` `{service}` without auto scaling",
            [*edits, InsertStatements(statement, statements)],
            anchor=statement,
        )

    def _desired_count(self, node: cst.Call) -> int | None:
        arg = layout.keyword_arg(node, "desired_count")
        if arg is not None and isinstance(arg.value, cst.Integer):
            return int(arg.value.evaluated_value)
        return None

    def _already_scaled(self, service: str) -> bool:
        scaled, aliases = self._module_facts()
        group = {service}
        changed = True
        while changed:  # `self.service = service`, `svc = self.service`, ... in either direction
            changed = False
            for left, right in aliases:
                if (left in group) != (right in group):
                    group |= {left, right}
                    changed = True
        return bool(group & scaled)

    def _module_facts(self) -> tuple[set[str], list[tuple[str, str]]]:
        """Receivers of `auto_scale_task_count` calls, and plain `a = b` aliases, in the whole module."""
        if self._facts is None:  # a rule instance lives for one file
            scaled: set[str] = set()
            aliases: list[tuple[str, str]] = []
            for node in nodes_within(self.context.module, cst.Call, cst.Assign):
                if isinstance(node, cst.Call):
                    func = node.func
                    if isinstance(func, cst.Attribute) and func.attr.value == AUTO_SCALE:
                        scaled.add(code(func.value))
                elif isinstance(node.value, (cst.Name, cst.Attribute)):
                    for target in node.targets:
                        if isinstance(target.target, (cst.Name, cst.Attribute)):
                            aliases.append((code(target.target), code(node.value)))
            self._facts = (scaled, aliases)
        return self._facts
