"""The AwsSolutions scaffolding rules (SQS3, S1, IAM4, SMG4, SF1, ELB2, CFR3) beyond their examples: what they
refuse to fix and why, their options, a destroyable run, and a run of the whole pack.

Their fixed examples are proven on synthesized templates by tests/test_awssolutions_proof.py
(cdk-nag 3: the finding gone, nothing new, no new cfn-lint error) and tests/test_fix_effects.py
(CloudFormation Validate, valid IAM, safety, `replaces`), which take every pack rule.
"""

from __future__ import annotations

import pytest

from cdkfix.registry import all_rules, rules_by_code
from cdkfix.records import FixStatus
from cdkfix.rule import Safety
from cdkfix.testing import fix_source

SCAFFOLDING = (
    "AwsSolutions-SQS3", "AwsSolutions-S1", "AwsSolutions-IAM4", "AwsSolutions-SMG4", "AwsSolutions-SF1", "AwsSolutions-ELB2",
    "AwsSolutions-CFR3",
)


def _run(source: str, *codes: str, options=None):
    fixed, records = fix_source(source, [rules_by_code()[code] for code in codes], options=options)
    return fixed, [(record.code, record.status, record.detail) for record in records]


def _no_fix(source: str, code: str) -> str:
    """The one finding's reason, asserting it is reported without a fix and nothing changes."""
    fixed, records = _run(source, code)
    assert fixed == source
    assert [(c, status) for c, status, _ in records] == [(code, FixStatus.NO_FIX)]
    return records[0][2]


@pytest.mark.parametrize("code", SCAFFOLDING)
def test_scaffolding_rules_are_opt_in_unsafe_pack_rules(code):
    rule = rules_by_code()[code]
    assert rule.groups == ("AwsSolutions",) and rule.default is False
    assert rule.safety is Safety.UNSAFE
    assert sum(example.after is not None for example in rule.examples) >= 3
    assert any(example.after is None for example in rule.examples)


@pytest.mark.parametrize("code", SCAFFOLDING)
def test_no_fix_writes_an_acknowledgement(code):
    for example in rules_by_code()[code].examples:
        for word in ("acknowledge", "NagSuppressions", "add_metadata", "Validations"):
            assert word not in (example.after or "")


# --- SQS3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, reason",
    [
        ('failed = sqs.Queue(self, "FailedEvents")\ntargets.SqsQueue(queue, dead_letter_queue=failed)\n',
         "it is the dead-letter queue of targets.SqsQueue"),
        ('orders_dlq = sqs.Queue(self, "Orders")\n', "its name says it is a dead-letter queue"),
        ('sqs.Queue(self, "OrdersDeadLetter")\n', "its name says it is a dead-letter queue"),
        ('sqs.Queue(self, "Jobs", fifo=is_fifo)\n', "`fifo=` or `queue_name=` is not a literal"),
        ('sqs.Queue(self, "Jobs", queue_name=f"{prefix}-jobs")\n', "`fifo=` or `queue_name=` is not a literal"),
        ('queues = [sqs.Queue(self, name) for name in names]\n', "no plain scope, id and statement"),
        ('sqs.Queue(make_scope(), "Jobs")\n', "no plain scope, id and statement"),
    ],
)
def test_sqs3_reports_without_a_fix(statement, reason):
    source = f"from aws_cdk import aws_events_targets as targets, aws_sqs as sqs\n\n{statement}"
    assert reason in _no_fix(source, "AwsSolutions-SQS3")


def test_sqs3_max_receive_count_option():
    source = 'from aws_cdk import aws_sqs as sqs\n\nq = sqs.Queue(self, "Q")\n'
    fixed, records = _run(source, "AwsSolutions-SQS3", options={"AwsSolutions-SQS3": {"max_receive_count": 10}})
    assert fixed == """\
from aws_cdk import aws_sqs as sqs
from aws_cdk import Duration

q_dlq = sqs.Queue(
    self, "QDeadLetterQueue", enforce_ssl=True, retention_period=Duration.days(14)
)

q = sqs.Queue(self, "Q", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=10, queue=q_dlq))
"""
    assert [(code, status) for code, status, _ in records] == [("AwsSolutions-SQS3", FixStatus.APPLIED)]


def test_sqs3_fix_is_not_applied_without_unsafe_fixes():
    source = 'from aws_cdk import aws_sqs as sqs\n\nq = sqs.Queue(self, "Q")\n'
    fixed, records = fix_source(source, [rules_by_code()["AwsSolutions-SQS3"]], unsafe_fixes=False)
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.UNSAFE]


