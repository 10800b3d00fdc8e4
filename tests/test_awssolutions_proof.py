"""The AwsSolutions pack's proof: every fixed example, synthesized before and after with
aws-cdk-lib and cdk-nag 3 AwsSolutions as a validation plugin, in one process.

Per example: both sides synthesize; the rule's finding is present before and gone after;
no finding of any rule appears that was not there before; cfn-lint finds no new error;
and a fix that makes CloudFormation replace a resource is declared unsafe.
"""

from __future__ import annotations

import pytest

from cdkfix.registry import all_rules
from cdkfix.rule import Safety

pytest.importorskip("aws_cdk")
pytest.importorskip("cdk_nag")

from awssolutions_proof_support import Case, prove  # noqa: E402

pytestmark = pytest.mark.synth

PACK = [rule for rule in all_rules() if "AwsSolutions" in rule.groups]
CASES = {
    f"{rule.code}-{index}": (rule, Case(f"{rule.code}-{index}", example.before, example.after))
    for rule in PACK
    for index, example in enumerate(rule.examples)
    if example.after is not None
}


@pytest.fixture(scope="module")
def proofs():
    return prove([case for _, case in CASES.values()])


def test_the_pack_has_rules():
    assert len(PACK) >= 20


@pytest.mark.parametrize("case_id", list(CASES))
def test_fix_clears_its_finding_and_adds_none(proofs, case_id):
    rule, case = CASES[case_id]
    proof = proofs[case_id]
    assert proof.before.ok, proof.before.error
    assert proof.after.ok, proof.after.error
    assert proof.rule_findings(proof.before, rule.code), f"{rule.code} not reported before: {sorted(proof.before.findings)}"
    assert not proof.rule_findings(proof.after, rule.code), f"{rule.code} still reported after"
    assert not proof.new_findings, f"new findings after the fix: {sorted(proof.new_findings)}"
    assert not proof.new_lint_errors, f"new cfn-lint errors: {sorted(proof.new_lint_errors)}"
    if proof.replaced:
        assert rule.safety is Safety.UNSAFE, f"replaces {proof.replaced} but is declared safe"
