"""CDK-I3: ECS deployments without automatic rollback.

Which setting rolls a failed deployment back depends on the service's deployment controller:
with the ECS controller it is the service's deployment circuit breaker; with the CODE_DEPLOY
controller the circuit breaker fails synthesis ("Deployment circuit breaker requires the ECS
deployment controller") and rollback belongs to the CodeDeploy deployment group.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from cdkfix import layout
from cdkfix.edits import ChangeNode
from cdkfix.formatting import format_expression
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding

SERVICES = ("aws_cdk.aws_ecs.FargateService", "aws_cdk.aws_ecs.Ec2Service")
# The ecs_patterns services create one of the above and pass `circuit_breaker` and
# `deployment_controller` on.
PATTERN_SERVICES = (
    "aws_cdk.aws_ecs_patterns.ApplicationLoadBalancedFargateService",
    "aws_cdk.aws_ecs_patterns.ApplicationLoadBalancedEc2Service",
    "aws_cdk.aws_ecs_patterns.NetworkLoadBalancedFargateService",
    "aws_cdk.aws_ecs_patterns.NetworkLoadBalancedEc2Service",
    "aws_cdk.aws_ecs_patterns.QueueProcessingFargateService",
    "aws_cdk.aws_ecs_patterns.QueueProcessingEc2Service",
)
CONTROLLER = "aws_cdk.aws_ecs.DeploymentController"
CONTROLLER_TYPE = "aws_cdk.aws_ecs.DeploymentControllerType"
CIRCUIT_BREAKER = "aws_cdk.aws_ecs.DeploymentCircuitBreaker"
DEPLOYMENT_GROUP = "aws_cdk.aws_codedeploy.EcsDeploymentGroup"
AUTO_ROLLBACK = "aws_cdk.aws_codedeploy.AutoRollbackConfig"
A3 = "CDK-A3"


class DeploymentAutoRollback(Rule):
    code = "CDK-I3"
    name = "deployment-auto-rollback"
    title = "ECS Deployment Without Automatic Rollback"
    category = Category.IMPROVEMENT
    kind = Kind.HIGH_AVAILABILITY
    # Changes what ECS/CodeDeploy do with a deployment that fails (roll back instead of retrying
    # or keeping it): how a running service behaves on its next deployment (unsafe).
    safety = Safety.UNSAFE
    issue = (
        "With the ECS deployment controller and no circuit breaker, a deployment whose new tasks never become "
        "healthy keeps retrying them for up to three hours and is then not rolled back (CDK warns "
        "`@aws-cdk/aws-ecs:shouldUseCircuitBreaker`). A CodeDeploy deployment group without `auto_rollback` "
        "rolls back failed deployments (CDK's default) but not stopped ones, and says neither in the code. "
        "`circuit_breaker` cannot be used with the CODE_DEPLOY controller (or a `DeploymentController()` "
        'without a type): synthesis fails with "Deployment circuit breaker requires the ECS deployment '
        'controller".'
    )
    fix = (
        "A `FargateService`/`Ec2Service` (or an `ecs_patterns` service built on one) with the ECS controller (no `deployment_controller`, or type `ECS`) "
        "gets `circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True)`. A `codedeploy.EcsDeploymentGroup` "
        "without `auto_rollback` gets `auto_rollback=codedeploy.AutoRollbackConfig(failed_deployment=True, "
        "stopped_deployment=True)`, and so does the deployment group CDK-A3 adds for a CODE_DEPLOY service when "
        "both rules run. A service with the CODE_DEPLOY or EXTERNAL controller itself is never given a circuit "
        "breaker; an existing `circuit_breaker` or `auto_rollback` is left alone. A controller passed through a "
        "variable or `self.` attribute is read from its one assignment; a controller cdkfix cannot read (a "
        "parameter, a type computed at run time) or a `**` splat that may hold these keywords is reported "
        "without a fix."
    )
    impact = (
        "UNSAFE (changes a running service): a deployment that fails is rolled back to the previous task definition. Failed deployments roll back to the last working task definition automatically instead of leaving the "
        "service stuck or degraded. The circuit breaker changes only the service's DeploymentConfiguration (no "
        "replacement)."
    )
    calls = frozenset({*SERVICES, *PATTERN_SERVICES, DEPLOYMENT_GROUP})
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
    circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True)
)
""",
            name="ECS controller by default, multi-line call",
        ),
        Example(
            before="""\
import aws_cdk as cdk

cdk.aws_ecs.Ec2Service(self, "Worker", cluster=cluster, task_definition=td, deployment_controller=cdk.aws_ecs.DeploymentController(type=cdk.aws_ecs.DeploymentControllerType.ECS))
""",
            after="""\
import aws_cdk as cdk

cdk.aws_ecs.Ec2Service(self, "Worker", cluster=cluster, task_definition=td, deployment_controller=cdk.aws_ecs.DeploymentController(type=cdk.aws_ecs.DeploymentControllerType.ECS), circuit_breaker=cdk.aws_ecs.DeploymentCircuitBreaker(rollback=True))
""",
            name="explicit ECS controller, cdk root module, one line",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import FargateService

self.api = FargateService(
    self,
    f"Api{suffix}",
    cluster=self.cluster,
    task_definition=self.api_task,
)
""",
            after="""\
from aws_cdk.aws_ecs import FargateService
from aws_cdk import aws_ecs as ecs

self.api = FargateService(
    self,
    f"Api{suffix}",
    cluster=self.cluster,
    task_definition=self.api_task,
    circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
)
""",
            name="class imported directly, trailing comma",
        ),
        Example(
            before="""\
from aws_cdk import aws_codedeploy as codedeploy, aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=task_definition,
    deployment_controller=ecs.DeploymentController(
        type=ecs.DeploymentControllerType.CODE_DEPLOY
    ),
)

