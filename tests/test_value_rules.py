"""Value rules (cdkfix/value_rule.py): cdk-nag findings on a value the user wrote.

The examples themselves run in tests/test_rule_examples.py (exact text, idempotence) and, when
fixed, in the fix-effect proofs (tests/test_fix_effects.py, tests/test_awssolutions_proof.py).
Here: matching by meaning, where the finding points, and, by synthesis, that the declarations
agree with cdk-nag: every example the rule flags is flagged by cdk-nag, every example it leaves
alone is not, and a report-only rule's fix would indeed replace the resource.
"""

from __future__ import annotations

import libcst as cst
import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, find_rule
from cdkfix.rule import Safety
from cdkfix.testing import fix_source
from cdkfix.value_rule import canonical

VALUE_RULES = [rule for rule in all_rules() if hasattr(rule, "value_spec")]


def _ids(rule) -> str:
    return rule.code


def test_the_declared_rules():
    assert {rule.code for rule in VALUE_RULES} >= {
        "AwsSolutions-RS8", "AwsSolutions-RS9", "AwsSolutions-RS10", "AwsSolutions-RDS13",
        "AwsSolutions-MSK2", "AwsSolutions-MSK3", "AwsSolutions-DOC1", "AwsSolutions-COG7", "AwsSolutions-ELB4",
        "AwsSolutions-SQS2", "AwsSolutions-KDS1", "AwsSolutions-S2", "AwsSolutions-EFS1", "AwsSolutions-AS1",
        "AwsSolutions-COG2", "AwsSolutions-EC27", "AwsSolutions-RDS14",
    }
    assert {rule.code for rule in VALUE_RULES if not rule.fixes} == {
        "AwsSolutions-MSK3", "AwsSolutions-DOC1", "AwsSolutions-CFR5", "AwsSolutions-EFS1",
        "AwsSolutions-COG2", "AwsSolutions-EC27", "AwsSolutions-RDS14",
        "AwsSolutions-RS3", "AwsSolutions-SM2", "AwsSolutions-SM3",  # transforms/awssolutions/value_rules_analytics.py
        "AwsSolutions-EMR2", "AwsSolutions-EMR4", "AwsSolutions-EMR5",  # transforms/awssolutions/report_emr_cluster.py
    }
    # The L1 leftovers are variants of the L2 rules, so each code stays one rule.
    constructs = {construct for rule in VALUE_RULES for one in rule.value_spec.declarations() for construct in one.constructs}
    assert {"aws_cdk.aws_kinesis.CfnStream", "aws_cdk.aws_s3.CfnBucket", "aws_cdk.aws_cognito.CfnUserPool",
            "aws_cdk.aws_ec2.CfnSecurityGroup", "aws_cdk.aws_rds.CfnDBCluster"} <= constructs


@pytest.mark.parametrize("rule", VALUE_RULES, ids=_ids)
def test_every_value_rule_is_unsafe_and_opt_in(rule):
    # The user wrote the value: changing it is their decision (--unsafe-fixes), and the pack is opt-in.
    assert rule.safety is Safety.UNSAFE and not rule.default and "AwsSolutions" in rule.groups
    assert rule.fixes == (rule.value_spec.value is not None)
    assert rule.value_spec.safety_note and (rule.fixes or rule.value_spec.no_fix)


def _resolve_cdk(node):
    name = cst.helpers.get_full_name_for_node(node)
    return {"cdk.Duration": "aws_cdk.Duration", "Duration": "aws_cdk.Duration"}.get(name.rsplit(".", 1)[0] if name else "") and (
        "aws_cdk.Duration." + name.rsplit(".", 1)[1]
    )


@pytest.mark.parametrize(
    "one, other",
    [
        ("'TLS'", '"TLS"'),
        ("'''TLS'''", "'TLS'"),
        ("0", "0"),
        ("-1", "-1"),
        ("cdk.Duration.days(0)", "Duration.days(0)"),
        ("[1, 'a']", "(1, 'a')"),
    ],
)
def test_canonical_is_the_same_for_the_same_meaning(one, other):
    first = canonical(cst.parse_expression(one), _resolve_cdk)
    assert first is not None and first == canonical(cst.parse_expression(other), _resolve_cdk)