# --- S1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, reason",
    [
        ('logs = s3.Bucket(self, "Logs")\ncloudfront.Distribution(self, "D", default_behavior=b, log_bucket=logs)\n',
         "it holds logs"),
        ('s3.Bucket(self, "AlbLogs")\n', "it holds logs"),
        ('s3.Bucket(self, "Data", removal_policy=policy_for(stage))\n', "its removal policy is not a plain name"),
        ('buckets = [s3.Bucket(self, name) for name in names]\n', "no plain scope, id and statement"),
    ],
)
def test_s1_reports_without_a_fix(statement, reason):
    source = f"from aws_cdk import aws_cloudfront as cloudfront, aws_s3 as s3\n\n{statement}"
    assert reason in _no_fix(source, "AwsSolutions-S1")


def test_s1_in_a_destroyable_run_the_log_bucket_goes_with_the_stack():
    source = 'from aws_cdk import aws_s3 as s3\n\nbucket = s3.Bucket(self, "Data")\n'
    fixed, records = _run(source, "CDK-B1", "AwsSolutions-S1")
    assert fixed == """\
from aws_cdk import aws_s3 as s3
from aws_cdk import RemovalPolicy

bucket_access_logs = s3.Bucket(
    self,
    "DataAccessLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    removal_policy=RemovalPolicy.DESTROY,
    auto_delete_objects=True,
)

bucket = s3.Bucket(self, "Data", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True, enforce_ssl=True, server_access_logs_bucket=bucket_access_logs)
"""
    assert sorted(code for code, _, _ in records) == ["AwsSolutions-S1", "CDK-B1"]
    assert _run(fixed, "CDK-B1", "AwsSolutions-S1") == (fixed, [])  # B1 finds nothing to destroy in what S1 added


# --- IAM4 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keyword, reason",
    [
        ("vpc=vpc if private else None", "`vpc=` is not a plain name or call"),
        ("vpc=None", "`vpc=` is not a plain name or call"),
        ("vpc=vpc, filesystem=fs", "`filesystem=`: a function with a file system"),
        ("vpc=vpc, insights_version=lambda_.LambdaInsightsVersion.VERSION_1_0_317_0", "CloudWatchLambdaInsightsExecutionRolePolicy"),
        ("insights_version=lambda_.LambdaInsightsVersion.VERSION_1_0_317_0", "CloudWatchLambdaInsightsExecutionRolePolicy"),
        ("log_retention=logs.RetentionDays.ONE_WEEK, log_retention_role=role", "LogRetention custom resource"),
        ("log_retention=retention_for(stage)", "`log_retention=` is not a plain name"),
        ("log_retention=logs.RetentionDays.ONE_WEEK, log_group=group", "`log_retention=` and `log_group=` together"),
        ("log_group=make_group()", "`log_group=` is not a plain name"),
    ],
)
def test_iam4_reports_without_a_fix(keyword, reason):
    source = (
        "from aws_cdk import aws_lambda as lambda_, aws_logs as logs\n\n"
        f'fn = lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, {keyword})\n'
    )
    assert reason in _no_fix(source, "AwsSolutions-IAM4")


@pytest.mark.parametrize(
    "call, reason",
    [
        ('iam.ManagedPolicy.from_aws_managed_policy_name("CloudWatchFullAccess")', "run-time behaviour"),
        ('iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")',
         "need logs on their own log groups only"),
        ('iam.ManagedPolicy.from_aws_managed_policy_name(managed_policy_name="service-role/AWSLambdaVPCAccessExecutionRole")',
         "needs `Resource: *`"),
        ('iam.ManagedPolicy.from_managed_policy_arn(self, "P", "arn:aws:iam::aws:policy/ReadOnlyAccess")', "run-time behaviour"),
        ("iam.ManagedPolicy.from_aws_managed_policy_name(name)", "run-time behaviour"),
    ],
)
def test_iam4_reports_an_aws_managed_policy_attached_by_hand(call, reason):
    source = f'from aws_cdk import aws_iam as iam\n\nrole.add_managed_policy({call})\n'
    assert reason in _no_fix(source, "AwsSolutions-IAM4")


