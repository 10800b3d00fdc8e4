"""CDK-I1: stack without outputs for its pipeline, cluster or load balancer."""

from __future__ import annotations

import re

import libcst as cst

from cdkfix.constructs import code, string_value
from cdkfix.edits import InsertStatements
from cdkfix.formatting import format_statements
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.traverse import nodes_within

STACK = "aws_cdk.Stack"
CFN_OUTPUT = "aws_cdk.CfnOutput"
# construct class -> (output id, attribute to export, what the report calls it)
OUTPUTS = {
    "aws_cdk.aws_codepipeline.Pipeline": ("PipelineName", "pipeline_name", "pipeline"),
    "aws_cdk.aws_ecs.Cluster": ("ClusterName", "cluster_name", "ECS cluster"),
    "aws_cdk.aws_elasticloadbalancingv2.ApplicationLoadBalancer": ("LoadBalancerDns", "load_balancer_dns_name", "load balancer"),
    "aws_cdk.aws_elasticloadbalancingv2.NetworkLoadBalancer": ("LoadBalancerDns", "load_balancer_dns_name", "load balancer"),
}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)


class StackOutputs(Rule):
    code = "CDK-I1"
    name = "stack-outputs"
    title = "Added Stack Outputs"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = (
        "The stack creates a CodePipeline pipeline, an ECS cluster or a load balancer but exports nothing about "
        "it. Whoever deploys the stack has to dig the generated pipeline name, cluster name or ALB DNS name out "
        "of the console; scripts and other tools cannot read them from the stack's outputs."
    )
    fix = (
        "Appends to the end of the Stack subclass's `__init__` one `CfnOutput(self, id, value=...)` per "
        "pipeline (`pipeline_name`), ECS cluster (`cluster_name`) and application or network load balancer "
        "(`load_balancer_dns_name`) that `__init__` binds to a name and no `CfnOutput` of the module refers "
        "to yet (also the `self.x` attributes bound by methods `__init__` calls as `self.method()`, a method's local "
        "through its one `self.x = local`; a Stack subclass may derive from a base class the module defines). Ids are \"PipelineName\", \"ClusterName\", \"LoadBalancerDns\" (a second one of a kind is "
        "named after its variable). One fix per stack."
    )
    impact = "Deployed resource names and endpoints are not discoverable from the stack; manual look-ups."
    examples = [
        Example(
            before='''\
from aws_cdk import (
    Stack,
    aws_ecs as ecs,
    aws_elasticloadbalancingv2 as elbv2,
)
from constructs import Construct


class EcsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)

        alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=vpc,
            internet_facing=True  # public
        )

        self.cluster = cluster
        self.load_balancer = alb
''',
            after='''\
from aws_cdk import (
    Stack,
    aws_ecs as ecs,
    aws_elasticloadbalancingv2 as elbv2,
    CfnOutput,
)
from constructs import Construct


class EcsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)

        alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=vpc,
            internet_facing=True  # public
        )

        self.cluster = cluster
        self.load_balancer = alb
        CfnOutput(self, "ClusterName", value=cluster.cluster_name)
        CfnOutput(self, "LoadBalancerDns", value=alb.load_balancer_dns_name)
''',
            name="cluster and ALB, multi-line call with a comment",
        ),
        Example(
            before='''\
import aws_cdk as cdk


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.pipeline = cdk.aws_codepipeline.Pipeline(self, "Pipeline", pipeline_type=cdk.aws_codepipeline.PipelineType.V2,)
        source = cdk.aws_codepipeline.Artifact("Source")
        self.pipeline.add_stage(stage_name="Source", actions=[cdk.aws_codepipeline_actions.S3SourceAction(action_name="Source", bucket=bucket, bucket_key="source.zip", output=source)])
        self.pipeline.add_stage(stage_name="Approve", actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")])
''',
            after='''\
import aws_cdk as cdk


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.pipeline = cdk.aws_codepipeline.Pipeline(self, "Pipeline", pipeline_type=cdk.aws_codepipeline.PipelineType.V2,)
        source = cdk.aws_codepipeline.Artifact("Source")
        self.pipeline.add_stage(stage_name="Source", actions=[cdk.aws_codepipeline_actions.S3SourceAction(action_name="Source", bucket=bucket, bucket_key="source.zip", output=source)])
        self.pipeline.add_stage(stage_name="Approve", actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")])
        cdk.CfnOutput(self, "PipelineName", value=self.pipeline.pipeline_name)
''',
            name="self attribute, import aws_cdk as cdk, trailing comma",
        ),
        Example(
            before='''\
from aws_cdk import CfnOutput, Stack
from aws_cdk.aws_elasticloadbalancingv2 import NetworkLoadBalancer
import aws_cdk.aws_ecs as ecs


class Edge(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        public_nlb = NetworkLoadBalancer(self, "Public", vpc=vpc)
        internal_nlb = NetworkLoadBalancer(self, "Internal", vpc=vpc)
        cluster = ecs.Cluster(self, "Cluster")
        CfnOutput(self, "ClusterNameOutput", value=cluster.cluster_name)
''',
            after='''\
from aws_cdk import CfnOutput, Stack
from aws_cdk.aws_elasticloadbalancingv2 import NetworkLoadBalancer
import aws_cdk.aws_ecs as ecs


class Edge(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        public_nlb = NetworkLoadBalancer(self, "Public", vpc=vpc)
        internal_nlb = NetworkLoadBalancer(self, "Internal", vpc=vpc)
        cluster = ecs.Cluster(self, "Cluster")
        CfnOutput(self, "ClusterNameOutput", value=cluster.cluster_name)
        CfnOutput(self, "LoadBalancerDns", value=public_nlb.load_balancer_dns_name)
        CfnOutput(self, "InternalNlbDns", value=internal_nlb.load_balancer_dns_name)
''',
            name="two NLBs, the cluster already exported, classes imported directly",
        ),
        Example(
            before='''\
from aws_cdk import CfnOutput, Stack, aws_codepipeline as codepipeline


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        pipeline = codepipeline.Pipeline(self, "Pipeline")
        self.pipeline = pipeline
        CfnOutput(self, "Name", value=self.pipeline.pipeline_name, description="pipeline")
''',
            name="already exported through an alias",
        ),
        Example(
            before='''\
from aws_cdk import Stack, aws_ecs as ecs
from constructs import Construct


class Shared(Construct):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        cluster = ecs.Cluster(self, "Cluster")


class Other(Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        if vpc:
            cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
        self.make_cluster()
''',
            name="not a Stack, or not bound at the top of __init__",
        ),
        Example(
            before='''\
from aws_cdk import Stack, Tags, aws_ecs as ecs
from constructs import Construct


class BaseStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Tags.of(self).add("project", "shop")


class ClusterStack(BaseStack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
''',
            after='''\
from aws_cdk import Stack, Tags, aws_ecs as ecs
from constructs import Construct
from aws_cdk import CfnOutput


class BaseStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Tags.of(self).add("project", "shop")


class ClusterStack(BaseStack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
        CfnOutput(self, "ClusterName", value=self.cluster.cluster_name)
''',
            name="stack subclass of the module's own base Stack class",
        ),
        Example(
            before='''\
from aws_cdk import Stack as CdkStack
from aws_cdk.aws_elasticloadbalancingv2 import ApplicationLoadBalancer
from constructs import Construct


class EdgeStack(CdkStack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alb: ApplicationLoadBalancer = ApplicationLoadBalancer(
            scope=self,
            id="Alb",
            vpc=vpc,
            internet_facing=True,
        )
''',
            after='''\
from aws_cdk import Stack as CdkStack
from aws_cdk.aws_elasticloadbalancingv2 import ApplicationLoadBalancer
from constructs import Construct
from aws_cdk import CfnOutput


class EdgeStack(CdkStack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alb: ApplicationLoadBalancer = ApplicationLoadBalancer(
            scope=self,
            id="Alb",
            vpc=vpc,
            internet_facing=True,
        )

        CfnOutput(self, "LoadBalancerDns", value=self.alb.load_balancer_dns_name)
''',
            name="Stack imported under another name, annotated self attribute, scope=/id= keywords, class imported by name",
        ),
        Example(
            before='''\
from aws_cdk import Stack, aws_elasticloadbalancingv2 as elbv2
from constructs import Construct


class WebStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, vpc, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.vpc = vpc
        self.create_load_balancer()

    def create_load_balancer(self):
        lb = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self.vpc,
            internet_facing=True)
        self.load_balancer = lb
        listener = lb.add_listener("Listener", port=80)
        listener.add_action("Default", action=elbv2.ListenerAction.fixed_response(200, message_body="ok"))
''',
            after='''\
from aws_cdk import Stack, aws_elasticloadbalancingv2 as elbv2
from constructs import Construct
from aws_cdk import CfnOutput


class WebStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, vpc, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.vpc = vpc
        self.create_load_balancer()
        CfnOutput(
            self, "LoadBalancerDns", value=self.load_balancer.load_balancer_dns_name
        )

    def create_load_balancer(self):
        lb = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self.vpc,
            internet_facing=True)
        self.load_balancer = lb
        listener = lb.add_listener("Listener", port=80)
        listener.add_action("Default", action=elbv2.ListenerAction.fixed_response(200, message_body="ok"))
''',
            name="load balancer built in a method __init__ calls, kept as self.load_balancer = lb",
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        # The dotted names each CfnOutput of the module mentions: looked for only when a
        # stack has something to export, with the imports the module starts with.
        self._exported: list[set[str]] | None = None
        self._module_imports = self.imports.snapshot()

    def _outputs(self) -> list[set[str]]:
        if self._exported is None:
            imports = self._module_imports
            self._exported = [
                _dotted_names(call)
                for call in nodes_within(self.context.module, cst.Call)
                if imports.resolve(call.func) == CFN_OUTPUT
            ]
        return self._exported

    def _is_stack(self, node: cst.ClassDef, seen: frozenset[str] = frozenset()) -> bool:
        """A subclass of `Stack`, directly or through base classes the module itself defines
        (`class BaseStack(Stack)` ... `class ClusterStack(BaseStack)`)."""
        for base in node.bases:
            if self.resolve(base.value) == STACK:
                return True
            if isinstance(base.value, cst.Name) and base.value.value not in seen:
                defined = [
                    statement
                    for statement in self.context.module.body
                    if isinstance(statement, cst.ClassDef) and statement.name.value == base.value.value
                ]
                # Only a name the module binds once, to its own class (not an import of the same name).
                if (
                    len(defined) == 1
                    and base.value.value not in self._module_imports.taken
                    and self._is_stack(defined[0], seen | {node.name.value})
                ):
                    return True
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self._is_stack(node):
            return
        init = next(
            (
                statement
                for statement in node.body.body
                if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__"
            ),
            None,
        )
        if init is None or not isinstance(init.body, cst.IndentedBlock) or not init.body.body:
            return
        body = list(init.body.body)
        # Methods __init__ calls as statements of their own (`self._build_cluster()`): the
        # attributes they bind (`self.cluster = ecs.Cluster(...)`) exist by the end of __init__.
        helpers = _called_methods(node, body)
        aliases = _aliases(body + helpers)
        in_init = {reference for _, reference in self._constructs(body)}
        found = []
        for qualified, reference in self._constructs(body + helpers):
            if reference not in in_init and not reference.startswith("self."):
                # A helper's local is gone by the end of __init__: its one `self.x = local` alias is not.
                kept = sorted(alias for alias in aliases.get(reference, ()) if alias.startswith("self."))
                if len(kept) != 1:
                    continue
                reference = kept[0]
            found.append((qualified, reference))
        wanted = [
            (qualified, reference)
            for qualified, reference in found
            if not self._is_exported({reference, *aliases.get(reference, ())})
        ]
        if not wanted:
            return
        taken = _ids(node)
        output = self.ref(CFN_OUTPUT)
        lines, described, counts = [], [], {}
        for qualified, reference in wanted:
            base_id, attribute, noun = OUTPUTS[qualified]
            counts[base_id] = counts.get(base_id, 0) + 1
            suffix = base_id.removeprefix("Pipeline").removeprefix("Cluster").removeprefix("LoadBalancer")
            preferred = base_id if counts[base_id] == 1 else _camel(reference.split(".")[-1]) + suffix
            output_id, counter = preferred, 2
            while output_id in taken:
                output_id, counter = f"{preferred}{counter}", counter + 1
            taken.add(output_id)
            lines.append(f"{output}(self, {output_id!r}, value={reference}.{attribute})")
            described.append(f"{noun} `{reference}`")
        last = body[-1]
        source = "\n".join(lines) + "\n"
        # The outputs go at the end of __init__ (before a final `return`), one indent deeper than the class body.
        width = self.context.line_length - self.indent_width - 2 * len(self.context.module.default_indent)
        statements = format_statements(source, width)
        before = _is_return(last)
        edit = InsertStatements(last, statements, before=before)
        self.report(f"stack `{node.name.value}` has no outputs for {', '.join(described)}", [edit], anchor=last)

    def _constructs(self, body: list[cst.BaseStatement]) -> list[tuple[str, str]]:
        """(class, reference) for each wanted construct bound once at the top level of `body`."""
        assigned: dict[str, int] = {}
        found: list[tuple[str, str]] = []
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                targets = []
                if isinstance(small, cst.Assign):
                    targets = [target.target for target in small.targets]
                elif isinstance(small, cst.AnnAssign):
                    targets = [small.target]
                for target in targets:
                    assigned[code(target)] = assigned.get(code(target), 0) + 1
                value = getattr(small, "value", None)
                if len(targets) == 1 and isinstance(targets[0], (cst.Name, cst.Attribute)) and isinstance(value, cst.Call):
                    qualified = self.resolve(value.func)
                    if qualified in OUTPUTS:
                        found.append((qualified, code(targets[0])))
        return [(qualified, reference) for qualified, reference in found if assigned[reference] == 1]

    def _is_exported(self, references: set[str]) -> bool:
        return any(
            name == reference or name.startswith(reference + ".")
            for names in self._outputs()
            for name in names
            for reference in references
        )


def _called_methods(cls: cst.ClassDef, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """The top-level statements of the methods `body` calls as `self.method()` statements, each
    method defined once in `cls` and called once."""
    methods: dict[str, list[cst.FunctionDef]] = {}
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef):
            methods.setdefault(statement.name.value, []).append(statement)
    called: list[str] = []
    for statement in body:
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            continue
        small = statement.body[0]
        if (
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and not small.value.args
            and isinstance(small.value.func, cst.Attribute)
            and code(small.value.func.value) == "self"
        ):
            called.append(small.value.func.attr.value)
    found: list[cst.BaseStatement] = []
    for name in called:
        defined = methods.get(name, [])
        if (
            called.count(name) == 1
            and name != "__init__"
            and len(defined) == 1
            and isinstance(defined[0].body, cst.IndentedBlock)
        ):
            found.extend(defined[0].body.body)
    return found


def _dotted_names(node: cst.CSTNode) -> set[str]:
    return {
        found.value if isinstance(found, cst.Name) else code(found)
        for found in nodes_within(node, cst.Name, cst.Attribute)
    }


def _aliases(body: list[cst.BaseStatement]) -> dict[str, set[str]]:
    """`self.pipeline = pipeline` makes `self.pipeline` another name for `pipeline` (both ways)."""
    aliases: dict[str, set[str]] = {}
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and isinstance(small.value, (cst.Name, cst.Attribute)):
                value = code(small.value)
                for target in small.targets:
                    aliases.setdefault(value, set()).add(code(target.target))
                    aliases.setdefault(code(target.target), set()).add(value)
    return aliases


def _ids(cls: cst.ClassDef) -> set[str]:
    """Literal construct ids used with `self` as the scope in the class."""
    ids: set[str] = set()
    for call in nodes_within(cls, cst.Call):
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if len(positional) >= 2 and code(positional[0].value) == "self":
            value = string_value(positional[1].value)
            if value is not None:
                ids.add(value)
    return ids


def _is_return(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(isinstance(s, cst.Return) for s in statement.body)
