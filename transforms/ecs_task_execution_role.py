"""CDK-B13: Fargate task definition without an explicit execution role."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import construct_id, construct_scope, derive_id
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding

FARGATE_TASK_DEFINITION = "aws_cdk.aws_ecs.FargateTaskDefinition"
TASK_DEFINITION = "aws_cdk.aws_ecs.TaskDefinition"
COMPATIBILITY = "aws_cdk.aws_ecs.Compatibility."
ROLE = "aws_cdk.aws_iam.Role"
SERVICE_PRINCIPAL = "aws_cdk.aws_iam.ServicePrincipal"
MANAGED_POLICY = "aws_cdk.aws_iam.ManagedPolicy"
EXECUTION_POLICY = "service-role/AmazonECSTaskExecutionRolePolicy"
# Fargate ecs_patterns that build the task definition from `task_image_options`, whose
# `execution_role` is the task definition's (the flaw written through a pattern).
FARGATE_PATTERNS = tuple(
    f"aws_cdk.aws_ecs_patterns.{name}"
    for name in (
        "ApplicationLoadBalancedFargateService", "NetworkLoadBalancedFargateService",
        "ApplicationMultipleTargetGroupsFargateService", "NetworkMultipleTargetGroupsFargateService",
    )
)
TASK_IMAGE_OPTIONS = tuple(
    f"aws_cdk.aws_ecs_patterns.{name}"
    for name in (
        "ApplicationLoadBalancedTaskImageOptions", "NetworkLoadBalancedTaskImageOptions",
        "ApplicationLoadBalancedTaskImageProps", "NetworkLoadBalancedTaskImageProps",
    )
)


class EcsTaskExecutionRole(Rule):
    code = "CDK-B13"
    name = "ecs-task-execution-role"
    title = "Missing ECS Task Execution Role"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    # Replaces the execution role CDK created implicitly (a new IAM role with a new logical ID;
    # the old one is deleted) and with it the task definition: unsafe (docs/ci.md).
    safety = Safety.UNSAFE
    # With a container that needs it (an ecs_patterns service logs with awslogs), CDK had made the
    # execution role and its policy implicitly: the explicit role takes their place.
    replaces = (
        "AWS::ECS::TaskDefinition (ExecutionRoleArn is create-only)",
        "AWS::IAM::Role (logical ID changes)",
        "AWS::IAM::Policy (logical ID changes)",
    )
    issue = (
        "The Fargate task definition has no explicit execution role, the role ECS uses to pull the image and "
        "write the container logs. CDK creates one implicitly only when a container needs it, so the role's "
        "existence and its permissions are invisible in the code and cannot be shared, named or reviewed."
    )
    fix = (
        "Creates `execution_role = iam.Role(self, <task definition id>ExecutionRole, "
        "assumed_by=iam.ServicePrincipal(\"ecs-tasks.amazonaws.com\"))` before the task definition's statement "
        "and passes `execution_role=execution_role` (also for `ecs.TaskDefinition` with a Fargate "
        "compatibility, and for the Fargate `ecs_patterns` services through their `task_image_options`, written "
        "in place or bound once to a local name). No managed policy: CDK grants the role exactly what the containers need (ECR pull "
        "for `ContainerImage.from_ecr_repository`, log writes for the awslogs driver, reads of the "
        "containers' secrets), so the AWS managed `AmazonECSTaskExecutionRolePolicy` with its `Resource: *` "
        "(cdk-nag AwsSolutions-IAM4) is not needed; the option `managed_policy = true` attaches it anyway. On a "
        "deployed stack the role CDK created implicitly is replaced by the new one (same permissions) and the task "
        "definition gets a new revision. A `**` splat (it may hold the role or the task image options) is reported "
        "without a fix."
    )
    # Not "tasks fail to pull images": CDK creates the execution role whenever a container
    # needs one (ECR image, awslogs, secrets), so the tasks run either way.
    impact = (
        "Unsafe (replacement): the implicit execution role is replaced by the new one and the task definition "
        "gets a new revision. No failure at run time without it: CDK creates an execution role whenever a "
        "container needs one. The explicit role "
        "gives a construct the code can name, review, share between task definitions and grant to (for example "
        "`execution_role.add_to_policy(...)` for a private registry), instead of one that appears only in the "
        "synthesized template."
    )
    options = {"managed_policy": False}
    calls = frozenset({FARGATE_TASK_DEFINITION, TASK_DEFINITION, *FARGATE_PATTERNS})
    examples = [
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs, aws_iam as iam


class EcsStack(Stack):
    def __init__(self, scope, construct_id, *, environment_suffix: str) -> None:
        super().__init__(scope, construct_id)

        # Fargate task definition
        task_definition = ecs.FargateTaskDefinition(
            self,
            f"TaskDef{environment_suffix}",
            memory_limit_mib=512,
            cpu=256,
            task_role=task_role  # app permissions
        )
""",
            after="""\
from aws_cdk import Stack, aws_ecs as ecs, aws_iam as iam


class EcsStack(Stack):
    def __init__(self, scope, construct_id, *, environment_suffix: str) -> None:
        super().__init__(scope, construct_id)

        execution_role = iam.Role(
            self,
            f"TaskDefExecutionRole{environment_suffix}",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )

        # Fargate task definition
        task_definition = ecs.FargateTaskDefinition(
            self,
            f"TaskDef{environment_suffix}",
            memory_limit_mib=512,
            cpu=256,
            task_role=task_role,  # app permissions
            execution_role=execution_role
        )
""",
            name="seed: multi-line, f-string id, comment kept",
        ),
        Example(
            before="""\
import aws_cdk as cdk

td = cdk.aws_ecs.FargateTaskDefinition(self, "TaskDef", cpu=256, memory_limit_mib=512)
""",
            after="""\
import aws_cdk as cdk

execution_role = cdk.aws_iam.Role(
    self,
    "TaskDefExecutionRole",
    assumed_by=cdk.aws_iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
)

td = cdk.aws_ecs.FargateTaskDefinition(self, "TaskDef", cpu=256, memory_limit_mib=512, execution_role=execution_role)
""",
            name="one line, iam spelled through cdk",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import FargateTaskDefinition

execution_role = "unrelated"


def task(scope, name):
    return FargateTaskDefinition(
        scope,
        name,
        cpu=512,
    )
""",
            after="""\
from aws_cdk.aws_ecs import FargateTaskDefinition
from aws_cdk import aws_iam as iam

execution_role = "unrelated"


def task(scope, name):
    execution_role_2 = iam.Role(
        scope,
        name + "ExecutionRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
    )
    return FargateTaskDefinition(
        scope,
        name,
        cpu=512,
        execution_role=execution_role_2,
    )
""",
            name="class imported directly, iam import added, id a variable, name taken, trailing comma",
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=ecs.TaskDefinition(self, 'Td', compatibility=ecs.Compatibility.EC2_AND_FARGATE, cpu="256", memory_mib="512"),
)
service.task_definition.add_container("web", image=image)
""",
            after="""\
import aws_cdk.aws_ecs as ecs
import aws_cdk.aws_iam as iam

execution_role = iam.Role(
    self, "TdExecutionRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")
)

service = ecs.FargateService(
    self,
    "Service",
    cluster=cluster,
    task_definition=ecs.TaskDefinition(self, 'Td', compatibility=ecs.Compatibility.EC2_AND_FARGATE, cpu="256", memory_mib="512", execution_role=execution_role),
)
service.task_definition.add_container("web", image=image)
""",
            name="TaskDefinition with Fargate compatibility, nested in the service",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

task_definition = ecs.FargateTaskDefinition(self, "TaskDef")
""",
            after="""\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

execution_role = iam.Role(
    self,
    "TaskDefExecutionRole",
    assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
    managed_policies=[
        iam.ManagedPolicy.from_aws_managed_policy_name(
            "service-role/AmazonECSTaskExecutionRolePolicy"
        )
    ],
)

task_definition = ecs.FargateTaskDefinition(self, "TaskDef", execution_role=execution_role)
""",
            options={"managed_policy": True},
            name="option managed_policy",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

a = ecs.FargateTaskDefinition(self, "A", execution_role=role)
c = ecs.Ec2TaskDefinition(self, "C")
d = ecs.TaskDefinition(self, "D", compatibility=ecs.Compatibility.EC2)
e = ecs.TaskDefinition(self, "E", compatibility=compatibility)
if a:
    pass
elif ecs.FargateTaskDefinition(self, "F").compatibility:
    pass
""",
            name="role given, EC2 only, unknown compatibility, no statement to insert before",
        ),
        Example(
            before="""\
from aws_cdk import Stack
from my_ecs import FargateTaskDefinition

td = FargateTaskDefinition(self, "TaskDef")
""",
            name="a non-CDK FargateTaskDefinition",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs_patterns as ecs_patterns


class Web(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        ecs_patterns.ApplicationLoadBalancedFargateService(
            self,
            "Web",
            cluster=cluster,
            cpu=256,
            memory_limit_mib=512,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
                image=image,
                container_port=80,
            ),
        )
""",
            after="""\
from aws_cdk import Stack, aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_iam as iam


class Web(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        execution_role = iam.Role(
            self,
            "WebExecutionRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        ecs_patterns.ApplicationLoadBalancedFargateService(
            self,
            "Web",
            cluster=cluster,
            cpu=256,
            memory_limit_mib=512,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
                image=image,
                container_port=80,
                execution_role=execution_role,
            ),
        )
""",
            name='ecs_patterns.ApplicationLoadBalancedFargateService: the role goes into its task_image_options',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs
from constructs import Construct


class Worker(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.task_definition = ecs.FargateTaskDefinition(self, "WorkerTask", cpu=512, memory_limit_mib=1024)
        self.task_definition.add_container("worker", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"))
""",
            after="""\
from aws_cdk import aws_ecs as ecs
from constructs import Construct
from aws_cdk import aws_iam as iam


class Worker(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        execution_role = iam.Role(
            self,
            "WorkerTaskExecutionRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        self.task_definition = ecs.FargateTaskDefinition(self, "WorkerTask", cpu=512, memory_limit_mib=1024, execution_role=execution_role)
        self.task_definition.add_container("worker", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"))
""",
            name='a self. attribute of a plain Construct',
        ),
        Example(
            before="""\
import aws_cdk as cdk

compatibility = cdk.aws_ecs.Compatibility.FARGATE
task_definition = cdk.aws_ecs.TaskDefinition(stack, "Task", compatibility=compatibility, cpu="256", memory_mib="512")
task_definition.add_container("web", image=image)
""",
            after="""\
import aws_cdk as cdk

compatibility = cdk.aws_ecs.Compatibility.FARGATE
execution_role = cdk.aws_iam.Role(
    stack,
    "TaskExecutionRole",
    assumed_by=cdk.aws_iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
)
task_definition = cdk.aws_ecs.TaskDefinition(stack, "Task", compatibility=compatibility, cpu="256", memory_mib="512", execution_role=execution_role)
task_definition.add_container("web", image=image)
""",
            name='TaskDefinition whose Fargate compatibility is a module variable, import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns
from constructs import Construct


def add_api(scope: Construct, cluster, image):
    options = ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image, container_port=80)
    return ecs_patterns.NetworkLoadBalancedFargateService(scope, "Api", cluster=cluster, task_image_options=options)
