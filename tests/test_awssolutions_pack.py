"""The AwsSolutions pack: selection by group, code and prefix; the keyword-rule guards; no duplicate fixes."""

from __future__ import annotations

import json

import pytest

from cdkfix.config import Selection, resolve_rules
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, find_rule, rules_by_code
from cdkfix.testing import fix_source

PACK = sorted(rule.code for rule in all_rules() if "AwsSolutions" in rule.groups)


def _codes(*layers: Selection) -> list[str]:
    return [rule.code for rule in resolve_rules(all_rules(), layers)]


def test_pack_is_opt_in_and_in_its_own_folder():
    assert len(PACK) >= 20
    assert all(code.startswith("AwsSolutions-") for code in PACK)
    for code in PACK:
        rule = rules_by_code()[code]
        assert rule.default is False
        assert rule.__module__.startswith("cdkfix.transforms.awssolutions.")
    assert not set(PACK) & set(_codes())  # not in the default selection


def test_pack_selected_whole_by_code_and_by_prefix():
    assert sorted(_codes(Selection(select=("AwsSolutions",)))) == PACK
    assert _codes(Selection(select=("AwsSolutions-S10",))) == ["AwsSolutions-S10"]
    assert _codes(Selection(select=("awssolutions-s10",))) == ["AwsSolutions-S10"]
    # a prefix: S10 and SNS3, SQS4 (all AwsSolutions-S*), never S1x look-alikes from elsewhere
    assert sorted(_codes(Selection(select=("AwsSolutions-S",)))) == sorted(c for c in PACK if c.startswith("AwsSolutions-S"))
    assert "AwsSolutions-SNS3" in _codes(Selection(select=("AwsSolutions-S",)))
    # the default selection plus the pack, minus one rule
    chosen = _codes(Selection(extend_select=("AwsSolutions",), ignore=("AwsSolutions-EC29",)))
    assert "CDK-B12" in chosen and "AwsSolutions-EC28" in chosen and "AwsSolutions-EC29" not in chosen
    assert find_rule("AwsSolutions-S10").code == "AwsSolutions-S10"


def _run(source: str, *codes: str, unsafe: bool = True):
    rules = [rules_by_code()[code] for code in codes]
    rules.sort(key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=unsafe)


def test_ecs4_stays_silent_when_cdk_b12_writes_the_same_fix():
    source = 'from aws_cdk import aws_ecs as ecs\n\necs.Cluster(self, "Cluster")\n'
    fixed, records = _run(source, "CDK-B12", "AwsSolutions-ECS4")
    assert fixed.count("container_insights_v2=ecs.ContainerInsights.ENABLED") == 1
    assert [record.code for record in records] == ["CDK-B12"]
    fixed_alone, records = _run(source, "AwsSolutions-ECS4")
    assert fixed_alone == fixed and [record.code for record in records] == ["AwsSolutions-ECS4"]


def test_s10_defers_to_cdk_b2_only_where_b2_adds_enforce_ssl():
    source = (
        "from aws_cdk import aws_s3 as s3\n\n"
        's3.Bucket(self, "Plain")\n'
        's3.Bucket(self, "Kms", encryption=s3.BucketEncryption.KMS_MANAGED)\n'
    )
    fixed, records = _run(source, "CDK-B2", "AwsSolutions-S10")
    assert fixed == (
        "from aws_cdk import aws_s3 as s3\n\n"
        's3.Bucket(self, "Plain", encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)\n'
        's3.Bucket(self, "Kms", encryption=s3.BucketEncryption.KMS_MANAGED, enforce_ssl=True)\n'
    )
    assert [record.code for record in records] == ["CDK-B2", "AwsSolutions-S10"]


def test_s10_does_not_defer_to_cdk_b2_on_a_public_read_bucket_so_a_second_run_changes_nothing():
    """CDK-B2 takes a public-read bucket for a website and writes only its encryption; S10
    used to defer to it there anyway, and then added `enforce_ssl` on the next run, once the
    encryption was present (found on jpmosquerac/aws-cdk-py with --select ALL)."""
    source = 'from aws_cdk import aws_s3 as s3\n\ns3.Bucket(self, "Public", public_read_access=True)\n'
    fixed, records = _run(source, "CDK-B2", "AwsSolutions-S10")
    assert fixed == (
        "from aws_cdk import aws_s3 as s3\n\n"
        's3.Bucket(self, "Public", public_read_access=True, encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)\n'
    )
    assert sorted(record.code for record in records) == ["AwsSolutions-S10", "CDK-B2"]
    again, records = _run(fixed, "CDK-B2", "AwsSolutions-S10")
    assert again == fixed and records == []


def test_website_bucket_is_reported_without_a_fix():
    source = 'from aws_cdk import aws_s3 as s3\n\ns3.Bucket(self, "Site", website_index_document="index.html")\n'
    fixed, records = _run(source, "AwsSolutions-S10")
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.NO_FIX]
    assert "HTTP only" in records[0].detail


def test_unsafe_pack_fixes_wait_for_unsafe_fixes():
    source = 'from aws_cdk import aws_sqs as sqs\n\nsqs.Queue(self, "Queue")\n'
    fixed, records = _run(source, "AwsSolutions-SQS4", unsafe=False)
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.UNSAFE]