def test_iam4_leaves_powerful_managed_policies_to_cdk_a1_when_it_is_selected():
    source = (
        'from aws_cdk import aws_iam as iam\n\nrole = iam.Role(self, "Role", assumed_by=iam.AccountRootPrincipal(), '
        'managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")])\n'
    )
    assert "run-time behaviour" in _no_fix(source, "AwsSolutions-IAM4")
    _, records = _run(source, "AwsSolutions-IAM4", "CDK-A1")
    assert [code for code, _, _ in records] == ["CDK-A1"]


def test_iam4_leaves_a_customer_managed_policy_alone():
    source = 'from aws_cdk import aws_iam as iam\n\niam.ManagedPolicy.from_managed_policy_arn(self, "P", "arn:aws:iam::123456789012:policy/Mine")\n'
    assert _run(source, "AwsSolutions-IAM4") == (source, [])


def test_iam4_two_functions_get_their_own_role_and_group_and_a_destroyable_group():
    source = """\
from aws_cdk import aws_lambda as lambda_

a = lambda_.Function(self, "A", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code)
b = lambda_.Function(self, "B", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code)
"""
    fixed, records = _run(source, "CDK-B1", "AwsSolutions-IAM4")
    assert fixed == """\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

a_logs = logs.LogGroup(self, "ALogs", removal_policy=RemovalPolicy.DESTROY)
a_role = iam.Role(
    self, "ARole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
a_logs.grant_write(a_role)

a = lambda_.Function(self, "A", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, role=a_role, log_group=a_logs)
b_logs = logs.LogGroup(self, "BLogs", removal_policy=RemovalPolicy.DESTROY)
b_role = iam.Role(
    self, "BRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
b_logs.grant_write(b_role)
b = lambda_.Function(self, "B", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, role=b_role, log_group=b_logs)
"""
    assert [code for code, _, _ in records] == ["AwsSolutions-IAM4", "AwsSolutions-IAM4"]
    assert _run(fixed, "CDK-B1", "AwsSolutions-IAM4") == (fixed, [])


_BASIC = 'iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")'
_FN = 'lambda_.Function(scope, "Fn", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, role=role{extra})'


def _role_source(body: str, role: str = "", params: str = "") -> str:
    """A function that makes `role` (an iam.Role with AWSLambdaBasicExecutionRole) and runs `body`."""
    role = role or f'iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), managed_policies=[{_BASIC}])'
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return (
        "from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs\n\n\n"
        f"def build(scope{params}):\n    role = {role}\n{lines}"
    )


@pytest.mark.parametrize(
    "body, role, reason",
    [
        (f"{_FN.format(extra='')}\nCfnOutput(scope, 'Arn', value=role.role_arn)", "", "`role` is also used in `role.role_arn`"),
        (f"{_FN.format(extra='')}\nreturn role", "", "`role` is also used in `return role`"),
        (f"{_FN.format(extra='')}\nself.role = role", "", "`role` is also used in `self.role = role`"),
        (f"{_FN.format(extra='')}\nrole.grant_pass_role(user)", "", "`role` is also used in `role.grant_pass_role(user)`"),
        (f"{_FN.format(extra='')}\nrole.add_managed_policy(custom_policy)", "", "`role` is also used in `role.add_managed_policy(custom_policy)`"),
        (f"{_FN.format(extra='')}\nbucket.grant_read(user, role)", "", "`role` is also used in `bucket.grant_read(user, role)`"),
        ("lambda_python.PythonFunction(scope, 'Fn', entry='src', role=role)", "", "`role` is also used in `lambda_python.PythonFunction("),
        (f"for table in tables:\n    table.grant_read_data(role)\n{_FN.format(extra='')}", "", "used in a loop, comprehension, lambda or nested function"),
        (f"fns = [{_FN.format(extra='')} for _ in range(2)]", "", "used in a loop, comprehension, lambda or nested function"),
        (f"def later():\n    {_FN.format(extra='')}", "", "used in a loop, comprehension, lambda or nested function"),
        ("", "", "no `lambda_.Function(..., role=role)` in this function uses the role"),
        (_FN.format(extra=", vpc=vpc"), "", "a `lambda_.Function` using `role` has `vpc=`: a function in a VPC"),
        (_FN.format(extra=", profiling=True"), "", "a `lambda_.Function` using `role` has `profiling=`"),
        (_FN.format(extra=", log_group=make_group()"), "", "`log_group=` is not a plain name"),
        (_FN.format(extra=", **extra"), "", "a `lambda_.Function` using `role` has a `**` splat"),
        ("lambda_.Function(make_scope(), 'Fn', runtime=runtime, handler='i.h', code=code, role=role)", "", "no plain scope, id and statement"),
        ("x = lambda_.Function(scope, 'Fn', runtime=runtime, handler='i.h', code=code, role=role).function_arn", "",
         "no plain scope, id and statement"),
        (f"role = other\n{_FN.format(extra='')}", "", "`role` is assigned more than once"),
        (_FN.format(extra=""), f'iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("states.amazonaws.com"), managed_policies=[{_BASIC}])',
         'not assumed by `iam.ServicePrincipal("lambda.amazonaws.com")`'),
        (_FN.format(extra=""), f'iam.Role(scope, "Role", managed_policies=[{_BASIC}], **props)', "not bound to an `iam.Role(...)` without a `**` splat"),
        (_FN.format(extra=""), f'make_role(scope, managed_policies=[{_BASIC}])', "it is not in the `managed_policies=` list of an `iam.Role(...)`"),
    ],
)
def test_iam4_reports_a_hand_made_role_without_a_fix(body, role, reason):
    source = _role_source(body, role)
    fixed, records = _run(source, "AwsSolutions-IAM4")
    assert fixed == source and {status for _, status, _ in records} == {FixStatus.NO_FIX}
    # The managed policy's finding (a `**` splat on the function is a finding of its own too).
    (detail,) = [detail for _, _, detail in records if "need logs on their own log groups only" in detail]
    assert reason in detail


