"""AwsSolutions-ECS7: a container without logging gets the awslogs driver.

cdk-nag 3 (ECSTaskDefinitionContainerLogging) flags an AWS::ECS::TaskDefinition when one of its
container definitions has no `LogConfiguration.LogDriver`; any driver passes. The fix gives each
container written without `logging=` the awslogs driver, the one cdk-nag's explanation asks for
at a minimum: `logging=ecs.LogDrivers.aws_logs(stream_prefix="<container id>")`.

What the driver brings in aws-cdk-lib 2.275 (AwsLogDriver.bind): a LogGroup under the container
(retention "never expire" unless `log_retention=`, removal policy RETAIN) and, on the task's
execution role (created when the task definition had none), `logs:CreateLogStream` and
`logs:PutLogEvents` on that log group's ARN only: no wildcard, no managed policy, so no IAM5 or
IAM4 finding (the fix-effect proof shows none).

The grant lands only on a role CDK can change: a task definition whose `execution_role=` is not
an `iam.Role(...)` made in the file (an imported role, `mutable=False`, a parameter) may give the
task a role without `logs:CreateLogStream`, and then the task fails to start. Such a container
(its task definition found through the file's one assignment of it) is reported without a fix.

The stream prefix is the container's id when it is a plain string a log stream name can hold
(no `:` or `*`); otherwise (an f-string, a variable) the fixed prefix "ecs": the stream name
is `<prefix>/<container name>/<task id>`, so the container is named in it either way, and a
fixed text stays the same on every synthesis.

With CDK-I2 (log retention) selected, the driver is written the way CDK-I2 would leave it, so a
second run changes nothing: `log_retention=logs.RetentionDays.ONE_WEEK` (CDK-I2's default), and
in a destroyable run a new `logs.LogGroup(..., retention=ONE_WEEK, removal_policy=DESTROY)`
passed as `log_group=` (reported without a fix where no statement or scope can hold it).
"""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, derive_id, string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms._bindings import single_binding
from cdkfix.transforms.awssolutions._scaffold import in_plain_statement

CONTAINER = "aws_cdk.aws_ecs.ContainerDefinition"
AWS_LOGS = "aws_cdk.aws_ecs.LogDrivers.aws_logs"
RETENTION = "aws_cdk.aws_logs.RetentionDays.ONE_WEEK"
LOG_GROUP = "aws_cdk.aws_logs.LogGroup"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
ROLE = "aws_cdk.aws_iam.Role"
TASK_DEFINITIONS = frozenset(
    f"aws_cdk.aws_ecs.{name}"
    for name in ("TaskDefinition", "FargateTaskDefinition", "Ec2TaskDefinition", "ExternalTaskDefinition")
)
LOG_RETENTION_RULE = "CDK-I2"
FIXED_PREFIX = "ecs"
# What a log stream name may hold and a plain literal writes without escapes.
_PREFIX = re.compile(r"[A-Za-z0-9._/-]{1,200}")
_IMAGE = '"public.ecr.aws/nginx/nginx:1.27"'


