"""AwsSolutions-IAM4 on the functions CDK makes for BucketDeployment, AwsCustomResource and
Provider (transforms/awssolutions/iam4_custom_resource_roles.py), beyond the rule's examples:
what is refused and why, what is left alone, what several constructs in one file get, and, on
the examples' synthesized templates, that the function CDK makes runs as the fix's role.

The examples themselves (IAM4-14..19) are proven by tests/test_awssolutions_proof.py (finding
gone, nothing new but CDK's grants moved to the new role: MOVED) and tests/test_fix_effects.py.
"""

from __future__ import annotations

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.testing import fix_source

CODE = "AwsSolutions-IAM4"
HEAD = "from aws_cdk import aws_s3_deployment as s3deploy, custom_resources as cr, aws_logs as logs\n\n"
DEPLOY = 's3deploy.BucketDeployment(self, "Deploy", sources=[source], destination_bucket=bucket{})\n'
LOOKUP = 'cr.AwsCustomResource(self, "Lookup", policy=policy{})\n'
PROVIDER = 'cr.Provider(self, "Provider", on_event_handler=on_event{})\n'


def _run(source: str, *codes: str):
    fixed, records = fix_source(source, [rules_by_code()[code] for code in codes or (CODE,)])
    return fixed, [(record.code, record.status, record.detail) for record in records]


@pytest.mark.parametrize(
    "body, reason",
    [
        (DEPLOY.format(", vpc=vpc"), "`vpc=`: its function in a VPC also needs AWSLambdaVPCAccessExecutionRole"),
        (DEPLOY.format(", use_efs=True"), "`use_efs=`: EFS needs `vpc=`"),
        (LOOKUP.format(", vpc=vpc"), "`vpc=`"),
        (PROVIDER.format(", vpc=vpc"), "`vpc=`"),
        (DEPLOY.format(", **options"), "a `**` splat may set `role`"),
        (
            "for name in names:\n    " + DEPLOY.format(", destination_key_prefix=name").replace('"Deploy"', "name"),
            "it may run many times: the BucketDeployment constructs of a stack share one Lambda function",
        ),
        (LOOKUP.format("") + LOOKUP.format("").replace('"Lookup"', '"Other"'), "this file makes 2 AwsCustomResource constructs"),
        (
            DEPLOY.format("") + 's3deploy.DeployTimeSubstitutedFile(self, "File", source="a.txt", destination_bucket=bucket, substitutions={})\n',
            "this file makes 2 BucketDeployment constructs",
        ),
        (
            PROVIDER.format(", is_complete_handler=is_done, framework_complete_and_timeout_role=waiter_role"),
            "one framework role is given",
        ),
        (
            PROVIDER.format(", is_complete_handler=is_done, framework_on_event_role=on_event_role"),
            "one framework role is given",
        ),
        (DEPLOY.format(", log_retention=retention()"), "`log_retention=` is not a plain name"),
        (DEPLOY.format(", log_retention=logs.RetentionDays.ONE_WEEK, log_group=group"), "`log_retention=` and `log_group=` together"),
        (DEPLOY.format("").replace("self,", "Stack.of(self),"), "no plain scope, id and statement"),
        ("make = lambda: " + PROVIDER.format(""), "no plain scope, id and statement"),
    ],
)
def test_reported_without_a_fix(body, reason):
    source = HEAD + body
    fixed, records = _run(source)
    assert fixed == source
    assert records and all((code, status) == (CODE, FixStatus.NO_FIX) for code, status, _ in records)
    assert reason in records[0][2]


@pytest.mark.parametrize(
    "body",
    [
        DEPLOY.format(", role=deploy_role"),
        LOOKUP.format(", role=lookup_role"),
        PROVIDER.format(", role=provider_role"),
        PROVIDER.format(", framework_on_event_role=on_event_role"),
        PROVIDER.format(", is_complete_handler=is_done, framework_on_event_role=a, framework_complete_and_timeout_role=b"),
    ],
)
def test_left_alone_when_every_function_has_a_role_of_the_codes_own(body):
    source = HEAD + body
    assert _run(source) == (source, [])


def test_one_of_each_singleton_and_two_providers_are_all_fixed_once():
    """A BucketDeployment and an AwsCustomResource are different singletons; Providers are not
    singletons (each makes its own functions): four fixes, names kept apart, idempotent."""
    source = HEAD + DEPLOY.format("") + LOOKUP.format("") + PROVIDER.format("") + PROVIDER.format("").replace('"Provider"', '"Other"')
    fixed, records = _run(source)
    assert [status for _, status, _ in records] == [FixStatus.APPLIED] * 4
    compile(fixed, "fixed.py", "exec")
    for line in (
        "deployment_logs.grant_write(deployment_role)",
        "custom_resource_logs.grant_write(custom_resource_role)",
        "provider_logs.grant_write(provider_role)",
        "provider_logs_2.grant_write(provider_role_2)",
        's3deploy.BucketDeployment(self, "Deploy", sources=[source], destination_bucket=bucket, role=deployment_role, log_group=deployment_logs)',
        'cr.Provider(self, "Other", on_event_handler=on_event, role=provider_role_2, log_group=provider_logs_2)',
    ):
        assert line in fixed
    assert 'iam.Role(\n    self, "OtherRole"' in fixed
    assert _run(fixed) == (fixed, [])


