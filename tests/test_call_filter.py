"""Rules' `calls`/`call_names` (RuleRunner hands visit_Call only the calls a rule names)
change nothing but the time: every rule finds exactly what it finds when it sees every call."""

from __future__ import annotations

import dataclasses
import random

import libcst as cst
import pytest

from cdkfix import engine
from cdkfix.config import RunConfig
from cdkfix.names import ImportMap
from cdkfix.registry import all_rules
from cdkfix.rule import FileContext
from cdkfix.samples import realistic_cdk_module
from reliability_support import example_files, fix_all


def _unfiltered(self, node):
    return [method for method, _, _ in self._call_filters]


def _both_ways(monkeypatch, source: str, rules=()):
    filtered = fix_all(source, rules)
    with monkeypatch.context() as patch:
        patch.setattr(engine.RuleRunner, "_call_visitors", _unfiltered)
        every_call = fix_all(source, rules)
    assert filtered.new_source == every_call.new_source
    assert [dataclasses.asdict(r) for r in filtered.fixes] == [dataclasses.asdict(r) for r in every_call.fixes]
    return filtered


def _generated(count: int) -> list[str]:
    rng = random.Random(11)
    return [realistic_cdk_module(rng, flaw_rate=0.6) for _ in range(count)]


def _sources() -> list[str]:
    examples = [example.before for rule in all_rules() for example in rule.examples]
    return examples + [path.read_text() for path in example_files()] + _generated(30)


def test_most_rules_name_their_calls():
    # The point of the filter: a rule left at None sees every call of every file.
    assert sum(rule.calls is not None for rule in all_rules()) >= 20


def test_the_filter_changes_no_fix_of_all_rules_together(monkeypatch):
    fixed = sum(_both_ways(monkeypatch, source).new_source is not None for source in _sources())
    assert fixed > 100


@pytest.mark.parametrize("rule", [rule for rule in all_rules() if rule.calls is not None], ids=lambda rule: rule.code)
def test_the_filter_changes_no_fix_of_each_rule_alone(monkeypatch, rule):
    # Its own examples run alone in test_rule_examples; here, the others' and generated stacks.
    for source in [path.read_text() for path in example_files()] + _generated(12):
        _both_ways(monkeypatch, source, [rule])


ALIASES = """\
import aws_cdk.aws_s3 as storage
from aws_cdk.aws_ecs import FargateService as Service
from aws_cdk import aws_ecs

bucket = storage.Bucket(self, "B")
service = Service(self, "S", cluster=cluster, task_definition=task)
other = aws_cdk.aws_ecs.FargateService(self, "T", cluster=cluster, task_definition=task)
"""


def test_calls_are_matched_through_the_imports_not_the_text():
    config = RunConfig.default()
    module = cst.parse_module(ALIASES)
    context = FileContext(module, ImportMap.from_module(module), "x.py", 88)
    rules = [rule(context) for rule in config.rules]
    runner = engine.RuleRunner(rules, context)
    calls = [node for node in engine.NodeIndex(module).nodes if isinstance(node, cst.Call)]
    by_rule = {call: {method.__self__.code for method in runner._call_visitors(call)} for call in calls}
    bucket, service, other = calls
    unfiltered = {rule.code for rule in rules if rule.calls is None and hasattr(rule, "visit_Call")}
    # IAM4: the role of the bucket notifications handler (issue 14).
    assert by_rule[bucket] == unfiltered | {
        "CDK-B1", "CDK-B2", "AwsSolutions-S10", "AwsSolutions-S1", "AwsSolutions-S2", "AwsSolutions-IAM4"
    }
    assert {"CDK-B11", "CDK-I3", "CDK-I4", "CDK-A3"} <= by_rule[service]
    assert "CDK-B2" not in by_rule[service]
    # `aws_cdk` itself is not imported here: not a CDK name, only A3's by-name match remains.
    assert by_rule[other] == unfiltered | {"CDK-A3"}