""",
            after="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns
from constructs import Construct
from aws_cdk import aws_iam as iam


def add_api(scope: Construct, cluster, image):
    execution_role = iam.Role(
        scope,
        "ApiExecutionRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
    )
    options = ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image, container_port=80, execution_role=execution_role)
    return ecs_patterns.NetworkLoadBalancedFargateService(scope, "Api", cluster=cluster, task_image_options=options)
""",
            name='pattern options in a local variable of a helper function with a scope parameter, returned pattern',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

task_definition = ecs.FargateTaskDefinition(self, "TaskDef", **task_props)
""",
            flagged=True,
            name='a task definition with a ** splat: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns

ecs_patterns.ApplicationLoadBalancedFargateService(self, "Web", cluster=cluster, **service_props)
""",
            flagged=True,
            name='a pattern with a ** splat: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecs_patterns

compatibility = ecs.Compatibility.FARGATE
compatibility = ecs.Compatibility.EC2
ecs.TaskDefinition(self, "Task", compatibility=compatibility)
ecs_patterns.ApplicationLoadBalancedFargateService(self, "Given", cluster=cluster, task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image, execution_role=role))
ecs_patterns.ApplicationLoadBalancedFargateService(self, "Options", cluster=cluster, task_image_options=image_options)
ecs_patterns.ApplicationLoadBalancedEc2Service(self, "Ec2", cluster=cluster, memory_limit_mib=512, task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image))
""",
            name='compatibility bound twice, role given in the options, options a name bound nowhere in scope, an EC2 pattern',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns

options = ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image, container_port=80)
blue = ecs_patterns.NetworkLoadBalancedFargateService(self, "Blue", cluster=cluster, task_image_options=options)
green = ecs_patterns.NetworkLoadBalancedFargateService(self, "Green", cluster=cluster, task_image_options=options)
""",
            after="""\
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_iam as iam

execution_role = iam.Role(
    self,
    "BlueExecutionRole",
    assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
)

options = ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image, container_port=80, execution_role=execution_role)
blue = ecs_patterns.NetworkLoadBalancedFargateService(self, "Blue", cluster=cluster, task_image_options=options)
green = ecs_patterns.NetworkLoadBalancedFargateService(self, "Green", cluster=cluster, task_image_options=options)
""",
            name='task image options in a module variable shared by two patterns: one role, named after the first',
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._fixed_options: set[int] = set()  # task image options calls given a role (a rule instance lives for one file)

    def visit_Call(self, node: cst.Call) -> None:
        resolved = self.resolve(node.func)
        if resolved in FARGATE_PATTERNS:
            self._pattern(node)
            return
        if resolved == FARGATE_TASK_DEFINITION and layout.has_double_star(node):
            self.report_without_fix(
                "`FargateTaskDefinition` without an explicit execution role",
                "its arguments come from a `**` splat, which may hold `execution_role`: cdkfix cannot tell",
                node,
            )
            return
        if not self._is_fargate_task_definition(node):
            return
        if layout.keyword_arg(node, "execution_role") is not None:
            return
        self._add_role(node, node)

    def _pattern(self, node: cst.Call) -> None:
        """`ecs_patterns.ApplicationLoadBalancedFargateService(..., task_image_options=
        ApplicationLoadBalancedTaskImageOptions(image=...))`: the pattern builds the task
        definition, with the options' `execution_role`."""
        kind = (self.resolve(node.func) or "").rsplit(".", 1)[-1]
        if layout.has_double_star(node):
            self.report_without_fix(
                f"`{kind}` without an explicit execution role",
                "its arguments come from a `**` splat, which may hold the task image options: cdkfix cannot tell",
                node,
            )
            return
        options = layout.keyword_arg(node, "task_image_options")
        if options is None:
            return  # a task_definition= gets its own finding
        value, statement = options.value, None
        if isinstance(value, cst.Name):
            # `options = ApplicationLoadBalancedTaskImageOptions(...)` on a line of its own, once,
            # in this function: the role goes before that line.
            found = single_binding(self, value)
            if found is None:
                return
            statement, value = found
        if not self.is_call_to(value, *TASK_IMAGE_OPTIONS) or layout.keyword_arg(value, "execution_role") is not None:
            return
        # Options shared by several patterns get one role (from the first), not one per pattern.
        if id(value) in self._fixed_options:
            return
        self._fixed_options.add(id(value))
        self._add_role(node, value, statement)

    def _add_role(self, node: cst.Call, target: cst.Call, statement: cst.BaseStatement | None = None) -> None:
        """Create the role before `statement` (default: `node`'s), named after `node`, and pass it to `target`."""
        task_id = construct_id(node)
        if task_id is None:
            return
        if statement is None:
            statement = self.current_statement
            if not self._in_statement_list(statement):
                return  # e.g. in an `elif` test: there is no line before it to put the role on
        role = self.ref(ROLE)
        principal = self.ref(SERVICE_PRINCIPAL)
        managed = ""
        if self.settings["managed_policy"]:
            managed = f", managed_policies=[{self.ref(MANAGED_POLICY)}.from_aws_managed_policy_name({EXECUTION_POLICY!r})]"
        name = self.unique_name("execution_role")
        source = (
            f"{name} = {role}({construct_scope(node)}, {derive_id(task_id, 'ExecutionRole', 'TaskExecutionRole')}, "
            f'assumed_by={principal}("ecs-tasks.amazonaws.com"){managed})\n'
        )
        kind = (self.resolve(node.func) or "").rsplit(".", 1)[-1]
        self.report(
            f"`{kind}` without an explicit execution role",
            [self.insert_before(statement, source), self.set_keyword(target, "execution_role", name, statement)],
            anchor=statement,
        )

    def _in_statement_list(self, statement: cst.BaseStatement) -> bool:
        ancestors = self.context.ancestors
        index = next(i for i in range(len(ancestors) - 1, -1, -1) if ancestors[i] is statement)
        return index > 0 and isinstance(ancestors[index - 1], (cst.Module, cst.IndentedBlock))

    def _is_fargate_task_definition(self, node: cst.Call) -> bool:
        if self.is_call_to(node, FARGATE_TASK_DEFINITION):
            return True
        if not self.is_call_to(node, TASK_DEFINITION):
            return False
        compatibility = layout.keyword_arg(node, "compatibility")
        value = compatibility.value if compatibility is not None else None
        if isinstance(value, (cst.Name, cst.Attribute)) and self.resolve(value) is None:
            # `compatibility=compatibility`, bound once to `ecs.Compatibility.FARGATE` in the scope.
            found = single_binding(self, value)
            value = found[1] if found is not None else None
        resolved = self.resolve(value) if value is not None else None
        return resolved is not None and resolved.startswith(COMPATIBILITY) and "FARGATE" in resolved
