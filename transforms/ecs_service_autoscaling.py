"""CDK-B11: ECS service without task auto scaling."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.edits import InsertStatements
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.traverse import nodes_within

SERVICES = ("aws_cdk.aws_ecs.FargateService", "aws_cdk.aws_ecs.Ec2Service")
# ecs_patterns constructs that build one service (scaled through their `.service`) and leave
# scaling to the caller. QueueProcessing*Service scales itself (min/max_scaling_capacity).
PATTERNS = tuple(
    f"aws_cdk.aws_ecs_patterns.{name}"
    for name in (
        "ApplicationLoadBalancedFargateService", "ApplicationLoadBalancedEc2Service",
        "NetworkLoadBalancedFargateService", "NetworkLoadBalancedEc2Service",
        "ApplicationMultipleTargetGroupsFargateService", "ApplicationMultipleTargetGroupsEc2Service",
    )
)
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
        "`self.service = service`) already calls `auto_scale_task_count` in the module, or that is handed to a "
        "function of the module calling it on that parameter, is left alone. The `ecs_patterns` load-balanced "
        "services (`ApplicationLoadBalancedFargateService`, ...) are scaled through their `.service`. Works with "
        "the CODE_DEPLOY deployment controller. Reported without a fix: a `**` splat (the desired count is "
        "unknown), a service handed to a function cdkfix cannot read, and a service its function returns (the "
        "caller, maybe in another module, may scale it; a second `auto_scale_task_count` fails synthesis)."
    )
    impact = "UNSAFE (cost, running service): the service never runs fewer than `min_capacity` tasks (2 by default: double a service with `desired_count=1`) and up to `max_capacity`. Cannot handle traffic spikes; pays for idle tasks when load is low."
    options = {"min_capacity": 2, "max_capacity": 10, "cpu_target_percent": 70, "memory_target_percent": 80}
    calls = frozenset(SERVICES + PATTERNS)
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
        services = [ecs.Ec2Service(self, "Nested", cluster=cluster, task_definition=td)]

    def scale(self):
        self.service.auto_scale_task_count(max_capacity=8).scale_on_request_count("Requests", requests_per_target=100, target_group=tg)
""",
            name="already scaled (directly or through an alias), nested in an expression",
        ),
        Example(
            before="""\
from aws_cdk import Stack
from my_ecs import FargateService

service = FargateService(desired_count=2)
""",
            name="a non-CDK FargateService",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs_patterns as ecs_patterns


class Web(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        svc = ecs_patterns.ApplicationLoadBalancedFargateService(
            self, "FargateHello",
            cluster=cluster,
            desired_count=1,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image),
            public_load_balancer=True,
        )
""",
            after="""\
from aws_cdk import Stack, aws_ecs_patterns as ecs_patterns


class Web(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        svc = ecs_patterns.ApplicationLoadBalancedFargateService(
            self, "FargateHello",
            cluster=cluster,
            desired_count=1,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image),
            public_load_balancer=True,
        )

        scaling = svc.service.auto_scale_task_count(min_capacity=1, max_capacity=10)
        scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
        scaling.scale_on_memory_utilization(
            "MemoryScaling", target_utilization_percent=80
        )
""",
            name='ecs_patterns.ApplicationLoadBalancedFargateService: scaled through its .service, desired_count 1',
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import FargateService


def add_service(scope, cluster, task_definition) -> FargateService:
    service = FargateService(scope, "Service", cluster=cluster, task_definition=task_definition, desired_count=2)
    return service
""",
            flagged=True,
            name='returned by a helper function to its caller (maybe in another module), which may scale it: reported without a fix',
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        self.api = cdk.aws_ecs_patterns.NetworkLoadBalancedFargateService(
            self,
            "Api",
            cluster=cluster,
            task_image_options=cdk.aws_ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image),
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        self.api = cdk.aws_ecs_patterns.NetworkLoadBalancedFargateService(
            self,
            "Api",
            cluster=cluster,
            task_image_options=cdk.aws_ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image),
        )

        scaling = self.api.service.auto_scale_task_count(
            min_capacity=2, max_capacity=10
        )
        scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
        scaling.scale_on_memory_utilization(
            "MemoryScaling", target_utilization_percent=80
        )