def _message(source: str) -> str:
    _, records = fix_source(source, [rules_by_code()[CODE]])
    return records[0].message


def _in_function(*statements: str) -> str:
    return HEAD + "\n\ndef build(self, bucket):\n" + "".join(f"    {statement}" for statement in statements)


def test_several_bucket_deployments_in_order_in_one_function_body_fix_the_first_only():
    second = DEPLOY.format(', destination_key_prefix="b/"').replace('"Deploy"', '"Second"')
    source = _in_function(DEPLOY.format(""), "self.second = " + second)
    fixed, records = _run(source)
    assert [(code, status) for code, status, _ in records] == [(CODE, FixStatus.APPLIED)]
    assert "the 1 later BucketDeployment construct(s) of this function share that function" in _message(source)
    assert fixed.count("role=") == 1 and "destination_bucket=bucket, role=deployment_role, log_group=deployment_logs)" in fixed
    assert _run(fixed) == (fixed, [])


@pytest.mark.parametrize(
    "source",
    [
        # another singleton: a later construct with its own memory_limit gets a function (and CDK role) of its own
        _in_function(DEPLOY.format(""), DEPLOY.format(", memory_limit=512").replace('"Deploy"', '"Big"')),
        # in a branch: which one runs first is run-time
        _in_function(DEPLOY.format(""), "if bucket:\n        " + DEPLOY.format("").replace('"Deploy"', '"Other"')),
        # a DeployTimeSubstitutedFile first makes the function, with CDK's role (not fixed here)
        _in_function(
            's3deploy.DeployTimeSubstitutedFile(self, "File", source="a.txt", destination_bucket=bucket, substitutions={})\n',
            DEPLOY.format(""),
        ),
        # two function bodies: which one is called first is not this file's to know
        _in_function(DEPLOY.format("")) + "\n\ndef other(self, bucket):\n    " + DEPLOY.format("").replace('"Deploy"', '"Other"'),
    ],
)
def test_several_bucket_deployments_not_known_to_make_one_function_in_order_are_reported(source):
    fixed, records = _run(source)
    assert fixed == source
    assert [(code, status) for code, status, _ in records] == [(CODE, FixStatus.NO_FIX)] * source.count("s3deploy.BucketDeployment(")
    assert "this file makes 2 BucketDeployment constructs" in records[0][2]


def test_a_named_log_group_is_granted_to_both_waiter_roles_and_kept():
    source = HEAD + PROVIDER.format(", is_complete_handler=is_done, log_group=self.provider_logs")
    fixed, records = _run(source)
    assert [status for _, status, _ in records] == [FixStatus.APPLIED]
    assert "self.provider_logs.grant_write(provider_role)\n" in fixed
    assert "self.provider_logs.grant_write(provider_waiter_role)\n" in fixed
    assert "logs.LogGroup(" not in fixed
    assert fixed.endswith(
        'cr.Provider(self, "Provider", on_event_handler=on_event, is_complete_handler=is_done, '
        "log_group=self.provider_logs, framework_on_event_role=provider_role, "
        "framework_complete_and_timeout_role=provider_waiter_role)\n"
    )
    assert _run(fixed) == (fixed, [])


def test_a_destroyable_run_makes_the_new_group_destroyable():
    source = HEAD + "deployment = " + DEPLOY.format(", log_retention=logs.RetentionDays.ONE_WEEK")
    fixed, _ = _run(source, "CDK-B1", CODE)
    assert (
        'deployment_logs = logs.LogGroup(\n    self,\n    "DeployLogs",\n    retention=logs.RetentionDays.ONE_WEEK,\n'
        "    removal_policy=RemovalPolicy.DESTROY,\n)" in fixed
    )
    assert "log_retention" not in fixed
    assert _run(fixed, "CDK-B1", CODE) == (fixed, [])


# --- on the synthesized examples ---------------------------------------------------------------


def _template(proof_side):
    (template,) = proof_side.templates.values()
    return template["Resources"]


def _role_of(resources, logical_prefix: str) -> dict:
    (function,) = [
        resource for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Function" and logical_id.startswith(logical_prefix)
    ]
    return function["Properties"]["Role"]


def _basic_execution(resources) -> list[str]:
    return [
        logical_id for logical_id, resource in resources.items()
        if "AWSLambdaBasicExecutionRole" in str(resource["Properties"].get("ManagedPolicyArns", ""))
    ]


