"""AwsSolutions-CFR3: a CloudFront distribution without access logs gets a log bucket.

cdk-nag 3 (CloudFrontDistributionAccessLogging) flags a CfnDistribution whose
DistributionConfig has no `Logging`. `cloudfront.Distribution(enable_logging=True)` alone would
clear it, but the bucket aws-cdk-lib 2.275 then makes (`<Distribution>/LoggingBucket`: SSE-S3 and
`ObjectOwnership.OBJECT_WRITER`, nothing else) brings AwsSolutions-S1 and S10 findings of its
own; CloudFrontWebDistribution's `logging_config=LoggingConfiguration()` bucket is worse: no
object ownership either, so on an S3 bucket created after April 2023 (ACLs disabled by default)
CloudFront refuses it at deploy time ("The S3 bucket that you specified for CloudFront logs does
not enable ACL access").

The fix inserts, before the statement, two buckets built by the scaffold's `log_bucket_pair`
(transforms/awssolutions/_scaffold.py, shared with ELB2): the distribution's log bucket and the
bucket that receives the log bucket's own server access logs (S1; cdk-nag counts the second one
as compliant as the target of another bucket's logs). The log bucket is what CloudFront standard
logging (legacy) needs (Amazon CloudFront Developer Guide, "Configure standard logging (legacy)",
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html, and
aws/aws-cdk#25291):
- ACLs enabled: CloudFront gives the awslogsdelivery account FULL_CONTROL through the bucket ACL
  and writes the log files with it; `ObjectOwnership.BUCKET_OWNER_ENFORCED` (S3's default for new
  buckets since April 2023) disables ACLs, so the bucket gets `ObjectOwnership.OBJECT_WRITER`,
  the setting aws-cdk-lib's own logging bucket uses;
- SSE-S3: CloudFront does not write standard logs to a bucket encrypted with SSE-KMS;
- `enforce_ssl=True` (S10) and public access blocked (S2): neither affects log delivery (the
  awslogsdelivery grant is not a public ACL; CloudFront writes over HTTPS).
Then `Distribution(enable_logging=True, log_bucket=<bucket>)`, or
`CloudFrontWebDistribution(logging_config=LoggingConfiguration(bucket=<bucket>))`.

Left alone: a distribution with `log_bucket=`, `enable_logging=` (True: CDK's bucket; cdk-nag's
CFR3 passes) or `logging_config=`. Reported without a fix: `enable_logging=False` (the user
turned logging off) or a run-time `enable_logging=` value; a `**` splat; no plain scope, id or
statement to put the buckets next to; a lifetime keyword that is not plain (never on these
constructs, kept for the shared helper's contract).

Fix safety: UNSAFE. Two new buckets, billed for the log objects CloudFront and S3 deliver
(storage and requests), and the awslogsdelivery account gets write access to the log bucket
through its ACL. The distribution is updated in place (its Logging property), not replaced.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import (
    binding, bucket_lifetime, callee, in_plain_statement, log_bucket_pair, log_bucket_places,
)

DISTRIBUTION = "aws_cdk.aws_cloudfront.Distribution"
WEB_DISTRIBUTION = "aws_cdk.aws_cloudfront.CloudFrontWebDistribution"
LOGGING_CONFIGURATION = "aws_cdk.aws_cloudfront.LoggingConfiguration"
OBJECT_WRITER = "aws_cdk.aws_s3.ObjectOwnership.OBJECT_WRITER"
# The keywords by which each construct states its logging: any of them present is the user's decision.
DISTRIBUTIONS = frozenset({DISTRIBUTION, WEB_DISTRIBUTION})


class Cfr3DistributionAccessLogs(Rule):
    __doc__ = __doc__
    code = "AwsSolutions-CFR3"
    name = "awssolutions-cloudfront-access-logs"
    title = "CloudFront distribution without access logs"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-CFR3: The CloudFront distribution does not have access logging enabled. Without "
        "access logs there is no record of which viewer asked for which object, from where, and what CloudFront "
        "answered."
    )
    fix = (
        "Inserts before the statement `<name>_logs_access_logs = s3.Bucket(<scope>, \"<Id>LogsAccessLogs\", "
        "encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)` "
        "and `<name>_logs = s3.Bucket(<scope>, \"<Id>Logs\", <the same>, object_ownership=s3.ObjectOwnership.OBJECT_WRITER, "
        "server_access_logs_bucket=<name>_logs_access_logs)` (CloudFront standard logging needs ACLs and SSE-S3), then "
        "sets `enable_logging=True, log_bucket=<name>_logs` on a `cloudfront.Distribution`, or "
        "`logging_config=cloudfront.LoggingConfiguration(bucket=<name>_logs)` on a `CloudFrontWebDistribution`. In a "
        "destroyable run both buckets get `RemovalPolicy.DESTROY` and `auto_delete_objects=True`. Left alone: "
        "`log_bucket=`, `enable_logging=True`, `logging_config=`. Reported without a fix: `enable_logging=False` or a "
        "run-time value, a `**` splat, no plain scope, id and statement."
    )
    impact = (
        "UNSAFE: two new buckets, billed for the log objects CloudFront and S3 deliver (storage and requests); "
        "CloudFront's log delivery account may write to the log bucket (its ACL). The distribution is not replaced."
    )
    calls = DISTRIBUTIONS
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins

cdn = cloudfront.Distribution(
    self,
    "Cdn",
    default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("origin.example.com")),
)
""",
            after="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3

