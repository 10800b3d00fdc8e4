"""CDK-B1: stateful resources kept on stack deletion (the destroyability profile)."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import DESTROYABLE, Category, Example, Kind, Rule, Safety
from cdkfix.transforms._s3 import is_website_bucket
from cdkfix.transforms._removal import (
    DESTROY,
    RETAINING,
    binding,
    known_policy,
    method_form,
    policy_name,
    removal_policy_applied,
    with_policy,
)

BUCKET = "aws_cdk.aws_s3.Bucket"
REPOSITORY = "aws_cdk.aws_ecr.Repository"

# Constructs whose removal policy defaults to RETAIN in aws-cdk-lib 2.275 (read from the
# jsii docstrings and confirmed by synthesis: DeletionPolicy Retain when none is given).
COVERED = {
    BUCKET: "bucket",
    REPOSITORY: "repository",
    "aws_cdk.aws_logs.LogGroup": "log-group",
    "aws_cdk.aws_dynamodb.Table": "table",
    "aws_cdk.aws_dynamodb.TableV2": "table",
    "aws_cdk.aws_kms.Key": "key",
}
RESOURCE_KINDS = ("bucket", "repository", "log-group", "table", "key")


def _is_literal(value: cst.BaseExpression, literal: str) -> bool:
    return isinstance(value, cst.Name) and value.value == literal


def _rename_keyword(old: str, new: str, value: str):
    """A change that turns `old=...` into `new=<value>` where `old` stands."""

    def change(call: cst.Call) -> cst.Call:
        args = [
            arg.with_changes(keyword=cst.Name(new), value=cst.parse_expression(value))
            if arg.keyword is not None and arg.keyword.value == old
            else arg
            for arg in call.args
        ]
        return call.with_changes(args=args)

    return change


class RemovalPolicyDestroy(Rule):
    code = "CDK-B1"
    name = "removal-policy-destroy"
    title = "Stateful Resource Retained on Stack Deletion"
    category = Category.CONFIGURATION
    kind = Kind.DESTROYABILITY
    safety = Safety.UNSAFE
    # For ephemeral environments only: off by default, `--extend-select destroyable` turns it on.
    groups = (DESTROYABLE,)
    default = False
    issue = (
        "This is the destroyability profile for test and ephemeral environments: every resource must go away "
        "with the stack. An S3 bucket, ECR repository, log group, DynamoDB table or KMS key with "
        "`removal_policy=RemovalPolicy.RETAIN` (or `RETAIN_ON_UPDATE_OR_DELETE`, `SNAPSHOT`) - or with no "
        "removal policy, since all of these default to RETAIN in aws-cdk-lib - is orphaned when the stack is "
        "deleted: it keeps costing money, and a fixed physical name blocks the next deployment. A bucket or "
        "repository with DESTROY but no auto-emptying makes the stack deletion fail while it holds objects or "
        "images. Secrets are left to CDK-B4."
    )
    fix = (
        "Sets `removal_policy=RemovalPolicy.DESTROY`. A bucket also gets `auto_delete_objects=True` and, because "
        "auto-delete adds a bucket policy, `enforce_ssl=True` when absent (cdk-nag AwsSolutions-S10) unless it is a "
        "website bucket (HTTP-only website endpoint). A repository "
        "gets `empty_on_delete=True`; the deprecated `auto_delete_images=True` is rewritten to it. The method "
        "form `<x>.apply_removal_policy(RETAIN)` on a construct bound once to `<x>` gets DESTROY as its argument "
        "(a bucket or repository also gets DESTROY and auto-emptying in its constructor, which refuses "
        "auto-emptying otherwise); a policy held in a variable bound once to a member is followed and replaced where "
        "it is used. A policy computed at run time (a parameter, a conditional) or keywords from a `**` splat are "
        "reported without a fix."
    )
    impact = (
        "UNSAFE outside test environments: on stack deletion the bucket's objects, the repository's images, the "
        "log events, the table's items and the key (and with it any data encrypted under it) are deleted for good. "
        "Apply it only to stacks meant to be torn down."
    )
    options = {"resources": list(RESOURCE_KINDS)}
    # `x.apply_removal_policy(...)` on a construct bound once to `x` (the method form).
    call_names = frozenset({"apply_removal_policy"})
    examples = [
        Example(
            name="retained bucket, multi-line call with a trailing comment",
            before="""\
