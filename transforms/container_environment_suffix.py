"""CDK-B9: ECS container environment that hard-codes the environment name."""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding
from cdkfix.traverse import nodes_within, visit_readonly

SUFFIX = "environment_suffix"
SUFFIX_KEY = "ENVIRONMENT_SUFFIX"
# Calls that take a container's `environment=` mapping.
CONTAINER_CALLS = (
    "aws_cdk.aws_ecs.ContainerDefinition",
    "aws_cdk.aws_ecs.ContainerDefinitionOptions",
    "aws_cdk.aws_ecs_patterns.ApplicationLoadBalancedTaskImageOptions",
    "aws_cdk.aws_ecs_patterns.ApplicationLoadBalancedTaskImageProps",
    "aws_cdk.aws_ecs_patterns.NetworkLoadBalancedTaskImageOptions",
    "aws_cdk.aws_ecs_patterns.NetworkLoadBalancedTaskImageProps",
    "aws_cdk.aws_ecs_patterns.QueueProcessingFargateService",
    "aws_cdk.aws_ecs_patterns.QueueProcessingEc2Service",
    "aws_cdk.aws_ecs_patterns.ScheduledFargateTaskImageOptions",
    "aws_cdk.aws_ecs_patterns.ScheduledEc2TaskImageOptions",
)
# A trailing comment that only says the value is hard-coded is wrong once it is not.
STALE_COMMENT = re.compile(r"hard[\s_-]?cod", re.IGNORECASE)