def test_iam4_on_a_hand_made_role_keeps_its_other_managed_policies():
    # Only AWSLambdaBasicExecutionRole's logging is replaced: a custom policy in the list and one added
    # by `add_managed_policy` stay (an AWS managed one would stay too, reported as its own IAM4).
    listed = _role_source(
        _FN.format(extra=""),
        f'iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), managed_policies=[custom_policy, {_BASIC}, other_policy])',
    )
    fixed, records = _run(listed, "AwsSolutions-IAM4")
    assert [status for _, status, _ in records] == [FixStatus.APPLIED]
    assert fixed == listed.replace(f", {_BASIC}, other_policy]", ", other_policy]").replace(
        "    lambda_.Function(", '    function_logs = logs.LogGroup(scope, "FnLogs")\n    function_logs.grant_write(role)\n    lambda_.Function('
    ).replace("role=role)", "role=role, log_group=function_logs)")
    added = (
        "from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs\n\n\n"
        "def build(scope):\n"
        "    role = iam.Role(scope, 'R', assumed_by=iam.ServicePrincipal('lambda.amazonaws.com'), managed_policies=[custom_policy])\n"
        f"    role.add_managed_policy({_BASIC})\n"
        f"    {_FN.format(extra='')}\n"
    )
    fixed, records = _run(added, "AwsSolutions-IAM4")
    assert [status for _, status, _ in records] == [FixStatus.APPLIED]
    assert fixed == added.replace(f"    role.add_managed_policy({_BASIC})\n", "").replace(
        "    lambda_.Function(", '    function_logs = logs.LogGroup(scope, "FnLogs")\n    function_logs.grant_write(role)\n    lambda_.Function('
    ).replace("role=role)", "role=role, log_group=function_logs)")
    assert _run(fixed, "AwsSolutions-IAM4") == (fixed, [])


@pytest.mark.parametrize(
    "role, statement, reason",
    [
        (f'iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), managed_policies=[{_BASIC}, other, {_BASIC}])',
         "", "in the role's `managed_policies=` more than once"),
        (f'iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), managed_policies=[{_BASIC}])',
         f"role.add_managed_policy({_BASIC})", "names AWSLambdaBasicExecutionRole too"),
    ],
)
def test_iam4_on_a_hand_made_role_with_the_policy_twice_is_reported(role, statement, reason):
    # Fixing one of two attachments would leave the other (and its finding); fixing both would give
    # the function two log groups (a removal index out of range, before this refusal).
    source = _role_source("\n".join(line for line in (statement, _FN.format(extra="")) if line), role)
    fixed, records = _run(source, "AwsSolutions-IAM4")
    assert fixed == source and [status for _, status, _ in records] == [FixStatus.NO_FIX, FixStatus.NO_FIX]
    assert any(reason in detail for _, _, detail in records)