codedeploy.EcsDeploymentGroup(
    self,
    "BlueGreen",
    service=service,
    blue_green_deployment_config=blue_green,  # both target groups
)
""",
            after="""\
from aws_cdk import aws_codedeploy as codedeploy, aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=task_definition,
    deployment_controller=ecs.DeploymentController(
        type=ecs.DeploymentControllerType.CODE_DEPLOY
    ),
)

codedeploy.EcsDeploymentGroup(
    self,
    "BlueGreen",
    service=service,
    blue_green_deployment_config=blue_green,  # both target groups
    auto_rollback=codedeploy.AutoRollbackConfig(
        failed_deployment=True, stopped_deployment=True
    ),
)
""",
            name="CodeDeploy deployment group gets auto_rollback, service untouched",
        ),
        Example(
            before="""\
import aws_cdk.aws_codedeploy as cd

group = cd.EcsDeploymentGroup(self, "Dg", service=service, blue_green_deployment_config=config)
""",
            after="""\
import aws_cdk.aws_codedeploy as cd

group = cd.EcsDeploymentGroup(self, "Dg", service=service, blue_green_deployment_config=config, auto_rollback=cd.AutoRollbackConfig(
    failed_deployment=True, stopped_deployment=True
))
""",
            name="deployment group, import-as alias, one line",
        ),
        Example(
            before="""\
from aws_cdk import aws_codedeploy as codedeploy, aws_ecs as ecs
from mylib import FargateService