def _logical_id(resources, prefix: str, type_: str) -> str:
    (found,) = [key for key, resource in resources.items() if key.startswith(prefix) and resource["Type"] == type_]
    return found


@pytest.mark.synth
@pytest.mark.parametrize("case, prefix, deployments", [("AwsSolutions-IAM4-14", "Deploy", 1), ("AwsSolutions-IAM4-20", "Site", 2)])
def test_the_bucket_deployment_function_runs_as_the_new_role(fix_effect_proofs, case, prefix, deployments):
    """The one singleton function runs as the fix's role and logs to its group, with one
    construct or with two in order (the second one's grants land on the same role)."""
    proof = fix_effect_proofs[case]
    before, after = _template(proof.before), _template(proof.after)
    assert _basic_execution(before) and not _basic_execution(after)
    role = _logical_id(after, f"{prefix}Role", "AWS::IAM::Role")
    assert _role_of(after, "CustomCDKBucketDeployment") == {"Fn::GetAtt": [role, "Arn"]}
    function = next(r for k, r in after.items() if k.startswith("CustomCDKBucketDeployment") and r["Type"] == "AWS::Lambda::Function")
    assert function["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": _logical_id(after, f"{prefix}Logs", "AWS::Logs::LogGroup")}}
    assert len([r for r in after.values() if r["Type"] == "Custom::CDKBucketDeployment"]) == deployments
    assert [r["Type"] for r in after.values()].count("AWS::IAM::Role") == 1


@pytest.mark.synth
def test_the_custom_resource_policy_goes_to_the_new_role(fix_effect_proofs):
    proof = fix_effect_proofs["AwsSolutions-IAM4-15"]
    after = _template(proof.after)
    assert not _basic_execution(after)
    role = _logical_id(after, "LookupRole", "AWS::IAM::Role")
    assert _role_of(after, "AWS679f53fac002430cb0da5b7982bd2287") == {"Fn::GetAtt": [role, "Arn"]}
    policy = after[_logical_id(after, "LookupCustomResourcePolicy", "AWS::IAM::Policy")]["Properties"]
    assert policy["Roles"] == [{"Ref": role}]
    assert policy["PolicyDocument"]["Statement"][0]["Action"] == "ssm:GetParameter"
    assert not [k for k, r in after.items() if r["Type"] == "Custom::LogRetention"]


@pytest.mark.synth
def test_the_provider_waiter_functions_run_as_the_second_role(fix_effect_proofs):
    proof = fix_effect_proofs["AwsSolutions-IAM4-17"]
    before, after = _template(proof.before), _template(proof.after)
    assert len(_basic_execution(before)) == 3 and not _basic_execution(after)
    on_event = _logical_id(after, "ProviderRole", "AWS::IAM::Role")
    waiter = _logical_id(after, "ProviderWaiterRole", "AWS::IAM::Role")
    assert _role_of(after, "ProviderframeworkonEvent") == {"Fn::GetAtt": [on_event, "Arn"]}
    assert _role_of(after, "ProviderframeworkisComplete") == {"Fn::GetAtt": [waiter, "Arn"]}
    assert _role_of(after, "ProviderframeworkonTimeout") == {"Fn::GetAtt": [waiter, "Arn"]}
    assert not proof.new_validate_errors


@pytest.mark.synth
def test_one_role_for_a_provider_with_a_waiter_is_a_dependency_cycle(fix_effect_proofs):
    """Why the waiter gets a role of its own: the example's fix with `role=` for all three
    functions instead is refused by CloudFormation Validate (F3004, a circular dependency)."""
    from cdkfix.effects import Case, prove

    example = rules_by_code()[CODE].examples[17]
    one_role = example.after.replace(
        "framework_on_event_role=provider_role, framework_complete_and_timeout_role=provider_waiter_role",
        "role=provider_role",
    )
    assert one_role != example.after
    (proof,) = prove([Case("one-role", example.before, one_role)]).values()
    assert {finding.rule for finding in proof.new_validate_errors} == {"F3004"}
    assert not fix_effect_proofs["AwsSolutions-IAM4-17"].new_validate_errors


@pytest.mark.synth
def test_moved_findings_are_checked_strictly(fix_effect_proofs):
    """MOVED is not a blanket pass: the same proof under another case id has new findings, and
    sides swapped fail MOVED's own checks."""
    from cdkfix.effects import Proof
    from tests.test_awssolutions_proof import CASES, proof_failures

    rule = CASES["AwsSolutions-IAM4-14"]
    proof = fix_effect_proofs["AwsSolutions-IAM4-14"]
    assert proof_failures(rule, "AwsSolutions-IAM4-14", proof) == []
    assert any(failure.startswith("new findings after the fix") for failure in proof_failures(rule, "x", proof))
    swapped = proof_failures(rule, "AwsSolutions-IAM4-14", Proof("x", proof.after, proof.before))
    assert any(failure.startswith("MOVED:") for failure in swapped)