@pytest.mark.parametrize(
    "source, reason",
    [
        (f"from aws_cdk import aws_iam as iam\n\nrole = iam.Role(self, 'R', assumed_by=iam.ServicePrincipal('lambda.amazonaws.com'), managed_policies=[{_BASIC}])\n",
         "the role is not made in a function body"),
        (_role_source(_FN.format(extra=""), params=", role"), "`role` is also bound other than by an assignment"),
        (_role_source(_FN.format(extra="")).replace("    role = iam.Role(", "    role: iam.IRole\n    role = iam.Role("),
         "`role` is assigned more than once, or not by a plain `role = ...`"),
        (f"from aws_cdk import aws_iam as iam\n\ndef build(scope):\n    roles[0].add_managed_policy({_BASIC})\n",
         "the role is `roles[0]`, not a local name"),
        (f"from aws_cdk import aws_iam as iam\n\ndef build(scope):\n    role.add_managed_policy({_BASIC}, extra)\n",
         "it is not the only argument of `add_managed_policy(...)`"),
        (f"from aws_cdk import aws_iam as iam\n\ndef build(scope):\n    done = role.add_managed_policy({_BASIC})\n",
         "`add_managed_policy(...)` is not a statement of its own"),
        (f"from aws_cdk import aws_iam as iam\n\ndef build(scope):\n    policies = [{_BASIC}]\n", "it is not in the `managed_policies=` list"),
    ],
)
def test_iam4_reports_where_a_hand_made_role_cannot_be_followed(source, reason):
    assert reason in _no_fix(source, "AwsSolutions-IAM4")


def test_iam4_hand_made_role_in_a_destroyable_run_keeps_the_named_group_and_grants_a_self_attribute_group():
    source = _role_source(
        "role.add_to_principal_policy(statement)\n"
        "table.grant(grantee=role, actions='dynamodb:Query')\n"
        f"if with_api:\n    self.api = {_FN.format(extra=', log_group=self.api_logs')}\n"
        f"{_FN.format(extra='').replace('Fn', 'Worker')}"
    )
    fixed, records = _run(source, "CDK-B1", "AwsSolutions-IAM4")
    assert fixed == """\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs
from aws_cdk import RemovalPolicy


def build(scope):
    role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    role.add_to_principal_policy(statement)
    table.grant(grantee=role, actions='dynamodb:Query')
    if with_api:
        self.api_logs.grant_write(role)
        self.api = lambda_.Function(scope, "Fn", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, role=role, log_group=self.api_logs)
    function_logs = logs.LogGroup(
        scope, "WorkerLogs", removal_policy=RemovalPolicy.DESTROY
    )
    function_logs.grant_write(role)
    lambda_.Function(scope, "Worker", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, role=role, log_group=function_logs)
"""
    assert [(code, status) for code, status, _ in records] == [("AwsSolutions-IAM4", FixStatus.APPLIED)]
    assert _run(fixed, "CDK-B1", "AwsSolutions-IAM4") == (fixed, [])


def test_iam4_hand_made_role_a_keyword_or_attribute_named_like_the_role_is_not_a_use():
    """`x(role=1)`'s keyword and `other.role` are names too, but not the variable: the role is fixed."""
    fixed, records = _run(_role_source(f"{_FN.format(extra='')}\nprint(other.role, x(role=1))"), "AwsSolutions-IAM4")
    assert [(code, status) for code, status, _ in records] == [("AwsSolutions-IAM4", FixStatus.APPLIED)]
    assert "print(other.role, x(role=1))" in fixed and "managed_policies" not in fixed and "fn_logs" not in fixed


def test_iam4_hand_made_role_annotated_binding_and_emptied_list_keyword_go():
    source = _role_source(_FN.format(extra="")).replace("    role = iam.Role(", "    role: iam.Role = iam.Role(")
    fixed, records = _run(source, "AwsSolutions-IAM4")
    assert fixed == """\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs


def build(scope):
    role: iam.Role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    function_logs = logs.LogGroup(scope, "FnLogs")
    function_logs.grant_write(role)
    lambda_.Function(scope, "Fn", runtime=lambda_.Runtime.PYTHON_3_13, handler="i.h", code=code, role=role, log_group=function_logs)
"""
    assert [(code, status) for code, status, _ in records] == [("AwsSolutions-IAM4", FixStatus.APPLIED)]
    assert _run(fixed, "AwsSolutions-IAM4") == (fixed, [])


