"""CDK-I2: awslogs log driver without a log group of its own."""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, derive_id, string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

AWS_LOGS = (
    "aws_cdk.aws_ecs.LogDrivers.aws_logs",
    "aws_cdk.aws_ecs.LogDriver.aws_logs",
    "aws_cdk.aws_ecs.AwsLogDriver",
)
CONTAINER = "aws_cdk.aws_ecs.ContainerDefinition"
LOG_GROUP = "aws_cdk.aws_logs.LogGroup"
RETENTION_DAYS = "aws_cdk.aws_logs.RetentionDays"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
# The members of aws_logs.RetentionDays in aws-cdk-lib 2.275 (tests compare with the real enum).
RETENTION_MEMBERS = frozenset(
    {
        "ONE_DAY", "THREE_DAYS", "FIVE_DAYS", "ONE_WEEK", "TWO_WEEKS", "ONE_MONTH", "TWO_MONTHS",
        "THREE_MONTHS", "FOUR_MONTHS", "FIVE_MONTHS", "SIX_MONTHS", "ONE_YEAR", "THIRTEEN_MONTHS",
        "EIGHTEEN_MONTHS", "TWO_YEARS", "THREE_YEARS", "FIVE_YEARS", "SIX_YEARS", "SEVEN_YEARS",
        "EIGHT_YEARS", "NINE_YEARS", "TEN_YEARS", "INFINITE",
    }
)
# Expressions that run more or less often than the statement around them.
_DEFERRED = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


class ContainerLogRetention(Rule):
    code = "CDK-I2"
    name = "container-log-retention"
    title = "Container Logs Without Retention Policy"
    category = Category.IMPROVEMENT
    kind = Kind.OBSERVABILITY
    # Sets a retention (log events older than it are deleted) and, in a destroyable run, moves
    # the container to a new log group (the old default group and its logs stay behind, RETAIN)
    # deleted with the stack: data lifetime, the user's decision (docs/ci.md: unsafe).
    safety = Safety.UNSAFE
    # In a destroyable run the container moves to a new log group (a new logical ID).
    replaces = ("AWS::ECS::TaskDefinition (ContainerDefinitions is create-only)", "AWS::Logs::LogGroup (logical ID changes)")
    issue = (
        "`ecs.LogDrivers.aws_logs(...)` without `log_group=` or `log_retention=` makes CDK create a CloudWatch "
        "log group with retention \"never expire\": the logs are stored and billed forever. In a destroyable run "
        "(`--extend-select destroyable`) the default group is also a flaw: its removal policy is RETAIN, so it "
        "outlives `cdk destroy`."
    )
    fix = (
        "By default (production): adds `log_retention=logs.RetentionDays.ONE_WEEK` to the driver, which sets the "
        "retention of the same default group (same logical ID: updated in place, not replaced); a driver with "
        "`log_retention=` is left alone. In a destroyable run: inserts `log_group = logs.LogGroup(<scope>, "
        "\"<Container>Logs\", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)` before "
        "the statement and passes `log_group=log_group` to the log driver (`stream_prefix` stays: aws_logs requires "
        "it). The scope is the task definition the container is added to (so ids stay unique per task definition), "
        "else `self`; a `log_retention=` on the driver becomes the new group's retention (the driver refuses "
        "both). Option `retention` (default `ONE_WEEK`) names a `logs.RetentionDays` member. A driver with a "
        "`**` splat (which may set the group or the retention), and in a destroyable run one built where no "
        "statement or scope can hold its new group (a lambda, a comprehension), is reported without a fix."
    )
    impact = (
        "UNSAFE: log events older than the retention period are deleted. In a destroyable run the container logs "
        "to a new log group from the next deployment on (a new resource replaces the default group for this "
        "container); the old default group is retained (RETAIN) with its existing logs and must be deleted by hand "
        "if no longer wanted, and the new group is deleted with the stack. The task definition gets a new revision."
    )
    options = {"retention": "ONE_WEEK"}
    calls = frozenset(AWS_LOGS)
    examples = [
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


class Stack:
    def __init__(self):
        container = task_definition.add_container(
            "AppContainer",
            image=image,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="app"),  # default group
        )
""",
            after="""\
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs


class Stack:
    def __init__(self):
        container = task_definition.add_container(
            "AppContainer",
            image=image,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_retention=logs.RetentionDays.ONE_WEEK),  # default group
        )
""",
            name="production: the default group gets a retention, comment kept",
        ),
        Example(
            before="""\
import aws_cdk as cdk

