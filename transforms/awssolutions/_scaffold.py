"""What the AwsSolutions scaffolding rules share: where a new construct can go, in which
scope and with which id, and how the file uses the construct a call creates.

Not a rule: the registry imports this module and finds no Rule in it.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, derive_id
from cdkfix.names import dotted_name
from cdkfix.rule import Rule
from cdkfix.traverse import nodes_within, visit_readonly
# Following a name to its value lives in transforms/_bindings.py (one rule for what binds a
# name); these two stay importable from here for the rules that import them from _scaffold.
from cdkfix.transforms._bindings import assigned_once, self_attribute_value  # noqa: F401

# Code under these runs later, or many times, or not at all: a statement inserted before the
# enclosing statement would not run when (and as often as) the construct call does.
_DEFERRED = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def in_plain_statement(rule: Rule) -> bool:
    """True when the call being visited runs exactly when its (simple) statement does."""
    for node in reversed(rule.context.ancestors[:-1]):
        if isinstance(node, _DEFERRED):
            return False
        if isinstance(node, cst.SimpleStatementLine):
            return True
        if isinstance(node, cst.BaseCompoundStatement):
            return False
    return False


def binding(rule: Rule, call: cst.Call) -> str | None:
    """`x` or `self.x` when the statement is `x = Call(...)`; None otherwise."""
    return dotted_name(rule.bound_target(call))


def scope_and_id(call: cst.Call, suffix: str, fallback: str) -> tuple[str, str] | None:
    """The new construct's scope (the call's own, when it is a plain name such as `self` or
    `self.stack`, safe to evaluate twice) and id (the call's id plus `suffix`)."""
    scope_arg = layout.argument(call, 0, "scope")
    if scope_arg is None:
        return None
    scope = dotted_name(scope_arg.value)
    if scope is None:
        return None
    id_node = construct_id(call)
    if id_node is None:
        return None
    return scope, derive_id(id_node, suffix, fallback)


class KeywordUses(cst.CSTVisitor):
    """Every `keyword=<dotted name>` argument of the module, with the call it is passed to:
    how the file uses a construct bound to a name (as a dead-letter queue, as a log bucket)."""

    def __init__(self, keywords: frozenset[str]) -> None:
        super().__init__()
        self.keywords = keywords
        self.uses: dict[str, list[tuple[str, cst.Call]]] = {}
        self._calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(node)

    def leave_Call(self, node: cst.Call) -> None:
        self._calls.pop()

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None or node.keyword.value not in self.keywords or not self._calls:
            return
        name = dotted_name(node.value)
        if name is not None:
            self.uses.setdefault(name, []).append((node.keyword.value, self._calls[-1]))


def keyword_uses(rule: Rule, keywords: frozenset[str]) -> dict[str, list[tuple[str, cst.Call]]]:
    """KeywordUses of the rule's file, computed once per rule instance (one per file)."""
    cache = rule.__dict__.setdefault("_keyword_uses", {})
    if keywords not in cache:
        visitor = KeywordUses(keywords)
        visit_readonly(rule.context.module, visitor)
        cache[keywords] = visitor.uses
    return cache[keywords]


def callee(call: cst.Call) -> str:
    return code(call.func)


BUCKET = "aws_cdk.aws_s3.Bucket"
S3_MANAGED = "aws_cdk.aws_s3.BucketEncryption.S3_MANAGED"
BLOCK_ALL = "aws_cdk.aws_s3.BlockPublicAccess.BLOCK_ALL"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
# Keywords that copy to a log bucket, so that it goes (or stays) with the stack as its source does.
_LIFETIME = ("removal_policy", "auto_delete_objects")


def log_bucket_source(
    rule: Rule, variable: str, scope: str, new_id: str, lifetime: str, logs_to: str = "", extra: str = ""
) -> str:
    """`variable = s3.Bucket(...)`: a bucket that receives logs and raises no AwsSolutions
    finding of its own: SSE-S3 (the only encryption S3 server access logging and ELB access
    logging deliver to), `enforce_ssl=True` (S10), public access blocked (S2); S1 holds when
    another bucket logs to it or when `logs_to` names the bucket its own access logs go to.
    `extra`: more keywords, written `, keyword=value` (what the logs' sender needs of the bucket)."""
    server_logs = f", server_access_logs_bucket={logs_to}" if logs_to else ""
    return (
        f"{variable} = {rule.ref(BUCKET)}({scope}, {new_id}, encryption={rule.ref(S3_MANAGED)}, enforce_ssl=True, "
        f"block_public_access={rule.ref(BLOCK_ALL)}{extra}{lifetime}{server_logs})"
    )


def log_bucket_places(node: cst.Call, suffix: str) -> tuple[str, str, str] | None:
    """(scope, id of the log bucket, id of the bucket its own access logs go to) for the two
    buckets `log_bucket_pair` writes next to `node`; None without a plain scope and id."""
    logs = scope_and_id(node, suffix, suffix)
    target = scope_and_id(node, f"{suffix}AccessLogs", f"{suffix}AccessLogs")
    if logs is None or target is None:
        return None
    return logs[0], logs[1], target[1]


def log_bucket_pair(
    rule: Rule, places: tuple[str, str, str], variable: str, lifetime: str, extra: str = ""
) -> tuple[str, str]:
    """(the log bucket's variable, the source of two statements): a bucket `variable` that
    receives a service's logs, and the bucket that receives its own server access logs (S1;
    compliant itself as the target of another bucket's logs). Both as `log_bucket_source`;
    `extra` goes to the log bucket only."""
    scope, logs_id, target_id = places
    bucket = rule.unique_name(variable)
    target = rule.unique_name(f"{bucket}_access_logs")
    source = "\n".join(
        [
            log_bucket_source(rule, target, scope, target_id, lifetime),
            log_bucket_source(rule, bucket, scope, logs_id, lifetime, logs_to=target, extra=extra),
        ]
    )
    return bucket, source


LOG_GROUP = "aws_cdk.aws_logs.LogGroup"


def log_group_source(rule: Rule, variable: str, scope: str, new_id: str, retention: str | None, extra: str = "") -> str:
    """`<variable> = logs.LogGroup(<scope>, <id>, <extra>, retention=<retention>)`: the statement
    of a new log group a fix writes. `retention` is source (None: not written, CDK's default);
    `extra` are keywords before it. In a destroyable run the group goes with the stack
    (`removal_policy=RemovalPolicy.DESTROY`), else CDK-B1 would fix it on the next run."""
    keywords = [scope, new_id]
    if extra:
        keywords.append(extra)
    if retention is not None:
        keywords.append(f"retention={retention}")
    if rule.destroyable_selected:
        keywords.append(f"removal_policy={rule.ref(DESTROY)}")
    return f"{variable} = {rule.ref(LOG_GROUP)}({', '.join(keywords)})"


def bucket_lifetime(rule: Rule, node: cst.Call) -> str | None:
    """The keywords that make a new log bucket go with the stack when `node`'s construct does;
    None when one of them is not a plain name or literal (evaluating it twice may differ)."""
    if rule.destroyable_selected:
        # CDK-B1 runs too and makes every bucket go with the stack: the log bucket as well,
        # whatever the source said before B1's own fix (else B1 fixes it on the next run).
        return f", removal_policy={rule.ref(DESTROY)}, auto_delete_objects=True"
    text = ""
    for keyword in _LIFETIME:
        arg = layout.keyword_arg(node, keyword)
        if arg is None:
            continue
        if dotted_name(arg.value) is None:
            return None  # a call or expression: evaluating it twice is not the same value
        text += f", {keyword}={code(arg.value)}"
    return text


def name_scope(rule: Rule, name: str | None) -> cst.CSTNode:
    """Where the construct bound to `name` (at the call being visited) is visible: its class for a
    `self.` attribute (any method may use it), else its function, else the module."""
    if name is not None and name.startswith("self."):
        return rule.enclosing(cst.ClassDef) or rule.context.module
    return rule.enclosing(cst.FunctionDef) or rule.context.module


def attribute_settings(
    rule: Rule, name: str | None, attribute: str, ours: set[str], others: Callable[[str | None], bool] = lambda _: False
) -> tuple[list[str], list[str]]:
    """The `<owner>.<attribute> = ...` assignments (an escape hatch: `api.node.default_child.log_config
    = ...`) where the construct's `name` is visible (its function, or its class for a `self.`
    attribute, else the module): (those whose owner is one of `ours`, those cdkfix cannot tie to
    any construct: owner neither ours nor `others(owner)`), as source text of their targets.
    A rule leaves a construct with a setting of its own alone (also how a second run sees its
    fix), and reports one without a fix when a setting may be its own."""
    tied, untied = [], []
    for assign in nodes_within(name_scope(rule, name), cst.Assign):
        for target in assign.targets:
            value = target.target
            if not isinstance(value, cst.Attribute) or value.attr.value != attribute:
                continue
            owner = dotted_name(value.value)
            if owner in ours:
                tied.append(code(value))
            elif not others(owner):
                untied.append(code(value))
    return tied, untied


# --- the ecs_patterns services that make CDK's default cluster (ECS4 and VPC7, issue 14) ---

# aws-cdk-lib 2.275, aws-ecs-patterns/lib/base/*-base.js: each of these bases sets
# `this.cluster = props.cluster || this.getDefaultCluster(this, props.vpc)`, which makes (once per
# stack) `new ecs.Cluster(stack, "EcsDefaultClusterMnL3mNNYN" + (vpc ? vpc.node.id : ""), {vpc})`:
# a cluster without Container Insights, and with no `vpc` a new ec2.Vpc without a flow log.
ECS_PATTERN_SERVICES = frozenset(
    f"aws_cdk.aws_ecs_patterns.{name}"
    for name in (
        "ApplicationLoadBalancedEc2Service", "ApplicationLoadBalancedFargateService",
        "ApplicationMultipleTargetGroupsEc2Service", "ApplicationMultipleTargetGroupsFargateService",
        "NetworkLoadBalancedEc2Service", "NetworkLoadBalancedFargateService",
        "NetworkMultipleTargetGroupsEc2Service", "NetworkMultipleTargetGroupsFargateService",
        "QueueProcessingEc2Service", "QueueProcessingFargateService",
        "ScheduledEc2Task", "ScheduledFargateTask",
    )
)


def default_cluster(call: cst.Call) -> str | None:
    """What an ecs_patterns service call leaves to CDK: None (`cluster=` given: the user's cluster),
    "splat" (no `cluster=`, a `**` splat that may hold it: unknown), "cluster" (the default cluster,
    in the `vpc=` given) or "cluster and vpc" (the default cluster in a new default VPC)."""
    if layout.keyword_arg(call, "cluster") is not None:
        return None
    if layout.has_double_star(call):
        return "splat"
    return "cluster" if layout.keyword_arg(call, "vpc") is not None else "cluster and vpc"


# The examples of ECS4 and VPC7 on an ecs_patterns service's default cluster (one text for both):
# an import line, and a service whose `{}` takes more keywords (`, vpc=vpc`).
ECS_PATTERN_EXAMPLE_IMPORTS = "from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecs_patterns\n\n"
ECS_PATTERN_EXAMPLE_SERVICE = (
    'ecs_patterns.ApplicationLoadBalancedFargateService(self, "Service", task_image_options='
    'ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=ecs.ContainerImage.from_registry("nginx")){})\n'
)
