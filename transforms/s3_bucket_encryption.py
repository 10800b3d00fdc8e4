"""CDK-B2: S3 bucket without explicit encryption."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import known_member
from cdkfix.transforms._s3 import is_website_bucket

BUCKET = "aws_cdk.aws_s3.Bucket"
S3_MANAGED = "aws_cdk.aws_s3.BucketEncryption.S3_MANAGED"
UNENCRYPTED = "aws_cdk.aws_s3.BucketEncryption.UNENCRYPTED"


class S3BucketEncryption(Rule):
    code = "CDK-B2"
    name = "s3-bucket-encryption"
    title = "S3 Bucket Missing Encryption"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    # The harness shows it: `enforce_ssl=True` adds an aws:SecureTransport deny to the bucket
    # policy of an existing bucket, so clients still on plain HTTP start getting 403 (access
    # narrowed, a running service changed). The encryption keyword alone changes nothing deployed.
    safety = Safety.UNSAFE
    issue = (
        "The bucket states no encryption, although the requirement is SSE-S3 on every S3 bucket. S3 encrypts new "
        "objects with SSE-S3 by default since 2023, but only an explicit setting documents the requirement, "
        "survives a change of defaults and satisfies policy checks that read the template. Without "
        "`enforce_ssl=True` the bucket also accepts plain-HTTP requests (cdk-nag AwsSolutions-S10)."
    )
    fix = (
        "Adds `encryption=s3.BucketEncryption.S3_MANAGED` and, when absent, `enforce_ssl=True`. An explicit "
        "`encryption=s3.BucketEncryption.UNENCRYPTED` (or `None`), written there or in a variable bound once to it, "
        "is replaced the same way. A bucket with another `encryption=` or an `encryption_key=` (which implies KMS) "
        "is left alone; so is an explicit `enforce_ssl`. Encryption chosen at run time, or keywords from a `**` "
        "splat, are reported without a fix. "
        "A website bucket (`website_index_document`, `website_error_document`, `website_redirect`, "
        "`website_routing_rules`, or `public_read_access` other than `False`) gets the encryption only: S3 website "
        "endpoints are HTTP only, so `enforce_ssl=True` would answer every website request with 403."
    )
    impact = "Security gap: data at rest without a stated encryption, and requests accepted without TLS."
    calls = frozenset({BUCKET})
    examples = [
        Example(
            name="multi-line call with a trailing comment",
            before="""\
from aws_cdk import Duration, RemovalPolicy, aws_s3 as s3

cache_bucket = s3.Bucket(
    self,
    "CacheBucket",
    lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(7))],
    removal_policy=RemovalPolicy.DESTROY  # throwaway cache
)
""",
            after="""\
from aws_cdk import Duration, RemovalPolicy, aws_s3 as s3

cache_bucket = s3.Bucket(
    self,
    "CacheBucket",
    lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(7))],
    removal_policy=RemovalPolicy.DESTROY,  # throwaway cache
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True
)
""",
        ),
        Example(
            name="one-line call through `import aws_cdk as cdk`, enforce_ssl already set",
            before="""\
import aws_cdk as cdk

logs_bucket = cdk.aws_s3.Bucket(self, "Logs", enforce_ssl=True)
""",
            after="""\
import aws_cdk as cdk

logs_bucket = cdk.aws_s3.Bucket(self, "Logs", enforce_ssl=True, encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED)
""",
        ),
        Example(
            name="class imported directly, trailing comma",
            before="""\
from aws_cdk.aws_s3 import Bucket

Bucket(
    self,
    "Data",
    versioned=True,
)
""",
            after="""\
from aws_cdk.aws_s3 import Bucket
from aws_cdk import aws_s3 as s3

Bucket(
    self,
    "Data",
    versioned=True,
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
)
""",
        ),
        Example(
            name="`import aws_cdk.aws_s3 as s3`",
            before="""\
import aws_cdk.aws_s3 as s3

self.bucket = s3.Bucket(self, "Site", enforce_ssl=False)
""",
            after="""\
import aws_cdk.aws_s3 as s3

self.bucket = s3.Bucket(self, "Site", enforce_ssl=False, encryption=s3.BucketEncryption.S3_MANAGED)
""",
        ),
        Example(
            name="website buckets get the encryption only: the website endpoint is HTTP only",
            before="""\
from aws_cdk import aws_s3 as s3

site = s3.Bucket(
    self,
    "Site",
    website_index_document="index.html",
    public_read_access=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ACLS,
)
redirect = s3.Bucket(self, "Redirect", website_redirect=s3.RedirectTarget(host_name="example.com"))
""",
            after="""\
from aws_cdk import aws_s3 as s3

