"""Idempotence: applying twice equals applying once, for all rules together and for every
rule alone, on generated CDK modules, on the rule examples and on the example apps.

Budget: a fixed number of generated cases (the same ones on every run) keeps CI fast;
CDKFIX_FUZZ_EXAMPLES=N runs N fresh cases per test (a share of N per rule), see
docs/reliability.md.
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules
from reliability_support import (
    cdk_modules, example_files, example_mixes, fix_all, fuzz_settings, output_of, seeded_cdk_modules,
)


def _assert_idempotent(source: str, rules=()) -> str:
    first = fix_all(source, rules)
    assert not first.errors, first.errors
    # A finding without a fix (a `**` splat hides the keywords), or one the code suppresses (a
    # cdk-nag acknowledgement such as NAG3-2's migrated ones), changes nothing and is reported
    # on every run, the same each time; every other finding must be fixed.
    stable = (FixStatus.NO_FIX, FixStatus.SUPPRESSED)
    unfixed = sorted((record.code, record.message) for record in first.fixes if record.status in stable)
    assert all(record.status in (FixStatus.APPLIED, *stable) for record in first.fixes)
    once = output_of(source, first)
    compile(once, "generated.py", "exec")
    second = fix_all(once, rules)
    assert not second.errors, second.errors
    twice = output_of(once, second)
    assert twice == once, "a second run changed the output"
    found = [record for record in second.fixes if record.status not in stable]
    assert found == [], f"a second run still finds {[record.code for record in found]}"
    assert sorted((record.code, record.message) for record in second.fixes) == unfixed
    return once


def _name(path) -> str:
    return f"{path.parent.name}/{path.name}"


@fuzz_settings(100)
@given(seeded_cdk_modules())
def test_all_rules_on_sample_modules(source):
    _assert_idempotent(source)


@fuzz_settings(100)
@given(cdk_modules())
def test_all_rules_on_composed_modules(source):
    _assert_idempotent(source)


@fuzz_settings(100)
@given(example_mixes())
def test_all_rules_on_mixed_rule_examples(source):
    _assert_idempotent(source)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
@fuzz_settings(20, share=0.1)
@given(source=example_mixes(), composed=cdk_modules(), data=st.data())
def test_each_rule_alone(rule, source, composed, data):
    own = data.draw(example_mixes(rule))
    for text in (own, source, composed):
        _assert_idempotent(text, (rule,))


@pytest.mark.parametrize("path", example_files(), ids=_name)
def test_example_app_file_once_fixed_stays_fixed(path):
    _assert_idempotent(path.read_text())


@pytest.mark.parametrize("path", example_files(), ids=_name)
def test_example_app_file_each_rule_alone(path):
    source = path.read_text()
    for rule in all_rules():
        _assert_idempotent(source, (rule,))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_example_afters_are_left_alone_by_every_rule(rule):
    for example in rule.examples:
        if example.after is None:
            continue
        # All rules together may still fix something the rule's own example leaves (another
        # rule's flaw); what they produce must then be stable.
        _assert_idempotent(example.after)