@pytest.mark.parametrize(
    "source", ["setting", "f'TLS'", "Duration.days(amount)", "Duration.days(*x)", "1 + 1", "not True", "make()", "make(0)"]
)
def test_canonical_refuses_what_is_not_a_literal(source):
    assert canonical(cst.parse_expression(source), _resolve_cdk) is None


REDSHIFT = (
    "from aws_cdk import aws_redshift as redshift\n\n"
    "redshift.CfnCluster(\n"
    '    self,\n    "Warehouse",\n    cluster_type="single-node",\n    db_name="db",\n'
    '    master_username="admin",\n    node_type="ra3.xlplus",\n'
    "    publicly_accessible=True,  # for the BI tool\n"
    ")\n"
)


def test_the_finding_points_at_the_flagged_value_and_the_fix_keeps_the_layout():
    fixed, records = fix_source(REDSHIFT, [find_rule("AwsSolutions-RS8")])
    assert fixed == REDSHIFT.replace("    publicly_accessible=True,  # for the BI tool\n", "    publicly_accessible=False,\n")
    (record,) = records
    assert record.status is FixStatus.APPLIED and record.safety == "unsafe"
    assert (record.line, record.column) == (10, 25)  # `True`, where cdk-nag gives no line at all
    assert record.message == "redshift.CfnCluster with `publicly_accessible=True` (Redshift cluster publicly accessible)"


