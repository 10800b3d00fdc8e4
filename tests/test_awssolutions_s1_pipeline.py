"""AwsSolutions-S1 on the artifact bucket a CodePipeline makes for itself
(transforms/awssolutions/s1_pipeline_artifact_bucket.py, dispatched from the S1 Bucket rule)."""

from __future__ import annotations

import json

import pytest

from cdkfix.config import matching_rules
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source
from cdkfix.transforms.awssolutions import s1_pipeline_artifact_bucket as pipeline_artifacts

from nag_support import synth_with_nag

S1 = "AwsSolutions-S1"
SYNTH = (
    'synth=pipelines.ShellStep("Synth", input=pipelines.CodePipelineSource.connection("owner/repo", "main", '
    'connection_arn="arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-example"), '
    'commands=["npx cdk synth"])'
)


def _run(source: str, *codes: str):
    rules = [rule for rule in all_rules() if rule.code in {S1, *codes}]
    return fix_source(source, rules, unsafe_fixes=True)


def test_one_code_for_buckets_and_pipelines():
    """`--select AwsSolutions-S1` selects one rule, which handles both; `explain` covers both."""
    (rule,) = matching_rules(all_rules(), S1, selecting=True)
    assert rule is rules_by_code()[S1]
    assert {"aws_cdk.aws_s3.Bucket", "aws_cdk.pipelines.CodePipeline", "aws_cdk.aws_codepipeline.Pipeline"} <= rule.calls
    assert pipeline_artifacts.FIX_TEXT in rule.fix and pipeline_artifacts.IMPACT_TEXT in rule.impact
    assert rule.examples[4:] == pipeline_artifacts.EXAMPLES  # appended: the harness names examples by index


def test_the_flagged_example_reports_each_pipeline_with_its_reason():
    example = pipeline_artifacts.EXAMPLES[-1]
    fixed, records = _run(example.before)
    assert fixed == example.before
    assert [(record.line, record.status, record.detail.split(":")[0].split(";")[0]) for record in records] == [
        (3, FixStatus.NO_FIX, "with cross-account keys the bucket is encrypted with a KMS key"),
        (4, FixStatus.NO_FIX, "without `cross_account_keys=` whether the pipeline makes a KMS key for its bucket depends on the feature flag @aws-cdk/aws-codepipeline"),
        (5, FixStatus.NO_FIX, "`cross_account_keys=` is a run-time value"),
        (6, FixStatus.NO_FIX, "a `**` splat may give it an artifact bucket or cross-account keys"),
        (7, FixStatus.NO_FIX, "with `cross_region_replication_buckets=` the artifact bucket is the one for the pipeline's region when the map has it, and `artifact_bucket=` cannot be given with it"),
    ]
    assert records[0].message == "pipelines.CodePipeline's artifact bucket without server access logs (AwsSolutions-S1)"


@pytest.mark.parametrize(
    "header, call, fixed_call",
    [
        # Names resolve through imports: an alias of the module, the class imported by name.
        ("from aws_cdk import pipelines as pl\n", "pl.CodePipeline(self, 'P', synth=s)",
         "pl.CodePipeline(self, 'P', synth=s, artifact_bucket=p_artifacts)"),
        ("from aws_cdk.pipelines import CodePipeline\n", "CodePipeline(self, 'P', synth=s, cross_account_keys=False)",
         "CodePipeline(self, 'P', synth=s, cross_account_keys=False, artifact_bucket=p_artifacts)"),
        ("from aws_cdk.aws_codepipeline import Pipeline as CP\n", "CP(self, 'P', cross_account_keys=False)",
         "CP(self, 'P', cross_account_keys=False, artifact_bucket=p_artifacts)"),
    ],
    ids=["module-alias", "class-by-name", "class-alias"],
)
def test_names_through_imports_and_the_s3_import_inserted(header, call, fixed_call):
    source = f"{header}\np = {call}\n"
    fixed, records = _run(source)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert fixed.startswith(f"{header}from aws_cdk import aws_s3 as s3\n")
    assert f"p = {fixed_call}\n" in fixed
    assert "p_artifacts = s3.Bucket(" in fixed and '"PArtifacts"' in fixed and '"PArtifactsAccessLogs"' in fixed
    compile(fixed, "fixed.py", "exec")
    again, more = _run(fixed)
    assert again == fixed and not more


def test_a_name_that_is_not_cdks_is_left_alone():
    """`CodePipeline` of another package (or of nothing imported) is not CDK's."""
    source = "from mylib.pipelines import CodePipeline\n\np = CodePipeline(self, 'P', synth=s)\nq = Pipeline(self, 'Q')\n"
    assert _run(source) == (source, [])


