"""Why AwsSolutions-DOC5 has no fix (docs/awssolutions-docdb.md): cdk-nag 3.0.2 passes a
DocumentDB cluster only when its `EnableCloudwatchLogsExports` names the audit EVENT types
`authenticate`, `createIndex` and `dropCollection`; DocumentDB's log types are `audit` and
`profiler`. The configuration that really logs those events (audit export, profiler export,
a cluster parameter group with `audit_logs` = `enabled`) keeps all three findings, and the
only template that clears them names log types DocumentDB does not have, which neither
CloudFormation Validate nor cfn-lint flags offline: the fix-effect proof would pass a fix
that fails at deployment.

These tests pin those facts on the installed aws-cdk-lib and cdk-nag: when cdk-nag changes
its rule, they fail, and DOC5 is worth building again (the fix the docs describe)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from cdkfix.registry import all_rules

pytest.importorskip("aws_cdk")
cdk_nag = pytest.importorskip("cdk_nag")

DOC5 = "AwsSolutions-DOC5"
EVENT_NAMES = ("authenticate", "createIndex", "dropCollection")
ALL_FINDINGS = sorted(f"{DOC5}[LogExport::{name}]" for name in EVENT_NAMES)

_L2_BEFORE = """\
from aws_cdk import aws_docdb as docdb, aws_ec2 as ec2

docdb.DatabaseCluster(
    self, "Database", vpc=vpc, master_user=docdb.Login(username="admin"), engine_version="5.0.0",
    instance_type=ec2.InstanceType("r5.large"),
)
"""
# What DocumentDB needs to write audit events to CloudWatch Logs (Developer Guide, "Auditing
# Amazon DocumentDB events", "Enabling auditing"): the audit export AND `audit_logs` enabled in
# the cluster's parameter group; the profiler export as well, for the whole of what CDK offers.
_L2_LOGGING = """\
from aws_cdk import aws_docdb as docdb, aws_ec2 as ec2

database_parameters = docdb.ClusterParameterGroup(
    self, "DatabaseParameters", family="docdb5.0", parameters={"audit_logs": "enabled"},
)
docdb.DatabaseCluster(
    self, "Database", vpc=vpc, master_user=docdb.Login(username="admin"), engine_version="5.0.0",
    instance_type=ec2.InstanceType("r5.large"),
    export_audit_logs_to_cloud_watch=True, export_profiler_logs_to_cloud_watch=True,
    parameter_group=database_parameters,
)
"""
# What docs/awssolutions-docdb.md tells the user to do once audit logs are on: cdk-nag 3 has no
# NagSuppressions; CDK's Validations takes one acknowledgment per finding.
_L2_ACKNOWLEDGED = _L2_LOGGING.replace("docdb.DatabaseCluster(", "cluster = docdb.DatabaseCluster(") + """\
import aws_cdk as cdk

cdk.Validations.of(cluster).acknowledge(*(
    cdk.Acknowledgment(id=f"AwsSolutions-DOC5[LogExport::{name}]", reason="audit logs are exported")
    for name in ("authenticate", "createIndex", "dropCollection")
))
"""
_L1 = """\
from aws_cdk import aws_docdb as docdb

docdb.CfnDBCluster(
    self, "Database", master_username="admin", master_user_password="Password1!", storage_encrypted=True,
    backup_retention_period=7{exports},
)
"""


def _l1(exports: tuple[str, ...] | None) -> str:
    return _L1.format(exports="" if exports is None else f", enable_cloudwatch_logs_exports={json.dumps(list(exports))}")


@pytest.fixture(scope="module")
def proofs():
    from cdkfix.effects import Case, prove

    return prove([
        Case("l2-logging", _L2_BEFORE, _L2_LOGGING),
        Case("l1-log-types", _l1(None), _l1(("audit", "profiler"))),
        Case("l1-event-names", _l1(None), _l1(EVENT_NAMES)),
        Case("l2-acknowledged", _L2_BEFORE, _L2_ACKNOWLEDGED),
    ])


def _doc5(side) -> list[str]:
    return sorted(finding.rule_id for finding in side.nag if finding.base_rule == DOC5)


def _exports(side) -> list[list[str]]:
    return [
        resource["Properties"].get("EnableCloudwatchLogsExports")
        for template in side.templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::DocDB::DBCluster"
    ]


def _lint_errors(side) -> set[tuple[str, str]]:
    """cfn-lint's errors (E rules) by (rule id, resource)."""
    from cfnlint.api import lint
    from cfnlint.core import get_rules

    rules = get_rules([], [], [])
    found = set()
    for template in side.templates.values():
        for match in lint(json.dumps(template), rules=rules, regions=["us-east-1"]):
            if match.rule.id.startswith("E"):
                path = list(getattr(match, "path", None) or [])
                found.add((match.rule.id, str(path[1]) if len(path) > 1 else ""))
    return found


