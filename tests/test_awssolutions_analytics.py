"""AwsSolutions RS5, RS3, SM2, SM3 and DOC3 (transforms/awssolutions/value_rules_analytics.py).

The examples run in tests/test_rule_examples.py (exact text, idempotence); RS5's fixed ones in the
fix-effect proofs (tests/test_fix_effects.py, tests/test_awssolutions_proof.py). Here, by
synthesis with cdk-nag 3.0.2: each rule flags exactly what cdk-nag flags on its examples (but
the few cases where cdk-nag's rule throws, named below); the fix each report-only rule refuses
would indeed replace the resource; RS5 with RS1 and RS11 clears all three findings at once.
"""

from __future__ import annotations

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, find_rule
from cdkfix.testing import fix_source

CODES = ("AwsSolutions-RS5", "AwsSolutions-RS3", "AwsSolutions-SM2", "AwsSolutions-SM3", "AwsSolutions-DOC3")
RULES = [find_rule(code) for code in CODES]

# Examples cdkfix leaves alone that cdk-nag 3.0.2 reports all the same: its rule throws (reads
# `.includes` of an absent password, or of the secret ARN CDK's own secret gives as a `Ref`) and
# cdk-nag reports a throw as a finding ("Rule threw an error during validation"). The credentials
# are in Secrets Manager there. Strict: cdk-nag must report them (else delete the entry).
CDK_NAG_THROWS = {
    ("AwsSolutions-DOC3", "L1 with a managed password: left alone (cdk-nag's rule throws on the absent password)"),
    ("AwsSolutions-DOC3", "L2 making its own secret: left alone (cdk-nag's rule throws on the secret's ARN)"),
}

REDSHIFT = (
    'redshift.CfnCluster(self, "Warehouse", cluster_type="single-node", db_name="db", master_username="{user}", '
    'node_type="ra3.xlplus", master_user_password="Password1!", encrypted=True)\n'
)
NOTEBOOK = (
    "from aws_cdk import aws_ec2 as ec2, aws_kms as kms, aws_sagemaker as sagemaker\n\n"
    'sagemaker.CfnNotebookInstance(self, "Notebook", instance_type="ml.t3.medium", '
    'role_arn="arn:aws:iam::123456789012:role/notebook"{extra})\n'
)
_KEY = ', kms_key_id=kms.Key(self, "NotebookKey", enable_key_rotation=True).key_id'
_PRIVATE = (
    ', direct_internet_access="Disabled", subnet_id=vpc.private_subnets[0].subnet_id, '
    'security_group_ids=[ec2.SecurityGroup(self, "NotebookGroup", vpc=vpc).security_group_id]'
)
DOCDB = 'from aws_cdk import aws_docdb as docdb\n\ndocdb.CfnDBCluster(self, "Docs", master_username="{user}", master_user_password="{password}")\n'
_SECRET = "{{{{resolve:secretsmanager:docs:SecretString:{}}}}}"

# The fix each report-only rule does not write, applied by hand: (before, after).
WOULD_FIX = {
    "AwsSolutions-RS3": (
        "from aws_cdk import aws_redshift as redshift\n\n" + REDSHIFT.format(user="awsuser"),
        "from aws_cdk import aws_redshift as redshift\n\n" + REDSHIFT.format(user="admin"),
        ("AWS::Redshift::Cluster (MasterUsername is create-only)",),
    ),
    "AwsSolutions-SM2": (
        NOTEBOOK.format(extra=""),
        NOTEBOOK.format(extra=_KEY),
        ("AWS::SageMaker::NotebookInstance (KmsKeyId is create-only)",),
    ),
    "AwsSolutions-SM3": (
        NOTEBOOK.format(extra=""),
        NOTEBOOK.format(extra=_PRIVATE),
        ("AWS::SageMaker::NotebookInstance (DirectInternetAccess, SecurityGroupIds, SubnetId are create-only)",),
    ),
    "AwsSolutions-DOC3": (
        DOCDB.format(user="admin", password="Password1!"),
        DOCDB.format(user=_SECRET.format("username"), password=_SECRET.format("password")),
        ("AWS::DocDB::DBCluster (MasterUsername is create-only)",),
    ),
}

RS1_RS11_RS5 = "from aws_cdk import aws_redshift as redshift\n\nwarehouse = " + REDSHIFT.format(user="admin")


def _module_level(example) -> bool:
    return "\ndef " not in example.before  # a `def` takes parameters the proof cannot supply


def _together(source: str):
    rules = sorted((find_rule(code) for code in ("AwsSolutions-RS1", "AwsSolutions-RS11", "AwsSolutions-RS5")), key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=True)


@pytest.fixture(scope="module")
def proofs():
    pytest.importorskip("cdk_nag")
    from cdkfix.effects import Case, prove

    cases = [
        Case(f"{rule.code}-{index}", example.before, example.before)
        for rule in RULES
        for index, example in enumerate(rule.examples)
        if _module_level(example)
    ]
    cases += [Case(f"{code}-would-fix", before, after) for code, (before, after, _) in WOULD_FIX.items()]
    cases.append(Case("together", RS1_RS11_RS5, _together(RS1_RS11_RS5)[0]))
    return prove(cases)


