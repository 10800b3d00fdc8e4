"""AwsSolutions-OS7, OS4 and OS9 on `opensearchservice.Domain` (transforms/awssolutions/os7_zone_awareness.py,
os4_dedicated_masters.py, os9_slow_logs.py): what the templates hold after each fix, and the three
rules together on one call (one CapacityConfig, one run, the three findings gone and no other)."""

from __future__ import annotations

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source

from nag_support import synth_with_nag

OS4, OS7, OS9 = "AwsSolutions-OS4", "AwsSolutions-OS7", "AwsSolutions-OS9"
STANDBY_FLAG = "@aws-cdk/aws-opensearchservice:enableOpensearchMultiAzWithStandby"


def _fix(source: str, *codes: str):
    return fix_source(source, [rules_by_code()[code] for code in codes], unsafe_fixes=True)


def _one(template: dict, kind: str) -> tuple[str, dict]:
    (found,) = [(key, value) for key, value in template["Resources"].items() if value["Type"] == kind]
    return found


TOGETHER_BEFORE = """\
from aws_cdk import aws_opensearchservice as opensearch

self.search = opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity=opensearch.CapacityConfig(data_nodes=3),
)
"""

TOGETHER_AFTER = """\
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

search_slow_search_logs = logs.LogGroup(
    self, "SearchSlowSearchLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_slow_index_logs = logs.LogGroup(
    self, "SearchSlowIndexLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_logs_policy = logs.ResourcePolicy(
    self,
    "SearchLogsPolicy",
    policy_statements=[
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                search_slow_search_logs.log_group_arn,
                search_slow_index_logs.log_group_arn,
            ],
        )
    ],
)

self.search = opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity=opensearch.CapacityConfig(data_nodes=4, master_nodes=3, master_node_instance_type="r5.large.search", multi_az_with_standby_enabled=False),
    zone_awareness=opensearch.ZoneAwarenessConfig(
        enabled=True, availability_zone_count=2
    ),
    logging=opensearch.LoggingOptions(
        slow_search_log_enabled=True,
        slow_search_log_group=search_slow_search_logs,
        slow_index_log_enabled=True,
        slow_index_log_group=search_slow_index_logs,
    ),
    suppress_logs_resource_policy=True,
)

self.search.node.add_dependency(search_logs_policy)
"""


def _capacity_keywords(text: str) -> tuple[list[str], list[str]]:
    """The lines of `text` in sorted order (the Domain call's keywords follow the order the rules
    ran in) with its one CapacityConfig's keywords replaced by a mark, and those keywords."""
    (line,) = [line for line in text.splitlines() if "CapacityConfig(" in line]
    inner = line[line.index("CapacityConfig(") + len("CapacityConfig("):line.rindex(")")]
    return sorted(text.replace(inner, "<capacity>").splitlines()), sorted(part.strip() for part in inner.split(","))


def test_the_three_rules_on_one_call_in_the_registry_order():
    """What `--select AwsSolutions` runs (the registry's order: OS4, OS7, OS9): one
    CapacityConfig with both OS4's and OS7's keywords, the user's `data_nodes=3` raised once."""
    codes = [rule.code for rule in all_rules() if rule.code in (OS4, OS7, OS9)]
    assert codes == [OS4, OS7, OS9]
    fixed, records = _fix(TOGETHER_BEFORE, *codes)
    assert fixed == TOGETHER_AFTER
    assert sorted(record.code for record in records) == codes
    assert all(record.status is FixStatus.APPLIED for record in records)
    compile(fixed, "fixed.py", "exec")
    again, more = _fix(fixed, *codes)
    assert again == fixed and not more


@pytest.mark.parametrize("order", [(OS7, OS4, OS9), (OS9, OS4, OS7), (OS4, OS9, OS7)], ids=["7-4-9", "9-4-7", "4-9-7"])
def test_any_order_gives_the_same_code_but_for_the_keyword_order(order):
    """OS7 and OS4 both write into `capacity=`: each edit applies to the call as the other left it
    (merge_capacity), so any order composes; only the order of the keywords (the Domain's
    and the CapacityConfig's) follows the order the rules ran in. A second run changes nothing."""
    fixed, _ = _fix(TOGETHER_BEFORE, *order)
    assert _capacity_keywords(fixed) == _capacity_keywords(TOGETHER_AFTER)
    again, more = _fix(fixed, *order)
    assert again == fixed and not more


def test_each_rule_alone_then_the_others_gives_the_same_code():
    """OS7, then OS4, then OS9 in three runs ends where one run of all three does."""
    text = TOGETHER_BEFORE
    for code in (OS7, OS4, OS9):
        text, _ = _fix(text, code)
    assert _capacity_keywords(text) == _capacity_keywords(TOGETHER_AFTER)


