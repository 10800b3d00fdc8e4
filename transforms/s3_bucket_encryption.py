"""CDK-B2: S3 bucket without explicit encryption."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._s3 import is_website_bucket

BUCKET = "aws_cdk.aws_s3.Bucket"
S3_MANAGED = "aws_cdk.aws_s3.BucketEncryption.S3_MANAGED"


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
        "Adds `encryption=s3.BucketEncryption.S3_MANAGED` and, when absent, `enforce_ssl=True`. A bucket with any "
        "`encryption=` or an `encryption_key=` (which implies KMS) is left alone; so is an explicit `enforce_ssl`. "
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
            name="encrypted, KMS key given, splat, imported bucket and look-alikes left alone",
            before="""\
from aws_cdk import aws_kms as kms, aws_s3 as s3

s3.Bucket(self, "Kms", encryption=s3.BucketEncryption.KMS_MANAGED)
s3.Bucket(self, "Key", encryption_key=kms.Key(self, "BucketKey"))
s3.Bucket(self, "Splat", **props)
s3.Bucket.from_bucket_name(self, "Imported", "my-bucket")
storage.Bucket("not-cdk")
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, BUCKET):
            return
        if layout.keyword_arg(node, "encryption") is not None or layout.keyword_arg(node, "encryption_key") is not None:
            return
        edits = [self.set_keyword(node, "encryption", self.ref(S3_MANAGED))]
        message = f"{code(node.func)} without encryption"
        if layout.keyword_arg(node, "enforce_ssl") is None and not is_website_bucket(node):
            # CDK-B1 may add the same keyword to the same bucket: set_keyword finds it on the
            # updated call and sets it again, so the call gets it once, whichever fixes apply.
            edits.append(self.set_keyword(node, "enforce_ssl", "True"))
            message += " or SSL enforcement"
        self.report(message, edits)