from aws_cdk import RemovalPolicy, aws_s3 as s3

artifact_bucket = s3.Bucket(
    self,
    "ArtifactBucket",
    encryption=s3.BucketEncryption.S3_MANAGED,
    removal_policy=RemovalPolicy.RETAIN  # Violates requirement
)
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_s3 as s3

artifact_bucket = s3.Bucket(
    self,
    "ArtifactBucket",
    encryption=s3.BucketEncryption.S3_MANAGED,
    removal_policy=RemovalPolicy.DESTROY,
    auto_delete_objects=True,
    enforce_ssl=True
)
""",
        ),
        Example(
            name="no removal policy: default RETAIN, names through `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk

table = cdk.aws_dynamodb.Table(self, "Table", partition_key=key)
group = cdk.aws_logs.LogGroup(self, "Logs", retention=cdk.aws_logs.RetentionDays.ONE_WEEK)
""",
            after="""\
import aws_cdk as cdk

table = cdk.aws_dynamodb.Table(self, "Table", partition_key=key, removal_policy=cdk.RemovalPolicy.DESTROY)
group = cdk.aws_logs.LogGroup(self, "Logs", retention=cdk.aws_logs.RetentionDays.ONE_WEEK, removal_policy=cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="repository: deprecated auto_delete_images rewritten, RemovalPolicy imported",
            before="""\
from aws_cdk.aws_ecr import Repository
from aws_cdk.aws_kms import Key

repo = Repository(
    self,
    "BuildImageRepo",
    auto_delete_images=True,
    image_scan_on_push=True,
)
key = Key(self, "Key", enable_key_rotation=True)
""",
            after="""\
from aws_cdk.aws_ecr import Repository
from aws_cdk.aws_kms import Key
from aws_cdk import RemovalPolicy