""",
            name='NetworkLoadBalancedFargateService on a self. attribute of a plain Construct, import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecs_patterns


def add_web(self, cluster, image):
    web = ecs_patterns.ApplicationLoadBalancedFargateService(self, "Web", cluster=cluster, task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image))
    set_service_scaling(web.service, 2, 8)
    worker = ecs.FargateService(self, "Worker", cluster=cluster, task_definition=task_definition)
    scale_worker(service=worker)


def set_service_scaling(service: ecs.FargateService, min_count, max_count):
    scaling = service.auto_scale_task_count(min_capacity=min_count, max_capacity=max_count)
    scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)


def scale_worker(service):
    service.auto_scale_task_count(max_capacity=4).scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
""",
            name='already scaled by a helper function of the module (positional pattern .service, keyword service)',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns
from infra.scaling import set_service_scaling

web = ecs_patterns.ApplicationLoadBalancedFargateService(self, "Web", cluster=cluster, task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image))
set_service_scaling(web.service, config)
""",
            flagged=True,
            name='handed to an imported helper that may scale it: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

service = ecs.FargateService(self, "Service", **service_props)
""",
            flagged=True,
            name='a ** splat: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import CfnOutput, Stack
from aws_cdk.aws_ecs_patterns import ApplicationLoadBalancedFargateService, ApplicationLoadBalancedTaskImageOptions


