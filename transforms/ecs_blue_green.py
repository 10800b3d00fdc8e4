"""CDK-A3: ECS blue/green (CODE_DEPLOY controller) with one target group and no deployment group."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, construct_scope, derive_id, string_value
from cdkfix.edits import ChangeNode, Edit, InsertStatements
from cdkfix.formatting import format_statements
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import value_of
from cdkfix.traverse import visit_readonly

SERVICES = ("aws_cdk.aws_ecs.FargateService", "aws_cdk.aws_ecs.Ec2Service")
_SERVICE_CLASSES = frozenset(name.rsplit(".", 1)[1] for name in SERVICES)
CONTROLLER = "aws_cdk.aws_ecs.DeploymentController"
CODE_DEPLOY = "aws_cdk.aws_ecs.DeploymentControllerType.CODE_DEPLOY"
TARGET_GROUP = "aws_cdk.aws_elasticloadbalancingv2.ApplicationTargetGroup"
TARGET_TYPE_IP = "aws_cdk.aws_elasticloadbalancingv2.TargetType.IP"
LISTENER = "aws_cdk.aws_elasticloadbalancingv2.ApplicationListener"
FORWARD = "aws_cdk.aws_elasticloadbalancingv2.ListenerAction.forward"
HTTPS = "aws_cdk.aws_elasticloadbalancingv2.ApplicationProtocol.HTTPS"
DEPLOYMENT_GROUP = "aws_cdk.aws_codedeploy.EcsDeploymentGroup"
CFN_DEPLOYMENT_GROUP = "aws_cdk.aws_codedeploy.CfnDeploymentGroup"
BLUE_GREEN = "aws_cdk.aws_codedeploy.EcsBlueGreenDeploymentConfig"
AUTO_ROLLBACK = "aws_cdk.aws_codedeploy.AutoRollbackConfig"
I3 = "CDK-I3"
# Settings of the production listener that the test listener needs too.
LISTENER_COPIED = ("protocol", "open", "certificates", "ssl_policy")
TARGET_GROUP_NAME_MAX = 32


@dataclass
class _Found:
    """What one function body holds, in source order."""

    body: list[cst.BaseStatement]
    # Each call with its innermost statement and the statement of `body` that holds it.
    calls: list[tuple[cst.Call, cst.BaseStatement, cst.BaseStatement]] = field(default_factory=list)


class _Collector(cst.CSTVisitor):
    """Every call of one function body, not descending into nested functions or classes."""

    def __init__(self, found: _Found) -> None:
        super().__init__()
        self.found = found
        self.statements: list[cst.BaseStatement] = []
        self.top: cst.BaseStatement | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not super().on_visit(node):
            return False
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            if not self.statements:
                self.top = node
            self.statements.append(node)
        elif isinstance(node, cst.Call) and self.statements:
            self.found.calls.append((node, self.statements[-1], self.top))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        # A nested function or class is left without having been entered (on_visit said
        # False before pushing it): only pop what was pushed.
        if self.statements and self.statements[-1] is original_node:
            self.statements.pop()
        super().on_leave(original_node)


class _Shared(cst.CSTTransformer):
    """Puts the nodes of `shared` where their placeholder names stand."""

    def __init__(self, shared: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.shared = shared

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.shared.get(original_node.value, updated_node)


def _binding(statement: cst.BaseStatement, call: cst.Call) -> str | None:
    """`x` for `x = call`, `self.x` for `self.x = call`, "" for a bare `call` statement, else None."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1:
        target = small.targets[0].target
        return code(target) if dotted_name(target) else None
    if isinstance(small, cst.AnnAssign) and small.value is call:
        return code(small.target) if dotted_name(small.target) else None
    if isinstance(small, cst.Expr) and small.value is call:
        return ""
    return None


def _bind(statement: cst.SimpleStatementLine, name: str) -> ChangeNode:
    """Turns the bare call statement `statement` into `name = call`."""

    def bind(updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        expr = updated.body[0]
        return updated.with_changes(
            body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=expr.value, semicolon=expr.semicolon)]
        )

    return ChangeNode(statement, bind, statement)


def _elements(node: cst.BaseExpression | None) -> list[str]:
    """The code of each element of a list or tuple display; [] for anything else."""
    if isinstance(node, (cst.List, cst.Tuple)):
        return [code(element.value) for element in node.elements if isinstance(element, cst.Element)]
    return []


def _keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    arg = layout.keyword_arg(call, name)
    return arg.value if arg is not None else None


def _method(call: cst.Call) -> tuple[str, cst.BaseExpression] | None:
    """("add_listener", <alb>) for `<alb>.add_listener(...)`."""
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value, call.func.value
    return None


def _has_construct_call(node: cst.CSTNode, scope: str) -> bool:
    """Whether `node` creates a construct (a call whose first argument is `scope`): copying it would clash."""

    class _Find(cst.CSTVisitor):
        found = False

        def visit_Call(self, call: cst.Call) -> None:
            first = layout.argument(call, 0, "scope")
            if first is not None and first.keyword is None and code(first.value) == scope:
                _Find.found = True

    visit_readonly(node, _Find())
    return _Find.found