def test_no_plain_scope_or_statement_is_reported_without_a_fix():
    source = (
        "from aws_cdk import pipelines\n\n"
        "a = pipelines.CodePipeline(make_scope(), 'A', synth=s)\n"
        "b = [pipelines.CodePipeline(self, name, synth=s) for name in names]\n"
    )
    fixed, records = _run(source)
    assert fixed == source
    assert [(record.status, record.detail) for record in records] == [
        (FixStatus.NO_FIX, "no plain scope, id and statement to put a new bucket next to"),
    ] * 2


def test_a_destroyable_run_makes_both_buckets_go_with_the_stack_and_is_idempotent():
    source = f"from aws_cdk import pipelines\n\npipeline = pipelines.CodePipeline(self, 'Pipeline', {SYNTH})\n"
    fixed, records = _run(source, "CDK-B1")
    assert [(record.code, record.status) for record in records] == [(S1, FixStatus.APPLIED)]
    assert fixed.count("removal_policy=RemovalPolicy.DESTROY,\n    auto_delete_objects=True,\n") == 2
    assert "RETAIN" not in fixed
    again, more = _run(fixed, "CDK-B1")
    assert again == fixed and not more


def test_the_inserted_buckets_raise_no_s1_of_their_own_on_a_second_run():
    """The Bucket half of the rule sees the two new buckets: the artifact bucket logs, the log
    bucket is the target of its logs; neither is reported."""
    source = "from aws_cdk import aws_codepipeline as codepipeline\n\ncodepipeline.Pipeline(self, 'P', cross_account_keys=False)\n"
    fixed, records = _run(source)
    assert len(records) == 1 and fixed.count("s3.Bucket(") == 2
    assert _run(fixed) == (fixed, [])


# --- synthesis with cdk-nag: a CDK Pipelines app like the workshop's ---------------------------

WORKSHOP = f"""\
from aws_cdk import aws_codecommit as codecommit, pipelines

repo = codecommit.Repository(self, "WorkshopRepo", repository_name="WorkshopRepo")
pipeline = pipelines.CodePipeline(
    self,
    "Pipeline",
    pipeline_name="WorkshopPipeline",
    synth=pipelines.CodeBuildStep(
        "SynthStep",
        input=pipelines.CodePipelineSource.code_commit(repo, "main"),
        install_commands=["npm install -g aws-cdk", "pip install -r requirements.txt"],
        commands=["cdk synth"],
    ),
)
pipeline.add_wave("Checks", post=[pipelines.ShellStep("Smoke", commands=["echo ok"])])
"""


def _bucket_references(template: dict) -> dict[str, int]:
    """How often each bucket's logical ID is named in the stack's IAM policies."""
    buckets = [key for key, value in template["Resources"].items() if value["Type"] == "AWS::S3::Bucket"]
    policies = json.dumps([value for value in template["Resources"].values() if value["Type"] == "AWS::IAM::Policy"])
    return {bucket: policies.count(f'"{bucket}"') for bucket in buckets}


@pytest.mark.synth
def test_a_cdk_pipelines_app_loses_its_artifact_bucket_s1_and_gains_nothing():
    pytest.importorskip("cdk_nag")
    fixed, records = _run(WORKSHOP)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    before, before_template = synth_with_nag(WORKSHOP)
    after, after_template = synth_with_nag(fixed)
    artifacts = (S1, "Case/Pipeline/Pipeline/ArtifactsBucket/Resource")
    assert artifacts in before
    assert after == before - {artifacts}  # no new (rule, construct) finding, the IAM5s included
    # The pipeline's roles are granted the new artifact bucket exactly as they were the old one
    # (the IAM5 findings that name it), and nothing is granted on the log bucket.
    old = _bucket_references(before_template)
    new = _bucket_references(after_template)
    (old_bucket,) = [key for key in old if key.startswith("PipelineArtifactsBucket")]
    (new_bucket,) = [key for key in new if key.startswith("PipelineArtifacts") and "AccessLogs" not in key]
    (log_bucket,) = [key for key in new if key.startswith("PipelineArtifactsAccessLogs")]
    assert old[old_bucket] > 0 and new[new_bucket] == old[old_bucket] and new[log_bucket] == 0
    resources = after_template["Resources"]
    assert old_bucket not in resources
    properties = resources[new_bucket]["Properties"]
    assert properties["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": log_bucket}}
    assert properties["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
    }
    assert resources[new_bucket]["DeletionPolicy"] == "Retain" == before_template["Resources"][old_bucket]["DeletionPolicy"]
    store = next(v for v in resources.values() if v["Type"] == "AWS::CodePipeline::Pipeline")["Properties"]["ArtifactStore"]
    assert store == {"Location": {"Ref": new_bucket}, "Type": "S3"}
