"""CDK-B7: hard-coded CodeStar / CodeConnections connection ARN."""

from __future__ import annotations

import json
import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.transforms._bindings import single_binding
from cdkfix.traverse import nodes_within, visit_readonly

ARN = re.compile(r"arn:aws[a-z-]*:(codestar-connections|codeconnections):")


# Calls whose keywords hold a connection ARN: a `**` splat on them may hide a literal one.
CONNECTION_CALLS = frozenset(
    {
        "aws_cdk.aws_codepipeline_actions.CodeStarConnectionsSourceAction",
        "aws_cdk.pipelines.CodePipelineSource.connection",
    }
)
# What an ARN's region and account may be written with in an f-string whose connection id is
# literal text: the stack's own values, `self.region` / `self.account` (also `Stack.of(self)`'s).
PSEUDO_ATTRIBUTES = frozenset({"region", "account", "partition"})


def _is_connection_arn(node: cst.BaseExpression | None) -> bool:
    value = string_value(node)
    return value is not None and ARN.match(value) is not None


def _is_stack_value(rule: Rule, node: cst.BaseExpression) -> bool:
    """`self.region`, `Stack.of(self).account`, `Aws.REGION`, `cdk.Aws.ACCOUNT_ID`: a value
    of the deployment environment, not of the connection."""
    resolved = rule.resolve(node)
    if resolved is not None:
        return resolved.startswith("aws_cdk.Aws.")
    if not isinstance(node, cst.Attribute) or node.attr.value not in PSEUDO_ATTRIBUTES:
        return False
    owner = node.value
    if isinstance(owner, cst.Name):
        return owner.value == "self"
    return (
        isinstance(owner, cst.Call)
        and rule.resolve(owner.func) == "aws_cdk.Stack.of"
        and len(owner.args) == 1
        and isinstance(owner.args[0].value, cst.Name)
        and owner.args[0].value.value == "self"
    )


def _is_hardcoded_arn(rule: Rule, node: cst.BaseExpression | None) -> bool:
    """A literal connection ARN, or an f-string one whose placeholders are only the stack's
    region, account or partition: its connection id is literal text either way."""
    if _is_connection_arn(node):
        return True
    if not isinstance(node, cst.FormattedString) or node.prefix.lower() != "f" or not node.parts:
        return False
    first = node.parts[0]
    if not (isinstance(first, cst.FormattedStringText) and ARN.match(first.value)):
        return False
    expressions = [part for part in node.parts if isinstance(part, cst.FormattedStringExpression)]
    return bool(expressions) and all(
        part.conversion is None and part.format_spec is None and _is_stack_value(rule, part.expression)
        for part in expressions
    )


def _assignments(scope: cst.CSTNode, name: str) -> list[cst.CSTNode]:
    """Every statement of `scope` (not of nested functions or classes) that binds `name`."""
    found: list[cst.CSTNode] = []

    class _Find(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is scope

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            if code(node.target) == name or name in _names(node.target):
                found.append(node)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if code(node.target) == name:
                found.append(node)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            if code(node.target) == name:
                found.append(node)

        def visit_For(self, node: cst.For) -> None:
            if name in _names(node.target):
                found.append(node)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            if code(node.target) == name:
                found.append(node)

        def visit_Param(self, node: cst.Param) -> None:
            if node.name.value == name:
                found.append(node)

    visit_readonly(scope, _Find())
    return found


def _names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _names(element.value)}
    return set()