repo = Repository(
    self,
    "BuildImageRepo",
    empty_on_delete=True,
    image_scan_on_push=True,
    removal_policy=RemovalPolicy.DESTROY,
)
key = Key(self, "Key", enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="bucket already DESTROY but not emptied; RETAIN_ON_UPDATE_OR_DELETE table",
            before="""\
import aws_cdk.aws_s3 as s3
import aws_cdk.aws_dynamodb as dynamodb
from aws_cdk import RemovalPolicy

cache = s3.Bucket(self, "Cache", removal_policy=RemovalPolicy.DESTROY, enforce_ssl=True)
dynamodb.TableV2(self, "Table", partition_key=key, removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
""",
            after="""\
import aws_cdk.aws_s3 as s3
import aws_cdk.aws_dynamodb as dynamodb
from aws_cdk import RemovalPolicy

cache = s3.Bucket(self, "Cache", removal_policy=RemovalPolicy.DESTROY, enforce_ssl=True, auto_delete_objects=True)
dynamodb.TableV2(self, "Table", partition_key=key, removal_policy=RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="option: only buckets",
            options={"resources": ["bucket"]},
            before="""\
from aws_cdk import aws_logs as logs, aws_s3 as s3

logs.LogGroup(self, "Logs")
s3.Bucket(self, "Data")
""",
            after="""\
from aws_cdk import aws_logs as logs, aws_s3 as s3
from aws_cdk import RemovalPolicy

logs.LogGroup(self, "Logs")
s3.Bucket(self, "Data", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True, enforce_ssl=True)
""",
        ),
        Example(
            name="already destroyable, secrets, imported buckets and look-alikes left alone",
            before="""\
from aws_cdk import RemovalPolicy, aws_ecr as ecr, aws_s3 as s3, aws_secretsmanager as secretsmanager

s3.Bucket(self, "Done", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True)
ecr.Repository(self, "Repo", removal_policy=RemovalPolicy.DESTROY, empty_on_delete=True)
secretsmanager.Secret(self, "Secret", removal_policy=RemovalPolicy.RETAIN)
s3.Bucket.from_bucket_name(self, "Imported", "my-bucket")
logs = Bucket(self, "NotCdk")
managed = s3.Bucket(self, "Managed")
managed.apply_removal_policy(RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="method form: table.apply_removal_policy(RETAIN) on self. attributes and locals in a plain Construct",
            before="""\
from aws_cdk import RemovalPolicy, aws_dynamodb as dynamodb, aws_logs as logs
from constructs import Construct


class Storage(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(self, "Table", partition_key=key)
        self.table.apply_removal_policy(RemovalPolicy.RETAIN)
        audit_logs = logs.LogGroup(self, "AuditLogs")
        audit_logs.apply_removal_policy(RemovalPolicy.SNAPSHOT)
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_dynamodb as dynamodb, aws_logs as logs
from constructs import Construct


class Storage(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(self, "Table", partition_key=key)
        self.table.apply_removal_policy(RemovalPolicy.DESTROY)
        audit_logs = logs.LogGroup(self, "AuditLogs")
        audit_logs.apply_removal_policy(RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="method form on a bucket through `import aws_cdk as cdk`: the constructor gets DESTROY and auto-delete",
            before="""\
import aws_cdk as cdk


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        artifacts = cdk.aws_s3.Bucket(self, "Artifacts", versioned=True)
        artifacts.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
""",
            after="""\
import aws_cdk as cdk


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        artifacts = cdk.aws_s3.Bucket(self, "Artifacts", versioned=True, removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True, enforce_ssl=True)
        artifacts.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="policy through a local variable, in a helper method that returns the bucket, class imported by name",
            before="""\
from aws_cdk import RemovalPolicy, Stack
from aws_cdk.aws_s3 import Bucket


class StorageStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.artifacts = self._bucket("Artifacts")

    def _bucket(self, name):
        retention = RemovalPolicy.RETAIN
        return Bucket(self, name, versioned=True, removal_policy=retention)
""",
            after="""\
from aws_cdk import RemovalPolicy, Stack
from aws_cdk.aws_s3 import Bucket


class StorageStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.artifacts = self._bucket("Artifacts")

    def _bucket(self, name):
        retention = RemovalPolicy.RETAIN
        return Bucket(self, name, versioned=True, removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True, enforce_ssl=True)
""",
        ),
        Example(
            name="cannot decide: a `**` splat, a policy chosen at run time (conditional, parameter): reported without a fix",
            flagged=True,
            before="""\
from aws_cdk import RemovalPolicy, aws_logs as logs, aws_s3 as s3


def storage(self, policy, bucket_props, prod):
    s3.Bucket(self, "Splat", **bucket_props)
    s3.Bucket(self, "Chosen", removal_policy=policy, auto_delete_objects=policy is RemovalPolicy.DESTROY)
    s3.Bucket(self, "Prod", removal_policy=RemovalPolicy.RETAIN if prod else RemovalPolicy.DESTROY)
    group = logs.LogGroup(self, "Logs")
    group.apply_removal_policy(policy)
""",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        resources = self.settings["resources"]
        if isinstance(resources, str) or not all(kind in RESOURCE_KINDS for kind in resources):
            raise ValueError(f"CDK-B1 option `resources` must be a list drawn from {list(RESOURCE_KINDS)}, got {resources!r}")
        self.covered = {qualified for qualified, kind in COVERED.items() if kind in resources}
        self.calls = frozenset(self.covered)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in self.covered:
            self._construct(node, qualified)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "apply_removal_policy":
            self._method_form(node)

    def _construct(self, node: cst.Call, qualified: str) -> None:
        construct = code(node.func)
        policy_arg = layout.keyword_arg(node, "removal_policy")
        if layout.has_double_star(node):
            if policy_arg is None or policy_name(self, policy_arg.value) != DESTROY:
                # The splat may hold removal_policy (or auto-emptying): which one is unknown.
                self.report_without_fix(
                    f"{construct} with a `**` splat: its removal policy cannot be read",
                    "the keywords come from a `**` splat; set removal_policy=RemovalPolicy.DESTROY where they are built",
                    node,
                )
            return
        edits = []
        reasons = []
        if policy_arg is None:
            name = binding(self, node)
            if name is not None and removal_policy_applied(self, name):
                return  # the policy is set by `name.apply_removal_policy(...)`: see _method_form
            reasons.append(f"{construct} without removal_policy: the default RETAIN keeps it on stack deletion")
        else:
            policy = known_policy(self, policy_arg.value)
            if policy is None:
                self.report_without_fix(
                    f"{construct} with removal_policy={code(policy_arg.value)}: not known before run time",
                    "the removal policy is computed at run time; make it RemovalPolicy.DESTROY for the test environment",
                    node,
                )
                return
            if policy in RETAINING or policy == "None":  # None: the default, RETAIN
                reasons.append(f"{construct} with removal_policy={code(policy_arg.value)}: kept on stack deletion")
            elif policy != DESTROY:
                return
        if reasons:
            edits.append(self.set_keyword(node, "removal_policy", self.ref(DESTROY)))

        if qualified == BUCKET:
            edits += self._empty_bucket(node, construct, reasons)
        elif qualified == REPOSITORY:
            edits += self._empty_repository(node, construct, reasons)
        if edits:
            self.report("; ".join(reasons), edits)

    def _method_form(self, node: cst.Call) -> None:
        """`x.apply_removal_policy(RemovalPolicy.RETAIN)` where `x` is bound once to a covered
        construct: the argument becomes DESTROY. A bucket or repository also needs the policy
        in its constructor, since auto-emptying is refused there without DESTROY."""
        found = method_form(self, node)
        if found is None:
            return
        receiver, statement, created, policy_arg = found
        if self.resolve(created.func) not in self.covered:
            return
        policy = known_policy(self, policy_arg.value)
        construct = code(created.func)
        who = construct if receiver is created else f"{code(receiver)} ({construct})"
        if policy is None:
            self.report_without_fix(
                f"{who}.apply_removal_policy({code(policy_arg.value)}): not known before run time",
                "the removal policy is computed at run time; make it RemovalPolicy.DESTROY for the test environment",
                node,
            )
            return
        if policy not in RETAINING:
            return
        destroy = self.ref(DESTROY)
        edits = [self.change(node, with_policy(node, destroy))]
        qualified = self.resolve(created.func)
        if qualified in (BUCKET, REPOSITORY) and statement is not None and not layout.has_double_star(created):
            own = layout.keyword_arg(created, "removal_policy")
            if own is None or policy_name(self, own.value) in RETAINING:
                edits.append(self.set_keyword(created, "removal_policy", destroy, statement))
            empty = "auto_delete_objects" if qualified == BUCKET else "empty_on_delete"
            if layout.keyword_arg(created, empty) is None and layout.keyword_arg(created, "auto_delete_images") is None:
                edits.append(self.set_keyword(created, empty, "True", statement))
                if qualified == BUCKET and layout.keyword_arg(created, "enforce_ssl") is None and not is_website_bucket(created):
                    edits.append(self.set_keyword(created, "enforce_ssl", "True", statement))
        self.report(
            f"{who} with apply_removal_policy({code(policy_arg.value)}): kept on stack deletion",
            edits,
            anchor=self.current_statement,
            node=node,
        )

    def _empty_bucket(self, node: cst.Call, construct: str, reasons: list[str]) -> list:
        auto_delete = layout.keyword_arg(node, "auto_delete_objects")
        edits = []
        if auto_delete is None or _is_literal(auto_delete.value, "False"):
            if not reasons:
                reasons.append(f"{construct} with DESTROY but without auto_delete_objects: stack deletion fails while it holds objects")
            edits.append(self.set_keyword(node, "auto_delete_objects", "True"))
        elif not reasons:
            return []
        if layout.keyword_arg(node, "enforce_ssl") is None and not is_website_bucket(node):
            # auto-delete adds a bucket policy; without SSL enforcement cdk-nag reports S10. Not on a
            # website bucket: its HTTP-only website endpoint would answer every request with 403.
            edits.append(self.set_keyword(node, "enforce_ssl", "True"))
        return edits

    def _empty_repository(self, node: cst.Call, construct: str, reasons: list[str]) -> list:
        empty = layout.keyword_arg(node, "empty_on_delete")
        legacy = layout.keyword_arg(node, "auto_delete_images")
        if legacy is not None and _is_literal(legacy.value, "True"):
            reasons.append("`auto_delete_images` is deprecated: use `empty_on_delete`")
            if empty is None:
                return [self.change(node, _rename_keyword("auto_delete_images", "empty_on_delete", "True"))]
            edits = [self.change(node, lambda call: layout.remove_keyword(call, "auto_delete_images"))]
            if not _is_literal(empty.value, "True"):
                edits.append(self.set_keyword(node, "empty_on_delete", "True"))
            return edits
        if legacy is not None:
            return []  # auto_delete_images=<something else>: the user decides
        if empty is None or _is_literal(empty.value, "False"):
            if not reasons:
                reasons.append(f"{construct} with DESTROY but without empty_on_delete: stack deletion fails while it holds images")
            return [self.set_keyword(node, "empty_on_delete", "True")]
        return []