@pytest.mark.synth
def test_the_three_fixes_together_clear_their_findings_and_add_none():
    pytest.importorskip("cdk_nag")
    before, _ = synth_with_nag(TOGETHER_BEFORE)
    after, template = synth_with_nag(TOGETHER_AFTER)
    assert {(OS4, "Case/Search/Resource"), (OS7, "Case/Search/Resource"), (OS9, "Case/Search/Resource")} <= before
    assert after == before - {(OS4, "Case/Search/Resource"), (OS7, "Case/Search/Resource"), (OS9, "Case/Search/Resource")}
    domain_id, domain = _one(template, "AWS::OpenSearchService::Domain")
    cluster = domain["Properties"]["ClusterConfig"]
    assert cluster["InstanceCount"] == 4 and cluster["ZoneAwarenessEnabled"] is True
    assert cluster["ZoneAwarenessConfig"] == {"AvailabilityZoneCount": 2}
    assert cluster["DedicatedMasterEnabled"] is True and cluster["DedicatedMasterCount"] == 3
    assert cluster["DedicatedMasterType"] == "r5.large.search" and cluster["MultiAZWithStandbyEnabled"] is False
    policy_id, _ = _one(template, "AWS::Logs::ResourcePolicy")
    assert policy_id in domain["DependsOn"]


@pytest.mark.synth
def test_os9_policy_is_cdks_statement_and_the_domain_depends_on_it(fix_effect_proofs):
    """OpenSearch refuses log publishing to a group whose resource policy does not let
    es.amazonaws.com write: the CfnDomain must DependsOn the AWS::Logs::ResourcePolicy, which
    grants what CDK's own LogGroupResourcePolicy grants (PutLogEvents, CreateLogStream on the
    groups' ARNs), and no custom resource or Lambda function is left to raise IAM4/IAM5."""
    import json

    proof = fix_effect_proofs[f"{OS9}-0"]
    (template,) = proof.after.templates.values()
    resources = template["Resources"]
    domain_id, domain = _one(template, "AWS::OpenSearchService::Domain")
    policy_id, policy = _one(template, "AWS::Logs::ResourcePolicy")
    assert policy_id in domain["DependsOn"]
    groups = sorted(key for key, value in resources.items() if value["Type"] == "AWS::Logs::LogGroup")
    assert len(groups) == 2 and all(resources[key]["Properties"]["RetentionInDays"] == 30 for key in groups)
    published = domain["Properties"]["LogPublishingOptions"]
    assert {key: value["Enabled"] for key, value in published.items()} == {"SEARCH_SLOW_LOGS": True, "INDEX_SLOW_LOGS": True}
    assert sorted(value["CloudWatchLogsLogGroupArn"]["Fn::GetAtt"][0] for value in published.values()) == groups
    document = json.dumps(policy["Properties"]["PolicyDocument"])
    assert '\\"Service\\":\\"es.amazonaws.com\\"' in document
    assert '\\"Action\\":[\\"logs:PutLogEvents\\",\\"logs:CreateLogStream\\"]' in document
    assert all(group in document for group in groups)
    assert not [value for value in resources.values() if value["Type"] in ("AWS::Lambda::Function", "Custom::CloudwatchLogResourcePolicy")]
    assert not {finding.rule_id for finding in proof.after.nag if finding.base_rule in ("AwsSolutions-IAM4", "AwsSolutions-IAM5")}


@pytest.mark.synth
def test_without_the_suppression_cdks_policy_brings_iam4_and_iam5():
    """Why the fix writes the policy itself: `logging=` alone (CDK's log policy custom resource)
    clears OS9 but adds an AWS managed policy (IAM4) and a `*` statement (IAM5)."""
    pytest.importorskip("cdk_nag")
    source = """\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11,
                  logging=opensearch.LoggingOptions(slow_search_log_enabled=True, slow_index_log_enabled=True))
"""
    findings, _ = synth_with_nag(source)
    rules = {rule for rule, _ in findings}
    assert OS9 not in rules
    assert {"AwsSolutions-IAM4", "AwsSolutions-IAM5"} <= rules


@pytest.mark.synth
def test_os7_fix_with_the_standby_feature_flag_of_new_projects():
    """With `enableOpensearchMultiAzWithStandby` on (every `cdk init` cdk.json since 2.88) CDK turns
    Multi-AZ with Standby on, which needs three zones: the fix states it off, so the two zones it
    chooses are what the template asks OpenSearch for, with the flag on as with it off."""
    pytest.importorskip("cdk_nag")
    before = rules_by_code()[OS7].examples[0].before
    fixed, _ = _fix(before, OS7)
    for context in ({}, {STANDBY_FLAG: True}):
        findings, template = synth_with_nag(fixed, context)
        _, domain = _one(template, "AWS::OpenSearchService::Domain")
        cluster = domain["Properties"]["ClusterConfig"]
        assert cluster["MultiAZWithStandbyEnabled"] is False and cluster["InstanceCount"] == 2
        assert cluster["ZoneAwarenessEnabled"] is True
        assert (OS7, "Case/Search/Resource") not in findings
    _, template = synth_with_nag(before, {STANDBY_FLAG: True})
    assert _one(template, "AWS::OpenSearchService::Domain")[1]["Properties"]["ClusterConfig"]["MultiAZWithStandbyEnabled"] is True