cdk.aws_ecs.ContainerDefinition(self, "Api", task_definition=td, image=image, logging=cdk.aws_ecs.LogDriver.aws_logs(
    stream_prefix="api",
))
make = lambda: cdk.aws_ecs.LogDrivers.aws_logs(stream_prefix="c")
""",
            after="""\
import aws_cdk as cdk

cdk.aws_ecs.ContainerDefinition(self, "Api", task_definition=td, image=image, logging=cdk.aws_ecs.LogDriver.aws_logs(
    stream_prefix="api",
    log_retention=cdk.aws_logs.RetentionDays.ONE_WEEK,
))
make = lambda: cdk.aws_ecs.LogDrivers.aws_logs(stream_prefix="c", log_retention=cdk.aws_logs.RetentionDays.ONE_WEEK)
""",
            name="production: root module names, trailing comma, in a lambda",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import AwsLogDriver
from aws_cdk.aws_logs import RetentionDays

driver = AwsLogDriver(stream_prefix="worker", log_group=None)
""",
            after="""\
from aws_cdk.aws_ecs import AwsLogDriver
from aws_cdk.aws_logs import RetentionDays

driver = AwsLogDriver(stream_prefix="worker", log_group=None, log_retention=RetentionDays.TWO_WEEKS)
""",
            options={"retention": "TWO_WEEKS"},
            name="production: AwsLogDriver, log_group=None, retention option, member imported",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs, aws_logs as logs

td.add_container("Kept", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="k", log_retention=logs.RetentionDays.ONE_MONTH))
td.add_container("Grouped", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="a", log_group=group))
td.add_container("SplatKept", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="s", log_retention=logs.RetentionDays.ONE_MONTH, **log_props))
""",
            name="production: retention given (also beside a splat), log group given",
        ),
        Example(
            before="""\
from aws_cdk import RemovalPolicy, aws_ecs as ecs


class Stack:
    def __init__(self):
        container = task_definition.add_container(
            "AppContainer",
            image=image,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="app"),  # default group
        )
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_ecs as ecs
from aws_cdk import aws_logs as logs


class Stack:
    def __init__(self):
        log_group = logs.LogGroup(
            task_definition,
            "AppContainerLogs",
            retention=logs.RetentionDays.ONE_WEEK,
            removal_policy=RemovalPolicy.DESTROY,
        )
        container = task_definition.add_container(
            "AppContainer",
            image=image,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_group=log_group),  # default group
        )
""",
            name="add_container in a method, comment kept",
            also_select=("destroyable",),
        ),
        Example(
            before="""\
import aws_cdk as cdk

log_group = "unrelated"
cdk.aws_ecs.ContainerDefinition(self, f"Api{env}", task_definition=self.task, image=image, logging=cdk.aws_ecs.LogDriver.aws_logs(
    stream_prefix="api",
    log_retention=cdk.aws_logs.RetentionDays.ONE_MONTH
))
""",
            after="""\
import aws_cdk as cdk

log_group = "unrelated"
log_group_2 = cdk.aws_logs.LogGroup(
    self.task,
    f"ApiLogs{env}",
    retention=cdk.aws_logs.RetentionDays.ONE_MONTH,
    removal_policy=cdk.RemovalPolicy.DESTROY,
)
cdk.aws_ecs.ContainerDefinition(self, f"Api{env}", task_definition=self.task, image=image, logging=cdk.aws_ecs.LogDriver.aws_logs(
    stream_prefix="api",
    log_group=log_group_2
))
""",
            name="ContainerDefinition, log_retention becomes the group's retention, name taken",
            also_select=("destroyable",),
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import AwsLogDriver


class Worker(Construct):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        driver = AwsLogDriver(stream_prefix="worker")
""",
            after="""\
from aws_cdk.aws_ecs import AwsLogDriver
from aws_cdk import aws_logs as logs
from aws_cdk import RemovalPolicy


class Worker(Construct):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        log_group = logs.LogGroup(
            self,
            "WorkerLogs",
            retention=logs.RetentionDays.TWO_WEEKS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        driver = AwsLogDriver(stream_prefix="worker", log_group=log_group)
""",
            options={"retention": "TWO_WEEKS"},
            name="AwsLogDriver outside a container, scope self, retention option",
            also_select=("destroyable",),
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs
import aws_cdk.aws_logs as logs
from aws_cdk import RemovalPolicy

for name in names:
    td.add_container(name, image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix=name))
""",
            after="""\
import aws_cdk.aws_ecs as ecs
import aws_cdk.aws_logs as logs
from aws_cdk import RemovalPolicy

for name in names:
    log_group = logs.LogGroup(
        td,
        name + "Logs",
        retention=logs.RetentionDays.ONE_WEEK,
        removal_policy=RemovalPolicy.DESTROY,
    )
    td.add_container(name, image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix=name, log_group=log_group))