@pytest.mark.synth
def test_the_logging_configuration_keeps_every_doc5_finding(proofs):
    proof = proofs["l2-logging"]
    assert proof.before.ok and proof.after.ok, (proof.before.error, proof.after.error)
    assert _exports(proof.after) == [["audit", "profiler"]]
    groups = [
        resource["Properties"]
        for template in proof.after.templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::DocDB::DBClusterParameterGroup"
    ]
    assert [group["Parameters"] for group in groups] == [{"audit_logs": "enabled"}]
    # Audit logging as AWS documents it: cdk-nag still reports all three, and nothing else changes.
    assert _doc5(proof.before) == _doc5(proof.after) == ALL_FINDINGS
    assert not proof.nag_new and not proof.nag_cleared
    assert not proof.new_validate_errors
    assert dict(proof.added) == {"AWS::DocDB::DBClusterParameterGroup": 1}


@pytest.mark.synth
def test_the_l1_cluster_exporting_both_log_types_keeps_every_doc5_finding(proofs):
    proof = proofs["l1-log-types"]
    assert proof.before.ok and proof.after.ok
    assert _exports(proof.after) == [["audit", "profiler"]]
    assert _doc5(proof.before) == _doc5(proof.after) == ALL_FINDINGS


@pytest.mark.synth
def test_only_event_names_clear_doc5_and_no_offline_check_sees_them_as_wrong(proofs):
    """The template cdk-nag passes names no DocumentDB log type, and the proof's checks (Validate,
    cfn-lint: its schema types the list as plain strings) find nothing: a fix writing it would
    pass the harness and fail when DocumentDB is asked to export a log type it does not have."""
    proof = proofs["l1-event-names"]
    assert proof.before.ok and proof.after.ok
    assert _exports(proof.after) == [list(EVENT_NAMES)]
    assert _doc5(proof.before) == ALL_FINDINGS and _doc5(proof.after) == []
    assert not proof.nag_new and not proof.new_validate_errors
    assert _lint_errors(proof.after) == _lint_errors(proof.before)


@pytest.mark.synth
def test_acknowledging_the_three_findings_on_the_l2_cluster_clears_them(proofs):
    proof = proofs["l2-acknowledged"]
    assert proof.before.ok and proof.after.ok, proof.after.error
    assert _doc5(proof.before) == ALL_FINDINGS and _doc5(proof.after) == []
    assert not proof.nag_new and not proof.new_validate_errors


def test_the_installed_cdk_nag_rule_asks_for_event_names():
    """The rule's source in the installed cdk-nag: the three audit event names compared with the
    cluster's log exports. cdk-nag's own message says "Log Exports"; cdk-nag issue #1421 is a
    user who enabled audit logs and kept the finding."""
    bundle = next((Path(cdk_nag.__file__).parent / "_jsii").glob("cdk-nag@*.jsii.tgz"))
    with tarfile.open(bundle) as archive:
        source = archive.extractfile("package/lib/rules/documentdb/DocumentDBClusterLogExports.js").read().decode()
    assert "const needed = ['authenticate', 'createIndex', 'dropCollection'];" in source
    assert "node.enableCloudwatchLogsExports" in source


def test_the_installed_cfn_dbcluster_documents_audit_and_profiler_as_the_log_types():
    import inspect

    from aws_cdk import aws_docdb

    assert "You can enable audit logs or profiler logs." in inspect.getdoc(aws_docdb.CfnDBCluster.__init__)


def test_no_rule_claims_doc5():
    """A DOC5 fix either keeps the finding (the proof fails) or writes log types DocumentDB does
    not have (deployment fails): see the module's docstring before adding one."""
    assert DOC5 not in {rule.code for rule in all_rules()}