def test_a_report_only_rule_says_why_at_the_value():
    source = (
        "from aws_cdk import aws_docdb as docdb\n\n"
        "def build(self, vpc, login, instance_type):\n"
        "    docdb.DatabaseCluster(\n"
        '        self, "Docs", vpc=vpc, master_user=login, instance_type=instance_type,\n'
        "        storage_encrypted=False,\n"
        "    )\n"
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-DOC1")])
    assert fixed == source
    (record,) = records
    assert record.status is FixStatus.NO_FIX and record.line == 6
    assert "StorageEncrypted is create-only" in record.detail and "data is lost" in record.detail


def test_a_name_bound_to_something_else_is_not_cdks():
    source = (
        "from aws_cdk import Duration, aws_rds as rds\n\n"
        "def build(self, vpc, Duration):\n"
        '    rds.DatabaseInstance(self, "Db", vpc=vpc, engine=rds.DatabaseInstanceEngine.POSTGRES, backup_retention=Duration.days(0))\n'
    )
    assert fix_source(source, [find_rule("AwsSolutions-RDS13")]) == (source, [])


def test_a_splat_in_the_props_object_does_not_hide_a_written_value():
    source = (
        "from aws_cdk import aws_msk as msk\n\n"
        "def build(self, info, more):\n"
        '    msk.CfnCluster(self, "Events", **info, encryption_info=msk.CfnCluster.EncryptionInfoProperty(\n'
        '        encryption_in_transit=msk.CfnCluster.EncryptionInTransitProperty(**more, client_broker="TLS_PLAINTEXT")))\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-MSK2")])
    assert fixed == source.replace('"TLS_PLAINTEXT"', '"TLS"')
    assert [record.status for record in records] == [FixStatus.APPLIED]


def test_another_props_class_at_a_level_is_not_read():
    source = (
        "from aws_cdk import aws_msk as msk\n\n"
        "def build(self, Other):\n"
        '    msk.CfnCluster(self, "Events", encryption_info=msk.CfnCluster.EncryptionInfoProperty(\n'
        '        encryption_in_transit=Other(client_broker="PLAINTEXT")))\n'
    )
    assert fix_source(source, [find_rule("AwsSolutions-MSK2")]) == (source, [])


# --- agreement with cdk-nag, by synthesis ------------------------------------------------------

# The value that a report-only rule's fix would write, to show that it replaces the resource.
REPORT_ONLY_FIX = {
    "AwsSolutions-MSK3": ("in_cluster=False", "in_cluster=True"),
    "AwsSolutions-DOC1": ("storage_encrypted=False", "storage_encrypted=True"),
    "AwsSolutions-EFS1": ("encrypted=False", "encrypted=True"),
    "AwsSolutions-EC27": ('description="x"', 'description="Web servers"'),
}


def _module_level(example) -> bool:
    # Examples inside a `def` take parameters (a run-time value) that the proof cannot supply.
    return "\ndef " not in example.before


def _nag_cases():
    from cdkfix.effects import Case

    cases = {}
    for rule in VALUE_RULES:
        for index, example in enumerate(rule.examples):
            if _module_level(example):
                cases[f"{rule.code}-{index}"] = (rule, example, Case(f"{rule.code}-{index}", example.before, example.before))
        if rule.code in REPORT_ONLY_FIX:
            first = rule.examples[0].before
            old, new = REPORT_ONLY_FIX[rule.code]
            assert old in first
            cases[f"{rule.code}-would-fix"] = (rule, None, Case(f"{rule.code}-would-fix", first, first.replace(old, new)))
    return cases


@pytest.fixture(scope="module")
def nag_proofs():
    pytest.importorskip("cdk_nag")
    from cdkfix.effects import prove

    cases = _nag_cases()
    return cases, prove([case for _, _, case in cases.values()])


@pytest.mark.synth
def test_cdk_nag_flags_exactly_what_the_rules_flag(nag_proofs):
    cases, proofs = nag_proofs
    failures = []
    checked = 0
    for case_id, (rule, example, _) in cases.items():
        if example is None:
            continue
        proof = proofs[case_id]
        if not proof.before.ok:
            failures.append(f"{case_id} ({example.name}): does not synthesize: {proof.before.error[:300]}")
            continue
        reported = any(finding.base_rule == rule.code for finding in proof.before.nag)
        expected = example.after is not None or example.flagged
        if reported != expected:
            failures.append(f"{case_id} ({example.name}): cdk-nag {'reports' if reported else 'does not report'} {rule.code}")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 50


@pytest.mark.synth
@pytest.mark.parametrize("code", sorted(REPORT_ONLY_FIX))
def test_a_report_only_rules_fix_would_replace_the_resource(nag_proofs, code):
    _, proofs = nag_proofs
    proof = proofs[f"{code}-would-fix"]
    assert proof.comparable, proof.after.error
    assert proof.replaced and all("is create-only" in item.summary for item in proof.replaced)
    assert not any(finding.base_rule == code for finding in proof.after.nag)


@pytest.mark.parametrize("rule", VALUE_RULES, ids=_ids)
def test_a_splat_alone_is_left_alone_unless_the_default_fails(rule):
    # cdk-nag flags only a value written in the template; what a splat holds, cdkfix cannot see,
    # and it does not guess (a report on every splat would be noise for a default that passes).
    # Where the default fails too (`absent`), the splat may or may not hold the keyword: a
    # finding without a fix. With `when`, the other keyword is not visible: unknown, left alone.
    spec = rule.value_spec
    module, name = spec.constructs[0].split(".")[1], ".".join(spec.constructs[0].split(".")[2:])
    source = f'from aws_cdk import {module}\n\n\ndef build(self, props):\n    {module}.{name}(self, "Splat", **props)\n'
    fixed, records = fix_source(source, [rule])
    assert fixed == source
    if spec.absent and not spec.when:
        (record,) = records
        assert record.status is FixStatus.NO_FIX and record.line == 5
        assert f"a `**` splat may set `{spec.keyword}`" in record.detail
    else:
        assert records == []


def test_explain_and_rules_say_a_report_only_rule_writes_nothing(cli):
    from cdkfix.explain import explain_text

    text = explain_text(find_rule("AwsSolutions-DOC1"))
    assert "Fix: none (reported without a fix)" in text and "## Why there is no fix" in text
    assert "## Fix safety" not in text and "## Use instead" not in text
    assert "## Fix safety" in explain_text(find_rule("AwsSolutions-RS8"))
    _, table, _ = cli("rules", "--format", "markdown")
    assert "| AwsSolutions-DOC1 | awssolutions-docdb-encrypted | B | no fix | opt-in (AwsSolutions) |" in table
    assert "| AwsSolutions-RS8 | awssolutions-redshift-public | B | unsafe | opt-in (AwsSolutions) |" in table


def test_an_imported_alias_is_the_same_value():
    source = (
        "from aws_cdk import Duration as D, aws_rds as rds\n\n"
        'rds.DatabaseInstance(self, "Db", vpc=vpc, engine=rds.DatabaseInstanceEngine.POSTGRES, backup_retention=D.days(0))\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-RDS13")])
    assert fixed == source.replace("D.days(0)", "D.days(1)") and len(records) == 1


@pytest.mark.parametrize("rule", VALUE_RULES, ids=_ids)
def test_the_fixed_and_kept_values_are_not_flagged(rule):
    # A fixed value that is still flagged would be rewritten on every run.
    from cdkfix.value_rule import _template_canonical

    from cdkfix.value_rule import _literal

    for one in rule.value_spec.declarations():
        flagged = {_template_canonical(value) for value in one.flagged}
        assert _template_canonical(one.keep) not in flagged
        assert one.value is None or _template_canonical(one.value) not in flagged
        if one.flagged_if is not None:
            assert all(one.flagged_if(_literal(_template_canonical(value))) for value in one.flagged)
            assert not one.flagged_if(_literal(_template_canonical(one.keep)))


def test_a_keyword_with_which_cdk_nag_passes_leaves_the_value_alone_and_a_splat_may_hold_it():
    # SQS2 (SQSQueueSSE) passes a CfnQueue with `SqsManagedSseEnabled: false` when it has a KMS key.
    rule = find_rule("AwsSolutions-SQS2")
    with_key = 'from aws_cdk import aws_sqs as sqs\n\nsqs.CfnQueue(self, "Q", kms_master_key_id=key, sqs_managed_sse_enabled=False)\n'
    assert fix_source(with_key, [rule]) == (with_key, [])
    splat = "from aws_cdk import aws_sqs as sqs\n\n\ndef build(self, props):\n    sqs.CfnQueue(self, \"Q\", **props, sqs_managed_sse_enabled=False)\n"
    fixed, records = fix_source(splat, [rule])
    assert fixed == splat
    (record,) = records
    assert record.status is FixStatus.NO_FIX and record.line == 5
    assert "a `**` splat may hold `kms_master_key_id`" in record.detail
    # The L2 has no such keyword: a splat beside `encryption=` cannot hold it again, the value is fixed.
    l2 = "from aws_cdk import aws_sqs as sqs\n\n\ndef build(self, props):\n    sqs.Queue(self, \"Q\", **props, encryption=sqs.QueueEncryption.UNENCRYPTED)\n"
    assert fix_source(l2, [rule])[0] == l2.replace("UNENCRYPTED", "SQS_MANAGED")


@pytest.mark.parametrize(
    "written",
    [
        "s3.BlockPublicAccess(**settings)",  # what the splat holds, cdkfix cannot see
        "s3.BlockPublicAccess(block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=on)",
        "Other(block_public_acls=False)",  # another class, not CDK's props
    ],
)
def test_a_props_object_cdkfix_cannot_read_is_left_alone(written):
    source = (
        "from aws_cdk import aws_s3 as s3\n\n\ndef build(self, settings, on, Other):\n"
        f'    s3.Bucket(self, "Bucket", block_public_access={written})\n'
    )
    assert fix_source(source, [find_rule("AwsSolutions-S2")]) == (source, [])


def test_a_props_object_with_a_setting_off_is_reported_at_it_on_a_website_bucket():
    source = (
        "from aws_cdk import aws_s3 as s3\n\n"
        's3.Bucket(self, "Site", website_index_document="index.html",\n'
        "    block_public_access=s3.BlockPublicAccess(block_public_acls=False))\n"
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-S2")])
    assert fixed == source
    (record,) = records
    assert record.status is FixStatus.NO_FIX and (record.line, record.column) == (4, 25)  # the props object, 1-based column
    assert "a website bucket is public on purpose" in record.detail


# --- absent, when, flagged_if (COG2, EC27, RDS14, KDS1 on CfnStream) ----------------------------


def test_an_absent_keyword_is_reported_at_the_call_and_added_where_a_fix_exists():
    source = (
        "from aws_cdk import aws_cognito as cognito, aws_kinesis as kinesis\n\n"
        'pool = cognito.UserPool(self, "Users")\n'
        'stream = kinesis.CfnStream(self, "Events", shard_count=1)\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-COG2"), find_rule("AwsSolutions-KDS1")])
    assert fixed == source.replace(
        "shard_count=1)",
        'shard_count=1, stream_encryption=kinesis.CfnStream.StreamEncryptionProperty(\n'
        '    encryption_type="KMS", key_id="alias/aws/kinesis"\n))',
    )
    by_code = {record.code: record for record in records}
    cog2, kds1 = by_code["AwsSolutions-COG2"], by_code["AwsSolutions-KDS1"]
    assert cog2.status is FixStatus.NO_FIX and cog2.line == 3
    assert cog2.message == "cognito.UserPool without `mfa` (Cognito user pool does not require MFA)"
    assert "Cannot turn MFA functionality ON, once the user pool has been created" in cog2.detail
    assert kds1.status is FixStatus.APPLIED and kds1.line == 4 and kds1.safety == "unsafe"
    # A second run changes nothing: the added value passes.
    assert fix_source(fixed, [find_rule("AwsSolutions-KDS1")]) == (fixed, [])


@pytest.mark.parametrize(
    "engine, reported",
    [
        ("rds.DatabaseClusterEngine.aurora_mysql(version=rds.AuroraMysqlEngineVersion.VER_3_08_0)", True),
        ("rds.DatabaseClusterEngine.AURORA_MYSQL", True),
        ("rds.DatabaseClusterEngine.aurora(version=version)", True),  # the engine is proven, its version need not be
        ("rds.DatabaseClusterEngine.aurora_postgres(version=rds.AuroraPostgresEngineVersion.VER_16_4)", False),
        ("engine", False),  # a variable: the engine is unknown
        ("make_engine()", False),
    ],
)
def test_backtrack_is_asked_only_of_a_proven_aurora_mysql_engine(engine, reported):
    source = (
        "from aws_cdk import aws_rds as rds\n\n\ndef build(self, vpc, engine, version, make_engine):\n"
        f'    rds.DatabaseCluster(self, "Db", vpc=vpc, engine={engine}, writer=rds.ClusterInstance.provisioned("Writer"))\n'
    )
    fixed, records = fix_source(source, [find_rule("AwsSolutions-RDS14")])
    assert fixed == source
    assert [record.status for record in records] == ([FixStatus.NO_FIX] if reported else [])


@pytest.mark.parametrize("engine", ["'aurora-mysql'", '"AURORA-MYSQL"', "'''aurora'''"])
def test_a_string_engine_matches_whatever_its_case_and_quotes(engine):
    source = f'from aws_cdk import aws_rds as rds\n\nrds.CfnDBCluster(self, "Db", engine={engine}, backtrack_window=0)\n'
    fixed, records = fix_source(source, [find_rule("AwsSolutions-RDS14")])
    assert fixed == source
    (record,) = records
    assert record.status is FixStatus.NO_FIX and record.column == source.splitlines()[2].index("0)") + 1


def test_another_string_engine_is_left_alone():
    source = 'from aws_cdk import aws_rds as rds\n\nrds.CfnDBCluster(self, "Db", engine="aurora-postgresql")\n'
    assert fix_source(source, [find_rule("AwsSolutions-RDS14")]) == (source, [])


@pytest.mark.parametrize(
    "construct, description, reported",
    [
        ("ec2.SecurityGroup(self, 'Sg', vpc=vpc, description={})", "'x'", True),
        ("ec2.SecurityGroup(self, 'Sg', vpc=vpc, description={})", "''", False),  # CDK writes the construct path
        ("ec2.SecurityGroup(self, 'Sg', vpc=vpc, description={})", "'ok'", False),
        ("ec2.CfnSecurityGroup(self, 'Sg', group_description={})", "''", True),
        ("ec2.CfnSecurityGroup(self, 'Sg', group_description={})", "'-'", True),
        ("ec2.CfnSecurityGroup(self, 'Sg', group_description={})", "'ok'", False),
        ("ec2.CfnSecurityGroup(self, 'Sg', group_description={})", "1", False),  # not a string: not cdk-nag's test
        ("ec2.CfnSecurityGroup(self, 'Sg', group_description={})", "f'{{vpc}}'", False),
    ],
)
def test_a_description_is_flagged_by_its_length(construct, description, reported):
    source = f"from aws_cdk import aws_ec2 as ec2\n\n{construct.format(description)}\n"
    fixed, records = fix_source(source, [find_rule("AwsSolutions-EC27")])
    assert fixed == source
    assert [record.status for record in records] == ([FixStatus.NO_FIX] if reported else [])
    if reported:
        assert "GroupDescription is create-only" in records[0].detail


def test_absent_with_inside_is_refused():
    from dataclasses import replace

    from cdkfix.value_rule import value_rule

    spec = find_rule("AwsSolutions-MSK2").value_spec
    with pytest.raises(ValueError, match="absent"):
        value_rule(replace(spec, absent=True), __name__)