""",
            name="import-as aliases, container id from a variable, in a loop",
            also_select=("destroyable",),
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs
from mylib import LogDrivers

td.add_container("Grouped", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="a", log_group=group))
td.add_container("Other", image=image, logging=ecs.LogDrivers.firelens())
td.add_container("Lookalike", image=image, logging=LogDrivers.aws_logs(stream_prefix="b"))
""",
            name="log group given, other drivers, look-alikes",
            also_select=("destroyable",),
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs
from constructs import Construct


class WorkerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        task = ecs.FargateTaskDefinition(self, "Task")
        log_driver = ecs.LogDrivers.aws_logs(stream_prefix="worker")
        task.add_container("worker", image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/busybox:latest"), logging=log_driver)
        task.add_container("sidecar", image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/busybox:latest"), logging=log_driver, essential=False)
""",
            after="""\
from aws_cdk import Stack, aws_ecs as ecs
from constructs import Construct
from aws_cdk import aws_logs as logs


class WorkerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        task = ecs.FargateTaskDefinition(self, "Task")
        log_driver = ecs.LogDrivers.aws_logs(stream_prefix="worker", log_retention=logs.RetentionDays.ONE_WEEK)
        task.add_container("worker", image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/busybox:latest"), logging=log_driver)
        task.add_container("sidecar", image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/busybox:latest"), logging=log_driver, essential=False)
""",
            name="production: driver held in a local variable, shared by two containers",
        ),
        Example(
            before="""\
import aws_cdk as cdk


def app_logging(name: str) -> cdk.aws_ecs.LogDriver:
    return cdk.aws_ecs.LogDriver.aws_logs(stream_prefix=name)


class Api(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        task = cdk.aws_ecs.FargateTaskDefinition(self, "Task")
        task.add_container("api", image=cdk.aws_ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), logging=app_logging("api"))
""",
            after="""\
import aws_cdk as cdk


def app_logging(name: str) -> cdk.aws_ecs.LogDriver:
    return cdk.aws_ecs.LogDriver.aws_logs(stream_prefix=name, log_retention=cdk.aws_logs.RetentionDays.ONE_WEEK)


class Api(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        task = cdk.aws_ecs.FargateTaskDefinition(self, "Task")
        task.add_container("api", image=cdk.aws_ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), logging=app_logging("api"))
""",
            name="production: LogDriver.aws_logs in a helper function through import aws_cdk as cdk",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

td.add_container("Splat", image=image, logging=ecs.LogDrivers.aws_logs(**log_props))
td.add_container("Prefix", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="p", **log_props))
make = lambda: ecs.LogDrivers.aws_logs(stream_prefix="c")
""",
            flagged=True,
            name="destroyable run: a splat that may set the group, a driver in a lambda: reported without a fix",
            also_select=("destroyable",),
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        retention = self.settings["retention"]
        if retention not in RETENTION_MEMBERS:
            raise ValueError(
                f"CDK-I2 option `retention` must name a logs.RetentionDays member "
                f"(e.g. ONE_WEEK, ONE_MONTH), got {retention!r}"
            )
        self._ids: set[tuple[str, str]] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in AWS_LOGS:
            return
        given = layout.keyword_arg(node, "log_group")
        if given is not None and not (isinstance(given.value, cst.Name) and given.value.value == "None"):
            return
        retention_arg = layout.keyword_arg(node, "log_retention")
        if layout.has_double_star(node):
            if retention_arg is None or self.destroyable_selected:
                self.report_without_fix(
                    "awslogs driver whose log group and retention cdkfix cannot see",
                    "the call has a `**` splat, which may set log_group or log_retention: make sure the "
                    "container's log group has a retention",
                    node,
                )
            return
        if not self.destroyable_selected:
            # Production: the default group (RETAIN) is what CDK means to keep; only its retention is missing.
            if retention_arg is not None:
                return
            retention = self.ref(f"{RETENTION_DAYS}.{self.settings['retention']}")
            self.report(
                "awslogs driver without a log retention: the default log group never expires",
                [self.set_keyword(node, "log_retention", retention)],
            )
            return
        if not self._in_plain_statement():
            # In a lambda, comprehension or statement header: no statement to put the group before.
            self.report_without_fix(
                "awslogs driver without a log group: the default group is retained on stack deletion",
                "the driver is built in a lambda, a comprehension or a statement header: there is no statement "
                "to create its log group before; pass log_group= yourself",
                node,
            )
            return
        place = self._scope_and_id(node)
        if place is None:
            self.report_without_fix(
                "awslogs driver without a log group: the default group is retained on stack deletion",
                "no construct scope for the new log group (not in a container's logging=, and no `self` "
                "method around it); pass log_group= yourself",
                node,
            )
            return
        scope, id_source = place
        if retention_arg is not None:
            retention = code(retention_arg.value)
        else:
            retention = self.ref(f"{RETENTION_DAYS}.{self.settings['retention']}")
        variable = self.unique_name("log_group")
        statement = self.current_statement
        insert = self.insert_before(
            statement,
            f"{variable} = {self.ref(LOG_GROUP)}({scope}, {id_source}, retention={retention}, "
            f"removal_policy={self.ref(DESTROY)})",
        )
        if retention_arg is not None:
            # The driver refuses log_group together with log_retention: the keyword becomes the group.
            change = self.change(node, lambda call: _rename_keyword(call, "log_retention", "log_group", variable))
            message = "awslogs driver with `log_retention` but no log group: the default group is retained on stack deletion"
        else:
            change = self.set_keyword(node, "log_group", variable)
            message = "awslogs driver without a log group: the default group never expires and is retained on stack deletion"
        self.report(message, [insert, change])

    def _scope_and_id(self, node: cst.Call) -> tuple[str, str] | None:
        """The code of the new group's scope and id, or None when there is no safe scope."""
        container = self._container_of(node)
        scope: str | None = None
        id_node: cst.BaseExpression | None = None
        if container is not None:
            if isinstance(container.func, cst.Attribute) and container.func.attr.value == "add_container":
                scope = _simple(container.func.value)
                arg = layout.argument(container, 0, "id")
                id_node = arg.value if arg is not None else None
            else:
                for candidate in (layout.keyword_arg(container, "task_definition"), layout.argument(container, 0, "scope")):
                    if candidate is not None and _simple(candidate.value):
                        scope = _simple(candidate.value)
                        break
                id_node = construct_id(container)
        if scope is None:
            if not self._in_method():
                return None
            scope = "self"
        prefix_id = _id_from_prefix(layout.keyword_arg(node, "stream_prefix"))

        def make_id(number: str) -> str:
            if id_node is None:
                return repr(prefix_id + number)
            return derive_id(id_node, "Logs" + number, "ContainerLogs" + number)

        # Two groups with the same id in one scope fail synthesis: number the later ones.
        id_source, counter = make_id(""), 2
        while (scope, id_source) in self._ids:
            id_source, counter = make_id(str(counter)), counter + 1
        self._ids.add((scope, id_source))
        return scope, id_source

    def _container_of(self, node: cst.Call) -> cst.Call | None:
        """The container call whose `logging=` this driver is."""
        ancestors = self.context.ancestors
        if len(ancestors) < 3:
            return None
        arg, parent = ancestors[-2], ancestors[-3]
        if not (isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "logging"):
            return None
        if not isinstance(parent, cst.Call) or layout.has_double_star(parent):
            return None
        if self.is_call_to(parent, CONTAINER):
            return parent
        if isinstance(parent.func, cst.Attribute) and parent.func.attr.value == "add_container":
            return parent
        return None

    def _in_plain_statement(self) -> bool:
        """True when the call runs exactly when its (simple) statement does."""
        for node in reversed(self.context.ancestors[:-1]):
            if isinstance(node, _DEFERRED):
                return False
            if isinstance(node, cst.SimpleStatementLine):
                return True
            if isinstance(node, cst.BaseCompoundStatement):
                return False
        return False

    def _in_method(self) -> bool:
        function = self.enclosing(cst.FunctionDef)
        if not isinstance(function, cst.FunctionDef) or not function.params.params:
            return False
        return function.params.params[0].name.value == "self"


def _simple(node: cst.BaseExpression) -> str | None:
    """`td` or `self.task`: an expression safe to evaluate twice."""
    return dotted_name(node)


def _id_from_prefix(prefix: cst.Arg | None) -> str:
    """"api-server" -> "ApiServerLogs"; anything not a literal -> "ContainerLogs"."""
    text = string_value(prefix.value) if prefix is not None else None
    words = re.findall(r"[A-Za-z0-9]+", text or "")
    if not words:
        return "ContainerLogs"
    return "".join(word[:1].upper() + word[1:] for word in words) + "Logs"


def _rename_keyword(call: cst.Call, old: str, new: str, value: str) -> cst.Call:
    args = [
        arg.with_changes(keyword=cst.Name(new), value=cst.Name(value))
        if arg.keyword is not None and arg.keyword.value == old
        else arg
        for arg in call.args
    ]
    return call.with_changes(args=args)
