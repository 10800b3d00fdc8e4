"""CDK-B7: hard-coded CodeStar / CodeConnections connection ARN."""

from __future__ import annotations

import json
import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.traverse import visit_readonly

ARN = re.compile(r"arn:aws[a-z-]*:(codestar-connections|codeconnections):")


def _is_connection_arn(node: cst.BaseExpression | None) -> bool:
    value = string_value(node)
    return value is not None and ARN.match(value) is not None


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
        "value is set (`cdk deploy -c codeStarConnectionArn=arn:...`). Only code inside a method of a class with "
        "`self` is changed; a value already read from context, a CfnParameter or SSM is not a literal and is left "
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
        f = actions.CodeStarConnectionsSourceAction(action_name="Splat", **source_props)
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
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        key = self.settings["context_key"]
        if not isinstance(key, str) or not key:
            raise ValueError(f"CDK-B7 option `context_key` must be a non-empty string, got {key!r}")
        self.key = key
        self._done: set[cst.CSTNode] = set()

    def _method(self) -> cst.FunctionDef | None:
        """The method around the node being visited, when its first parameter is `self` and its class has bases."""
        ancestors = self.context.ancestors
        for index in range(len(ancestors) - 1, -1, -1):
            node = ancestors[index]
            if isinstance(node, cst.Lambda):
                return None
            if isinstance(node, cst.FunctionDef):
                params = node.params.params
                owner = ancestors[index - 2] if index >= 2 else None
                if params and params[0].name.value == "self" and isinstance(owner, cst.ClassDef) and owner.bases:
                    return node
                return None
        return None

    def _context_or(self, fallback: str) -> str:
        return f"self.node.try_get_context({json.dumps(self.key)}) or {fallback}"

    def visit_Call(self, node: cst.Call) -> None:
        arg = layout.keyword_arg(node, "connection_arn")
        if arg is None:
            return
        method = self._method()
        if method is None:
            return
        value = arg.value
        if _is_connection_arn(value):
            edit = self.set_keyword(node, "connection_arn", self._context_or(code(value)))
            self.report("connection ARN hard-coded in `connection_arn=`", [edit])
        elif isinstance(value, cst.Name):
            self._variable(node, method, value.value)

    def _variable(self, node: cst.Call, method: cst.FunctionDef, name: str) -> None:
        local = _assignments(method, name)
        if local:
            if len(local) != 1 or not isinstance(local[0], cst.AssignTarget):
                return  # assigned more than once, or a parameter: not one literal
            target = local[0]
            statement, assign = self._statement_of(method, target)
            if assign is None or len(assign.targets) != 1 or not _is_connection_arn(assign.value):
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
