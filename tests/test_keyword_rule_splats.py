"""Declarative keyword rules and `**` splats (cdkfix/keyword_rule.py), for every declaration.

A splat hides which keywords a call gets: a keyword the fix needs to know about may be in it,
so the finding is reported without a fix (never skipped silently, never guessed); a keyword
stated beside the splat cannot also be in it (Python refuses a keyword given twice), so the
user's own value is left alone. Every declaration also carries these two cases as generated
examples (`splat_examples`), run by tests/test_rule_examples.py.
"""

from __future__ import annotations

import pytest

from cdkfix.keyword_rule import splat_examples
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules
from cdkfix.testing import fix_source

DECLARED = [rule for rule in all_rules() if hasattr(rule, "spec")]
INSIDE = [rule for rule in DECLARED if rule.spec.inside is not None]


def _ids(rule) -> str:
    return rule.code


def test_there_are_declarations_with_and_without_props_objects():
    assert len(DECLARED) >= 20 and INSIDE


@pytest.mark.parametrize("rule", DECLARED, ids=_ids)
def test_the_splat_examples_come_last(rule):
    # The fix-effect harness names examples by index: the generated splat examples must not
    # move the declaration's own examples; a handoff's examples (keyword_rule.Handoff) come after
    # them, so adding a handoff moves none of the existing ones.
    splats = splat_examples(rule.spec)
    handed = [example for handoff in rule.spec.handoffs for example in handoff.examples]
    end = len(rule.examples) - len(handed)
    assert rule.examples[end - len(splats):end] == splats
    assert rule.examples[end:] == handed
    assert splats[0].flagged and splats[0].after is None


def _call(rule, keywords: str) -> str:
    qualified = rule.spec.constructs[0]
    module, name = qualified.split(".")[1], ".".join(qualified.split(".")[2:])
    return f'from aws_cdk import {module}\n\n\ndef build(self, props, options):\n    {module}.{name}(self, "Splat"{keywords})\n'


@pytest.mark.parametrize("rule", DECLARED, ids=_ids)
def test_a_splat_is_reported_without_a_fix(rule):
    source = _call(rule, ", **props")
    fixed, records = fix_source(source, [rule])
    assert fixed == source
    assert [(record.code, record.status) for record in records] == [(rule.code, FixStatus.NO_FIX)]
    assert "`**` splat" in records[0].detail and f"`{rule.spec.keyword}`" in records[0].detail


@pytest.mark.parametrize("rule", INSIDE, ids=_ids)
def test_a_splat_inside_the_props_object_is_reported_without_a_fix(rule):
    props = rule.spec.inside[0]
    module, name = props.split(".")[1], ".".join(props.split(".")[2:])
    source = _call(rule, f", {rule.spec.keyword}={module}.{name}(**options)")
    fixed, records = fix_source(source, [rule])
    assert fixed == source
    assert [(record.code, record.status) for record in records] == [(rule.code, FixStatus.NO_FIX)]
    assert f"a `**` splat in `{name.rsplit('.', 1)[-1]}(...)`" in records[0].detail


@pytest.mark.parametrize("rule", [rule for rule in INSIDE if not (rule.spec.decided_by or rule.spec.blocked_by)], ids=_ids)
def test_a_props_object_beside_a_splat_is_fixed(rule):
    # The props keyword is stated, so the splat cannot hold it; nothing else decides the fix.
    props = rule.spec.inside[0]
    module, name = props.split(".")[1], ".".join(props.split(".")[2:])
    source = _call(rule, f", {rule.spec.keyword}={module}.{name}(), **props")
    fixed, records = fix_source(source, [rule])
    assert [(record.code, record.status) for record in records] == [(rule.code, FixStatus.APPLIED)]
    for key in rule.spec.inside[1]:
        assert f"{name}({key}=" in fixed or f", {key}=" in fixed