class ContainerEnvironmentSuffix(Rule):
    code = "CDK-B9"
    name = "container-environment-suffix"
    title = "ECS Container Hardcoded Environment Variables"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    # Changes the environment variables a running container reads ("production" becomes the
    # stack's suffix, a new task definition revision): how a running service behaves (unsafe).
    safety = Safety.UNSAFE
    # A container's environment is part of its task definition: a new revision (the harness).
    replaces = ("AWS::ECS::TaskDefinition (ContainerDefinitions is create-only)",)
    issue = (
        "A container's `environment` hard-codes an environment name such as \"production\" although the stack "
        "receives an `environment_suffix`: every deployment of the stack (dev, staging, a pull-request stack) "
        "tells its container it runs in production."
    )
    fix = (
        "In the `environment={...}` of `task_definition.add_container(...)`, `ecs.ContainerDefinition(...)` or an "
        "`ecs_patterns` task image options call, replaces each value that is exactly an environment name "
        "(production, prod, staging, stage, dev, development, test; any case) by the `environment_suffix` in "
        "scope (a parameter or local of the enclosing function, or `self.environment_suffix`), and adds "
        "`\"ENVIRONMENT_SUFFIX\": environment_suffix` when absent. A trailing comment that calls the value "
        "hard-coded is removed with it. Framework run modes (`NODE_ENV`, `RAILS_ENV`, ...) are left alone: their "
        "values must be one of the framework's modes. Without an `environment_suffix` in scope nothing changes. A "
        "dict with a `**` splat next to a hard-coded name is reported without a fix."
    )
    impact = "UNSAFE (changes a running service): the container reads a different value after the next deployment; check what the application does with it. Cannot differentiate environments; the stack's environment parameter is ignored by the application."
    options = {
        "environment_names": ["production", "prod", "staging", "stage", "dev", "development", "test"],
        "framework_keys": [
            "NODE_ENV",
            "RAILS_ENV",
            "RACK_ENV",
            "FLASK_ENV",
            "MIX_ENV",
            "APP_ENV",
            "ASPNETCORE_ENVIRONMENT",
            "DOTNET_ENVIRONMENT",
            "SPRING_PROFILES_ACTIVE",
        ],
    }
    calls = frozenset(CONTAINER_CALLS)
    call_names = frozenset({"add_container"})
    examples = [
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs


class EcsStack(Stack):
    def __init__(self, scope, construct_id, *, environment_suffix: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        container = task_definition.add_container(
            "AppContainer",
            image=ecs.ContainerImage.from_registry("nginx"),
            environment={
                "ENV": "production"  # Hardcoded
            },
        )
""",
            after="""\
from aws_cdk import Stack, aws_ecs as ecs


class EcsStack(Stack):
    def __init__(self, scope, construct_id, *, environment_suffix: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        container = task_definition.add_container(
            "AppContainer",
            image=ecs.ContainerImage.from_registry("nginx"),
            environment={
                "ENV": environment_suffix,
                "ENVIRONMENT_SUFFIX": environment_suffix
            },
        )
""",
            name="seed: add_container, stale comment removed",
        ),
        Example(
            before="""\
import aws_cdk as cdk


class Api(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.environment_suffix = kwargs.pop("suffix", "dev")
        cdk.aws_ecs.ContainerDefinition(self, "Web", task_definition=td, image=image, environment={'STAGE': 'Staging', 'LOG_LEVEL': 'info'})
""",
            after="""\
import aws_cdk as cdk


class Api(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.environment_suffix = kwargs.pop("suffix", "dev")
        cdk.aws_ecs.ContainerDefinition(self, "Web", task_definition=td, image=image, environment={'STAGE': self.environment_suffix, 'LOG_LEVEL': 'info', 'ENVIRONMENT_SUFFIX': self.environment_suffix})
""",
            name="one line, self.environment_suffix, quote style kept",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs_patterns import ApplicationLoadBalancedFargateService, ApplicationLoadBalancedTaskImageOptions


def build(scope, cluster, image, environment_suffix):
    return ApplicationLoadBalancedFargateService(
        scope,
        "Web",
        cluster=cluster,
        task_image_options=ApplicationLoadBalancedTaskImageOptions(
            image=image,
            environment={
                "APP_STAGE": "prod",  # which stack this is
                "NODE_ENV": "production",
                "ENVIRONMENT_SUFFIX": "dev",
            },
        ),
    )
""",
            after="""\
from aws_cdk.aws_ecs_patterns import ApplicationLoadBalancedFargateService, ApplicationLoadBalancedTaskImageOptions


def build(scope, cluster, image, environment_suffix):
    return ApplicationLoadBalancedFargateService(
        scope,
        "Web",
        cluster=cluster,
        task_image_options=ApplicationLoadBalancedTaskImageOptions(
            image=image,
            environment={
                "APP_STAGE": environment_suffix,  # which stack this is
                "NODE_ENV": "production",
                "ENVIRONMENT_SUFFIX": environment_suffix,
            },
        ),
    )
""",
            name="ecs_patterns task image options; NODE_ENV kept, other comment kept, key present",
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs


def add_app(task_definition, props):
    environment_suffix = props.get("environment_suffix", "dev")
    task_definition.add_container("App", image=ecs.ContainerImage.from_registry("app"), environment={"ENV": "test"})
""",
            after="""\
import aws_cdk.aws_ecs as ecs


def add_app(task_definition, props):
    environment_suffix = props.get("environment_suffix", "dev")
    task_definition.add_container("App", image=ecs.ContainerImage.from_registry("app"), environment={"ENV": environment_suffix, "ENVIRONMENT_SUFFIX": environment_suffix})
""",
            name="a local environment_suffix assigned before the container",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import ContainerDefinition, ContainerImage
from constructs import Construct


class Worker(Construct):
    def __init__(self, scope, construct_id, task_definition, environment_suffix="dev"):
        super().__init__(scope, construct_id)

        def container(name):
            return ContainerDefinition(
                self,
                name,
                task_definition=task_definition,
                image=ContainerImage.from_registry("worker"),
                environment={"DEPLOY_ENV": "DEV"}  # TODO: hard-coded
            )

        self.container = container("Worker")
""",
            after="""\
from aws_cdk.aws_ecs import ContainerDefinition, ContainerImage
from constructs import Construct


class Worker(Construct):
    def __init__(self, scope, construct_id, task_definition, environment_suffix="dev"):
        super().__init__(scope, construct_id)

        def container(name):
            return ContainerDefinition(
                self,
                name,
                task_definition=task_definition,
                image=ContainerImage.from_registry("worker"),
                environment={"DEPLOY_ENV": environment_suffix, "ENVIRONMENT_SUFFIX": environment_suffix}
            )

        self.container = container("Worker")
""",
            name="ContainerDefinition imported directly, suffix of the outer function, comment after the argument",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs


class EcsStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        task_definition.add_container(
            "AppContainer",
            image=ecs.ContainerImage.from_registry("nginx"),
            environment={"ENV": "production"},  # Hardcoded
        )
""",
            name="no environment_suffix in scope: a rule cannot invent the parameter",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


def build(task_definition, image, environment_suffix, base_env):
    task_definition.add_container("A", image=image, environment={"ENV": environment_suffix, "ENVIRONMENT_SUFFIX": environment_suffix})
    task_definition.add_container("B", image=image, environment={"ENV": "production-eu", "TIER": "web"})
    task_definition.add_container("D", image=image, **options)
    task_definition.add_container("E", image=image, environment={"NODE_ENV": "production"})
    ecs.ContainerDefinition(self, "F", task_definition=task_definition, image=image, environment=base_env)
    settings.update(environment={"ENV": "prod"})
""",
            name="already fixed, not an environment name, a call splat, framework mode, not a dict, not a container",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


def add_app(task_definition, environment_suffix):
    app_environment = {"ENVIRONMENT": "prod"}
    return task_definition.add_container("App", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), environment=app_environment)
""",
            after="""\
from aws_cdk import aws_ecs as ecs


def add_app(task_definition, environment_suffix):
    app_environment = {"ENVIRONMENT": environment_suffix, "ENVIRONMENT_SUFFIX": environment_suffix}
    return task_definition.add_container("App", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), environment=app_environment)
""",
            name='environment dict in a local variable, in a helper function',
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, task_definition, environment_suffix: str) -> None:
        super().__init__(scope, construct_id)
        self.container = cdk.aws_ecs.ContainerDefinition(
            self,
            "Api",
            task_definition=task_definition,
            image=cdk.aws_ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
            environment={"ENV": "production", "LOG_LEVEL": "info"},
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, task_definition, environment_suffix: str) -> None:
        super().__init__(scope, construct_id)
        self.container = cdk.aws_ecs.ContainerDefinition(
            self,
            "Api",
            task_definition=task_definition,
            image=cdk.aws_ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
            environment={"ENV": environment_suffix, "LOG_LEVEL": "info", "ENVIRONMENT_SUFFIX": environment_suffix},
        )
""",
            name='ContainerDefinition in a plain Construct through import aws_cdk as cdk, keyword-only suffix',
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs


class AppStack(Stack):
    def __init__(self, scope, construct_id, *, environment_suffix: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.environment_suffix = environment_suffix
        self.task = ecs.FargateTaskDefinition(self, "Task")
        self._add_container()

    def _add_container(self):
        self.task.add_container("App", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), environment={"STAGE": "production"})
""",
            after="""\
from aws_cdk import Stack, aws_ecs as ecs


class AppStack(Stack):
    def __init__(self, scope, construct_id, *, environment_suffix: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.environment_suffix = environment_suffix
        self.task = ecs.FargateTaskDefinition(self, "Task")
        self._add_container()

    def _add_container(self):
        self.task.add_container("App", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), environment={"STAGE": self.environment_suffix, "ENVIRONMENT_SUFFIX": self.environment_suffix})
""",
            name='add_container in another method of the Stack, self.environment_suffix',
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

BASE_ENV = {"LOG_LEVEL": "info"}


def add_web(task_definition, environment_suffix):
    task_definition.add_container("Web", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"), environment={**BASE_ENV, "ENV": "prod"})
""",
            flagged=True,
            name='environment dict with a ** splat next to the hard-coded name: reported without a fix',
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self._is_container(node):
            return
        environment = layout.keyword_arg(node, "environment")
        if environment is None:
            return
        mapping, statement = environment.value, None
        if isinstance(mapping, cst.Name):
            # `app_env = {...}` earlier in the function, passed to this container only.
            binding = single_binding(self, mapping)
            scope = self.enclosing(cst.FunctionDef) or self.context.module
            keywords = {id(arg.keyword) for arg in nodes_within(scope, cst.Arg) if arg.keyword is not None}
            uses = sum(1 for name in nodes_within(scope, cst.Name) if name.value == mapping.value and id(name) not in keywords)
            if binding is None or uses != 2:
                return
            statement, mapping = binding
        if not isinstance(mapping, cst.Dict):
            return
        names = {name.lower() for name in self.settings["environment_names"]}
        framework = set(self.settings["framework_keys"])
        hard_coded = [
            index
            for index, element in enumerate(mapping.elements)
            if isinstance(element, cst.DictElement)
            and string_value(element.key) not in framework
            and isinstance(element.value, cst.SimpleString)
            and (string_value(element.value) or "").lower() in names
        ]
        if not hard_coded:
            return
        suffix = self._suffix_in_scope()
        if suffix is None:
            return
        if any(not isinstance(element, cst.DictElement) for element in mapping.elements):
            # `{**base_env, "ENV": "prod"}`: the flaw is there, but the splat's keys are unknown
            # (it may hold ENVIRONMENT_SUFFIX, or the application may read another key).
            self.report_without_fix(
                "container environment hard-codes an environment name next to a `**` splat",
                f"the splat brings keys cdkfix cannot read: replace the value by `{suffix}` by hand",
                mapping,
            )
            return
        has_key = any(string_value(element.key) == SUFFIX_KEY for element in mapping.elements)
        quote = next((e.key.quote for e in mapping.elements if isinstance(e.key, cst.SimpleString)), '"')

        def fix(updated: cst.Dict) -> cst.Dict:
            elements = list(updated.elements)
            rbrace = updated.rbrace
            for index in hard_coded:
                element = elements[index]
                elements[index] = element.with_changes(
                    value=cst.parse_expression(suffix), comma=_without_stale_comment(element.comma)
                )
                if index == len(elements) - 1:
                    # LibCST keeps the last element's line ending, and its comment, on the closing brace.
                    rbrace = rbrace.with_changes(whitespace_before=_drop_stale(rbrace.whitespace_before))
            result = updated.with_changes(elements=elements, rbrace=rbrace)
            if not has_key:
                result = layout.set_dict_item(result, cst.parse_expression(f"{quote}{SUFFIX_KEY}{quote}"), cst.parse_expression(suffix))
            return result

        values = ", ".join(
            f"{string_value(mapping.elements[index].key) or code(mapping.elements[index].key)}={string_value(mapping.elements[index].value)!r}"
            for index in hard_coded
        )
        edits = [self.change(mapping, fix, statement)]
        if statement is None and _has_stale_comment(environment):
            # `environment={"ENV": "prod"},  # Hardcoded`: the comment is on the argument's line.
            edits.append(self.change(environment, _arg_without_stale_comment))
        self.report(f"container environment hard-codes {values}; `{suffix}` is in scope", edits)

    # --- matching ---
    def _is_container(self, node: cst.Call) -> bool:
        if self.is_call_to(node, *CONTAINER_CALLS):
            return True
        # `task_definition.add_container(id, image=..., ...)`: a method on a value, not an import.
        return (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "add_container"
            and layout.keyword_arg(node, "image") is not None
            and not layout.has_double_star(node)
        )

    # --- what environment_suffix is called here ---
    def _suffix_in_scope(self) -> str | None:
        ancestors = self.context.ancestors
        functions = [(i, node) for i, node in enumerate(ancestors) if isinstance(node, cst.FunctionDef)]
        for index, function in reversed(functions):
            if SUFFIX in _parameter_names(function.params):
                return SUFFIX
            if _assigned_before(function, ancestors[index + 1 :], _is_suffix_name):
                return SUFFIX
        if not functions:
            return None
        index, method = functions[-1]
        params = method.params.params or method.params.posonly_params
        if not params or params[0].name.value != "self":
            return None
        owner = ancestors[index - 2] if index >= 2 else None  # ClassDef > IndentedBlock > FunctionDef
        if not isinstance(owner, cst.ClassDef) or not _mentions_self_suffix(owner):
            return None
        # Set only later in this same method: not yet there when the container is built.
        sets_here = _assigns_self_suffix(method)
        sets_elsewhere = any(
            _assigns_self_suffix(other) for other in owner.body.body if other is not method and isinstance(other, cst.FunctionDef)
        )
        if sets_here and not sets_elsewhere and not _assigned_before(method, ancestors[index + 1 :], _is_self_suffix):
            return None
        return f"self.{SUFFIX}"


def _parameter_names(params: cst.Parameters) -> set[str]:
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        every.append(params.star_arg)
    return {param.name.value for param in every}


def _is_suffix_name(target: cst.BaseExpression) -> bool:
    return isinstance(target, cst.Name) and target.value == SUFFIX


def _is_self_suffix(target: cst.BaseExpression) -> bool:
    return (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == "self"
        and target.attr.value == SUFFIX
    )


def _targets(statement: cst.CSTNode) -> list[cst.BaseExpression]:
    found: list[cst.BaseExpression] = []

    class _Targets(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            found.append(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if node.value is not None:
                found.append(node.target)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False  # a nested function's assignments are its own

    visit_readonly(statement, _Targets())
    return found


def _assigned_before(function: cst.FunctionDef, path: list[cst.CSTNode], matches) -> bool:
    """True when a statement of `function`'s body before the one on `path` assigns a matching target."""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    for statement in body:
        if any(statement is node for node in path):
            return False
        if any(matches(target) for target in _targets(statement)):
            return True
    return False


def _assigns_self_suffix(function: cst.FunctionDef) -> bool:
    return any(_is_self_suffix(target) for target in _targets(function.body))


def _mentions_self_suffix(cls: cst.ClassDef) -> bool:
    found = False

    class _Mentions(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            nonlocal found
            found = found or _is_self_suffix(node)

    visit_readonly(cls, _Mentions())
    return found


def _drop_stale(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace
    comment = whitespace.first_line.comment
    if comment is None or not STALE_COMMENT.search(comment.value):
        return whitespace
    return whitespace.with_changes(first_line=cst.TrailingWhitespace(newline=whitespace.first_line.newline))


def _without_stale_comment(comma):
    if not isinstance(comma, cst.Comma):
        return comma
    return comma.with_changes(whitespace_after=_drop_stale(comma.whitespace_after))


def _arg_without_stale_comment(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(
        comma=_without_stale_comment(arg.comma), whitespace_after_arg=_drop_stale(arg.whitespace_after_arg)
    )


def _has_stale_comment(arg: cst.Arg) -> bool:
    spots = [arg.whitespace_after_arg]
    if isinstance(arg.comma, cst.Comma):
        spots.append(arg.comma.whitespace_after)
    return any(_drop_stale(spot) is not spot for spot in spots)