class WebStack(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        self._add_web(cluster, image)

    def _add_web(self, cluster, image):
        web = ApplicationLoadBalancedFargateService(self, "Web", cluster=cluster, desired_count=3, task_image_options=ApplicationLoadBalancedTaskImageOptions(image=image))
        CfnOutput(self, "WebUrl", value=web.load_balancer.load_balancer_dns_name)
""",
            after="""\
from aws_cdk import CfnOutput, Stack
from aws_cdk.aws_ecs_patterns import ApplicationLoadBalancedFargateService, ApplicationLoadBalancedTaskImageOptions


class WebStack(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        self._add_web(cluster, image)

    def _add_web(self, cluster, image):
        web = ApplicationLoadBalancedFargateService(self, "Web", cluster=cluster, desired_count=3, task_image_options=ApplicationLoadBalancedTaskImageOptions(image=image))

        scaling = web.service.auto_scale_task_count(min_capacity=3, max_capacity=10)
        scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
        scaling.scale_on_memory_utilization(
            "MemoryScaling", target_utilization_percent=80
        )
        CfnOutput(self, "WebUrl", value=web.load_balancer.load_balancer_dns_name)
""",
            name='pattern class imported by name, in a helper method of the Stack called from __init__, desired_count 3',
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._facts: tuple[set[str], list[tuple[str, str]]] | None = None

    def visit_Call(self, node: cst.Call) -> None:
        resolved = self.resolve(node.func)
        if resolved not in SERVICES and resolved not in PATTERNS:
            return
        kind = resolved.rsplit(".", 1)[-1]
        if layout.has_double_star(node):
            self.report_without_fix(
                f"`{kind}` without auto scaling",
                "its arguments come from a `**` splat: cdkfix cannot read its desired_count",
                node,
            )
            return
        statement = self.current_statement
        found = self.reference_to(node, "service")
        if found is None:
            return  # nested in another expression: nothing to call auto_scale_task_count on
        construct, edits = found
        # A pattern's ECS service is its `.service`.
        service = f"{construct}.service" if resolved in PATTERNS else construct
        if not edits:
            if self._already_scaled(construct, service[len(construct):]):
                return
            helper = self._handed_to(construct, service[len(construct):])
            if helper is not None:
                self.report_without_fix(
                    f"`{kind}` `{construct}` without auto scaling in this module",
                    f"it is handed to `{helper}(...)`, which may scale it: cdkfix does not follow it there",
                    node,
                )
                return
            if self._returned(construct, service[len(construct):]):
                # The caller, maybe in another module, may scale it: a second
                # auto_scale_task_count fails synthesis ("already enabled").
                self.report_without_fix(
                    f"`{kind}` `{construct}` without auto scaling in this function",
                    "it is returned to the caller, which may scale it: cdkfix does not follow it there",
                    node,
                )
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

    def _already_scaled(self, service: str, suffix: str = "") -> bool:
        """Whether `service` (or an alias of it), followed by `suffix` (`.service` of a pattern),
        is the receiver of an auto_scale_task_count call in the module, or is handed to a
        function of the module that calls it on the matching parameter."""
        scaled, _ = self._module_facts()
        group = self._aliases(service)
        if {name + suffix for name in group} & scaled:
            return True
        # helper(svc) scales `param.service`; helper(svc.service) scales `param`.
        return any(
            self._helper_scales(call, position, "" if passed.endswith(suffix) and passed not in group else suffix)
            for call, position, passed in self._calls_with(group | {name + suffix for name in group})
        )

    def _aliases(self, service: str) -> set[str]:
        _, aliases = self._module_facts()
        group = {service}
        changed = True
        while changed:  # `self.service = service`, `svc = self.service`, ... in either direction
            changed = False
            for left, right in aliases:
                if (left in group) != (right in group):
                    group |= {left, right}
                    changed = True
        return group

    def _calls_with(self, group: set[str]) -> list[tuple[cst.Call, int | str, str]]:
        """Calls of user code (a plain name or `self.method` that is no CDK name) taking one of
        `group` as an argument: (call, its position or keyword, the argument's code)."""
        found = []
        for call in nodes_within(self.context.module, cst.Call):
            func = call.func
            plain = isinstance(func, cst.Name) or (
                isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"
            )
            if not plain or self.resolve(func) is not None:
                continue
            for position, arg in enumerate(call.args):
                if arg.star:
                    break
                passed = code(arg.value)
                if passed in group:
                    found.append((call, arg.keyword.value if arg.keyword is not None else position, passed))
        return found

    def _returned(self, service: str, suffix: str) -> bool:
        """Whether the function around the service returns it (or an alias, or its `suffix`)."""
        function = self.enclosing(cst.FunctionDef)
        if function is None:
            return False
        group = self._aliases(service)
        names = group | {name + suffix for name in group}
        return any(
            node.value is not None and code(node.value) in names for node in nodes_within(function, cst.Return)
        )

    def _handed_to(self, service: str, suffix: str) -> str | None:
        """The user function `service` (or an alias, or its `suffix`) is handed to, if any."""
        group = self._aliases(service)
        calls = self._calls_with(group | {name + suffix for name in group})
        return code(calls[0][0].func) if calls else None

    def _helper_scales(self, call: cst.Call, position: int | str, suffix: str) -> bool:
        """`helper(service)` where `def helper(...)` in the module calls auto_scale_task_count on
        the parameter the service lands in (a method of a class: `self` is skipped)."""
        func = call.func
        name = func.value if isinstance(func, cst.Name) else func.attr.value
        for function in nodes_within(self.context.module, cst.FunctionDef):
            if function.name.value != name:
                continue
            params = [*function.params.posonly_params, *function.params.params]
            if isinstance(func, cst.Attribute):
                params = params[1:]
            if isinstance(position, int):
                param = params[position].name.value if position < len(params) else None
            else:
                param = position
            if param is None:
                continue
            receivers = {
                code(inner.func.value)
                for inner in nodes_within(function, cst.Call)
                if isinstance(inner.func, cst.Attribute) and inner.func.attr.value == AUTO_SCALE
            }
            if param + suffix in receivers:
                return True
        return False

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
