"""The import map remembers each node's resolution for the file, and forgets on a new binding."""

from __future__ import annotations

import libcst as cst

from cdkfix.names import ImportMap
from cdkfix.rule import Category, FileContext, Kind, Rule


class _Plain(Rule):
    code = "TEST-R1"
    name = "plain"
    title = "Plain"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = fix = impact = "-"


def _value(module: cst.Module, line: int) -> cst.BaseExpression:
    return module.body[line].body[0].value


def test_resolve_forgets_when_a_binding_is_added():
    module = cst.parse_module("import aws_cdk.aws_s3 as s3\nx = cw.Alarm()\ny = s3.Bucket()\n")
    imports = ImportMap.from_module(module)
    alarm, bucket = _value(module, 1).func, _value(module, 2).func
    assert imports.resolve(alarm) is None
    assert imports.resolve(bucket) == "aws_cdk.aws_s3.Bucket"
    imports.bind("cw", "aws_cdk.aws_cloudwatch")
    assert imports.resolve(alarm) == "aws_cdk.aws_cloudwatch.Alarm"
    assert imports.resolve(bucket) == "aws_cdk.aws_s3.Bucket"


def test_an_import_a_rule_adds_is_seen_by_later_resolutions():
    module = cst.parse_module("from aws_cdk import aws_s3 as s3\nx = RemovalPolicy.DESTROY\n")
    context = FileContext(module, ImportMap.from_module(module), "x.py", 88)
    rule = _Plain(context)
    member = _value(module, 1)
    assert rule.resolve(member) is None
    rule.ref("aws_cdk.RemovalPolicy.RETAIN")  # imports RemovalPolicy from aws_cdk
    assert rule.resolve(member) == "aws_cdk.RemovalPolicy.DESTROY"


def test_a_snapshot_keeps_its_own_resolutions():
    module = cst.parse_module("x = cw.Alarm()\n")
    imports = ImportMap.from_module(module)
    alarm = _value(module, 0).func
    snapshot = imports.snapshot()
    assert snapshot.resolve(alarm) is None
    imports.bind("cw", "aws_cdk.aws_cloudwatch")
    assert imports.resolve(alarm) == "aws_cdk.aws_cloudwatch.Alarm"
    assert snapshot.resolve(alarm) is None
