"""AwsSolutions-CFR7: a CloudFront S3 origin without an origin access control.

cdk-nag 3 (CloudFrontDistributionS3OriginAccessControl) looks at each origin of a
CfnDistribution whose domain name resolves to a CfnBucket of the stack (the bucket's REST
endpoint) and flags it when the origin has no `OriginAccessControlId`. `origins.S3Origin(bucket)`
(deprecated in aws-cdk-lib 2) gives such an origin an origin access identity (OAI), the legacy
mechanism, and no OAC. The fix rewrites the call to
`origins.S3BucketOrigin.with_origin_access_control(bucket, ...)`, which creates an
`AWS::CloudFront::OriginAccessControl`, sets the origin's `OriginAccessControlId` and grants the
distribution (not an OAI) `s3:GetObject` in the bucket policy. Every keyword of S3Origin but
`origin_access_identity` is a keyword of `with_origin_access_control` with the same meaning
(`inspect.signature` on aws-cdk-lib 2.275; tests/test_awssolutions_cfr7_ec26.py checks it), so the
arguments are kept as written.

Only a bucket the file makes is fixed: the origin's bucket is a `s3.Bucket(...)` call, in the
call or held in a name assigned once (a local or module name, or a `self.<attribute>` assigned
once in the class). Reported without a fix:
- a website bucket (`website_index_document=`, `website_error_document=`,
  `website_redirect=`, `website_routing_rules=`): S3Origin then makes an HTTP origin on the
  bucket's website endpoint, where an OAC does not apply (the origin is not an S3 REST origin;
  cdk-nag's CFR7 does not flag it either); the website features (index documents in folders,
  redirects) would be lost;
- a bucket cdkfix cannot see (a parameter, an attribute of another construct, an imported
  bucket): whether it is a website bucket decides what S3Origin does, and an imported bucket's
  policy is not in the stack, so CloudFront would be refused;
- `origin_access_identity=`: the user chose an OAI, which other code (a `grant_read`, a bucket
  policy) may rely on; `origin_access_control_id=` already states an OAC: left alone;
- a `**` splat in the origin or in the bucket.

Fix safety: UNSAFE. Access changes: the bucket policy's statement for the OAI is replaced by one
for the CloudFront service principal conditioned on the distribution's ARN, and the OAI resource
is deleted (anything else granted to it loses access); a KMS-encrypted bucket also needs the key
to allow CloudFront. No resource is replaced.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import assigned_once
from cdkfix.transforms.nag_v3._common import Unknown

S3_ORIGIN = "aws_cdk.aws_cloudfront_origins.S3Origin"
S3_BUCKET_ORIGIN = "aws_cdk.aws_cloudfront_origins.S3BucketOrigin"
BUCKET = "aws_cdk.aws_s3.Bucket"
# S3Origin's keywords that `S3BucketOrigin.with_origin_access_control` takes with the same meaning
# (aws-cdk-lib 2.275; tests/test_awssolutions_cfr7_ec26.py compares both signatures).
CARRIED = frozenset({
    "bucket", "origin_path", "connection_attempts", "connection_timeout", "custom_headers", "origin_id",
    "origin_shield_enabled", "origin_shield_region", "response_completion_timeout",
})
WEBSITE = ("website_index_document", "website_error_document", "website_redirect", "website_routing_rules")


class Cfr7OriginAccessControl(Rule):
    __doc__ = __doc__
    code = "AwsSolutions-CFR7"
    name = "awssolutions-cloudfront-origin-access-control"
    title = "CloudFront S3 origin without an origin access control"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-CFR7: The CloudFront distribution does not use an origin access control with an S3 "
        "origin. `origins.S3Origin` (deprecated) gives the origin a legacy origin access identity; an origin access "
        "control signs CloudFront's requests to the bucket (SigV4, SSE-KMS buckets, every Region)."
    )
    fix = (
        "Rewrites `origins.S3Origin(bucket, ...)` to `origins.S3BucketOrigin.with_origin_access_control(bucket, ...)`, "
        "keeping the other arguments (all of S3Origin's but `origin_access_identity` carry over). Only a bucket made "
        "in the file by `s3.Bucket(...)` (in the call, or in a name or `self` attribute assigned once) is fixed. "
        "Reported without a fix: a website bucket (S3Origin uses its HTTP website endpoint, where an OAC does not "
        "apply), a bucket cdkfix cannot see (a parameter, an imported bucket: whether it is a website bucket decides "
        "what S3Origin does), `origin_access_identity=`, a `**` splat. An origin with `origin_access_control_id=` "
        "is left alone."
    )
    impact = (
        "UNSAFE: access changes: the bucket policy grants the distribution (CloudFront service principal, "
        "conditioned on the distribution's ARN) instead of the origin access identity, which is deleted."
    )
    calls = frozenset({S3_ORIGIN})
    examples = [
        Example(
            name="module alias, the bucket in a name, other keywords kept",
            before="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_s3 as s3

site = s3.Bucket(self, "Site", enforce_ssl=True)
cloudfront.Distribution(
    self,
    "Cdn",
    default_behavior=cloudfront.BehaviorOptions(origin=origins.S3Origin(site, origin_path="/public")),
)
""",
            after="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_s3 as s3