@pytest.mark.synth
@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_cdk_nag_flags_exactly_what_the_rule_flags(rule, proofs):
    failures, checked = [], 0
    for index, example in enumerate(rule.examples):
        if not _module_level(example):
            continue
        proof = proofs[f"{rule.code}-{index}"]
        assert proof.before.ok, f"{rule.code}-{index} ({example.name}): {proof.before.error[:300]}"
        reported = any(finding.base_rule == rule.code for finding in proof.before.nag)
        expected = example.after is not None or example.flagged or (rule.code, example.name) in CDK_NAG_THROWS
        if reported != expected:
            failures.append(f"{rule.code}-{index} ({example.name}): cdk-nag {'reports' if reported else 'does not report'} it")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 4


@pytest.mark.synth
def test_where_cdk_nag_throws_the_credentials_are_not_in_the_template(proofs):
    """The reason of CDK_NAG_THROWS, read in the templates: no password at all (a managed one),
    or both values a Secrets Manager reference joined with the `Ref` of CDK's own secret."""
    indexes = {(rule.code, example.name): (rule, index, example) for rule in RULES for index, example in enumerate(rule.examples)}
    for key in CDK_NAG_THROWS:
        rule, index, example = indexes[key]
        assert example.after is None and not example.flagged
        (cluster,) = [
            resource["Properties"] for resource in proofs[f"{rule.code}-{index}"].before.templates["Example"]["Resources"].values()
            if resource["Type"] == "AWS::DocDB::DBCluster"
        ]
        if "ManageMasterUserPassword" in cluster:
            assert "MasterUserPassword" not in cluster
            continue
        for field in ("MasterUsername", "MasterUserPassword"):
            joined = cluster[field]["Fn::Join"][1]
            assert joined[0].startswith("{{resolve:secretsmanager:") and "Ref" in joined[1]


@pytest.mark.synth
@pytest.mark.parametrize("code", sorted(WOULD_FIX))
def test_the_fix_a_report_only_rule_refuses_would_replace_the_resource(code, proofs):
    proof = proofs[f"{code}-would-fix"]
    assert proof.comparable, proof.after.error
    assert sorted(item.summary for item in proof.replaced) == sorted(WOULD_FIX[code][2])
    assert any(finding.base_rule == code for finding in proof.before.nag)
    assert not any(finding.base_rule == code for finding in proof.after.nag)  # it is the fix cdk-nag asks for
    assert not find_rule(code).fixes


@pytest.mark.synth
def test_rs5_with_rs1_and_rs11_clears_all_three_in_place(proofs):
    fixed, records = _together(RS1_RS11_RS5)
    assert [record.code for record in records] == ["AwsSolutions-RS1", "AwsSolutions-RS11", "AwsSolutions-RS5"]
    assert all(record.status is FixStatus.APPLIED for record in records)
    assert _together(fixed) == (fixed, [])  # a second run changes nothing
    assert 'log_exports=["connectionlog", "useractivitylog", "userlog"]' in fixed
    assert 'parameter_name="enable_user_activity_logging", parameter_value="true"' in fixed
    proof = proofs["together"]
    assert proof.comparable and not proof.replaced and not proof.new_validate_errors
    before = {finding.base_rule for finding in proof.before.nag}
    after = {finding.base_rule for finding in proof.after.nag}
    assert {"AwsSolutions-RS1", "AwsSolutions-RS11", "AwsSolutions-RS5"} <= before
    assert not after & {"AwsSolutions-RS1", "AwsSolutions-RS11", "AwsSolutions-RS5"} and after <= before
    (cluster,) = [
        resource for resource in proof.after.templates["Example"]["Resources"].values()
        if resource["Type"] == "AWS::Redshift::Cluster"
    ]
    assert cluster["Properties"]["LoggingProperties"] == {
        "LogDestinationType": "cloudwatch", "LogExports": ["connectionlog", "useractivitylog", "userlog"],
    }


def test_sm3_points_at_the_written_value():
    source = (
        "from aws_cdk import aws_sagemaker as sagemaker\n\n"
        'sagemaker.CfnNotebookInstance(self, "Notebook", instance_type="ml.t3.medium", role_arn=role,\n'
        '    direct_internet_access="Enabled")\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-SM3")])
    assert fixed == source
    (record,) = records
    assert record.status is FixStatus.NO_FIX and (record.line, record.column) == (4, 28)  # 1-based: the value
    assert record.message == 'sagemaker.CfnNotebookInstance with `direct_internet_access="Enabled"` (SageMaker notebook instance with direct internet access)'
    assert "DirectInternetAccess is create-only" in record.detail and "`subnet_id`" in record.detail


def test_doc3_points_at_the_password_and_says_why():
    source = (
        "from aws_cdk import aws_docdb as docdb\n\n"
        'docdb.CfnDBCluster(self, "Docs", master_username="admin",\n'
        '    master_user_password="Password1!")\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-DOC3")])
    assert fixed == source
    (record,) = records
    assert record.status is FixStatus.NO_FIX and (record.line, record.column) == (4, 26)  # 1-based: the value
    assert "`master_user_password` written in the code" in record.message
    assert "MasterUsername is create-only" in record.detail and "generated password" in record.detail


def test_rs5_leaves_a_splat_that_may_hold_the_keyword_reported():
    source = (
        "from aws_cdk import aws_redshift as redshift\n\n\ndef build(self, props):\n"
        '    redshift.CfnCluster(self, "Warehouse", **props)\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-RS5")], unsafe_fixes=True)
    assert fixed == source and [record.status for record in records] == [FixStatus.NO_FIX]
