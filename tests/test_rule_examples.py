"""Every rule's own examples: before -> exact after, after -> unchanged, output compiles."""

import pytest

from cdkfix.registry import all_rules
from cdkfix.testing import check_example

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{index}-{example.name or 'example'}")
    for rule in all_rules()
    for index, example in enumerate(rule.examples)
]


@pytest.mark.parametrize("rule, example", CASES)
def test_rule_example(rule, example):
    check_example(rule, example)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_metadata(rule):
    assert rule.code and rule.name and rule.title and rule.issue and rule.fix and rule.impact
    if not rule.fixes:  # a report-only rule: its findings are shown, never fixed
        assert all(example.after is None for example in rule.examples), "a report-only rule fixed an example"
        assert sum(example.flagged for example in rule.examples) >= 3, "needs three reported variants"
        assert any(not example.flagged for example in rule.examples), "needs a no-op example"
        return
    assert any(example.after is not None for example in rule.examples), "needs a fixed example"
    assert any(example.after is None for example in rule.examples), "needs a no-op example"
    assert len([e for e in rule.examples if e.after is not None]) >= 3, "needs three written variants"