site = s3.Bucket(self, "Site", enforce_ssl=True)
cloudfront.Distribution(
    self,
    "Cdn",
    default_behavior=cloudfront.BehaviorOptions(origin=origins.S3BucketOrigin.with_origin_access_control(site, origin_path="/public")),
)
""",
        ),
        Example(
            name="classes imported by name, the bucket in a self attribute",
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_cloudfront import BehaviorOptions, Distribution
from aws_cdk.aws_cloudfront_origins import S3Origin
from aws_cdk.aws_s3 import Bucket


class Site(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.bucket = Bucket(self, "Content", enforce_ssl=True)
        self.origin = S3Origin(self.bucket)
        Distribution(self, "Cdn", default_behavior=BehaviorOptions(origin=self.origin))
""",
            after="""\
from aws_cdk import Stack
from aws_cdk.aws_cloudfront import BehaviorOptions, Distribution
from aws_cdk.aws_cloudfront_origins import S3Origin
from aws_cdk.aws_s3 import Bucket
from aws_cdk import aws_cloudfront_origins as cloudfront_origins


class Site(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.bucket = Bucket(self, "Content", enforce_ssl=True)
        self.origin = cloudfront_origins.S3BucketOrigin.with_origin_access_control(self.bucket)
        Distribution(self, "Cdn", default_behavior=BehaviorOptions(origin=self.origin))
""",
        ),
        Example(
            name="import aws_cdk as cdk, the bucket made in the call, the bucket as a keyword",
            before="""\
import aws_cdk as cdk

origin = cdk.aws_cloudfront_origins.S3Origin(bucket=cdk.aws_s3.Bucket(self, "Media", enforce_ssl=True), origin_id="media")
cdk.aws_cloudfront.Distribution(self, "Cdn", default_behavior=cdk.aws_cloudfront.BehaviorOptions(origin=origin))
""",
            after="""\
import aws_cdk as cdk

origin = cdk.aws_cloudfront_origins.S3BucketOrigin.with_origin_access_control(bucket=cdk.aws_s3.Bucket(self, "Media", enforce_ssl=True), origin_id="media")
cdk.aws_cloudfront.Distribution(self, "Cdn", default_behavior=cdk.aws_cloudfront.BehaviorOptions(origin=origin))
""",
        ),
        Example(
            name="reported without a fix: a website bucket, an OAI chosen by the user, a bucket from a parameter",
            before="""\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_s3 as s3


def build(self, shared_bucket):
    website = s3.Bucket(self, "Website", website_index_document="index.html")
    assets = s3.Bucket(self, "Assets", enforce_ssl=True)
    identity = cloudfront.OriginAccessIdentity(self, "Identity")
    assets.grant_read(identity)
    cloudfront.Distribution(
        self,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.S3Origin(website)),
        additional_behaviors={
            "/assets/*": cloudfront.BehaviorOptions(origin=origins.S3Origin(assets, origin_access_identity=identity)),
            "/shared/*": cloudfront.BehaviorOptions(origin=origins.S3Origin(shared_bucket)),
        },
    )
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != S3_ORIGIN:
            return
        if layout.keyword_arg(node, "origin_access_control_id") is not None:
            return  # an OAC stated by the user: cdk-nag counts the origin as compliant
        what = code(node.func)
        message = f"{what} without an origin access control ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `origin_access_identity` or `origin_access_control_id`", node)
            return
        if layout.keyword_arg(node, "origin_access_identity") is not None:
            self.report_without_fix(
                message,
                "`origin_access_identity=` is the user's choice, which other code (a grant, a bucket policy) may rely on",
                node,
            )
            return
        others = [arg.keyword.value for arg in node.args if arg.keyword is not None and arg.keyword.value not in CARRIED]
        if others:
            self.report_without_fix(message, f"`{others[0]}=` has no counterpart in with_origin_access_control", node)
            return
        bucket = layout.argument(node, 0, "bucket")
        if bucket is None:
            return  # not a valid call: Python or jsii refuses it before cdk-nag sees it
        why = self._not_rest_bucket(bucket.value)
        if why:
            self.report_without_fix(message, why, node)
            return
        replacement = f"{self.ref(S3_BUCKET_ORIGIN)}.with_origin_access_control"
        func = self.expression(replacement)
        self.report(message, [self.change(node, lambda updated: updated.with_changes(func=func))])

    def _not_rest_bucket(self, value: cst.BaseExpression) -> str:
        """Why the origin's bucket is not known to be a bucket of the stack served by its REST endpoint."""
        name = dotted_name(value) if not isinstance(value, cst.Call) else None
        if name is not None:
            try:
                value = assigned_once(self, name)
            except Unknown as reason:
                return (
                    f"the bucket {reason}; S3Origin uses a website bucket's HTTP endpoint, where an origin access "
                    "control does not apply"
                )
        if not isinstance(value, cst.Call) or self.resolve(value.func) != BUCKET:
            return (
                f"the bucket `{code(value)}` is not an `s3.Bucket(...)` of this file: an imported bucket's policy is "
                "not in the stack, and S3Origin uses a website bucket's HTTP endpoint"
            )
        if layout.has_double_star(value):
            return "a `**` splat in the bucket may make it a website bucket"
        for keyword in WEBSITE:
            if layout.keyword_arg(value, keyword) is not None:
                return (
                    f"a website bucket (`{keyword}=`): S3Origin serves its HTTP website endpoint, where an origin "
                    "access control does not apply (`origins.S3StaticWebsiteOrigin` is the non-deprecated spelling)"
                )
        return ""
