"""AwsSolutions-S1: an S3 bucket without server access logs gets an access-log bucket.

cdk-nag 3 (S3BucketLoggingEnabled) flags a CfnBucket without a LoggingConfiguration unless
another bucket of the same stack logs to it. The fix inserts a log bucket before the
statement, compliant itself: it is that target (S1), SSE-S3 encrypted (the only encryption
S3 server access logging delivers to), `enforce_ssl=True` (S10), public access blocked (S2),
and points the bucket's `server_access_logs_bucket=` at it.
"""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import construct_id, static_text
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions import s1_pipeline_artifact_bucket as pipeline_artifacts
from cdkfix.transforms.awssolutions._scaffold import (
    BUCKET, binding, bucket_lifetime, callee, in_plain_statement, keyword_uses, log_bucket_source, scope_and_id,
)

# A bucket the file names like a log bucket probably receives logs (CloudFront, ELB, another
# stack's buckets): whether its own access is logged, and where, is a human choice.
_LOG_WORDS = re.compile(r"log", re.IGNORECASE)


class S1ServerAccessLogs(Rule):
    code = "AwsSolutions-S1"
    name = "awssolutions-s3-server-access-logs"
    title = "S3 bucket without server access logs"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-S1: The S3 Bucket has server access logs disabled. Without them there is no record "
        "of who read, wrote or deleted which object."
    )
    fix = (
        "Inserts `<name>_access_logs = s3.Bucket(<scope>, \"<Id>AccessLogs\", encryption=s3.BucketEncryption.S3_MANAGED, "
        "enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)` before the statement (with the "
        "bucket's own `removal_policy=` and `auto_delete_objects=` when they are plain names or literals; in a "
        "destroyable run always `RemovalPolicy.DESTROY` and `auto_delete_objects=True`) and sets "
        "`server_access_logs_bucket=` on the bucket. A bucket with `server_access_logs_bucket=` or "
        "`server_access_logs_prefix=`, or that another bucket of the file logs to, is left alone. Reported without a "
        "fix: a `**` splat; a bucket the file passes as `log_bucket=`, or whose name or id says it holds logs; a "
        "bucket with no plain scope and id or not in a plain statement."
        + pipeline_artifacts.FIX_TEXT
    )
    impact = (
        "UNSAFE: a new bucket, billed for the log objects S3 delivers to it (storage and requests). A bucket "
        "of the user's is not replaced."
        + pipeline_artifacts.IMPACT_TEXT
    )
    # The pipeline's artifact bucket: CloudFormation sees the old bucket (and its policy) leave
    # the stack and a new one come (the old one is retained, not deleted).
    replaces = ("AWS::S3::Bucket (logical ID changes)", "AWS::S3::BucketPolicy (logical ID changes)")
    calls = frozenset({BUCKET}) | pipeline_artifacts.PIPELINE_CALLS
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_s3 as s3

assets = s3.Bucket(self, "Assets", enforce_ssl=True)
""",
            after="""\
from aws_cdk import aws_s3 as s3

assets_access_logs = s3.Bucket(
    self,
    "AssetsAccessLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)

assets = s3.Bucket(self, "Assets", enforce_ssl=True, server_access_logs_bucket=assets_access_logs)
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, lifetime copied",
            before="""\
import aws_cdk as cdk

self.data = cdk.aws_s3.Bucket(
    self,
    "Data",
    versioned=True,
    removal_policy=cdk.RemovalPolicy.DESTROY,
    auto_delete_objects=True,
)
""",
            after="""\
import aws_cdk as cdk

data_access_logs = cdk.aws_s3.Bucket(
    self,
    "DataAccessLogs",
    encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
    removal_policy=cdk.RemovalPolicy.DESTROY,
    auto_delete_objects=True,
)

self.data = cdk.aws_s3.Bucket(
    self,
    "Data",
    versioned=True,
    removal_policy=cdk.RemovalPolicy.DESTROY,
    auto_delete_objects=True,
    server_access_logs_bucket=data_access_logs,
)
""",
        ),
        Example(
            name="class imported by name, bare statement, f-string id",
            before="""\
from aws_cdk.aws_s3 import Bucket

stage = "prod"
Bucket(self, f"Uploads{stage}")
""",
            after="""\
from aws_cdk.aws_s3 import Bucket
from aws_cdk import aws_s3 as s3

stage = "prod"
access_logs = Bucket(
    self,
    f"UploadsAccessLogs{stage}",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)
Bucket(self, f"Uploads{stage}", server_access_logs_bucket=access_logs)
""",
        ),
        Example(
            name="left alone: logs given, a prefix (logs to itself), the target of another bucket's logs",
            before="""\
from aws_cdk import aws_s3 as s3

target = s3.Bucket(self, "Target", enforce_ssl=True, server_access_logs_prefix="self/")
logged = s3.Bucket(self, "Logged", enforce_ssl=True, server_access_logs_bucket=target)
""",
        ),
        # Appended: the fix-effect harness names examples by their index.
        *pipeline_artifacts.EXAMPLES,
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in pipeline_artifacts.PIPELINE_CALLS:
            pipeline_artifacts.visit_pipeline(self, node, qualified)
            return
        if qualified != BUCKET:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack server access logs (S1)", "a `**` splat may set them", node)
            return
        if any(layout.keyword_arg(node, k) is not None for k in ("server_access_logs_bucket", "server_access_logs_prefix")):
            return
        name = binding(self, node)
        uses = keyword_uses(self, frozenset({"server_access_logs_bucket", "log_bucket"})).get(name, []) if name else []
        if any(keyword == "server_access_logs_bucket" and self.resolve(call.func) == BUCKET for keyword, call in uses):
            return  # another bucket logs to it: cdk-nag counts it as compliant
        message = f"{what} without server access logs ({self.title})"
        if uses or _LOG_WORDS.search(f"{name or ''} {static_text(construct_id(node))}"):
            self.report_without_fix(message, "it holds logs: whether its own access is logged, and where, is a human choice", node)
            return
        place = scope_and_id(node, "AccessLogs", "AccessLogs")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new bucket next to", node)
            return
        scope, new_id = place
        lifetime = bucket_lifetime(self, node)
        if lifetime is None:
            self.report_without_fix(message, "its removal policy is not a plain name: the log bucket's is a human choice", node)
            return
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_access_logs" if name else "access_logs")
        insert = self.insert_before(self.current_statement, log_bucket_source(self, variable, scope, new_id, lifetime))
        change = self.set_keyword(node, "server_access_logs_bucket", variable)
        self.report(message, [change, insert], node=node)
