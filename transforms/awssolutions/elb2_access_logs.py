"""AwsSolutions-ELB2: an application or network load balancer without access logs gets a log
bucket and `log_access_logs`.

cdk-nag 3 (ELBLoggingEnabled) flags a CfnLoadBalancer (v2) whose attributes lack
`access_logs.s3.enabled=true`. The fix inserts, after the statement, two buckets built by the
S1 scaffold's `log_bucket_source` (SSE-S3: the only encryption ELB access logging delivers to;
`enforce_ssl`; public access blocked): the load balancer's log bucket, whose own server access
logs (S1) go to the second one (compliant as the target of another bucket's logs), and
`<lb>.log_access_logs(<bucket>)`.

`log_access_logs` needs the stack's region (the bucket policy names the region's ELB log
delivery account) and fails synthesis in an environment-agnostic stack ("Region is required to
enable ELBv2 access logging"). Where the stack's env is set is in app.py, not in this file, so
the inserted code runs only when `Stack.of(<scope>).region` is concrete: an env-agnostic stack
synthesizes as before (and cdk-nag still reports ELB2 for it).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import (
    binding, bucket_lifetime, callee, in_plain_statement, log_bucket_pair, log_bucket_places,
)

ELBV2 = "aws_cdk.aws_elasticloadbalancingv2"
PATTERNS = "aws_cdk.aws_ecs_patterns"
# The constructs whose load balancer is the construct itself, or its `.load_balancer`.
LOAD_BALANCERS = {f"{ELBV2}.ApplicationLoadBalancer": "", f"{ELBV2}.NetworkLoadBalancer": ""}
SERVICES = {
    f"{PATTERNS}.{name}": ".load_balancer"
    for name in (
        "ApplicationLoadBalancedFargateService", "ApplicationLoadBalancedEc2Service",
        "NetworkLoadBalancedFargateService", "NetworkLoadBalancedEc2Service",
    )
}
TOKEN = "aws_cdk.Token"
STACK = "aws_cdk.Stack"
# Calls on a load balancer that decide its access logs: the file already logs, or sets the
# attributes itself.
_DECIDING_METHODS = frozenset({"log_access_logs", "set_attribute"})


class _MethodReceivers(cst.CSTVisitor):
    """Dotted names `x` (or `x.load_balancer`) of the file's `x.log_access_logs(...)` and
    `x.set_attribute(...)` calls."""

    def __init__(self) -> None:
        super().__init__()
        self.receivers: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _DECIDING_METHODS:
            name = dotted_name(node.func.value)
            if name is not None:
                self.receivers.add(name)


class Elb2AccessLogs(Rule):
    code = "AwsSolutions-ELB2"
    name = "awssolutions-elb-access-logs"
    title = "Load balancer without access logs"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-ELB2: The ELB does not have access logs enabled. Without them there is no record of "
        "which client sent which request, when, and how the load balancer and its targets answered."
    )
    fix = (
        "Inserts after the statement, under `if not Token.is_unresolved(Stack.of(<scope>).region):` (ELB access "
        "logging needs the stack's region; an environment-agnostic stack is left as it was), "
        "`<name>_access_logs_access_logs = s3.Bucket(<scope>, \"<Id>AccessLogsAccessLogs\", "
        "encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)`, "
        "`<name>_access_logs = s3.Bucket(<scope>, \"<Id>AccessLogs\", <the same>, "
        "server_access_logs_bucket=<name>_access_logs_access_logs)` and `<lb>.log_access_logs(<name>_access_logs)`, "
        "where `<lb>` is the ApplicationLoadBalancer / NetworkLoadBalancer bound to `<name>`, or `<name>.load_balancer` "
        "of an ecs_patterns (Application|Network)LoadBalanced(Fargate|Ec2)Service. In a destroyable run both buckets get "
        "`RemovalPolicy.DESTROY` and `auto_delete_objects=True`. Left alone: a load balancer the file calls "
        "`log_access_logs` or `set_attribute` on; a pattern given `load_balancer=` (its own call is the one to fix). "
        "A bare construct statement is bound to a name first. Reported without a fix: a `**` splat; a construct nested in another expression, with no plain scope and id, or not in a "
        "plain statement."
    )
    impact = (
        "UNSAFE: two new buckets, billed for the access log objects the load balancer and S3 deliver (storage and "
        "requests); the ELB log delivery account of the region may write to the log bucket. The load balancer is not "
        "replaced. Classic load balancers (`aws_elasticloadbalancing.LoadBalancer`) are not fixed."
    )
    calls = frozenset({*LOAD_BALANCERS, *SERVICES})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, drop_invalid_header_fields=True)
""",
            after="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import Token
from aws_cdk import Stack

alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, drop_invalid_header_fields=True)