class Ecs7ContainerLogging(Rule):
    code = "AwsSolutions-ECS7"
    name = "awssolutions-ecs-container-logging"
    title = "ECS container without logging"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    # A new revision; with the execution role CDK adds when there was none, its ARN changes too.
    replaces = (
        "AWS::ECS::TaskDefinition (ContainerDefinitions is create-only)",
        "AWS::ECS::TaskDefinition (ContainerDefinitions, ExecutionRoleArn are create-only)",
    )
    issue = (
        "cdk-nag AwsSolutions-ECS7: One or more containers in the ECS Task Definition do not have container "
        "logging enabled. What the container writes to stdout and stderr is lost: no trace of a crash or an error."
    )
    fix = (
        "Sets `logging=ecs.LogDrivers.aws_logs(stream_prefix=\"<container id>\")` on a "
        "`task_definition.add_container(...)` or `ecs.ContainerDefinition(...)` call without `logging=` (the fixed "
        "prefix \"ecs\" when the id is not a plain string literal; the container's name is in the stream name "
        "anyway). With CDK-I2 selected it also writes what CDK-I2 asks for (`log_retention=ONE_WEEK`; in a "
        "destroyable run a new log group with `removal_policy=DESTROY`). A call with `logging=` (any value) is "
        "left alone. Reported without a fix: a `**` splat, which may set it; a container whose task definition "
        "(assigned once in the file) has an `execution_role=` that is not an `iam.Role(...)` made in the file "
        "(CDK cannot grant an imported or immutable role the log permissions: the task would fail to start)."
    )
    impact = (
        "UNSAFE: container output goes to CloudWatch Logs (ingestion and storage are billed; the new log group "
        "keeps events for ever unless a retention is set, and is retained on stack deletion); the task definition "
        "gets a new revision (replacement), and CDK adds an execution role when the task definition had none."
    )
    calls = frozenset({CONTAINER})
    call_names = frozenset({"add_container"})
    examples = [
        Example(
            name="add_container, module alias",
            before=f"""\
from aws_cdk import aws_ecs as ecs

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}))
""",
            after=f"""\
from aws_cdk import aws_ecs as ecs

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}), logging=ecs.LogDrivers.aws_logs(stream_prefix="web"))
""",
        ),
        Example(
            name="ContainerDefinition through import aws_cdk as cdk, f-string id: the fixed prefix",
            before=f"""\
import aws_cdk as cdk

stage = "prod"
self.web_task = cdk.aws_ecs.Ec2TaskDefinition(self, "WebTask")
cdk.aws_ecs.ContainerDefinition(
    self,
    f"Api{{stage}}",
    task_definition=self.web_task,
    image=cdk.aws_ecs.ContainerImage.from_registry({_IMAGE}),
    memory_limit_mib=256,
)
""",
            after=f"""\
import aws_cdk as cdk

stage = "prod"
self.web_task = cdk.aws_ecs.Ec2TaskDefinition(self, "WebTask")
cdk.aws_ecs.ContainerDefinition(
    self,
    f"Api{{stage}}",
    task_definition=self.web_task,
    image=cdk.aws_ecs.ContainerImage.from_registry({_IMAGE}),
    memory_limit_mib=256,
    logging=cdk.aws_ecs.LogDrivers.aws_logs(stream_prefix="ecs"),
)
""",
        ),
        Example(
            name="classes imported by name, two containers of one task definition",
            before=f"""\
from aws_cdk.aws_ecs import ContainerImage, FargateTaskDefinition

web_task = FargateTaskDefinition(self, "WebTask")
web_task.add_container("app", image=ContainerImage.from_registry({_IMAGE}))
web_task.add_container("sidecar", image=ContainerImage.from_registry({_IMAGE}), essential=False)
""",
            after=f"""\
from aws_cdk.aws_ecs import ContainerImage, FargateTaskDefinition
from aws_cdk import aws_ecs as ecs

web_task = FargateTaskDefinition(self, "WebTask")
web_task.add_container("app", image=ContainerImage.from_registry({_IMAGE}), logging=ecs.LogDrivers.aws_logs(stream_prefix="app"))
web_task.add_container("sidecar", image=ContainerImage.from_registry({_IMAGE}), essential=False, logging=ecs.LogDrivers.aws_logs(stream_prefix="sidecar"))
""",
        ),
        Example(
            name="left alone: logging stated (any value), also beside a splat",
            before=f"""\
from aws_cdk import aws_ecs as ecs

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_task.add_container("a", image=ecs.ContainerImage.from_registry({_IMAGE}), logging=ecs.LogDrivers.firelens())
web_task.add_container("b", image=ecs.ContainerImage.from_registry({_IMAGE}), logging=driver, **props)
ecs.ContainerDefinition(self, "C", task_definition=web_task, image=image, logging=None)
helper.add_container("not a container: no image keyword")
""",
        ),
        Example(
            name="reported without a fix: a splat may set logging",
            before="""\
from aws_cdk import aws_ecs as ecs

web_task.add_container("web", image=image, **props)
ecs.ContainerDefinition(self, "Api", **props)
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: the execution role is imported (CDK cannot grant it the log permissions)",
            before="""\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

role = iam.Role.from_role_arn(self, "Exec", role_arn="arn:aws:iam::123456789012:role/exec", mutable=False)
task_def = ecs.FargateTaskDefinition(self, "TaskDef", execution_role=role)
task_def.add_container("hello", image=image)
ecs.ContainerDefinition(self, "Api", task_definition=task_def, image=image)
""",
            flagged=True,
        ),
        Example(
            name="with CDK-I2 selected: the retention CDK-I2 would write",
            before=f"""\
from aws_cdk import aws_ecs as ecs

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}))
""",
            after=f"""\
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}), logging=ecs.LogDrivers.aws_logs(
    stream_prefix="web", log_retention=logs.RetentionDays.ONE_WEEK
))
""",
            also_select=(LOG_RETENTION_RULE,),
        ),
        Example(
            name="with CDK-I2 in a destroyable run: a log group deleted with the stack",
            before=f"""\
from aws_cdk import aws_ecs as ecs

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}))
""",
            after=f"""\
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk import RemovalPolicy

web_task = ecs.FargateTaskDefinition(self, "WebTask")
web_logs = logs.LogGroup(
    web_task,
    "webLogs",
    retention=logs.RetentionDays.ONE_WEEK,
    removal_policy=RemovalPolicy.DESTROY,
)
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}), logging=ecs.LogDrivers.aws_logs(stream_prefix="web", log_group=web_logs))
""",
            also_select=(LOG_RETENTION_RULE, "destroyable"),
        ),
        Example(
            name="an execution role made in the file gets the grant: fixed",
            before=f"""\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