# --- SMG4 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, reason",
    [
        ('rds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine, credentials=rds.Credentials.from_password("admin", pw))\n',
         "`credentials=` is not `Credentials.from_generated_secret(...)`"),
        ('rds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine, credentials=credentials)\n',
         "`credentials=` is not `Credentials.from_generated_secret(...)`"),
        ('dbs = [rds.DatabaseInstance(self, name, vpc=vpc, engine=engine) for name in names]\n', "no plain statement"),
        ('rds.DatabaseCluster(self, "Db", **props)\n', "a `**` splat"),
        # The rotation's ingress rule goes into the stack of each of the database's security groups:
        # one of another stack (here a free name, as a parameter is) would make a dependency cycle.
        ('rds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine, security_groups=[shared_sg])\n',
         "`shared_sg` in `security_groups=` is not a security group made in the database's scope: the rotation adds"),
        ('rds.DatabaseCluster(self, "Db", engine=engine, instance_props=rds.InstanceProps(vpc=vpc, security_groups=[rds_sg]))\n',
         "`rds_sg` in `security_groups=` is not a security group made in the database's scope"),
        ('rds.DatabaseCluster(self, "Db", engine=engine, instance_props=props)\n',
         "`instance_props=` is not a plain `InstanceProps(...)`: it may hold `security_groups=`"),
        ('rds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine, security_groups=groups)\n',
         "`security_groups=groups` is not a list cdkfix can read"),
        ('sg = ec2.SecurityGroup(network, "Sg", vpc=vpc)\nrds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine, security_groups=[sg])\n',
         "`sg` in `security_groups=` is not a security group made in the database's scope"),
        ('sg = ec2.SecurityGroup(self, "Sg", vpc=vpc)\nsg = other\nrds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine, security_groups=[sg])\n',
         "`sg` in `security_groups=` is not a security group made in the database's scope"),
    ],
)
def test_smg4_reports_without_a_fix(statement, reason):
    source = f"from aws_cdk import aws_ec2 as ec2, aws_rds as rds\n\n{statement}"
    assert reason in _no_fix(source, "AwsSolutions-SMG4")


def test_smg4_leaves_a_secret_rotated_by_schedule_alone_and_rotates_each_database_once():
    source = """\
from aws_cdk import aws_rds as rds

self.db = rds.DatabaseInstance(self, "Db", vpc=vpc, engine=engine)
self.db.secret.add_rotation_schedule("Rotation", hosted_rotation=hosted)
other = rds.DatabaseInstance(self, "Other", vpc=vpc, engine=engine)
"""
    fixed, records = _run(source, "AwsSolutions-SMG4")
    assert fixed == source + "other.add_rotation_single_user()\n"
    assert [(code, status) for code, status, _ in records] == [("AwsSolutions-SMG4", FixStatus.APPLIED)]


def test_smg4_rotates_a_database_whose_security_groups_are_made_in_its_scope():
    # As `self.` attributes, imported by id, and written in the call: each is in the database's stack.
    source = """\
from aws_cdk import aws_ec2 as ec2, aws_rds as rds


class Db(Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        self.sg = ec2.SecurityGroup(self, "Sg", vpc=vpc)
        imported = ec2.SecurityGroup.from_security_group_id(self, "Imported", "sg-12345678")
        self.db = rds.DatabaseCluster(
            self,
            "Db",
            engine=engine,
            instance_props=rds.InstanceProps(vpc=vpc, security_groups=[self.sg, imported, ec2.SecurityGroup(self, "Own", vpc=vpc)]),
        )
"""
    fixed, records = _run(source, "AwsSolutions-SMG4")
    assert fixed == source + "\n        self.db.add_rotation_single_user()\n"
    assert [(code, status) for code, status, _ in records] == [("AwsSolutions-SMG4", FixStatus.APPLIED)]
    assert _run(fixed, "AwsSolutions-SMG4") == (fixed, [])


# --- SF1 / SF2 --------------------------------------------------------------------------------

_MACHINE = 'from aws_cdk import aws_stepfunctions as sfn\n\nbody = sfn.DefinitionBody.from_chainable(sfn.Pass(self, "Start"))\n'


@pytest.mark.parametrize(
    "statement, reason",
    [
        ("sfn.StateMachine(self, 'M', definition_body=body, **props)\n", "a `**` splat may set `logs`"),
        ("sfn.StateMachine(self, 'M', definition_body=body, logs=options)\n", "`logs=` is not a plain `LogOptions(...)`"),
        ("sfn.StateMachine(self, 'M', definition_body=body, logs=sfn.LogOptions(destination=g, level=lvl))\n",
         "`level=lvl` is a choice"),
        ("[sfn.StateMachine(self, f'M{i}', definition_body=body) for i in range(2)]\n", "no plain scope, id and statement"),
    ],
)
def test_sf1_reports_without_a_fix(statement, reason):
    assert reason in _no_fix(_MACHINE + statement, "AwsSolutions-SF1")


