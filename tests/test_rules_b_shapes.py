"""CDK-B1..B7 on the shapes real code takes (issue 17): the boundaries of each new shape,
beyond the rules' own examples (which tests/test_rule_examples.py and the fix-effect harness run)."""

from __future__ import annotations

from cdkfix.records import FixStatus
from cdkfix.testing import fix_source
from cdkfix.transforms.codebuild_test_compute_size import CodebuildTestComputeSize
from cdkfix.transforms.codestar_connection_arn import CodestarConnectionArn
from cdkfix.transforms.manual_approval_information import ManualApprovalInformation
from cdkfix.transforms.removal_policy_destroy import RemovalPolicyDestroy
from cdkfix.transforms.s3_bucket_encryption import S3BucketEncryption
from cdkfix.transforms.secret_removal_policy import SecretRemovalPolicy
from cdkfix.transforms.sns_topic_removal_policy import SnsTopicRemovalPolicy


def _statuses(records) -> list[tuple[str, FixStatus]]:
    return [(record.code, record.status) for record in records]


# --- a policy in a variable: followed only when it is bound once --------------------------


def test_a_policy_variable_bound_twice_is_a_run_time_value():
    source = """\
from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager


def secrets(scope, prod):
    policy = RemovalPolicy.DESTROY
    if prod:
        policy = RemovalPolicy.RETAIN
    secretsmanager.Secret(scope, "Token", removal_policy=policy)
"""
    fixed, records = fix_source(source, [SecretRemovalPolicy])
    assert fixed == source
    assert _statuses(records) == [("CDK-B4", FixStatus.NO_FIX)]


def test_a_policy_variable_bound_to_destroy_is_left_alone():
    source = """\
from aws_cdk import RemovalPolicy, aws_logs as logs, aws_sns as sns


def build(scope):
    policy = RemovalPolicy.DESTROY
    group = logs.LogGroup(scope, "Logs", removal_policy=policy)
    topic = sns.Topic(scope, "Topic")
    topic.apply_removal_policy(policy)
"""
    fixed, records = fix_source(source, [RemovalPolicyDestroy, SnsTopicRemovalPolicy])
    assert fixed == source and records == []


# --- the method form: only on a construct the name is bound to once -----------------------


def test_method_form_on_a_rebound_name_or_another_construct_is_left_alone():
    source = """\
from aws_cdk import RemovalPolicy, aws_s3 as s3, aws_secretsmanager as secretsmanager, aws_sqs as sqs


def build(scope):
    store = s3.Bucket(scope, "One", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True)
    store = s3.Bucket(scope, "Two", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True)
    store.apply_removal_policy(RemovalPolicy.RETAIN)
    queue = sqs.Queue(scope, "Queue")
    queue.apply_removal_policy(RemovalPolicy.RETAIN)
    secret = secretsmanager.Secret.from_secret_name_v2(scope, "Imported", "name")
    secret.apply_removal_policy(RemovalPolicy.RETAIN)
"""
    fixed, records = fix_source(source, [RemovalPolicyDestroy, SecretRemovalPolicy])
    assert fixed == source and records == []


def test_method_form_on_a_bucket_keeps_what_the_constructor_states():
    """An explicit enforce_ssl=False or auto_delete_objects stays the user's; only the policy moves."""
    source = """\
from aws_cdk import RemovalPolicy, aws_s3 as s3


def build(scope):
    bucket = s3.Bucket(scope, "Data", enforce_ssl=False, auto_delete_objects=True)
    bucket.apply_removal_policy(RemovalPolicy.RETAIN)
"""
    fixed, records = fix_source(source, [RemovalPolicyDestroy])
    assert fixed == source.replace(
        'enforce_ssl=False, auto_delete_objects=True)', 'enforce_ssl=False, auto_delete_objects=True, removal_policy=RemovalPolicy.DESTROY)'
    ).replace("apply_removal_policy(RemovalPolicy.RETAIN)", "apply_removal_policy(RemovalPolicy.DESTROY)")
    assert _statuses(records) == [("CDK-B1", FixStatus.APPLIED)]
    assert fix_source(fixed, [RemovalPolicyDestroy]) == (fixed, [])


# --- B2: an explicit UNENCRYPTED is the flaw; another member is the user's -----------------