ecs.FargateService(self, "CodeDeploy", cluster=c, task_definition=td, deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
ecs.FargateService(self, "External", cluster=c, task_definition=td, deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.EXTERNAL))
blue_green_controller = ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY)
ecs.FargateService(self, "Variable", cluster=c, task_definition=td, deployment_controller=blue_green_controller)
ecs.FargateService(self, "Untyped", cluster=c, task_definition=td, deployment_controller=ecs.DeploymentController())
ecs.FargateService(self, "Done", cluster=c, task_definition=td, circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True))
ecs.FargateService(self, "Off", cluster=c, task_definition=td, circuit_breaker=None)
ecs.Ec2Service(self, "SplatCodeDeploy", deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY), **props)
ecs.Ec2Service(self, "SplatDone", circuit_breaker=breaker, **props)
codedeploy.EcsDeploymentGroup(self, "Dg", service=s, blue_green_deployment_config=bg, auto_rollback=rollback)
codedeploy.EcsDeploymentGroup(self, "SplatDone", auto_rollback=rollback, **group_props)
FargateService(self, "NotCdk", cluster=c)
""",
            name="CODE_DEPLOY (also through a variable)/EXTERNAL controllers, existing settings (also beside a splat), look-alikes",
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
        self.service = cdk.aws_ecs.FargateService(self, "Service", cluster=cluster, task_definition=task_definition, desired_count=2, circuit_breaker=cdk.aws_ecs.DeploymentCircuitBreaker(rollback=True))
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
        circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
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
    services[name] = ecs.FargateService(self, f"{name}Service", cluster=cluster, task_definition=task_definition, circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True))
""",
            name='in a loop, id an f-string, stored in a dict',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs
from constructs import Construct


class Worker(Construct):
    def __init__(self, scope, construct_id, *, cluster, task_definition) -> None:
        super().__init__(scope, construct_id)
        controller = ecs.DeploymentController(type=ecs.DeploymentControllerType.ECS)
        self.service = ecs.FargateService(self, "Service", cluster=cluster, task_definition=task_definition, deployment_controller=controller)
""",
            after="""\
from aws_cdk import aws_ecs as ecs
from constructs import Construct


class Worker(Construct):
    def __init__(self, scope, construct_id, *, cluster, task_definition) -> None:
        super().__init__(scope, construct_id)
        controller = ecs.DeploymentController(type=ecs.DeploymentControllerType.ECS)
        self.service = ecs.FargateService(self, "Service", cluster=cluster, task_definition=task_definition, deployment_controller=controller, circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True))