def test_sf1_and_sf2_on_one_state_machine_in_a_destroyable_run():
    fixed, records = _run(
        _MACHINE + 'machine = sfn.StateMachine(self, "M", definition_body=body)\n',
        "AwsSolutions-SF1", "AwsSolutions-SF2", "CDK-B1",
    )
    assert fixed == _MACHINE.replace(
        "sfn\n", "sfn\nfrom aws_cdk import RemovalPolicy\nfrom aws_cdk import aws_logs as logs\n", 1
    ) + (
        'machine_logs = logs.LogGroup(self, "MLogs", removal_policy=RemovalPolicy.DESTROY)\n'
        'machine = sfn.StateMachine(self, "M", definition_body=body, logs=sfn.LogOptions(destination=machine_logs, '
        "level=sfn.LogLevel.ALL), tracing_enabled=True)\n"
    )
    assert sorted(code for code, _, _ in records) == ["AwsSolutions-SF1", "AwsSolutions-SF2"]


# --- ELB2 -------------------------------------------------------------------------------------

_ELB = "from aws_cdk import aws_elasticloadbalancingv2 as elbv2\n\n"


@pytest.mark.parametrize(
    "statement, reason",
    [
        ("lb = elbv2.ApplicationLoadBalancer(self, 'Lb', **props)\n", "a `**` splat"),
        ("lbs = [elbv2.NetworkLoadBalancer(self, f'Lb{i}', vpc=vpc) for i in range(2)]\n", "not bound to a plain name"),
    ],
)
def test_elb2_reports_without_a_fix(statement, reason):
    assert reason in _no_fix(_ELB + statement, "AwsSolutions-ELB2")


def test_elb2_leaves_a_balancer_with_attributes_and_a_pattern_given_its_balancer_alone():
    source = _ELB + (
        "from aws_cdk import aws_ecs_patterns as ecs_patterns\n"
        "lb = elbv2.ApplicationLoadBalancer(self, 'Lb', vpc=vpc)\n"
        "lb.set_attribute('access_logs.s3.enabled', 'true')\n"
        "ecs_patterns.ApplicationLoadBalancedFargateService(self, 'Web', load_balancer=lb)\n"
    )
    assert _run(source, "AwsSolutions-ELB2") == (source, [])


@pytest.mark.synth
def test_elb2_fix_leaves_an_environment_agnostic_stack_as_it_was():
    """`log_access_logs` fails synthesis without the stack's region; the fix's guard keeps an
    env-agnostic stack synthesizing (no bucket); with a region the buckets and policy are there."""
    aws_cdk = pytest.importorskip("aws_cdk")
    from aws_cdk import aws_ec2

    after = rules_by_code()["AwsSolutions-ELB2"].examples[0].after
    types = {}
    for region in (None, "eu-west-1"):
        app = aws_cdk.App()
        stack = aws_cdk.Stack(app, "S", env=aws_cdk.Environment(account="123456789012", region=region) if region else None)
        exec(compile(after, "example.py", "exec"), {"self": stack, "vpc": aws_ec2.Vpc(stack, "Vpc", max_azs=2)})
        template = app.synth().get_stack_by_name("S").template
        types[region] = sorted({resource["Type"] for resource in template["Resources"].values() if "S3" in resource["Type"]})
    assert types == {None: [], "eu-west-1": ["AWS::S3::Bucket", "AWS::S3::BucketPolicy"]}


# --- CFR3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, reason",
    [
        ('cloudfront.Distribution(self, "D", default_behavior=b, enable_logging=False)\n', "turned off by the user"),
        ('cloudfront.Distribution(self, "D", default_behavior=b, enable_logging=stage == "prod")\n', "a run-time value"),
        ('cloudfront.Distribution(self, "D", **props)\n', "a `**` splat"),
        ('cdns = [cloudfront.Distribution(self, name, default_behavior=b) for name in names]\n', "no plain scope, id and statement"),
        ('cloudfront.Distribution(make_scope(), "D", default_behavior=b)\n', "no plain scope, id and statement"),
    ],
)
def test_cfr3_reports_without_a_fix(statement, reason):
    source = f"from aws_cdk import aws_cloudfront as cloudfront\n\n{statement}"
    assert reason in _no_fix(source, "AwsSolutions-CFR3")