@pytest.mark.parametrize(
    "capacity, data_nodes",
    [("", "2"), ("data_nodes=1", "2"), ("data_nodes=3", "4"), ("data_nodes=2", None), ("data_nodes=6", None)],
)
def test_os7_makes_the_data_node_count_even(capacity, data_nodes):
    source = (
        "from aws_cdk import aws_opensearchservice as opensearch\n\n"
        'opensearch.Domain(self, "S", version=opensearch.EngineVersion.OPENSEARCH_2_11, '
        f"capacity=opensearch.CapacityConfig({capacity}))\n"
    )
    fixed, records = _fix(source, OS7)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    expected = f"data_nodes={data_nodes}" if data_nodes else capacity
    assert f"CapacityConfig({expected}" in fixed.replace("CapacityConfig(, ", "CapacityConfig(")
    assert fixed.count("data_nodes=") == 1


@pytest.mark.parametrize(
    "data_type, master_type",
    [('"m6g.large.search"', "m6g.large.search"), ('"T3.SMALL.SEARCH"', "r5.large.search"), ("instance_type", "r5.large.search")],
)
def test_os4_master_type(data_type, master_type):
    source = (
        "from aws_cdk import aws_opensearchservice as opensearch\n\n"
        'opensearch.Domain(self, "S", version=opensearch.EngineVersion.OPENSEARCH_2_11, '
        f"capacity=opensearch.CapacityConfig(data_node_instance_type={data_type}))\n"
    )
    fixed, _ = _fix(source, OS4)
    assert f'master_nodes=3, master_node_instance_type="{master_type}"' in fixed


@pytest.mark.synth
def test_os9_on_the_l1_depends_on_its_policy_too(fix_effect_proofs):
    """The L1 example: each CfnDomain publishes both slow logs to its own groups and DependsOn
    the resource policy that names them; the user's app log entry stays."""
    (template,) = fix_effect_proofs[f"{OS9}-6"].after.templates.values()
    resources = template["Resources"]
    domains = {key: value for key, value in resources.items() if value["Type"] == "AWS::OpenSearchService::Domain"}
    policies = {key: value for key, value in resources.items() if value["Type"] == "AWS::Logs::ResourcePolicy"}
    assert len(domains) == 2 and len(policies) == 2
    for domain in domains.values():
        (policy_id,) = [key for key in domain["DependsOn"] if key in policies]
        published = domain["Properties"]["LogPublishingOptions"]
        assert published["SEARCH_SLOW_LOGS"]["Enabled"] is True and published["INDEX_SLOW_LOGS"]["Enabled"] is True
        document = str(policies[policy_id]["Properties"]["PolicyDocument"])
        for log in ("SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS"):
            assert published[log]["CloudWatchLogsLogGroupArn"]["Fn::GetAtt"][0] in document
    assert sum("ES_APPLICATION_LOGS" in d["Properties"]["LogPublishingOptions"] for d in domains.values()) == 1


FIVE = ("AwsSolutions-OS2", OS4, OS7, "AwsSolutions-OS8", OS9)
DEFAULT_DOMAIN = """\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11)
"""


def test_with_os2_and_os8_every_keyword_once():
    """The pack's two keyword rules for domains (OS2, OS8) edit the same call: five fixes, each
    keyword written once, and a second run changes nothing."""
    fixed, records = _fix(DEFAULT_DOMAIN, *FIVE)
    assert sorted(record.code for record in records) == sorted(FIVE)
    for keyword in ("node_to_node_encryption=True", "encryption_at_rest=", "zone_awareness=", "capacity=", "master_nodes=3",
                    "data_nodes=2", "logging=", "suppress_logs_resource_policy=True", "search.node.add_dependency("):
        assert fixed.count(keyword) == 1, keyword
    compile(fixed, "fixed.py", "exec")
    again, more = _fix(fixed, *FIVE)
    assert again == fixed and not more


@pytest.mark.synth
def test_a_default_domain_after_the_five_opensearch_fixes_has_none_of_their_findings():
    pytest.importorskip("cdk_nag")
    fixed, _ = _fix(DEFAULT_DOMAIN, *FIVE)
    before, _ = synth_with_nag(DEFAULT_DOMAIN)
    after, _ = synth_with_nag(fixed)
    fixed_findings = {(code, "Case/Search/Resource") for code in FIVE}
    assert fixed_findings <= before
    assert after == before - fixed_findings