class EcsBlueGreen(Rule):
    code = "CDK-A3"
    name = "ecs-blue-green-deployment"
    title = "ECS Blue/Green Deployment Missing Green Target Group"
    category = Category.CRITICAL
    kind = Kind.HIGH_AVAILABILITY
    # Opens a test listener on a new port of the load balancer (open= copied from the production
    # listener: a new security group ingress) and adds CodeDeploy resources: widens access (unsafe).
    safety = Safety.UNSAFE
    issue = (
        "The ECS service uses the CODE_DEPLOY deployment controller, but the code creates only one target "
        "group and no `codedeploy.EcsDeploymentGroup`. A blue/green deployment needs a second (green) target "
        "group, a test listener and a deployment group that ties them to the service: without the deployment "
        "group CDK creates no CodeDeploy resource at all, so the service can never be deployed blue/green and "
        "nothing would ever use a green group."
    )
    fix = (
        "Adds, next to the code it belongs with: a green `elbv2.ApplicationTargetGroup` with the blue group's "
        "settings (its own id, no `targets`, a `-green` name when the blue group is named); a test listener on "
        "port 8080 (the next free port if 8080 is taken) of the production listener's load balancer, forwarding "
        "to the green group and copying the production listener's `protocol`, `open`, `certificates` and "
        "`ssl_policy`; and a `codedeploy.EcsDeploymentGroup` with an `EcsBlueGreenDeploymentConfig` (blue, green, "
        "listener, test listener) and `auto_rollback` on failed and stopped deployments. It acts only when "
        "exactly one `ApplicationTargetGroup` serves the service (`add_target`, "
        "`attach_to_application_target_group`, `targets=[...]`, or the function's only target group), one "
        "listener forwards to it, and the function has no deployment group. When no `ApplicationTargetGroup` "
        "is written at all and a Fargate service is attached with `listener.add_targets(\"Web\", targets=[service], "
        "port=...)`, the group that call returns is the blue one (named if the call was a bare statement) and the "
        "green group is an `ApplicationTargetGroup` with its port, protocol, health check and deregistration delay, "
        "`TargetType.IP` and the VPC of the service's cluster (`cluster.vpc`). The controller may be held in a name "
        "(`controller = ecs.DeploymentController(...)`). A CODE_DEPLOY service with no deployment group that "
        "cdkfix cannot wire (several target groups or listeners, a `**` splat, no listener, a group that cannot "
        "be copied) is reported without a fix."
    )
    impact = (
        "UNSAFE (widens access, adds resources): the test listener opens a new port on the load balancer like the production listener, and a green target group and a CodeDeploy deployment group are created. Blue/green deployments cannot run: with the CODE_DEPLOY controller ECS hands deployments to CodeDeploy, "
        "and without a deployment group and a green target group there is nothing to deploy to."
    )
    calls = frozenset(SERVICES)
    call_names = _SERVICE_CLASSES
    examples = [
        Example(
            before="""\
from aws_cdk import Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2


class AppStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        task_definition = ecs.FargateTaskDefinition(self, "TaskDef")
        task_definition.add_container(
            "web",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
            port_mappings=[ecs.PortMapping(container_port=80)],
        )

        target_group = elbv2.ApplicationTargetGroup(
            self,
            "TargetGroup",
            vpc=vpc,
            port=80,
            target_type=elbv2.TargetType.IP,  # Fargate tasks
        )
        listener = alb.add_listener("Listener", port=80, open=True, default_target_groups=[target_group])

        service = ecs.FargateService(
            self,
            "Service",
            cluster=cluster,
            task_definition=task_definition,
            deployment_controller=ecs.DeploymentController(
                type=ecs.DeploymentControllerType.CODE_DEPLOY
            ),
        )
        target_group.add_target(service)
""",
            after="""\
from aws_cdk import Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_codedeploy as codedeploy


class AppStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        task_definition = ecs.FargateTaskDefinition(self, "TaskDef")
        task_definition.add_container(
            "web",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
            port_mappings=[ecs.PortMapping(container_port=80)],
        )

        target_group = elbv2.ApplicationTargetGroup(
            self,
            "TargetGroup",
            vpc=vpc,
            port=80,
            target_type=elbv2.TargetType.IP,  # Fargate tasks
        )

        green_target_group = elbv2.ApplicationTargetGroup(
            self,
            "TargetGroupGreen",
            vpc=vpc,
            port=80,
            target_type=elbv2.TargetType.IP,  # Fargate tasks
        )
        listener = alb.add_listener("Listener", port=80, open=True, default_target_groups=[target_group])
        test_listener = alb.add_listener(
            "TestListener",
            port=8080,
            open=True,
            default_target_groups=[green_target_group],
        )

        service = ecs.FargateService(
            self,
            "Service",
            cluster=cluster,
            task_definition=task_definition,
            deployment_controller=ecs.DeploymentController(
                type=ecs.DeploymentControllerType.CODE_DEPLOY
            ),
        )
        target_group.add_target(service)
        deployment_group = codedeploy.EcsDeploymentGroup(
            self,
            "ServiceDeploymentGroup",
            service=service,
            blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=target_group,
                green_target_group=green_target_group,
                listener=listener,
                test_listener=test_listener,
            ),
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True
            ),
        )
""",
            name="seed shape: add_target, add_listener with open=",
        ),
        Example(
            before="""\
from aws_cdk import Duration, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2


def web(self, cluster, task_definition, alb):
    listener = alb.add_listener("Http", port=80, open=True)
    service = ecs.FargateService(
        self,
        "Web",
        cluster=cluster,
        task_definition=task_definition,
        deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY),
    )
    listener.add_targets(
        "Web",
        port=80,
        targets=[service],
        health_check=elbv2.HealthCheck(path="/health", interval=Duration.seconds(30)),
    )
""",
            after="""\
from aws_cdk import Duration, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_codedeploy as codedeploy


def web(self, cluster, task_definition, alb):
    listener = alb.add_listener("Http", port=80, open=True)
    service = ecs.FargateService(
        self,
        "Web",
        cluster=cluster,
        task_definition=task_definition,
        deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY),
    )
    target_group = listener.add_targets(
        "Web",
        port=80,
        targets=[service],
        health_check=elbv2.HealthCheck(path="/health", interval=Duration.seconds(30)),
    )

    green_target_group = elbv2.ApplicationTargetGroup(
        self,
        "WebGreen",
        vpc=cluster.vpc,
        port=80,
        health_check=elbv2.HealthCheck(path="/health", interval=Duration.seconds(30)),
        target_type=elbv2.TargetType.IP,
    )
    test_listener = alb.add_listener(
        "TestListener", port=8080, open=True, default_target_groups=[green_target_group]
    )
    deployment_group = codedeploy.EcsDeploymentGroup(
        self,
        "WebDeploymentGroup",
        service=service,
        blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
            blue_target_group=target_group,
            green_target_group=green_target_group,
            listener=listener,
            test_listener=test_listener,
        ),
        auto_rollback=codedeploy.AutoRollbackConfig(
            failed_deployment=True, stopped_deployment=True
        ),
    )
""",
                name="listener.add_targets(targets=[service]) in a helper function: no ApplicationTargetGroup in the code",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Web(Construct):
    def __init__(self, scope, construct_id, *, cluster, task_definition, alb):
        super().__init__(scope, construct_id)
        self.service = cdk.aws_ecs.FargateService(
            self,
            "Api",
            cluster=cluster,
            task_definition=task_definition,
            deployment_controller=cdk.aws_ecs.DeploymentController(type=cdk.aws_ecs.DeploymentControllerType.CODE_DEPLOY),
        )
        self.listener = alb.add_listener("Http", port=80)
        self.listener.add_targets("Api", port=8000, protocol=cdk.aws_elasticloadbalancingv2.ApplicationProtocol.HTTP, targets=[self.service])
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Web(Construct):
    def __init__(self, scope, construct_id, *, cluster, task_definition, alb):
        super().__init__(scope, construct_id)
        self.service = cdk.aws_ecs.FargateService(
            self,
            "Api",
            cluster=cluster,
            task_definition=task_definition,
            deployment_controller=cdk.aws_ecs.DeploymentController(type=cdk.aws_ecs.DeploymentControllerType.CODE_DEPLOY),
        )
        self.listener = alb.add_listener("Http", port=80)
        target_group = self.listener.add_targets("Api", port=8000, protocol=cdk.aws_elasticloadbalancingv2.ApplicationProtocol.HTTP, targets=[self.service])
        green_target_group = cdk.aws_elasticloadbalancingv2.ApplicationTargetGroup(
            self,
            "ApiGreen",
            vpc=cluster.vpc,
            port=8000,
            protocol=cdk.aws_elasticloadbalancingv2.ApplicationProtocol.HTTP,
            target_type=cdk.aws_elasticloadbalancingv2.TargetType.IP,
        )
        test_listener = alb.add_listener(
            "TestListener", port=8080, default_target_groups=[green_target_group]
        )
        deployment_group = cdk.aws_codedeploy.EcsDeploymentGroup(
            self,
            "ApiDeploymentGroup",
            service=self.service,
            blue_green_deployment_config=cdk.aws_codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=target_group,
                green_target_group=green_target_group,
                listener=self.listener,
                test_listener=test_listener,
            ),
            auto_rollback=cdk.aws_codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True
            ),
        )