def test_encryption_members_other_than_unencrypted_are_left_alone():
    source = """\
from aws_cdk import aws_s3 as s3

kms = s3.BucketEncryption.KMS_MANAGED
s3.Bucket(self, "A", encryption=kms)
s3.Bucket(self, "B", encryption=s3.BucketEncryption.DSSE_MANAGED)
s3.Bucket(self, "C", encryption=s3.BucketEncryption.UNENCRYPTED, encryption_key=key)
"""
    fixed, records = fix_source(source, [S3BucketEncryption])
    assert fixed == source and records == []


def test_encryption_none_is_the_missing_encryption():
    source = 'from aws_cdk import aws_s3 as s3\n\ns3.Bucket(self, "A", encryption=None, enforce_ssl=True)\n'
    fixed, records = fix_source(source, [S3BucketEncryption])
    assert fixed == 'from aws_cdk import aws_s3 as s3\n\ns3.Bucket(self, "A", encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)\n'
    assert _statuses(records) == [("CDK-B2", FixStatus.APPLIED)]


# --- B5: a splat on a project that is not for tests says nothing --------------------------


def test_splat_on_a_build_project_is_not_reported():
    source = 'from aws_cdk import aws_codebuild as codebuild\n\ncodebuild.PipelineProject(self, "Build", **props)\n'
    assert fix_source(source, [CodebuildTestComputeSize]) == (source, [])


# --- B6: f-string names ----------------------------------------------------------------------


def test_fstring_name_with_a_template_using_the_action_name():
    source = """\
from aws_cdk import aws_codepipeline_actions as actions

gates = [actions.ManualApprovalAction(action_name=f"Approve-{env}") for env in envs]
"""
    fixed, records = fix_source(
        source, [ManualApprovalInformation], options={"CDK-B6": {"template": "Check {{logs}}, then approve {action_name}"}}
    )
    assert fixed == source.replace(
        'action_name=f"Approve-{env}")', 'action_name=f"Approve-{env}", additional_information=f"Check {{logs}}, then approve Approve-{env}")'
    )
    compile(fixed, "x.py", "exec")
    assert _statuses(records) == [("CDK-B6", FixStatus.APPLIED)]


def test_fstring_name_with_a_call_placeholder_is_reported_not_repeated():
    """`next(it)` evaluated a second time is another value: no f-string over it."""
    source = """\
from aws_cdk import aws_codepipeline_actions as actions

actions.ManualApprovalAction(action_name=f"Approve{next(names)}")
"""
    fixed, records = fix_source(source, [ManualApprovalInformation])
    assert fixed == source
    assert _statuses(records) == [("CDK-B6", FixStatus.NO_FIX)]


# --- B7: a plain function's self must be the construct calling it ---------------------------

HELPER = """\
from aws_cdk import Stack, aws_codepipeline_actions as actions


def github_source(self, output):
    return actions.CodeStarConnectionsSourceAction(action_name="S", owner="o", repo="r", output=output,
                                                   connection_arn="arn:aws:codestar-connections:us-east-1:1:connection/x")


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        github_source({first}, out)
"""


def test_plain_function_called_with_self_is_fixed():
    fixed, records = fix_source(HELPER.format(first="self"), [CodestarConnectionArn])
    assert 'self.node.try_get_context("codeStarConnectionArn")' in fixed
    assert _statuses(records) == [("CDK-B7", FixStatus.APPLIED)]


def test_plain_function_called_with_something_else_is_left_alone():
    source = HELPER.format(first="settings")
    assert fix_source(source, [CodestarConnectionArn]) == (source, [])


def test_plain_function_whose_self_is_annotated_as_no_construct_is_left_alone():
    source = HELPER.format(first="self").replace("def github_source(self, output)", "def github_source(self: Settings, output)")
    assert fix_source(source, [CodestarConnectionArn]) == (source, [])


def test_fstring_arn_with_a_connection_id_from_elsewhere_is_left_alone():
    source = """\
from aws_cdk import Stack, aws_codepipeline_actions as actions


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        connection_id = self.node.try_get_context("connectionId")
        actions.CodeStarConnectionsSourceAction(action_name="S", owner="o", repo="r", output=out,
            connection_arn=f"arn:aws:codestar-connections:{self.region}:{self.account}:connection/{connection_id}")
"""
    assert fix_source(source, [CodestarConnectionArn]) == (source, [])
