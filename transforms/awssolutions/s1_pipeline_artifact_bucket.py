"""AwsSolutions-S1 on the artifact bucket a CodePipeline makes for itself.

cdk-nag 3 (S3BucketLoggingEnabled) flags every CfnBucket without a LoggingConfiguration, and
that includes `<pipeline>/ArtifactsBucket`, the bucket `aws_codepipeline.Pipeline` creates
when it is given no `artifact_bucket=` (and `aws_cdk.pipelines.CodePipeline` through the
Pipeline it builds). The user never wrote an `s3.Bucket(...)` for it, so the Bucket rule
(s1_server_access_logs.py) cannot fix it; this is part of its rule, `S1ServerAccessLogs`,
which hands these calls here (one code, one `explain` page).

What CDK makes (aws-cdk-lib 2.275, aws-codepipeline/lib/pipeline.js): without
`artifact_bucket=` (and without `cross_region_replication_buckets=`)
`s3.Bucket(this, "ArtifactsBucket", bucket_name=PhysicalName.GENERATE_IF_NEEDED,
encryption=KMS_MANAGED, enforce_ssl=True, block_public_access=BLOCK_ALL,
removal_policy=RETAIN)`, or, when the pipeline has cross-account keys, a KMS key and alias too
and `encryption=KMS` with that key. Given `artifact_bucket=`, no key and no bucket are made.

The fix, when the pipeline is KNOWN to have no key, inserts before the statement that bucket
written out, with `server_access_logs_bucket=` a log bucket of the S1 scaffold (compliant
itself: SSE-S3, `enforce_ssl`, public access blocked, and the target of the artifact bucket's
logs), and passes `artifact_bucket=` the new bucket. Known to have no key:
- `pipelines.CodePipeline`: `cross_account_keys` absent or `False` (it passes
  `crossAccountKeys: props.crossAccountKeys ?? false`);
- `codepipeline.Pipeline`: `cross_account_keys=False` stated. Absent, it depends on the
  feature flag `@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse` in cdk.json,
  which a rule reading one Python file cannot see.

With a key (`cross_account_keys=True`) the bucket would need a customer-managed key of the
user's (cross-account deployments decrypt with it) or a grant on a new key, whose IAM
statements bring AwsSolutions-IAM5 findings of their own: reported without a fix.

Left alone: `artifact_bucket=` given (the user's bucket, judged where it is made), and
`pipelines.CodePipeline(code_pipeline=...)` (the artifact bucket is that Pipeline's, judged at
its own call; CodePipeline throws when both are given). Reported without a fix:
`cross_region_replication_buckets=` (the artifact bucket may be the one for the pipeline's
region, and `artifact_bucket=` cannot be given with it), a `**` splat, cross-account keys on
or unknown, a call with no plain scope, id and statement.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Example, Rule

from cdkfix.transforms.awssolutions._scaffold import (
    BLOCK_ALL, BUCKET, binding, bucket_lifetime, in_plain_statement, log_bucket_places, log_bucket_source,
)

CODE_PIPELINE = "aws_cdk.pipelines.CodePipeline"
PIPELINE = "aws_cdk.aws_codepipeline.Pipeline"
PIPELINE_CALLS = frozenset({CODE_PIPELINE, PIPELINE})
KMS_MANAGED = "aws_cdk.aws_s3.BucketEncryption.KMS_MANAGED"
GENERATE_IF_NEEDED = "aws_cdk.PhysicalName.GENERATE_IF_NEEDED"
RETAIN = "aws_cdk.RemovalPolicy.RETAIN"

FIX_TEXT = (
    " On pipelines (`pipelines.CodePipeline(...)`, `codepipeline.Pipeline(...)`) without `artifact_bucket=`, whose "
    "artifact bucket CDK creates (`<pipeline>/ArtifactsBucket`): inserts before the statement the bucket CDK would "
    "have made, `<name>_artifacts = s3.Bucket(<scope>, \"<Id>Artifacts\", "
    "bucket_name=PhysicalName.GENERATE_IF_NEEDED, encryption=s3.BucketEncryption.KMS_MANAGED, enforce_ssl=True, "
    "block_public_access=s3.BlockPublicAccess.BLOCK_ALL, removal_policy=RemovalPolicy.RETAIN, "
    "server_access_logs_bucket=<name>_artifacts_access_logs)` (in a destroyable run `RemovalPolicy.DESTROY` and "
    "`auto_delete_objects=True` instead), its log bucket `<Id>ArtifactsAccessLogs` as above, and passes "
    "`artifact_bucket=<name>_artifacts`. Only when the pipeline is known to have no KMS key: a CodePipeline without "
    "`cross_account_keys=` or with `False`, a Pipeline with `cross_account_keys=False` stated. Left alone: "
    "`artifact_bucket=` given, a CodePipeline with `code_pipeline=` (the bucket is that Pipeline's). Reported "
    "without a fix: `cross_account_keys=True` (the bucket would need a customer-managed key, or a key grant that "
    "brings IAM5 findings), a Pipeline without `cross_account_keys=` (its default is the feature flag "
    "`@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse` in cdk.json), a run-time value, "
    "`cross_region_replication_buckets=`, a `**` splat, a call with no plain scope, id and statement."
)
IMPACT_TEXT = (
    " On a pipeline: the pipeline gets a new artifact store, and its roles are granted the new bucket instead of "
    "the old one. The old ArtifactsBucket and its bucket policy leave the stack (the replacement listed below); the "
    "bucket's DeletionPolicy Retain keeps it in the account, orphaned, with its objects (delete it by hand). "
    "Executions running during the deployment keep their artifacts there: let them finish first."
)

_SYNTH = """\
    synth=pipelines.ShellStep(
        "Synth",
        input=pipelines.CodePipelineSource.connection(
            "owner/repo", "main", connection_arn=connection_arn
        ),
        commands=["npm ci", "npx cdk synth"],
    ),