""",
            name="bare add_targets on self. attributes in a plain Construct, import aws_cdk as cdk",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


def two_targets(self, cluster, td, alb, other):
    listener = alb.add_listener("Http", port=80)
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td, deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    listener.add_targets("Web", port=80, targets=[service, other])


def ec2(self, cluster, td, alb):
    listener = alb.add_listener("Http", port=80)
    service = ecs.Ec2Service(self, "S", cluster=cluster, task_definition=td, deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    listener.add_targets("Web", port=80, targets=[service])


def splat(self, cluster, td, alb):
    listener = alb.add_listener("Http", port=80)
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td, deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    listener.add_targets("Web", targets=[service], **target_props)
""",
            flagged=True,
            name="add_targets with another target, an Ec2Service (bridge or awsvpc unknown), a splat: reported without a fix",
        ),
        Example(
            before="""\
import aws_cdk as cdk


class Web(cdk.Stack):
    def __init__(self, scope, construct_id, *, env_name, vpc, cluster, td):
        super().__init__(scope, construct_id)
        self.alb = cdk.aws_elasticloadbalancingv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc)
        self.blue = cdk.aws_elasticloadbalancingv2.ApplicationTargetGroup(self, f"WebTg{env_name}", vpc=vpc, port=80, target_group_name=f"web-{env_name}")
        self.alb.add_listener("Http", port=80, default_target_groups=[self.blue])
        self.service = cdk.aws_ecs.Ec2Service(self, f"Web{env_name}", cluster=cluster, task_definition=td, deployment_controller=cdk.aws_ecs.DeploymentController(type=cdk.aws_ecs.DeploymentControllerType.CODE_DEPLOY))
        self.service.attach_to_application_target_group(self.blue)
""",
            after="""\
import aws_cdk as cdk


class Web(cdk.Stack):
    def __init__(self, scope, construct_id, *, env_name, vpc, cluster, td):
        super().__init__(scope, construct_id)
        self.alb = cdk.aws_elasticloadbalancingv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc)
        self.blue = cdk.aws_elasticloadbalancingv2.ApplicationTargetGroup(self, f"WebTg{env_name}", vpc=vpc, port=80, target_group_name=f"web-{env_name}")
        green_target_group = cdk.aws_elasticloadbalancingv2.ApplicationTargetGroup(self, f"WebTgGreen{env_name}", vpc=vpc, port=80, target_group_name=f"web-{env_name}-green")
        listener = self.alb.add_listener("Http", port=80, default_target_groups=[self.blue])
        test_listener = self.alb.add_listener(
            "TestListener", port=8080, default_target_groups=[green_target_group]
        )
        self.service = cdk.aws_ecs.Ec2Service(self, f"Web{env_name}", cluster=cluster, task_definition=td, deployment_controller=cdk.aws_ecs.DeploymentController(type=cdk.aws_ecs.DeploymentControllerType.CODE_DEPLOY))
        self.service.attach_to_application_target_group(self.blue)
        deployment_group = cdk.aws_codedeploy.EcsDeploymentGroup(
            self,
            f"WebDeploymentGroup{env_name}",
            service=self.service,
            blue_green_deployment_config=cdk.aws_codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=self.blue,
                green_target_group=green_target_group,
                listener=listener,
                test_listener=test_listener,
            ),
            auto_rollback=cdk.aws_codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True
            ),
        )
""",
            name="cdk root import, Ec2Service, attach_to_application_target_group, unbound listener",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import DeploymentController, DeploymentControllerType, FargateService
from aws_cdk.aws_elasticloadbalancingv2 import (
    ApplicationListener,
    ApplicationProtocol,
    ApplicationTargetGroup,
)


def build(scope, vpc, lb, cluster, td, cert):
    svc = FargateService(scope, "Api", cluster=cluster, task_definition=td,
                         deployment_controller=DeploymentController(type=DeploymentControllerType.CODE_DEPLOY))
    tg = ApplicationTargetGroup(scope, "ApiTg", vpc=vpc, port=8000, targets=[svc])
    https = ApplicationListener(
        scope,
        "Https",
        load_balancer=lb,
        port=443,
        protocol=ApplicationProtocol.HTTPS,
        certificates=[cert],
        default_target_groups=[tg]  # production traffic
    )
""",
            after="""\
from aws_cdk.aws_ecs import DeploymentController, DeploymentControllerType, FargateService
from aws_cdk.aws_elasticloadbalancingv2 import (
    ApplicationListener,
    ApplicationProtocol,
    ApplicationTargetGroup,
)
from aws_cdk import aws_codedeploy as codedeploy


def build(scope, vpc, lb, cluster, td, cert):
    svc = FargateService(scope, "Api", cluster=cluster, task_definition=td,
                         deployment_controller=DeploymentController(type=DeploymentControllerType.CODE_DEPLOY))
    tg = ApplicationTargetGroup(scope, "ApiTg", vpc=vpc, port=8000, targets=[svc])
    green_target_group = ApplicationTargetGroup(scope, "ApiTgGreen", vpc=vpc, port=8000)
    https = ApplicationListener(
        scope,
        "Https",
        load_balancer=lb,
        port=443,
        protocol=ApplicationProtocol.HTTPS,
        certificates=[cert],
        default_target_groups=[tg]  # production traffic
    )

    test_listener = lb.add_listener(
        "TestListener",
        port=8080,
        protocol=ApplicationProtocol.HTTPS,
        certificates=[cert],
        default_target_groups=[green_target_group],
    )
    deployment_group = codedeploy.EcsDeploymentGroup(
        scope,
        "ApiDeploymentGroup",
        service=svc,
        blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
            blue_target_group=tg,
            green_target_group=green_target_group,
            listener=https,
            test_listener=test_listener,
        ),
        auto_rollback=codedeploy.AutoRollbackConfig(
            failed_deployment=True, stopped_deployment=True
        ),
    )