if not Token.is_unresolved(Stack.of(self).region):
    alb_access_logs_access_logs = s3.Bucket(
        self,
        "AlbAccessLogsAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    )
    alb_access_logs = s3.Bucket(
        self,
        "AlbAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=alb_access_logs_access_logs,
    )
    alb.log_access_logs(alb_access_logs)
""",
        ),
        Example(
            name="import aws_cdk as cdk, a self attribute, a network load balancer",
            before="""\
import aws_cdk as cdk

self.nlb = cdk.aws_elasticloadbalancingv2.NetworkLoadBalancer(self, "Nlb", vpc=vpc, internet_facing=False)
""",
            after="""\
import aws_cdk as cdk

self.nlb = cdk.aws_elasticloadbalancingv2.NetworkLoadBalancer(self, "Nlb", vpc=vpc, internet_facing=False)

if not cdk.Token.is_unresolved(cdk.Stack.of(self).region):
    nlb_access_logs_access_logs = cdk.aws_s3.Bucket(
        self,
        "NlbAccessLogsAccessLogs",
        encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
    )
    nlb_access_logs = cdk.aws_s3.Bucket(
        self,
        "NlbAccessLogs",
        encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=nlb_access_logs_access_logs,
    )
    self.nlb.log_access_logs(nlb_access_logs)
""",
        ),
        Example(
            name="an ecs_patterns service's load balancer",
            before="""\
from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecs_patterns

service = ecs_patterns.ApplicationLoadBalancedFargateService(
    self,
    "Web",
    cluster=cluster,
    task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
        image=ecs.ContainerImage.from_registry("nginx")
    ),
)
""",
            after="""\
from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_s3 as s3
from aws_cdk import Token
from aws_cdk import Stack

service = ecs_patterns.ApplicationLoadBalancedFargateService(
    self,
    "Web",
    cluster=cluster,
    task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
        image=ecs.ContainerImage.from_registry("nginx")
    ),
)

if not Token.is_unresolved(Stack.of(self).region):
    service_access_logs_access_logs = s3.Bucket(
        self,
        "WebAccessLogsAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    )
    service_access_logs = s3.Bucket(
        self,
        "WebAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=service_access_logs_access_logs,
    )
    service.load_balancer.log_access_logs(service_access_logs)
""",
        ),
        Example(
            name="left alone: the file already logs its access",
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc)
alb.log_access_logs(bucket)
""",
        ),
        Example(
            name="a bare statement: bound to a name first (the name any other rule binding it in this run uses too)",
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, drop_invalid_header_fields=True)
""",
            after="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import Token
from aws_cdk import Stack

load_balancer = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, drop_invalid_header_fields=True)

if not Token.is_unresolved(Stack.of(self).region):
    load_balancer_access_logs_access_logs = s3.Bucket(
        self,
        "AlbAccessLogsAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    )
    load_balancer_access_logs = s3.Bucket(
        self,
        "AlbAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=load_balancer_access_logs_access_logs,
    )
    load_balancer.log_access_logs(load_balancer_access_logs)
""",
        ),
    ]

    def _receivers(self) -> set[str]:
        return self.module_facts("method receivers", _MethodReceivers).receivers

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in LOAD_BALANCERS:
            attribute = LOAD_BALANCERS[qualified]
        elif qualified in SERVICES:
            attribute = SERVICES[qualified]
        else:
            return
        what = callee(node)
        message = f"{what} without access logs (ELB2)"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may pass the load balancer", node)
            return
        if attribute and layout.keyword_arg(node, "load_balancer") is not None:
            return  # the load balancer is created elsewhere: that call is the one to fix
        name = binding(self, node)
        if name is not None and f"{name}{attribute}" in self._receivers():
            return
        bind: list = []
        if name is None and in_plain_statement(self):
            # A bare `Pattern(...)` statement gets a name (shared with any other rule that
            # binds the same statement in this run, e.g. CDK-B11).
            found = self.reference_to(node, "service" if attribute else "load_balancer")
            if found is not None:
                name, bind = found
        places = log_bucket_places(node, "AccessLogs")
        if name is None or places is None or not in_plain_statement(self):
            self.report_without_fix(message, "not bound to a plain name in a plain statement with a plain scope and id", node)
            return
        lifetime = bucket_lifetime(self, node)
        if lifetime is None:
            self.report_without_fix(message, "its removal policy is not a plain name: the log buckets' is a human choice", node)
            return
        bucket, buckets = log_bucket_pair(self, places, f"{name.rsplit('.', 1)[-1]}_access_logs", lifetime)
        body = f"{buckets}\n{name}{attribute}.log_access_logs({bucket})"
        scope = places[0]
        guard = f"if not {self.ref(TOKEN)}.is_unresolved({self.ref(STACK)}.of({scope}).region):\n"
        source = guard + "".join(f"    {line}\n" for line in body.splitlines())
        self.report(message, [*bind, self.insert_after(self.current_statement, source)], node=node)