"""

EXAMPLES = [
    Example(
        name="pipeline: a CDK Pipelines CodePipeline, module imported, bound to a name",
        before=f"""\
from aws_cdk import pipelines

pipeline = pipelines.CodePipeline(
    self,
    "Pipeline",
{_SYNTH})
""",
        after=f"""\
from aws_cdk import pipelines
from aws_cdk import aws_s3 as s3
from aws_cdk import PhysicalName
from aws_cdk import RemovalPolicy

pipeline_artifacts_access_logs = s3.Bucket(
    self,
    "PipelineArtifactsAccessLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)
pipeline_artifacts = s3.Bucket(
    self,
    "PipelineArtifacts",
    bucket_name=PhysicalName.GENERATE_IF_NEEDED,
    encryption=s3.BucketEncryption.KMS_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    removal_policy=RemovalPolicy.RETAIN,
    server_access_logs_bucket=pipeline_artifacts_access_logs,
)

pipeline = pipelines.CodePipeline(
    self,
    "Pipeline",
{_SYNTH}    artifact_bucket=pipeline_artifacts,
)
""",
    ),
    Example(
        name="pipeline: a CodePipeline Pipeline without cross-account keys, import aws_cdk as cdk, self attribute",
        before="""\
import aws_cdk as cdk

self.pipeline = cdk.aws_codepipeline.Pipeline(self, "Delivery", cross_account_keys=False)
self.pipeline.add_stage(stage_name="Source", actions=[cdk.aws_codepipeline_actions.CodeStarConnectionsSourceAction(
    action_name="Source", owner="owner", repo="repo", connection_arn=connection_arn, output=source_output)])
self.pipeline.add_stage(stage_name="Approve", actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")])
""",
        after="""\
import aws_cdk as cdk

pipeline_artifacts_access_logs = cdk.aws_s3.Bucket(
    self,
    "DeliveryArtifactsAccessLogs",
    encryption=cdk.aws_s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
)
pipeline_artifacts = cdk.aws_s3.Bucket(
    self,
    "DeliveryArtifacts",
    bucket_name=cdk.PhysicalName.GENERATE_IF_NEEDED,
    encryption=cdk.aws_s3.BucketEncryption.KMS_MANAGED,
    enforce_ssl=True,
    block_public_access=cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
    removal_policy=cdk.RemovalPolicy.RETAIN,
    server_access_logs_bucket=pipeline_artifacts_access_logs,
)

self.pipeline = cdk.aws_codepipeline.Pipeline(self, "Delivery", cross_account_keys=False, artifact_bucket=pipeline_artifacts)
self.pipeline.add_stage(stage_name="Source", actions=[cdk.aws_codepipeline_actions.CodeStarConnectionsSourceAction(
    action_name="Source", owner="owner", repo="repo", connection_arn=connection_arn, output=source_output)])
self.pipeline.add_stage(stage_name="Approve", actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")])
""",
    ),
    Example(
        name="pipeline: CDK Pipelines under an alias, a bare statement, f-string id, s3 already imported",
        before=f"""\
from aws_cdk import aws_s3 as s3, pipelines as pl

stage = "prod"
pl.CodePipeline(
    self,
    f"Pipeline{{stage}}",
    cross_account_keys=False,
{_SYNTH.replace("pipelines.", "pl.")})
""",
        after=f"""\
from aws_cdk import aws_s3 as s3, pipelines as pl
from aws_cdk import PhysicalName
from aws_cdk import RemovalPolicy

stage = "prod"
artifacts_access_logs = s3.Bucket(
    self,
    f"PipelineArtifactsAccessLogs{{stage}}",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)
artifacts = s3.Bucket(
    self,
    f"PipelineArtifacts{{stage}}",
    bucket_name=PhysicalName.GENERATE_IF_NEEDED,
    encryption=s3.BucketEncryption.KMS_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    removal_policy=RemovalPolicy.RETAIN,
    server_access_logs_bucket=artifacts_access_logs,
)
pl.CodePipeline(
    self,
    f"Pipeline{{stage}}",
    cross_account_keys=False,
{_SYNTH.replace("pipelines.", "pl.")}    artifact_bucket=artifacts,
)
""",
    ),
    Example(
        name="pipeline: left alone with artifact_bucket=, or a CodePipeline on a given code_pipeline=",
        before="""\
from aws_cdk import aws_codepipeline as codepipeline, pipelines

codepipeline.Pipeline(self, "Given", artifact_bucket=bucket)
pipelines.CodePipeline(self, "Wrapped", synth=synth, code_pipeline=pipeline)
""",
    ),
    Example(
        name="pipeline: reported without a fix: keys on, keys unknown (feature flag), a splat, replication buckets",
        before="""\
from aws_cdk import aws_codepipeline as codepipeline, pipelines

pipelines.CodePipeline(self, "CrossAccount", synth=synth, cross_account_keys=True)
codepipeline.Pipeline(self, "FlagDecides")
codepipeline.Pipeline(self, "RunTime", cross_account_keys=props.cross_account)
pipelines.CodePipeline(self, "Splat", synth=synth, **options)
codepipeline.Pipeline(self, "Replicated", cross_account_keys=False, cross_region_replication_buckets=buckets)
""",
        flagged=True,
    ),
]


def visit_pipeline(rule: Rule, node: cst.Call, qualified: str) -> None:
    """S1 on the artifact bucket of a pipeline call (`qualified` is in PIPELINE_CALLS)."""
    if layout.keyword_arg(node, "artifact_bucket") is not None:
        return  # the user's bucket: the Bucket rule judges it where it is made
    if qualified == CODE_PIPELINE and layout.keyword_arg(node, "code_pipeline") is not None:
        return  # the bucket is the given Pipeline's, judged at that Pipeline's own call
    message = f"{code(node.func)}'s artifact bucket without server access logs (AwsSolutions-S1)"
    if layout.has_double_star(node):
        rule.report_without_fix(message, "a `**` splat may give it an artifact bucket or cross-account keys", node)
        return
    if layout.keyword_arg(node, "cross_region_replication_buckets") is not None:
        rule.report_without_fix(
            message,
            "with `cross_region_replication_buckets=` the artifact bucket is the one for the pipeline's region when "
            "the map has it, and `artifact_bucket=` cannot be given with it",
            node,
        )
        return
    keys = layout.keyword_arg(node, "cross_account_keys")
    keys_text = code(keys.value) if keys is not None else None
    if keys_text == "True":
        rule.report_without_fix(
            message,
            "with cross-account keys the bucket is encrypted with a KMS key: a new bucket would need a "
            "customer-managed key of yours, or a grant on a new key whose statements bring AwsSolutions-IAM5 findings",
            node,
        )
        return
    if keys_text is None and qualified == PIPELINE:
        rule.report_without_fix(
            message,
            "without `cross_account_keys=` whether the pipeline makes a KMS key for its bucket depends on the feature "
            "flag @aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse in cdk.json; state "
            "`cross_account_keys=False` (or True) and run again",
            node,
        )
        return
    if keys_text not in (None, "False"):
        rule.report_without_fix(message, "`cross_account_keys=` is a run-time value: the bucket may have a KMS key", node)
        return
    places = log_bucket_places(node, "Artifacts")
    if places is None or not in_plain_statement(rule):
        rule.report_without_fix(message, "no plain scope, id and statement to put a new bucket next to", node)
        return
    scope, bucket_id, logs_id = places
    lifetime = bucket_lifetime(rule, node)  # a pipeline has no removal_policy=: "" unless a destroyable run
    name = binding(rule, node)
    bucket = rule.unique_name(f"{name.rsplit('.', 1)[-1]}_artifacts" if name else "artifacts")
    logs = rule.unique_name(f"{bucket}_access_logs")
    # `ref` adds imports in the order it is called: the log bucket's names first, as written.
    logs_source = log_bucket_source(rule, logs, scope, logs_id, lifetime)
    physical_name = rule.ref(GENERATE_IF_NEEDED)
    encryption = rule.ref(KMS_MANAGED)
    # CDK's own bucket is kept for ever (RETAIN); a destroyable run asks for buckets that go
    # with the stack, as the S1 scaffold's `bucket_lifetime` writes them.
    kept = lifetime or f", removal_policy={rule.ref(RETAIN)}"
    source = "\n".join([
        logs_source,
        f"{bucket} = {rule.ref(BUCKET)}({scope}, {bucket_id}, bucket_name={physical_name}, encryption={encryption}, "
        f"enforce_ssl=True, block_public_access={rule.ref(BLOCK_ALL)}{kept}, server_access_logs_bucket={logs})",
    ])
    insert = rule.insert_before(rule.current_statement, source)
    rule.report(message, [rule.set_keyword(node, "artifact_bucket", bucket), insert], node=node)