""",
            name="classes imported directly, targets=[svc], HTTPS ApplicationListener",
        ),
        Example(
            before="""\
import aws_cdk.aws_codedeploy as codedeploy
import aws_cdk.aws_ecs as ecs
import aws_cdk.aws_elasticloadbalancingv2 as elbv2


def done(self, vpc, alb, cluster, td):
    tg = elbv2.ApplicationTargetGroup(self, "Tg", vpc=vpc, port=80)
    listener = alb.add_listener("L", port=80, default_target_groups=[tg])
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td,
                                 deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    codedeploy.EcsDeploymentGroup(self, "Dg", service=service, blue_green_deployment_config=config)


def rolling(self, vpc, alb, cluster, td):
    tg = elbv2.ApplicationTargetGroup(self, "Tg", vpc=vpc, port=80)
    alb.add_listener("L", port=80, default_target_groups=[tg])
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td)
    tg.add_target(service)
""",
            name="deployment group present, ECS controller",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2, aws_ecs as ecs
from aws_cdk.aws_elasticloadbalancingv2 import ApplicationTargetGroup as CdkTargetGroup
from myalb import ApplicationTargetGroup


def look_alike(self, alb, cluster, td):
    tg = ApplicationTargetGroup(self, "Tg", port=80)
    alb.add_listener("L", port=80, default_target_groups=[tg])
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td,
                                 deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    tg.add_target(service)


def inline_vpc(self, alb, cluster, td):
    tg = CdkTargetGroup(self, "Tg", port=80, vpc=ec2.Vpc(self, "Vpc"))
    alb.add_listener("L", port=80, default_target_groups=[tg])
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td,
                                 deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    tg.add_target(service)
""",
            flagged=True,
            name="look-alike target group class; a group whose copy would create a second VPC: reported without a fix",
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs
import aws_cdk.aws_elasticloadbalancingv2 as elbv2