def test_props_keyword_gets_the_inner_keyword_added():
    source = (
        "from aws_cdk import aws_docdb as docdb\n\n"
        'docdb.DatabaseCluster(self, "Db", backup=docdb.BackupProps(preferred_window="07:34-08:04"))\n'
    )
    fixed, records = _run(source, "AwsSolutions-DOC4")
    assert fixed == (
        "from aws_cdk import aws_docdb as docdb\n"
        "from aws_cdk import Duration\n\n"
        'docdb.DatabaseCluster(self, "Db", backup=docdb.BackupProps(preferred_window="07:34-08:04", '
        "retention=Duration.days(7)))\n"
    )
    assert [record.status for record in records] == [FixStatus.APPLIED]
    again, more = _run(fixed, "AwsSolutions-DOC4")
    assert again == fixed and not more


def test_props_in_a_variable_is_reported_without_a_fix():
    source = (
        "from aws_cdk import aws_docdb as docdb\n\n"
        'docdb.DatabaseCluster(self, "Db", backup=backup_props)\n'
    )
    fixed, records = _run(source, "AwsSolutions-DOC4")
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.NO_FIX]


def test_extra_keywords_are_written_only_when_absent():
    source = (
        "from aws_cdk import aws_elasticache as elasticache\n\n"
        'elasticache.CfnReplicationGroup(self, "Cache", replication_group_description="c", transit_encryption_enabled=False)\n'
    )
    fixed, _ = _run(source, "AwsSolutions-AEC3")
    assert fixed == (
        "from aws_cdk import aws_elasticache as elasticache\n\n"
        'elasticache.CfnReplicationGroup(self, "Cache", replication_group_description="c", transit_encryption_enabled=False, '
        "at_rest_encryption_enabled=True)\n"
    )


def test_rds_deletion_protection_leaves_a_stated_removal_policy_to_the_user():
    source = (
        "from aws_cdk import RemovalPolicy, aws_rds as rds\n\n"
        'rds.DatabaseInstance(self, "Db", engine=rds.DatabaseInstanceEngine.POSTGRES, vpc=vpc, '
        "removal_policy=RemovalPolicy.DESTROY)\n"
    )
    fixed, records = _run(source, "AwsSolutions-RDS10")
    assert fixed == source and [record.status for record in records] == [FixStatus.NO_FIX]


def test_no_rule_acknowledges_or_suppresses():
    for rule in all_rules():
        if "AwsSolutions" not in rule.groups:
            continue
        for example in rule.examples:
            if example.after is not None:
                for word in ("acknowledge", "NagSuppressions", "Validations", "cdk_nag"):
                    assert word not in example.after, (rule.code, word)


@pytest.mark.parametrize("fmt", ["json"])
def test_rules_and_explain_show_the_pack(cli, fmt):
    code, out, _ = cli("rules", "--format", fmt)
    rows = {row["code"]: row for row in json.loads(out)}
    assert set(PACK) <= set(rows)
    code, out, _ = cli("explain", "AwsSolutions-S10")
    assert code == 0
    assert out.startswith("# AwsSolutions-S10 (awssolutions-s3-enforce-ssl): S3 bucket does not require SSL")
    assert "cdk-nag AwsSolutions-S10: The S3 Bucket or bucket policy does not require requests to use SSL." in out.replace("\n", " ")
    assert "## Fix safety" in out


def test_a_cdk_nag_suppression_of_the_finding_keeps_the_fix_out():
    source = (
        "from aws_cdk import aws_sqs as sqs\n"
        "from cdk_nag import NagSuppressions\n\n"
        'queue = sqs.Queue(self, "Queue")\n'
        'NagSuppressions.add_resource_suppressions(queue, [{"id": "AwsSolutions-SQS4", "reason": "internal only"}])\n'
        'other = sqs.Queue(self, "Other")\n'
    )
    fixed, records = _run(source, "AwsSolutions-SQS4")
    assert [record.status for record in records] == [FixStatus.SUPPRESSED, FixStatus.APPLIED]
    assert fixed == source.replace('sqs.Queue(self, "Other")', 'sqs.Queue(self, "Other", enforce_ssl=True)')


def test_pack_codes_sort_in_number_order_after_the_cdk_rules():
    from cdkfix.registry import rule_sort_key

    codes = [rule.code for rule in all_rules()]
    assert codes.index("CDK-I6") < codes.index("AwsSolutions-AEC3")
    assert codes.index("AwsSolutions-RDS2") < codes.index("AwsSolutions-RDS3") < codes.index("AwsSolutions-RDS10")
    assert sorted(["AwsSolutions-S10", "AwsSolutions-S2", "CDK-B10", "CDK-B2"], key=rule_sort_key) == [
        "CDK-B2", "CDK-B10", "AwsSolutions-S2", "AwsSolutions-S10",
    ]


# A value rule (cdkfix/value_rule.py) flags only a value written in the call: a keyword only a
# splat could hold is not written, so the call is left alone (tests/test_value_rules.py).
VALUE_RULES = [code for code in PACK if hasattr(rules_by_code()[code], "value_spec")]


@pytest.mark.parametrize("code", [code for code in PACK if code not in VALUE_RULES])
def test_every_pack_rule_reports_a_splat_without_a_fix(code):
    rule = rules_by_code()[code]
    # A keyword rule declares its constructs; a scaffolding rule's one construct is its call filter.
    qualified = rule.spec.constructs[0] if hasattr(rule, "spec") else min(rule.calls)
    module, name = qualified.split(".")[1], ".".join(qualified.split(".")[2:])
    source = f"from aws_cdk import {module}\n\n{module}.{name}(self, \"Splat\", **props)\n"
    fixed, records = _run(source, code)
    assert fixed == source
    assert [(record.code, record.status) for record in records] == [(code, FixStatus.NO_FIX)]
    assert "splat" in records[0].detail