cdn_logs_access_logs = s3.Bucket(
    self,
    "CdnLogsAccessLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)
cdn_logs = s3.Bucket(
    self,
    "CdnLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
    server_access_logs_bucket=cdn_logs_access_logs,
)

cdn = cloudfront.Distribution(
    self,
    "Cdn",
    default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("origin.example.com")),
    enable_logging=True,
    log_bucket=cdn_logs,
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, a self attribute, a CloudFrontWebDistribution",
            before="""\
import aws_cdk as cdk

self.site = cdk.aws_cloudfront.CloudFrontWebDistribution(
    self,
    "Site",
    origin_configs=[
        cdk.aws_cloudfront.SourceConfiguration(
            custom_origin_source=cdk.aws_cloudfront.CustomOriginConfig(domain_name="origin.example.com"),
            behaviors=[cdk.aws_cloudfront.Behavior(is_default_behavior=True)],
        )
    ],
)
""",
            after="""\
import aws_cdk as cdk

site_logs_access_logs = cdk.aws_s3.Bucket(
    self,
    "SiteLogsAccessLogs",
    encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
)
site_logs = cdk.aws_s3.Bucket(
    self,
    "SiteLogs",
    encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
    object_ownership=cdk.aws_s3.ObjectOwnership.OBJECT_WRITER,
    server_access_logs_bucket=site_logs_access_logs,
)

self.site = cdk.aws_cloudfront.CloudFrontWebDistribution(
    self,
    "Site",
    origin_configs=[
        cdk.aws_cloudfront.SourceConfiguration(
            custom_origin_source=cdk.aws_cloudfront.CustomOriginConfig(domain_name="origin.example.com"),
            behaviors=[cdk.aws_cloudfront.Behavior(is_default_behavior=True)],
        )
    ],
    logging_config=cdk.aws_cloudfront.LoggingConfiguration(bucket=site_logs),
)
""",
        ),
        Example(
            name="classes imported by name, a bare statement",
            before="""\
from aws_cdk.aws_cloudfront import BehaviorOptions, Distribution
from aws_cdk.aws_cloudfront_origins import HttpOrigin

Distribution(self, "Web", default_behavior=BehaviorOptions(origin=HttpOrigin("origin.example.com")))
""",
            after="""\
from aws_cdk.aws_cloudfront import BehaviorOptions, Distribution
from aws_cdk.aws_cloudfront_origins import HttpOrigin
from aws_cdk import aws_s3 as s3

distribution_logs_access_logs = s3.Bucket(
    self,
    "WebLogsAccessLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)
distribution_logs = s3.Bucket(
    self,
    "WebLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
    server_access_logs_bucket=distribution_logs_access_logs,
)

Distribution(self, "Web", default_behavior=BehaviorOptions(origin=HttpOrigin("origin.example.com")), enable_logging=True, log_bucket=distribution_logs)
""",
        ),
        Example(
            name="left alone: a log bucket given, CDK's own bucket asked for, a web distribution's logging_config",
            before="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins

origin = origins.HttpOrigin("origin.example.com")
cloudfront.Distribution(self, "A", default_behavior=cloudfront.BehaviorOptions(origin=origin), log_bucket=bucket)
cloudfront.Distribution(self, "B", default_behavior=cloudfront.BehaviorOptions(origin=origin), enable_logging=True)
cloudfront.CloudFrontWebDistribution(self, "C", origin_configs=[], logging_config=cloudfront.LoggingConfiguration())
""",
        ),
        Example(
            name="reported without a fix: logging turned off, a run-time value, a splat",
            before="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins


def build(self, logging_on, options):
    origin = origins.HttpOrigin("origin.example.com")
    cloudfront.Distribution(self, "A", default_behavior=cloudfront.BehaviorOptions(origin=origin), enable_logging=False)
    cloudfront.Distribution(self, "B", default_behavior=cloudfront.BehaviorOptions(origin=origin), enable_logging=logging_on)
    cloudfront.Distribution(self, "C", **options)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified not in DISTRIBUTIONS:
            return
        message = f"{callee(node)} without access logs ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set its logging", node)
            return
        if qualified == DISTRIBUTION:
            enable = layout.keyword_arg(node, "enable_logging")
            if layout.keyword_arg(node, "log_bucket") is not None:
                return  # a bucket given: CDK writes Logging, cdk-nag passes (or CDK refuses enable_logging=False)
            if enable is not None:
                value = code(enable.value)
                if value == "True":
                    return  # CDK's own LoggingBucket: CFR3 passes (the bucket's S1/S10 are theirs)
                why = (
                    "`enable_logging=False`: access logging turned off by the user"
                    if value == "False"
                    else f"`enable_logging={value}` is a run-time value"
                )
                self.report_without_fix(message, why, node)
                return
        elif layout.keyword_arg(node, "logging_config") is not None:
            return  # logging configured: CDK writes Logging
        places = log_bucket_places(node, "Logs")
        if places is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a log bucket next to", node)
            return
        lifetime = bucket_lifetime(self, node)
        if lifetime is None:
            self.report_without_fix(message, "a lifetime keyword that is not a plain name: the log bucket's is a human choice", node)
            return
        name = binding(self, node)
        base = name.rsplit(".", 1)[-1] if name else "distribution"
        ownership = f", object_ownership={self.ref(OBJECT_WRITER)}"
        bucket, source = log_bucket_pair(self, places, f"{base}_logs", lifetime, extra=ownership)
        if qualified == DISTRIBUTION:
            logging = [self.set_keyword(node, "enable_logging", "True"), self.set_keyword(node, "log_bucket", bucket)]
        else:
            logging = [self.set_keyword(node, "logging_config", f"{self.ref(LOGGING_CONFIGURATION)}(bucket={bucket})")]
        self.report(message, [self.insert_before(self.current_statement, source), *logging], node=node)