site = s3.Bucket(
    self,
    "Site",
    website_index_document="index.html",
    public_read_access=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ACLS,
    encryption=s3.BucketEncryption.S3_MANAGED,
)
redirect = s3.Bucket(self, "Redirect", website_redirect=s3.RedirectTarget(host_name="example.com"), encryption=s3.BucketEncryption.S3_MANAGED)
""",
        ),
        Example(
            name="encrypted, KMS key given, imported bucket and look-alikes left alone",
            before="""\
from aws_cdk import aws_kms as kms, aws_s3 as s3

s3.Bucket(self, "Kms", encryption=s3.BucketEncryption.KMS_MANAGED)
s3.Bucket(self, "Key", encryption_key=kms.Key(self, "BucketKey"))
s3.Bucket.from_bucket_name(self, "Imported", "my-bucket")
storage.Bucket("not-cdk")
""",
        ),
        Example(
            name="helper method returning the bucket in a plain Construct, module imported as `_s3`",
            before="""\
from aws_cdk import RemovalPolicy, aws_s3 as _s3
from constructs import Construct


class StaticAssets(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self._bucket = self._create_bucket("Assets")

    def _create_bucket(self, name):
        return _s3.Bucket(self,
            name,
            removal_policy=RemovalPolicy.DESTROY,  # NOT for production
            auto_delete_objects=True)
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_s3 as _s3
from constructs import Construct


class StaticAssets(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self._bucket = self._create_bucket("Assets")

    def _create_bucket(self, name):
        return _s3.Bucket(self,
            name,
            removal_policy=RemovalPolicy.DESTROY,  # NOT for production
            auto_delete_objects=True,
            encryption=_s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True)
""",
        ),
        Example(
            name="bucket built inline as another bucket's argument (server access logs)",
            before="""\
from aws_cdk import aws_s3 as s3

data = s3.Bucket(
    self,
    "Data",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    server_access_logs_bucket=s3.Bucket(self, "AccessLogs", object_ownership=s3.ObjectOwnership.OBJECT_WRITER),
)
""",
            after="""\
from aws_cdk import aws_s3 as s3

data = s3.Bucket(
    self,
    "Data",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    server_access_logs_bucket=s3.Bucket(self, "AccessLogs", object_ownership=s3.ObjectOwnership.OBJECT_WRITER, encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True),
)
""",
        ),
        Example(
            name="explicit UNENCRYPTED through a local variable, class and enum imported by name",
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_s3 import Bucket, BucketEncryption


class CacheStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cache_encryption = BucketEncryption.UNENCRYPTED
        self.cache_bucket = Bucket(self, "CacheBucket", encryption=cache_encryption, enforce_ssl=True)
""",
            after="""\
from aws_cdk import Stack
from aws_cdk.aws_s3 import Bucket, BucketEncryption


class CacheStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cache_encryption = BucketEncryption.UNENCRYPTED
        self.cache_bucket = Bucket(self, "CacheBucket", encryption=BucketEncryption.S3_MANAGED, enforce_ssl=True)
""",
        ),
        Example(
            name="cannot decide: a `**` splat, encryption chosen at run time",
            flagged=True,
            before="""\
from aws_cdk import aws_s3 as s3


def buckets(scope, props, encryption, prod):
    s3.Bucket(scope, "Splat", **props)
    s3.Bucket(scope, "Chosen", encryption=encryption)
    s3.Bucket(scope, "Prod", encryption=s3.BucketEncryption.KMS_MANAGED if prod else s3.BucketEncryption.UNENCRYPTED)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != BUCKET or layout.keyword_arg(node, "encryption_key") is not None:
            return  # a key implies KMS encryption
        construct = code(node.func)
        encryption = layout.keyword_arg(node, "encryption")
        if layout.has_double_star(node):
            if encryption is None:
                self.report_without_fix(
                    f"{construct} with a `**` splat: its encryption cannot be read",
                    "the keywords come from a `**` splat; state encryption=s3.BucketEncryption.S3_MANAGED where they are built",
                    node,
                )
            return
        if encryption is None:
            message = f"{construct} without encryption"
        else:
            member = known_member(self, encryption.value, "aws_cdk.aws_s3.BucketEncryption.")
            if member is None:
                self.report_without_fix(
                    f"{construct} with encryption={code(encryption.value)}: not known before run time",
                    "the encryption is chosen at run time; make sure it is never BucketEncryption.UNENCRYPTED",
                    node,
                )
                return
            if member not in (UNENCRYPTED, "None"):
                return
            message = f"{construct} with encryption={code(encryption.value)}: not encrypted"
        edits = [self.set_keyword(node, "encryption", self.ref(S3_MANAGED))]
        if layout.keyword_arg(node, "enforce_ssl") is None and not is_website_bucket(node):
            # CDK-B1 may add the same keyword to the same bucket: set_keyword finds it on the
            # updated call and sets it again, so the call gets it once, whichever fixes apply.
            edits.append(self.set_keyword(node, "enforce_ssl", "True"))
            message += " or SSL enforcement"
        self.report(message, edits)