exec_role = iam.Role(self, "ExecRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
web_task = ecs.FargateTaskDefinition(self, "WebTask", execution_role=exec_role)
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}))
""",
            after=f"""\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

exec_role = iam.Role(self, "ExecRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
web_task = ecs.FargateTaskDefinition(self, "WebTask", execution_role=exec_role)
web_task.add_container("web", image=ecs.ContainerImage.from_registry({_IMAGE}), logging=ecs.LogDrivers.aws_logs(stream_prefix="web"))
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        is_method = isinstance(node.func, cst.Attribute) and node.func.attr.value == "add_container"
        if is_method:
            # `task_definition.add_container(...)`: the receiver is a variable the import map cannot
            # type; `image=` is required by TaskDefinition.add_container and rules out look-alikes.
            if layout.keyword_arg(node, "image") is None and not layout.has_double_star(node):
                return
        elif self.resolve(node.func) != CONTAINER:
            return
        if layout.keyword_arg(node, "logging") is not None:
            return  # the user's choice, whatever it is (also beside a splat: Python refuses it twice)
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack `logging` (ECS7)", "a `**` splat may set `logging`", node)
            return
        message = f"{what} without `logging` ({self.title})"
        unseen = self._execution_role_unseen(node, is_method)
        if unseen:
            self.report_without_fix(message, unseen, node)
            return
        id_arg = layout.argument(node, 0, "id") if is_method else layout.argument(node, 1, "id")
        id_node = id_arg.value if id_arg is not None else None
        literal = string_value(id_node)
        prefix = literal if literal is not None and _PREFIX.fullmatch(literal) else FIXED_PREFIX
        with_retention = LOG_RETENTION_RULE in self.context.selected
        own_group = with_retention and self.destroyable_selected
        scope = self._scope(node, is_method) if own_group else None
        if own_group and (scope is None or id_node is None or not in_plain_statement(self)):
            # Checked before any name is spelt (Rule.ref): a finding without a fix imports nothing.
            self.report_without_fix(
                message,
                "CDK-I2 runs in a destroyable run and wants a log group of the container's own, but there is "
                "no plain scope, id and statement to create it next to; pass logging= yourself",
                node,
            )
            return
        driver = f'{self.ref(AWS_LOGS)}(stream_prefix="{prefix}"'
        edits = []
        if own_group:
            retention = self.ref(RETENTION)
            variable = self.unique_name(f"{_snake(literal)}_logs" if literal and _snake(literal) else "container_logs")
            edits.append(self.insert_before(
                self.current_statement,
                f"{variable} = {self.ref(LOG_GROUP)}({scope}, {derive_id(id_node, 'Logs', 'ContainerLogs')}, "
                f"retention={retention}, removal_policy={self.ref(DESTROY)})",
            ))
            driver += f", log_group={variable}"
        elif with_retention:
            driver += f", log_retention={self.ref(RETENTION)}"
        edits.insert(0, self.set_keyword(node, "logging", driver + ")"))
        self.report(message, edits, node=node)

    def _execution_role_unseen(self, node: cst.Call, is_method: bool) -> str:
        """Why the awslogs grant may not reach the task's execution role ("" when it does, or when
        the task definition is not one assignment cdkfix can see: CDK makes the role then)."""
        task = node.func.value if is_method else getattr(layout.keyword_arg(node, "task_definition"), "value", None)
        if task is None:
            return ""
        if not isinstance(task, cst.Call):
            found = single_binding(self, task)
            task = found[1] if found is not None else None
        if not isinstance(task, cst.Call) or self.resolve(task.func) not in TASK_DEFINITIONS:
            return ""
        if layout.has_double_star(task):
            return "a `**` splat in its task definition may set `execution_role`: the awslogs grant may not reach it"
        role = layout.keyword_arg(task, "execution_role")
        if role is None:
            return ""
        value = role.value
        if not isinstance(value, cst.Call):
            found = single_binding(self, value)
            value = found[1] if found is not None else None
        if isinstance(value, cst.Call) and self.resolve(value.func) == ROLE:
            return ""
        return (
            "its task definition's `execution_role=` is not an `iam.Role(...)` made in this file (imported or "
            "immutable roles get no grant from CDK): without logs:CreateLogStream and logs:PutLogEvents on the "
            "new log group the task fails to start"
        )

    @staticmethod
    def _scope(node: cst.Call, is_method: bool) -> str | None:
        """The new log group's scope: the task definition (ids stay unique per task definition, as
        CDK-I2 does), when it is a plain name safe to evaluate twice."""
        if is_method:
            return dotted_name(node.func.value)
        task = layout.keyword_arg(node, "task_definition")
        return dotted_name(task.value) if task is not None else None


def _snake(text: str) -> str:
    return "_".join(word.lower() for word in re.findall(r"[A-Za-z0-9]+", text)).lstrip("0123456789_")