def two_groups(self, vpc, alb, cluster, td):
    a = elbv2.ApplicationTargetGroup(self, "A", vpc=vpc, port=80)
    b = elbv2.ApplicationTargetGroup(self, "B", vpc=vpc, port=80)
    alb.add_listener("L", port=80, default_target_groups=[a])
    ecs.FargateService(self, "S", cluster=cluster, task_definition=td,
                       deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))


def splat(self, vpc, alb, cluster, td):
    tg = elbv2.ApplicationTargetGroup(self, "Tg", **tg_props)
    alb.add_listener("L", port=80, default_target_groups=[tg])
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td,
                                 deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    tg.add_target(service)


def no_listener(self, vpc, cluster, td):
    tg = elbv2.ApplicationTargetGroup(self, "Tg", vpc=vpc, port=80)
    service = ecs.FargateService(self, "S", cluster=cluster, task_definition=td,
                                 deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))
    tg.add_target(service)


def splat_service(self, vpc, alb, cluster, td, service_props):
    tg = elbv2.ApplicationTargetGroup(self, "Tg", vpc=vpc, port=80)
    alb.add_listener("L", port=80, default_target_groups=[tg])
    service = ecs.FargateService(self, "S", deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY), **service_props)
    tg.add_target(service)
""",
            flagged=True,
            name="ambiguous target groups, a splat on the group or the service, no listener: reported without a fix",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2
from constructs import Construct


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
        task = ecs.FargateTaskDefinition(self, "Task")
        task.add_container("api", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), port_mappings=[ecs.PortMapping(container_port=80)])
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        listener = alb.add_listener("Http", port=80)

        controller = ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY)
        service = ecs.FargateService(self, "Api", cluster=cluster, task_definition=task, deployment_controller=controller)
        listener.add_targets("Api", port=80, targets=[service])
""",
            after="""\
from aws_cdk import Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2
from constructs import Construct
from aws_cdk import aws_codedeploy as codedeploy


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
        task = ecs.FargateTaskDefinition(self, "Task")
        task.add_container("api", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), port_mappings=[ecs.PortMapping(container_port=80)])
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        listener = alb.add_listener("Http", port=80)

        controller = ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY)
        service = ecs.FargateService(self, "Api", cluster=cluster, task_definition=task, deployment_controller=controller)
        target_group = listener.add_targets("Api", port=80, targets=[service])
        green_target_group = elbv2.ApplicationTargetGroup(
            self, "ApiGreen", vpc=cluster.vpc, port=80, target_type=elbv2.TargetType.IP
        )
        test_listener = alb.add_listener(
            "TestListener", port=8080, default_target_groups=[green_target_group]
        )
        deployment_group = codedeploy.EcsDeploymentGroup(
            self,
            "ApiDeploymentGroup",
            service=service,
            blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=target_group,
                green_target_group=green_target_group,
                listener=listener,
                test_listener=test_listener,
            ),
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True
            ),
        )
""",
            name="deployment controller held in a local variable, Stack building its own ALB, add_targets",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # The functions whose own body may create an ECS service: only they are scanned.
        self._with_service: set[cst.FunctionDef] = set()
        self._function: cst.FunctionDef | None = None  # the function leave_FunctionDef is looking at

    def visit_Call(self, node: cst.Call) -> None:
        # A superset of the calls leave_FunctionDef looks for (resolved then, by the same
        # imports): `...FargateService(...)`/`...Ec2Service(...)` by name, or by an alias,
        # with a deployment_controller.
        func = node.func
        kind = type(func)
        last = func.attr.value if kind is cst.Attribute else func.value if kind is cst.Name else None
        if (last in _SERVICE_CLASSES or self.resolve(func) in SERVICES) and _keyword_value(
            node, "deployment_controller"
        ) is not None:
            function = self.enclosing(cst.FunctionDef)
            if function is not None:
                self._with_service.add(function)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node not in self._with_service:
            return  # no service call in it: nothing below would match
        if not isinstance(node.body, cst.IndentedBlock):
            return
        found = _Found(list(node.body.body))
        visit_readonly(node.body, _Collector(found))
        self._function = node
        if any(self.is_call_to(call, DEPLOYMENT_GROUP, CFN_DEPLOYMENT_GROUP) for call, _, _ in found.calls):
            return
        if any(
            (self.resolve(call.func) or "").startswith(DEPLOYMENT_GROUP + ".") for call, _, _ in found.calls
        ):
            return  # EcsDeploymentGroup.from_ecs_deployment_group_attributes(...): managed elsewhere
        services = [(call, stmt, top) for call, stmt, top in found.calls if self._is_code_deploy_service(call)]
        target_groups = [(call, stmt, top) for call, stmt, top in found.calls if self.is_call_to(call, TARGET_GROUP)]
        for call, _, _ in found.calls:
            if layout.has_double_star(call) and self._is_code_deploy_service(call, splat_ok=True):
                self._unfixable(call, "the service call has a `**` splat, which may set its target groups")
        if not services:
            return
        plans = [
            self._plan(found, service, target_groups) if target_groups else self._plan_add_targets(found, service)
            for service in services
        ]
        # Two services behind the same target group: blue/green cannot be wired for both.
        blues = [plan["blue"][0] for plan in plans if plan is not None]
        for service, plan in zip(services, plans):
            if plan is not None and blues.count(plan["blue"][0]) == 1:
                self._fix(found, plan)
            else:
                self._unfixable(
                    service[0],
                    "cdkfix could not tell the one ALB target group (an ApplicationTargetGroup or "
                    "listener.add_targets(targets=[service])) and the one listener that serve this service in "
                    "this function, or both could not be copied safely",
                )

    def _unfixable(self, service: cst.Call, why: str) -> None:
        """A CODE_DEPLOY service with no deployment group that cdkfix cannot wire: reported, not guessed."""
        self.report_without_fix(
            "ECS service with the CODE_DEPLOY deployment controller but no CodeDeploy deployment group "
            "(blue/green needs a green target group, a test listener and an EcsDeploymentGroup)",
            f"{why}: add the green target group, the test listener and the codedeploy.EcsDeploymentGroup yourself",
            service,
        )

    # --- matching ---------------------------------------------------------------------------

    def _is_code_deploy_service(self, call: cst.Call, splat_ok: bool = False) -> bool:
        if not (self.resolve(call.func) in SERVICES if splat_ok else self.is_call_to(call, *SERVICES)):
            return False
        controller = _keyword_value(call, "deployment_controller")
        if isinstance(controller, cst.Name):
            # `controller = ecs.DeploymentController(...)` in the function being left
            controller = value_of(self, controller, self._function)
        if not isinstance(controller, cst.Call) or not self.is_call_to(controller, CONTROLLER):
            return False
        kind = layout.argument(controller, 0, "type")
        return kind is not None and self.resolve(kind.value) == CODE_DEPLOY

    def _plan(self, found: _Found, service, target_groups) -> dict | None:
        service_call, service_stmt, service_top = service
        if service_stmt is not service_top:
            return None  # inside an if/for/with: too unsure where the new code may go
        service_ref = _binding(service_stmt, service_call)
        if service_ref is None:
            return None
        bound_groups = {}
        for call, stmt, top in target_groups:
            ref = _binding(stmt, call)
            if ref:
                bound_groups[ref] = (call, stmt, top)

        serving: set[str] = set()
        links: list[cst.BaseStatement] = []
        for call, stmt, top in found.calls:
            method = _method(call)
            if service_ref and method and method[0] == "add_target":
                if any(code(arg.value) == service_ref for arg in call.args):
                    serving.add(code(method[1]))
                    links.append(top)
            if service_ref and method and method[0] == "attach_to_application_target_group":
                first = layout.argument(call, 0, "target_group")
                if code(method[1]) == service_ref and first is not None:
                    serving.add(code(first.value))
                    links.append(top)
        for call, stmt, top in target_groups:
            for element in _targets(call):
                if service_ref and (element == service_ref or element.startswith(service_ref + ".")):
                    ref = _binding(stmt, call)
                    serving.add(ref or f"<unbound {id(call)}>")
        if len(serving) > 1:
            return None
        if serving:
            blue_ref = next(iter(serving))
            if blue_ref not in bound_groups:
                return None  # a target group from elsewhere
        elif len(target_groups) == 1 and _binding(target_groups[0][1], target_groups[0][0]):
            blue_ref = _binding(target_groups[0][1], target_groups[0][0])
        else:
            return None
        blue = bound_groups[blue_ref]
        blue_call, blue_stmt, blue_top = blue
        if blue_stmt is not blue_top or layout.has_double_star(blue_call) or construct_id(blue_call) is None:
            return None
        scope = construct_scope(blue_call)
        if any(_has_construct_call(arg.value, scope) for arg in blue_call.args[2:]):
            return None

        listener = self._production_listener(found, blue_ref)
        if listener is None:
            return None
        return {
            "service": service,
            "service_ref": service_ref,
            "blue": blue,
            "blue_ref": blue_ref,
            "listener": listener,
            "links": [link for link in links if link in found.body],
        }

    def _plan_add_targets(self, found: _Found, service) -> dict | None:
        """`listener.add_targets("Web", targets=[service], ...)`: the group CDK creates is the blue one.

        The green group gets the same port, protocol and health check, `TargetType.IP` (a Fargate
        service's awsvpc tasks) and the VPC of the service's cluster; anything less certain is left alone."""
        service_call, service_stmt, service_top = service
        if service_stmt is not service_top or not self.is_call_to(service_call, "aws_cdk.aws_ecs.FargateService"):
            return None
        service_ref = _binding(service_stmt, service_call)
        cluster = _keyword_value(service_call, "cluster")
        if not service_ref or cluster is None or not dotted_name(cluster):
            return None
        adds = []
        for call, stmt, top in found.calls:
            method = _method(call)
            if method and method[0] == "add_targets" and service_ref in _elements(_keyword_value(call, "targets")):
                adds.append((call, stmt, top, method[1]))
        if len(adds) != 1:
            return None
        call, stmt, top, receiver = adds[0]
        if stmt is not top or stmt not in found.body or layout.has_double_star(call) or _binding(stmt, call) is None:
            return None
        if len(_elements(_keyword_value(call, "targets"))) != 1:
            return None  # other targets in the same group: not a group CodeDeploy can swap
        ident = layout.argument(call, 0, "id")
        port = _keyword_value(call, "port")
        if ident is None or string_value(ident.value) is None or port is None:
            return None
        listeners = [
            (other, other_stmt, other_top, _method(other)[1])
            for other, other_stmt, other_top in found.calls
            if _method(other) and _method(other)[0] == "add_listener" and dotted_name(_method(other)[1])
            and not layout.has_double_star(other)
        ]
        production = [item for item in listeners if _binding(item[1], item[0]) == code(receiver)]
        if len(production) != 1 or production[0][1] is not production[0][2]:
            return None
        listener_call, listener_stmt, _, lb = production[0]
        used_ports, used_ids = set(), set()
        for other, _, _, other_lb in listeners:
            if code(other_lb) != code(lb):
                continue
            other_port = _keyword_value(other, "port")
            if isinstance(other_port, cst.Integer):
                used_ports.add(int(other_port.value))
            other_id = layout.argument(other, 0, "id")
            if other_id is not None and string_value(other_id.value):
                used_ids.add(string_value(other_id.value))
        copied = [f"port={code(port)}"]
        shared = {}
        for name in ("protocol", "health_check", "deregistration_delay"):
            value = _keyword_value(call, name)
            if value is not None:
                # A placeholder, replaced by the blue group's own node once formatted: a fix
                # another rule makes inside it (CDK-B8 completing the health check) lands on both.
                shared[f"__cdkfix_{name}__"] = value
                copied.append(f"{name}=__cdkfix_{name}__")
        green_id = derive_id(ident.value, "Green", "GreenTargetGroup")
        green_source = (
            f"{self.ref(TARGET_GROUP)}({construct_scope(service_call)}, {green_id}, vpc={code(cluster)}.vpc, "
            f"{', '.join(copied)}, target_type={self.ref(TARGET_TYPE_IP)})"
        )
        return {
            "service": service,
            "service_ref": service_ref,
            "blue": (call, stmt, top),
            "blue_ref": _binding(stmt, call),
            "green_source": green_source,
            "green_shared": shared,
            "listener": {"call": listener_call, "statement": listener_stmt, "lb": code(lb), "ports": used_ports, "ids": used_ids},
            "links": [],
        }

    def _production_listener(self, found: _Found, blue_ref: str) -> dict | None:
        """The one listener whose default action forwards to the blue group."""
        listeners = []  # (call, statement, top, load balancer expression)
        for call, stmt, top in found.calls:
            method = _method(call)
            if method and method[0] == "add_listener" and dotted_name(method[1]) and not layout.has_double_star(call):
                listeners.append((call, stmt, top, method[1]))
            elif self.is_call_to(call, LISTENER):
                lb = _keyword_value(call, "load_balancer")
                if lb is not None and dotted_name(lb):
                    listeners.append((call, stmt, top, lb))
        chosen = []
        for listener in listeners:
            if self._forwards_to(listener[0], blue_ref):
                chosen.append(listener)
        # `listener.add_target_groups("Default", target_groups=[blue])`
        for call, stmt, top in found.calls:
            method = _method(call)
            if method and method[0] == "add_target_groups" and blue_ref in _elements(_keyword_value(call, "target_groups")):
                for listener in listeners:
                    if _binding(listener[1], listener[0]) == code(method[1]) and listener not in chosen:
                        chosen.append(listener)
        if len(chosen) != 1:
            return None
        call, stmt, top, lb = chosen[0]
        if stmt is not top or _binding(stmt, call) is None:
            return None
        used_ports, used_ids = set(), set()
        for other, _, _, other_lb in listeners:
            if code(other_lb) != code(lb):
                continue
            port = _keyword_value(other, "port")
            if isinstance(port, cst.Integer):
                used_ports.add(int(port.value))
            ident = layout.argument(other, 0 if _method(other) else 1, "id")
            if ident is not None and string_value(ident.value):
                used_ids.add(string_value(ident.value))
        return {"call": call, "statement": stmt, "lb": code(lb), "ports": used_ports, "ids": used_ids}

    def _forwards_to(self, listener: cst.Call, blue_ref: str) -> bool:
        if blue_ref in _elements(_keyword_value(listener, "default_target_groups")):
            return True
        action = _keyword_value(listener, "default_action")
        if isinstance(action, cst.Call) and self.is_call_to(action, FORWARD):
            first = layout.argument(action, 0, "target_groups")
            return first is not None and blue_ref in _elements(first.value)
        return False

    # --- the fix ----------------------------------------------------------------------------

    def _fix(self, found: _Found, plan: dict) -> None:
        edits: list[Edit] = []
        service_call, service_stmt, _ = plan["service"]
        blue_call, blue_stmt, _ = plan["blue"]
        listener = plan["listener"]
        width = self.context.line_length - self._body_indent()

        service_ref = plan["service_ref"]
        if not service_ref:
            service_ref = self.unique_name("service")
            edits.append(_bind(service_stmt, service_ref))
        listener_ref = _binding(listener["statement"], listener["call"])
        if not listener_ref:
            listener_ref = self.unique_name("listener")
            edits.append(_bind(listener["statement"], listener_ref))

        # 1. The green target group: the blue group's own arguments (same nodes, so a fix another
        #    rule makes inside them, like a completed health check, lands on both groups).
        green_ref = self.unique_name("green_target_group")
        if plan["blue_ref"] == "":
            # `listener.add_targets(...)` as a bare statement: the group it returns gets a name.
            plan["blue_ref"] = self.unique_name("target_group")
            edits.append(_bind(blue_stmt, plan["blue_ref"]))
        if "green_source" in plan:
            statements = format_statements(f"{green_ref} = {plan['green_source']}\n", width)
            statements = [statement.visit(_Shared(plan["green_shared"])) for statement in statements]
            edits.append(InsertStatements(blue_stmt, statements))
        else:
            green_call = self._green_call(blue_call)
            green_statement = cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(green_ref))], value=green_call)]
            )
            edits.append(InsertStatements(blue_stmt, [green_statement]))

        # 2. The test listener, on the production listener's load balancer.
        test_ref = self.unique_name("test_listener")
        port = 8080
        while port in listener["ports"]:
            port += 1
        test_id, counter = "TestListener", 2
        while test_id in listener["ids"]:
            test_id, counter = f"TestListener{counter}", counter + 1
        copied = []
        for name in LISTENER_COPIED:
            value = _keyword_value(listener["call"], name)
            if value is not None:
                copied.append(f"{name}={code(value)}")
        if _keyword_value(listener["call"], "certificates") is not None and _keyword_value(listener["call"], "protocol") is None:
            copied.insert(0, f"protocol={self.ref(HTTPS)}")
        settings = "".join(f", {item}" for item in copied)
        test_source = (
            f"{test_ref} = {listener['lb']}.add_listener({test_id!r}, port={port}{settings}, "
            f"default_target_groups=[{green_ref}])\n"
        )
        test_anchor = max(listener["statement"], blue_stmt, key=found.body.index)
        edits.append(InsertStatements(test_anchor, format_statements(test_source, width)))

        # 3. The deployment group, after everything it uses.
        cooperating = I3 in self.context.selected
        group_ref = self.unique_name("deployment_group")
        rollback = ""
        if not cooperating:
            rollback = f"    auto_rollback={self.ref(AUTO_ROLLBACK)}(failed_deployment=True, stopped_deployment=True),\n"
        group_id = derive_id(construct_id(service_call), "DeploymentGroup", "DeploymentGroup")
        group_source = (
            f"{group_ref} = {self.ref(DEPLOYMENT_GROUP)}(\n"
            f"    {construct_scope(service_call)},\n"
            f"    {group_id},\n"
            f"    service={service_ref},\n"
            f"    blue_green_deployment_config={self.ref(BLUE_GREEN)}(\n"
            f"        blue_target_group={plan['blue_ref']},\n"
            f"        green_target_group={green_ref},\n"
            f"        listener={listener_ref},\n"
            f"        test_listener={test_ref},\n"
            f"    ),\n"
            f"{rollback}"
            f")\n"
        )
        group_statements = format_statements(group_source, width)
        needed = [service_stmt, blue_stmt, listener["statement"], test_anchor, *plan["links"]]
        group_anchor = max(needed, key=found.body.index)
        edits.append(InsertStatements(group_anchor, group_statements))

        if cooperating:
            statement = group_statements[0]
            call = statement.body[0].value
            self.context.shared.setdefault(self.code, {}).setdefault("deployment_groups", []).append(
                {"service": service_call, "call": call, "statement": statement}
            )
        self.report(
            f"ECS service `{service_ref}` uses the CODE_DEPLOY controller with one target group "
            f"(`{plan['blue_ref']}`) and no CodeDeploy deployment group",
            edits,
            anchor=service_stmt,
        )

    def _green_call(self, blue: cst.Call) -> cst.Call:
        """The blue group's call with a new id, a `-green` name and no targets; other arguments shared."""
        args = list(blue.args)
        id_arg = layout.argument(blue, 1, "id")
        for index, arg in enumerate(args):
            if arg is id_arg:
                green_id = derive_id(arg.value, "Green", "GreenTargetGroup")
                args[index] = arg.with_changes(value=cst.parse_expression(green_id))
        for name in ("targets", "target_group_name"):
            for index, arg in enumerate(args):
                if arg.keyword is None or arg.keyword.value != name:
                    continue
                green_name = _green_name(arg.value) if name == "target_group_name" else None
                if green_name is None:
                    args = layout.remove_separated(args, index)
                else:
                    args[index] = arg.with_changes(value=green_name)
                break
        return blue.with_changes(args=args)

    def _body_indent(self) -> int:
        """Columns of indentation of the function body being left."""
        unit = len(self.context.module.default_indent.expandtabs())
        depth = sum(isinstance(node, cst.IndentedBlock) for node in self.context.ancestors)
        return (depth + 1) * unit


def _targets(call: cst.Call) -> list[str]:
    """The code of each target in `targets=[...]`, and of the receiver of `x.load_balancer_target(...)`."""
    result = []
    value = _keyword_value(call, "targets")
    if isinstance(value, (cst.List, cst.Tuple)):
        for element in value.elements:
            if isinstance(element, cst.Element):
                result.append(code(element.value))
    return result


def _green_name(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """The green group's `target_group_name`: the blue one + "-green" (names are unique per account)."""
    text = string_value(value)
    if isinstance(value, cst.SimpleString) and text is not None:
        if len(text) + len("-green") > TARGET_GROUP_NAME_MAX:
            return None
        return cst.parse_expression(f"{value.prefix}{value.quote}{value.raw_value}-green{value.quote}")
    if isinstance(value, cst.FormattedString):
        return value.with_changes(parts=[*value.parts, cst.FormattedStringText("-green")])
    return None