class CodestarConnectionArn(Rule):
    code = "CDK-B7"
    name = "codestar-connection-arn"
    title = "Hardcoded CodeStar Connection ARN"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    issue = (
        "A CodeStar Connections / CodeConnections ARN is written into the code as `connection_arn`. The connection "
        "belongs to one account and region, so the app cannot be deployed to another environment without editing "
        "the source, and the account id is spread through the code."
    )
    fix = (
        'Replaces the literal with `self.node.try_get_context("codeStarConnectionArn") or "<the old ARN>"` '
        "(option `context_key`), where it is written: in the `connection_arn=` keyword of any call "
        "(`CodeStarConnectionsSourceAction`, `CodePipelineSource.connection`, ...), or in the assignment of the "
        "variable that is passed as `connection_arn`; a module-level constant is kept and used as the fallback at "
        "the call. The old value stays as the fallback, so the synthesized template is unchanged until the context "
        "value is set (`cdk deploy -c codeStarConnectionArn=arn:...`). An attribute `self.x` set once to the literal in the class is changed where it is set; an f-string ARN whose "
        "placeholders are only the stack's region, account or partition (`self.region`, `Stack.of(self).account`, "
        "`Aws.REGION`) holds a literal connection id and is treated like a literal. Only code inside a method of a "
        "class with bases, or a plain function whose first parameter `self` is the construct that calls it, is "
        "changed; keywords from a `**` splat are reported without a fix; a value already read from context, a CfnParameter or SSM is not a literal and is left "
        "alone."
    )
    impact = "Configuration: the pipeline cannot be reused across accounts and environments without editing code."
    options = {"context_key": "codeStarConnectionArn"}
    examples = [
        Example(
            name="keyword literal, multi-line call with a trailing comment",
            before="""\
from aws_cdk import Stack, aws_codepipeline_actions as codepipeline_actions


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        source_action = codepipeline_actions.CodeStarConnectionsSourceAction(
            action_name="GitHub_Source",
            owner="example-org",
            repo="container-app",
            output=source_output,
            connection_arn="arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"  # hardcoded
        )
""",
            after="""\
from aws_cdk import Stack, aws_codepipeline_actions as codepipeline_actions


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        source_action = codepipeline_actions.CodeStarConnectionsSourceAction(
            action_name="GitHub_Source",
            owner="example-org",
            repo="container-app",
            output=source_output,
            connection_arn=(
                self.node.try_get_context("codeStarConnectionArn")
                or "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"
            )
        )
""",
        ),
        Example(
            name="variable passed to CodePipelineSource.connection, `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk


class Pipeline(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        arn = 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0f1e'
        source = cdk.pipelines.CodePipelineSource.connection("org/app", "main", connection_arn=arn)
""",
            after="""\
import aws_cdk as cdk


class Pipeline(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        arn = (
            self.node.try_get_context("codeStarConnectionArn")
            or "arn:aws:codeconnections:eu-west-1:123456789012:connection/0f1e"
        )
        source = cdk.pipelines.CodePipelineSource.connection("org/app", "main", connection_arn=arn)
""",
        ),
        Example(
            name="module constant kept as the fallback; option context_key; class imported directly",
            options={"context_key": "connectionArn"},
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_codepipeline_actions import CodeStarConnectionsSourceAction

CONNECTION = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"


class Source(Stack):
    def action(self):
        return CodeStarConnectionsSourceAction(action_name="Src", connection_arn=CONNECTION, owner="o", repo="r", output=out,)
""",
            after="""\
from aws_cdk import Stack
from aws_cdk.aws_codepipeline_actions import CodeStarConnectionsSourceAction

CONNECTION = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"


class Source(Stack):
    def action(self):
        return CodeStarConnectionsSourceAction(action_name="Src", connection_arn=self.node.try_get_context("connectionArn") or CONNECTION, owner="o", repo="r", output=out,)
""",
        ),
        Example(
            name="parameterized, no self, other ARNs and reassigned variables left alone",
            before="""\
import aws_cdk.aws_codepipeline_actions as actions
from aws_cdk import CfnParameter, Stack, aws_ssm as ssm

ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"
actions.CodeStarConnectionsSourceAction(action_name="Top", connection_arn=ARN, owner="o", repo="r", output=out)


def build(scope):
    return actions.CodeStarConnectionsSourceAction(action_name="Fn", connection_arn="arn:aws:codestar-connections:us-east-1:1:connection/x", owner="o", repo="r", output=out)


class Src(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        a = actions.CodeStarConnectionsSourceAction(action_name="Ctx", connection_arn=self.node.try_get_context("codeStarConnectionArn") or "arn:aws:codestar-connections:us-east-1:1:connection/x", owner="o", repo="r", output=out)
        param = CfnParameter(self, "ConnectionArn")
        b = actions.CodeStarConnectionsSourceAction(action_name="Param", connection_arn=param.value_as_string, owner="o", repo="r", output=out)
        c = actions.CodeStarConnectionsSourceAction(action_name="Ssm", connection_arn=ssm.StringParameter.value_for_string_parameter(self, "/ci/connection"), owner="o", repo="r", output=out)
        arn = "arn:aws:codestar-connections:us-east-1:1:connection/x"
        if other:
            arn = "arn:aws:codestar-connections:us-east-1:1:connection/y"
        d = actions.CodeStarConnectionsSourceAction(action_name="Twice", connection_arn=arn, owner="o", repo="r", output=out)
        e = actions.S3SourceAction(action_name="S3", bucket_key="arn:aws:codestar-connections:x", bucket=bucket, output=out)
""",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct

CONNECTION_ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"


class Source(Construct):
    def __init__(self, scope, construct_id, *, source_output) -> None:
        super().__init__(scope, construct_id)
        self.action = cdk.aws_codepipeline_actions.CodeStarConnectionsSourceAction(
            action_name="Source",
            owner="example-org",
            repo="app",
            branch="main",
            output=source_output,
            connection_arn=CONNECTION_ARN,
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct

CONNECTION_ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"


class Source(Construct):
    def __init__(self, scope, construct_id, *, source_output) -> None:
        super().__init__(scope, construct_id)
        self.action = cdk.aws_codepipeline_actions.CodeStarConnectionsSourceAction(
            action_name="Source",
            owner="example-org",
            repo="app",
            branch="main",
            output=source_output,
            connection_arn=(
                self.node.try_get_context("codeStarConnectionArn")
                or CONNECTION_ARN
            ),
        )
""",
            name='module constant in a plain Construct through import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_codepipeline_actions as actions


class PipelineStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        connection_arn = "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0f1e2d3c"
        self.source_action = actions.CodeStarConnectionsSourceAction(action_name="Source", owner="org", repo="app", output=source_output, connection_arn=connection_arn)
""",
            after="""\
from aws_cdk import Stack, aws_codepipeline_actions as actions


class PipelineStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        connection_arn = (
            self.node.try_get_context("codeStarConnectionArn")
            or "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0f1e2d3c"
        )
        self.source_action = actions.CodeStarConnectionsSourceAction(action_name="Source", owner="org", repo="app", output=source_output, connection_arn=connection_arn)
""",
            name='local variable in the Stack, module imported as actions, self. attribute',
        ),
        Example(
            name="a plain function taking self, called by the Stack with itself",
            before="""\
from aws_cdk import Stack, aws_codepipeline as codepipeline, aws_codepipeline_actions as codepipeline_actions


def github_source(self, source_output):
    return codepipeline_actions.CodeStarConnectionsSourceAction(
        action_name="GitHub_Source",
        owner="example-org",
        repo="container-app",
        output=source_output,
        connection_arn="arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123",
    )


class PipelineStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.source_action = github_source(self, codepipeline.Artifact("Source"))
""",
            after="""\
from aws_cdk import Stack, aws_codepipeline as codepipeline, aws_codepipeline_actions as codepipeline_actions


def github_source(self, source_output):
    return codepipeline_actions.CodeStarConnectionsSourceAction(
        action_name="GitHub_Source",
        owner="example-org",
        repo="container-app",
        output=source_output,
        connection_arn=(
            self.node.try_get_context("codeStarConnectionArn")
            or "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"
        ),
    )


class PipelineStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.source_action = github_source(self, codepipeline.Artifact("Source"))
""",
        ),
        Example(
            name="self. attribute set in __init__, passed in another method (pipelines.CodePipelineSource.connection)",
            before="""\
from aws_cdk import Stack, pipelines


class DeliveryStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.connection_arn = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0f1e2d3c"
        self.source = self._source()

    def _source(self):
        return pipelines.CodePipelineSource.connection("org/app", "main", connection_arn=self.connection_arn)
""",
            after="""\
from aws_cdk import Stack, pipelines


class DeliveryStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.connection_arn = (
            self.node.try_get_context("codeStarConnectionArn")
            or "arn:aws:codeconnections:eu-west-1:123456789012:connection/0f1e2d3c"
        )
        self.source = self._source()

    def _source(self):
        return pipelines.CodePipelineSource.connection("org/app", "main", connection_arn=self.connection_arn)
""",
        ),
        Example(
            name="f-string ARN from the stack's region and account with a literal connection id, in a plain Construct",
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_codepipeline_actions import CodeStarConnectionsSourceAction
from constructs import Construct


class Source(Construct):
    def __init__(self, scope, construct_id, *, source_output) -> None:
        super().__init__(scope, construct_id)
        self.action = CodeStarConnectionsSourceAction(action_name="Source", owner="org", repo="app", output=source_output, connection_arn=f"arn:aws:codestar-connections:{Stack.of(self).region}:{Stack.of(self).account}:connection/0f1e2d3c")
""",
            after="""\
from aws_cdk import Stack
from aws_cdk.aws_codepipeline_actions import CodeStarConnectionsSourceAction
from constructs import Construct


class Source(Construct):
    def __init__(self, scope, construct_id, *, source_output) -> None:
        super().__init__(scope, construct_id)
        self.action = CodeStarConnectionsSourceAction(action_name="Source", owner="org", repo="app", output=source_output, connection_arn=(
            self.node.try_get_context("codeStarConnectionArn")
            or f"arn:aws:codestar-connections:{Stack.of(self).region}:{Stack.of(self).account}:connection/0f1e2d3c"
        ))
""",
        ),
        Example(
            name="cannot decide: keywords from a `**` splat, reported without a fix",
            flagged=True,
            before="""\
from aws_cdk import Stack, pipelines, aws_codepipeline_actions as actions


class Src(Stack):
    def __init__(self, scope, construct_id, source_props, connection_props):
        super().__init__(scope, construct_id)
        actions.CodeStarConnectionsSourceAction(action_name="Splat", **source_props)
        pipelines.CodePipelineSource.connection("org/app", "main", **connection_props)
""",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        key = self.settings["context_key"]
        if not isinstance(key, str) or not key:
            raise ValueError(f"CDK-B7 option `context_key` must be a non-empty string, got {key!r}")
        self.key = key
        self._done: set[cst.CSTNode] = set()

    def _method(self) -> cst.FunctionDef | None:
        """The function around the node being visited whose `self` is a construct: a method of
        a class with bases, or a plain function whose first parameter is `self` (a helper
        the construct passes itself to: `github_source(self, ...)`)."""
        ancestors = self.context.ancestors
        for index in range(len(ancestors) - 1, -1, -1):
            node = ancestors[index]
            if isinstance(node, cst.Lambda):
                return None
            if isinstance(node, cst.FunctionDef):
                params = node.params.params
                if not params or params[0].name.value != "self":
                    return None
                owner = ancestors[index - 2] if index >= 2 else None
                if isinstance(owner, cst.ClassDef):
                    return node if owner.bases else None
                return node if self._helper_takes_construct(node) else None
        return None

    def _helper_takes_construct(self, function: cst.FunctionDef) -> bool:
        """A plain function's `self` is the construct that calls it: not annotated with a
        non-CDK type, and every call of it in this module passes `self` first."""
        annotation = function.params.params[0].annotation
        if annotation is not None:
            resolved = self.resolve(annotation.annotation)
            if resolved is None or not resolved.startswith("aws_cdk."):
                return False
        for call in nodes_within(self.context.module, cst.Call):
            if isinstance(call.func, cst.Name) and call.func.value == function.name.value:
                first = call.args[0] if call.args else None
                if first is None or first.keyword is not None or first.star or code(first.value) != "self":
                    return False
        return True

    def _context_or(self, fallback: str) -> str:
        return f"self.node.try_get_context({json.dumps(self.key)}) or {fallback}"

    def visit_Call(self, node: cst.Call) -> None:
        arg = layout.keyword_arg(node, "connection_arn")
        if arg is None:
            if layout.has_double_star(node) and self.resolve(node.func) in CONNECTION_CALLS:
                self.report_without_fix(
                    f"{code(node.func)} with a `**` splat: its connection ARN cannot be read",
                    "the keywords come from a `**` splat; read connection_arn from context where they are built",
                    node,
                )
            return
        method = self._method()
        if method is None:
            return
        value = arg.value
        if _is_hardcoded_arn(self, value):
            edit = self.set_keyword(node, "connection_arn", self._context_or(code(value)))
            self.report("connection ARN hard-coded in `connection_arn=`", [edit])
        elif isinstance(value, cst.Name):
            self._variable(node, method, value.value)
        elif isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == "self":
            self._attribute(value)

    def _attribute(self, value: cst.Attribute) -> None:
        """`connection_arn=self.x` where `self.x = "arn:..."` once in the class: the assignment reads context."""
        found = single_binding(self, value)
        if found is None or not _is_hardcoded_arn(self, found[1]):
            return
        statement, literal = found
        assign = next(
            (small for small in statement.body if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is literal), None
        )
        if assign is None or assign in self._done:
            return
        self._done.add(assign)
        expression = self.expression(self._context_or(code(literal)), extra_indent=len(code(value)) + 3)
        edit = self.change(assign, lambda updated: updated.with_changes(value=expression), statement)
        self.report(f"connection ARN hard-coded in `{code(value)}`, passed as `connection_arn=`", [edit], anchor=statement)

    def _variable(self, node: cst.Call, method: cst.FunctionDef, name: str) -> None:
        local = _assignments(method, name)
        if local:
            if len(local) != 1 or not isinstance(local[0], cst.AssignTarget):
                return  # assigned more than once, or a parameter: not one literal
            target = local[0]
            statement, assign = self._statement_of(method, target)
            if assign is None or len(assign.targets) != 1 or not _is_hardcoded_arn(self, assign.value):
                return
            if assign in self._done:
                return
            self._done.add(assign)
            expression = self.expression(self._context_or(code(assign.value)), extra_indent=len(name) + 3)
            edit = self.change(assign, lambda updated: updated.with_changes(value=expression), statement)
            self.report(f"connection ARN hard-coded in `{name}`, passed as `connection_arn=`", [edit], anchor=statement)
            return
        module = self.context.module
        at_top = _assignments(module, name)
        if len(at_top) != 1 or not isinstance(at_top[0], cst.AssignTarget):
            return
        _, assign = self._statement_of(module, at_top[0])
        if assign is None or not _is_connection_arn(assign.value):
            return
        edit = self.set_keyword(node, "connection_arn", self._context_or(name))
        self.report(f"connection ARN hard-coded in the constant `{name}`, passed as `connection_arn=`", [edit])

    @staticmethod
    def _statement_of(scope: cst.CSTNode, target: cst.AssignTarget):
        """The statement line and the Assign holding `target`, when it is a plain one-statement line."""
        result: list = [None, None]

        class _Find(cst.CSTVisitor):
            def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
                for small in node.body:
                    if isinstance(small, cst.Assign) and any(t is target for t in small.targets):
                        if len(node.body) == 1:
                            result[0], result[1] = node, small

        visit_readonly(scope, _Find())
        return result[0], result[1]
