"""AwsSolutions-RS1 and RS11 share one parameter group; how it holds up when only one of the two
fixes applies, what each fix's record shows, and the engine's one insertion of a shared statement."""

from __future__ import annotations

import libcst as cst

from cdkfix.config import RunConfig
from cdkfix.edits import ApplyEdits, InsertStatements
from cdkfix.engine import fix_module
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules
from cdkfix.testing import fix_source

RULES = {rule.code: rule for rule in all_rules()}
RS1, RS11 = RULES["AwsSolutions-RS1"], RULES["AwsSolutions-RS11"]

ARGS = (
    'self, "Warehouse", cluster_type="single-node", db_name="db", master_username="admin", '
    'node_type="ra3.xlplus", master_user_password="Password1!"'
)
SOURCE = f"""\
from aws_cdk import aws_redshift as redshift

warehouse = redshift.CfnCluster({ARGS}){{comment}}
"""


def _group(parameters: list[str]) -> str:
    items = "".join(
        "        redshift.CfnClusterParameterGroup.ParameterProperty(\n"
        f'            parameter_name="{name}", parameter_value="true"\n'
        "        )" + (",\n" if len(parameters) > 1 else "\n")
        for name in parameters
    )
    return (
        "warehouse_parameters = redshift.CfnClusterParameterGroup(\n"
        "    self,\n"
        '    "WarehouseParameters",\n'
        '    description="Parameters of the Redshift cluster",\n'
        '    parameter_group_family="redshift-1.0",\n'
        "    parameters=[\n"
        f"{items}"
        "    ],\n"
        ")\n"
    )


def _fixed(parameters: list[str], comment: str = "") -> str:
    return (
        "from aws_cdk import aws_redshift as redshift\n\n"
        + _group(parameters)
        + f"\nwarehouse = redshift.CfnCluster({ARGS}, cluster_parameter_group_name=warehouse_parameters.ref){comment}\n"
    )


def test_both_rules_write_one_group_with_both_parameters():
    fixed, records = fix_source(SOURCE.format(comment=""), [RS1, RS11])
    assert fixed == _fixed(["require_ssl", "enable_user_activity_logging"])
    assert fixed.count("CfnClusterParameterGroup(") == 1
    assert [(record.code, record.status) for record in records] == [
        ("AwsSolutions-RS1", FixStatus.APPLIED),
        ("AwsSolutions-RS11", FixStatus.APPLIED),
    ]


def test_each_record_shows_its_own_parameter_only():
    """The report's snippet of each fix is that fix applied alone: the shared group as its own
    change completes it."""
    _, records = fix_source(SOURCE.format(comment=""), [RS1, RS11])
    by_code = {record.code: record for record in records}
    assert 'parameter_name="require_ssl"' in by_code["AwsSolutions-RS1"].after
    assert "enable_user_activity_logging" not in by_code["AwsSolutions-RS1"].after
    assert 'parameter_name="enable_user_activity_logging"' in by_code["AwsSolutions-RS11"].after
    assert "require_ssl" not in by_code["AwsSolutions-RS11"].after


def _without(code: str) -> tuple[str, list]:
    """Both rules run, the fix of `code` left out (RunConfig.skip: how `--verify` rolls back one
    fix and keeps the others)."""
    source = SOURCE.format(comment="")
    _, first = fix_source(source, [RS1, RS11])
    skip = frozenset(record.id for record in first if record.code == code)
    config = RunConfig(rules=(RS1, RS11), unsafe_fixes=True, skip=skip)
    result = fix_module(source.encode(), "example.py", config)
    assert not result.errors
    return result.new_source.decode(), result.fixes


def test_rs11_left_out_leaves_the_group_with_require_ssl_only():
    fixed, records = _without("AwsSolutions-RS11")
    assert fixed == _fixed(["require_ssl"])
    assert [(record.code, record.status) for record in records] == [
        ("AwsSolutions-RS1", FixStatus.APPLIED),
        ("AwsSolutions-RS11", FixStatus.SKIPPED),
    ]


def test_rs1_left_out_leaves_the_group_with_user_activity_logging_only():
    """The group statement both fixes carry has no parameter of its own: with RS1's fix left
    out, nothing of it remains (no require_ssl the user did not accept)."""
    fixed, records = _without("AwsSolutions-RS1")
    assert fixed == _fixed(["enable_user_activity_logging"])
    assert [(record.code, record.status) for record in records] == [
        ("AwsSolutions-RS1", FixStatus.SKIPPED),
        ("AwsSolutions-RS11", FixStatus.APPLIED),
    ]


def test_a_second_run_with_the_other_rule_adds_its_parameter_to_the_group():
    """RS1 alone, then both: the cluster names the group of the file, which gets the missing
    parameter appended; a third run changes nothing."""
    first, _ = fix_source(SOURCE.format(comment=""), [RS1])
    second, records = fix_source(first, [RS1, RS11])
    assert [(record.code, record.status) for record in records] == [("AwsSolutions-RS11", FixStatus.APPLIED)]
    assert second.count("enable_user_activity_logging") == 1 and second.count("require_ssl") == 1
    assert "CfnClusterParameterGroup(" in second and second.count("CfnClusterParameterGroup(") == 1
    third, more = fix_source(second, [RS1, RS11])
    assert third == second and not more


def test_two_clusters_get_two_groups():
    source = (
        "from aws_cdk import aws_redshift as redshift\n\n"
        f"a = redshift.CfnCluster({ARGS})\n"
        f"b = redshift.CfnCluster({ARGS.replace('Warehouse', 'Replica')})\n"
    )
    fixed, records = fix_source(source, [RS1, RS11])
    assert fixed.count("CfnClusterParameterGroup(") == 2
    assert "cluster_parameter_group_name=a_parameters.ref" in fixed
    assert "cluster_parameter_group_name=b_parameters.ref" in fixed
    assert fixed.count('parameter_name="require_ssl"') == 2
    assert fixed.count('parameter_name="enable_user_activity_logging"') == 2
    assert len(records) == 4


def test_the_same_insertion_carried_twice_goes_in_once():
    module = cst.parse_module("x = 1\n")
    anchor = module.body[0]
    shared = InsertStatements(anchor, [cst.parse_statement("y = 2\n")], before=True)
    assert module.visit(ApplyEdits([shared, shared])).code == "y = 2\nx = 1\n"
    # Equal text is not the same insertion: two edits that insert alike both go in.
    other = InsertStatements(anchor, [cst.parse_statement("y = 2\n")], before=True)
    assert module.visit(ApplyEdits([shared, other])).code == "y = 2\ny = 2\nx = 1\n"