def test_cfr3_in_a_destroyable_run_with_cfr7_and_s1_on_the_same_distribution():
    # CFR7 rewrites the origin inside the call CFR3 adds keywords to: both edits land; the log
    # buckets go with the stack (B1 selected) and a second run of all four changes nothing.
    source = """\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_s3 as s3

site = s3.Bucket(self, "Site", enforce_ssl=True, server_access_logs_prefix="access/")
cdn = cloudfront.Distribution(self, "Cdn", default_behavior=cloudfront.BehaviorOptions(origin=origins.S3Origin(site)))
"""
    codes = ("CDK-B1", "AwsSolutions-CFR3", "AwsSolutions-CFR7", "AwsSolutions-S1")
    fixed, records = _run(source, *codes)
    assert fixed == """\
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_s3 as s3
from aws_cdk import RemovalPolicy

site = s3.Bucket(self, "Site", enforce_ssl=True, server_access_logs_prefix="access/", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True)
cdn_logs_access_logs = s3.Bucket(
    self,
    "CdnLogsAccessLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    removal_policy=RemovalPolicy.DESTROY,
    auto_delete_objects=True,
)
cdn_logs = s3.Bucket(
    self,
    "CdnLogs",
    encryption=s3.BucketEncryption.S3_MANAGED,
    enforce_ssl=True,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
    removal_policy=RemovalPolicy.DESTROY,
    auto_delete_objects=True,
    server_access_logs_bucket=cdn_logs_access_logs,
)
cdn = cloudfront.Distribution(self, "Cdn", default_behavior=cloudfront.BehaviorOptions(origin=origins.S3BucketOrigin.with_origin_access_control(site)), enable_logging=True, log_bucket=cdn_logs)
"""
    assert sorted(code for code, _, _ in records) == ["AwsSolutions-CFR3", "AwsSolutions-CFR7", "CDK-B1"]
    assert _run(fixed, *codes) == (fixed, [])


# --- with the whole pack ----------------------------------------------------------------------


@pytest.mark.parametrize("code", SCAFFOLDING)
def test_with_every_rule_selected_a_second_run_changes_nothing(code):
    """What a scaffolding rule adds is compliant for every other rule too (the pack's keyword
    rules, the default rules and the destroyable group): nothing to fix on the second run."""
    everything = list(all_rules())
    for example in rules_by_code()[code].examples:
        if example.flagged:
            continue  # reported without a fix: it is reported again, by design
        fixed, _ = fix_source(example.before, everything)
        compile(fixed, "example.py", "exec")
        again, records = fix_source(fixed, everything)
        assert (again, records) == (fixed, []), example.name


BARE_PATTERN = """\
from aws_cdk import aws_ecs_patterns as ecs_patterns

ecs_patterns.ApplicationLoadBalancedFargateService(
    self, "Web", cluster=cluster, task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image)
)
"""


def test_two_rules_binding_one_bare_statement_share_one_name():
    # CDK-B11 (scaling) and AwsSolutions-ELB2 (access logs) both need a name for a bare pattern
    # statement: one run binds it once and both fixes use that name; a second run changes nothing.
    rules = [rules_by_code()["CDK-B11"], rules_by_code()["AwsSolutions-ELB2"]]
    fixed, records = fix_source(BARE_PATTERN, rules)
    assert sorted((record.code, record.status) for record in records) == [
        ("AwsSolutions-ELB2", FixStatus.APPLIED),
        ("CDK-B11", FixStatus.APPLIED),
    ]
    assert fixed.count("service = ecs_patterns.ApplicationLoadBalancedFargateService(") == 1
    assert "service.service.auto_scale_task_count(" in fixed
    assert "service.load_balancer.log_access_logs(" in fixed
    compile(fixed, "fixed.py", "exec")
    again, more = fix_source(fixed, rules)
    assert again == fixed and not more


@pytest.mark.parametrize("code", ["CDK-B11", "AwsSolutions-ELB2"])
def test_either_fix_alone_binds_the_name_it_uses(code):
    fixed, records = fix_source(BARE_PATTERN, [rules_by_code()[code]])
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert "service = ecs_patterns.ApplicationLoadBalancedFargateService(" in fixed