""",
            name="ECS controller passed through a local variable, in a plain Construct",
        ),
        Example(
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_ecs import DeploymentController, DeploymentControllerType, Ec2Service


class WorkerStack(Stack):
    def __init__(self, scope, construct_id, *, cluster, task_definition, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.controller = DeploymentController(type=DeploymentControllerType.ECS)
        self.build_service(cluster, task_definition)

    def build_service(self, cluster, task_definition):
        Ec2Service(self, "Worker", cluster=cluster, task_definition=task_definition, deployment_controller=self.controller)
""",
            after="""\
from aws_cdk import Stack
from aws_cdk.aws_ecs import DeploymentController, DeploymentControllerType, Ec2Service
from aws_cdk import aws_ecs as ecs


class WorkerStack(Stack):
    def __init__(self, scope, construct_id, *, cluster, task_definition, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.controller = DeploymentController(type=DeploymentControllerType.ECS)
        self.build_service(cluster, task_definition)

    def build_service(self, cluster, task_definition):
        Ec2Service(self, "Worker", cluster=cluster, task_definition=task_definition, deployment_controller=self.controller, circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True))
""",
            name="controller in a self. attribute set by another method, classes imported by name",
        ),
        Example(
            before="""\
from aws_cdk import aws_codedeploy as codedeploy, aws_ecs as ecs


def service(scope, cluster, td, controller, props):
    ecs.FargateService(scope, "Unknown", cluster=cluster, task_definition=td, deployment_controller=controller)
    ecs.FargateService(scope, "Computed", cluster=cluster, task_definition=td, deployment_controller=ecs.DeploymentController(type=props.controller_type))
    ecs.Ec2Service(scope, "Splat", **props.service)
    codedeploy.EcsDeploymentGroup(scope, "Splat", **props.group)
""",
            flagged=True,
            name="a controller from a parameter or computed at run time, `**` splats: reported without a fix",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # Every service call's statement and indentation, for fixes on CDK-A3's deployment groups.
        self._services: dict[cst.Call, tuple[cst.BaseStatement, int]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in SERVICES or qualified in PATTERN_SERVICES:
            if qualified in SERVICES:
                self._services[node] = (self.current_statement, self.indent_width)
            self._service(node)
        elif qualified == DEPLOYMENT_GROUP:
            if layout.keyword_arg(node, "auto_rollback") is not None:
                return
            if layout.has_double_star(node):
                self.report_without_fix(
                    "CodeDeploy ECS deployment group may lack `auto_rollback`",
                    "a `**` splat may set `auto_rollback`: cdkfix cannot see its keywords",
                    node,
                )
            else:
                value = self._auto_rollback()
                self.report(
                    "CodeDeploy ECS deployment group without `auto_rollback`",
                    [self.set_keyword(node, "auto_rollback", value)],
                )

    def _service(self, node: cst.Call) -> None:
        if layout.keyword_arg(node, "circuit_breaker") is not None:
            return
        message = "ECS service with the ECS deployment controller and no deployment circuit breaker"
        controller = self._controller_type(node)
        if controller in ("CODE_DEPLOY", "EXTERNAL", "NONE"):
            return  # CODE_DEPLOY: rollback is the deployment group's job; CDK refuses a breaker on the others
        if layout.has_double_star(node):
            self.report_without_fix(
                "ECS service that may lack a deployment circuit breaker",
                "a `**` splat may set `circuit_breaker` or a CODE_DEPLOY `deployment_controller` (which refuses "
                "a circuit breaker): cdkfix cannot see its keywords",
                node,
            )
            return
        if controller is None:
            # A controller cdkfix cannot read (a parameter, a value computed at run time): with
            # CODE_DEPLOY a circuit breaker fails synthesis, so nothing is written.
            self.report_without_fix(
                "ECS service that may lack a deployment circuit breaker",
                "its `deployment_controller` is not a `DeploymentController(type=...)` cdkfix can read: with the "
                "ECS controller add `circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True)`, with CODE_DEPLOY "
                "set `auto_rollback` on its deployment group",
                node,
            )
            return
        breaker = self.ref(CIRCUIT_BREAKER)
        self.report(
            message,
            [self.set_keyword(node, "circuit_breaker", f"{breaker}(rollback=True)")],
        )

    def _controller_type(self, service: cst.Call) -> str | None:
        """"ECS", "CODE_DEPLOY" or "EXTERNAL" for a controller the code spells out (in the call, or
        in the one assignment of the variable or `self.` attribute it passes), "NONE" for a
        `DeploymentController()` without a type, else None (unknown)."""
        arg = layout.keyword_arg(service, "deployment_controller")
        if arg is None:
            return "ECS"  # CDK's default
        controller = arg.value
        if isinstance(controller, (cst.Name, cst.Attribute)) and not self.resolve(controller):
            found = single_binding(self, controller)
            controller = found[1] if found is not None else controller
        if not self.is_call_to(controller, CONTROLLER):
            return None
        type_arg = layout.keyword_arg(controller, "type")
        if type_arg is None:
            # CDK treats `DeploymentController()` without a type as not-ECS and refuses a circuit breaker.
            return "NONE"
        qualified = self.resolve(type_arg.value) or ""
        prefix = CONTROLLER_TYPE + "."
        return qualified.removeprefix(prefix) if qualified.startswith(prefix) else None

    def _auto_rollback(self) -> str:
        return f"{self.ref(AUTO_ROLLBACK)}(failed_deployment=True, stopped_deployment=True)"

    def leave_Module(self, node: cst.Module) -> None:
        if A3 not in self.context.selected:
            return
        notes: dict[str, Any] = self.context.shared.get(A3, {})
        for entry in notes.get("deployment_groups", ()):
            call, statement = entry["call"], entry["statement"]
            if layout.keyword_arg(call, "auto_rollback") is not None:
                continue
            anchor, indent = self._services.get(entry["service"], (None, 0))
            source = self._auto_rollback()
            # The group is a new statement next to the service, at the service's indentation.
            width = self.context.line_length - indent - len(self.context.module.default_indent) - len("auto_rollback=,")
            value = format_expression(source, width)
            edit = ChangeNode(call, lambda c, value=value: layout.set_keyword(c, "auto_rollback", value), statement)
            self.report(
                "CodeDeploy deployment group added by CDK-A3 gets `auto_rollback`",
                [edit],
                anchor=anchor,
            )
